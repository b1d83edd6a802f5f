// npm run e2e: the browser journeys in Debian's Chromium against a real server process. Builds the
// web apps first when they are missing. Extra arguments go to Vitest.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..");
const chromium = process.env.WANGGE_CHROMIUM ?? "/usr/bin/chromium";
if (!existsSync(chromium)) {
  console.error(`wangge: Chromium is missing at ${chromium}; install it with: apt-get install -y chromium`);
  process.exit(1);
}
if (!existsSync(path.join(root, "packages/web/dist/index.html"))) {
  const build = spawnSync("npm", ["run", "build", "-w", "@wangge/web"], { cwd: root, stdio: "inherit" });
  if (build.status !== 0) process.exit(build.status ?? 1);
}
const result = spawnSync("npx", ["vitest", "run", "--project", "e2e", ...process.argv.slice(2)], {
  cwd: root,
  stdio: "inherit",
});
process.exit(result.status ?? 1);

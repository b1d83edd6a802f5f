// npm start: build the web apps if they are not built, then migrate, load the demo data on the first
// start of an empty database, and serve on http://localhost:3000 (PORT to change).
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..");
const webIndex = path.join(root, "packages/web/dist/index.html");
if (!existsSync(webIndex) && !process.env.WANGGE_WEB_DIST) {
  console.log("Building the web apps (first start only)…");
  const build = spawnSync("npm", ["run", "build", "-w", "@wangge/web"], { cwd: root, stdio: "inherit" });
  if (build.status !== 0) {
    console.error("wangge: building the web apps failed (see above)");
    process.exit(build.status ?? 1);
  }
}
// The demo's residents sign in with a code by SMS; without a gateway, npm start writes the code to the
// log (the server warns at start). A deployment chooses WANGGE_SMS_SENDER itself.
if (!process.env.WANGGE_SMS_SENDER && !process.env.WANGGE_SMS_WEBHOOK_URL) process.env.WANGGE_SMS_SENDER = "log";
const { register } = await import("tsx/esm/api");
register();
const { runCli } = await import("../packages/server/src/cli.ts");
await runCli([process.argv[0], "wangge", "serve", "--demo", ...process.argv.slice(2)]);

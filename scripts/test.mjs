// npm test: everything CI runs except the PostgreSQL and browser passes (npm run test:postgres,
// npm run e2e): lint, type check, import boundaries, then the core, server (on PGlite) and web tests.
import { spawnSync } from "node:child_process";

const steps = [
  ["lint", "npx", ["biome", "ci", "."]],
  ["type check", "npm", ["run", "--silent", "typecheck"]],
  ["import boundaries", "npm", ["run", "--silent", "check:boundaries"]],
  [
    "tests (core, server on PGlite, web)",
    "npx",
    ["vitest", "run", "--project", "core", "--project", "server", "--project", "web", ...process.argv.slice(2)],
  ],
];
for (const [name, cmd, args] of steps) {
  console.log(`\n▶ ${name}`);
  const result = spawnSync(cmd, args, { stdio: "inherit" });
  if (result.status !== 0) {
    console.error(`\n✗ ${name} failed`);
    process.exit(result.status ?? 1);
  }
}

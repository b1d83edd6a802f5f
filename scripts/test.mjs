// npm test: everything CI runs except the PostgreSQL and browser passes (npm run test:postgres,
// npm run e2e): lint, type check, import boundaries, then the core, server (on PGlite) and web tests.
// Every step runs even when one before it failed (a lint error does not hide a failing test); the exit
// status is non-zero when any failed. Extra arguments go to Vitest (`npm test -- --reporter=json
// --outputFile.json=report.json`). With WANGGE_TEST_STEPS_FILE set, each step's name, kind and outcome
// is written there as JSON, so CI (.ci/run) counts the checks that have no test report.
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";

const steps = [
  ["lint", "check", "npx", ["biome", "ci", "."]],
  ["type check", "check", "npm", ["run", "--silent", "typecheck"]],
  ["import boundaries", "check", "npm", ["run", "--silent", "check:boundaries"]],
  [
    "tests (core, server on PGlite, web)",
    "tests",
    "npx",
    ["vitest", "run", "--project", "core", "--project", "server", "--project", "web", ...process.argv.slice(2)],
  ],
];
const outcomes = [];
for (const [name, kind, cmd, args] of steps) {
  console.log(`\n▶ ${name}`);
  const result = spawnSync(cmd, args, { stdio: "inherit" });
  const ok = result.status === 0;
  outcomes.push({ name, kind, ok, status: result.status ?? null });
  if (!ok) console.error(`\n✗ ${name} failed`);
}
if (process.env.WANGGE_TEST_STEPS_FILE)
  writeFileSync(process.env.WANGGE_TEST_STEPS_FILE, `${JSON.stringify(outcomes, null, 2)}\n`);
const failed = outcomes.filter((o) => !o.ok);
if (failed.length > 0) {
  console.error(`\nnpm test failed: ${failed.map((o) => o.name).join(", ")}`);
  process.exit(1);
}

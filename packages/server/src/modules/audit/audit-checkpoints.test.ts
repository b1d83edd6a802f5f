import { readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { sql } from "kysely";
import { afterAll, describe, expect, it } from "vitest";
import { buildTestApp, type TestApp } from "../../test/build-test-app.ts";
import { buildUser, type Session, signIn } from "../../test/factories.ts";
import { recordAudit } from "./audit.service.ts";
import {
  auditCheckpointer,
  checkpointFile,
  startAuditCheckpoints,
  verifyAuditTrailWithCheckpoints,
} from "./audit-checkpoints.service.ts";

/**
 * Rows removed from the END of the trail leave a valid (shorter) chain: only the checkpoints written
 * outside the database show them. Each test gets an app of its own, so what one removes does not
 * disturb the next.
 */
const apps: TestApp[] = [];
afterAll(async () => {
  for (const a of apps) await a.close();
});

async function setUp(): Promise<{ t: TestApp; auditor: Session; logged: { obj: object; msg?: string }[] }> {
  const t = await buildTestApp();
  apps.push(t);
  const logged: { obj: object; msg?: string }[] = [];
  t.ctx.log = {
    info: (obj, msg) => logged.push({ obj, ...(msg ? { msg } : {}) }),
    warn: (obj, msg) => logged.push({ obj, ...(msg ? { msg } : {}) }),
  };
  const auditor = await signIn(t, await buildUser(t.ctx, { role: "auditor" }));
  return { t, auditor, logged };
}

/** What someone with the table owner's rights can do: switch the trigger off, remove, switch it on. */
async function removeNewest(t: TestApp, count: number): Promise<number[]> {
  const doomed = await t.ctx.db.selectFrom("audit_log").select("seq").orderBy("seq", "desc").limit(count).execute();
  const seqs = doomed.map((r) => Number(r.seq));
  await t.ctx.db.transaction().execute(async (trx) => {
    await sql`alter table audit_log disable trigger audit_log_no_update`.execute(trx);
    await sql`delete from audit_log where seq = any(${seqs})`.execute(trx);
    await sql`alter table audit_log enable trigger audit_log_no_update`.execute(trx);
  });
  return seqs.sort((a, b) => a - b);
}

const verify = async (t: TestApp, auditor: Session) => {
  const res = await t.app.inject({ method: "GET", url: "/api/v1/audit/verify", headers: auditor.headers });
  expect(res.statusCode).toBe(200);
  return res.json();
};

describe("audit checkpoints", () => {
  it("are written outside the database, to a private file and the log, only when the trail moved", async () => {
    const { t, auditor, logged } = await setUp();
    const checkpointer = auditCheckpointer(t.ctx);
    const first = await checkpointer.checkpoint();
    const head = await t.ctx.db
      .selectFrom("audit_log")
      .select(["seq", "hash"])
      .orderBy("seq", "desc")
      .executeTakeFirstOrThrow();
    const rows = await t.ctx.db
      .selectFrom("audit_log")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .executeTakeFirstOrThrow();
    expect(first).toMatchObject({
      v: 1,
      database:
        t.ctx.dbKind === "pglite" ? "pglite" : expect.stringMatching(/^postgres:\/\/127\.0\.0\.1:\d+\/wangge_test_/),
      seq: Number(head.seq),
      rows: Number(rows.n),
      hash: Buffer.from(head.hash, "hex").toString("base64url"),
      macAlg: "hmac-sha256",
    });
    expect(JSON.stringify(first)).not.toMatch(/password|@/);
    expect(await checkpointer.checkpoint()).toBeNull();

    await recordAudit(t.ctx, t.ctx.db, { action: "test.more", outcome: "success" });
    const second = await checkpointer.checkpoint();
    expect(second).toMatchObject({ seq: Number(head.seq) + 1, rows: Number(rows.n) + 1 });

    const file = checkpointFile(t.config.dataDir);
    const lines = readFileSync(file, "utf8").trim().split("\n");
    expect(lines.map((l) => JSON.parse(l))).toEqual([first, second]);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(path.dirname(file)).mode & 0o777).toBe(0o700);
    expect(logged.filter((l) => l.msg === "audit checkpoint").map((l) => l.obj)).toEqual([
      { auditCheckpoint: first },
      { auditCheckpoint: second },
    ]);
    expect(await verify(t, auditor)).toMatchObject({
      ok: true,
      problem: null,
      checkpoints: { checked: 2, latest: { seq: second?.seq, rows: second?.rows }, problems: [] },
    });
  });

  it("make verify name the newest row deleted directly in the database", async () => {
    const { t, auditor, logged } = await setUp();
    const checkpointer = auditCheckpointer(t.ctx);
    const written = await checkpointer.checkpoint();
    const [gone] = await removeNewest(t, 1);
    expect(gone).toBe(written?.seq);

    // The chain alone still verifies: that is the hole.
    const verdict = await verify(t, auditor);
    expect(verdict).toMatchObject({
      ok: false,
      firstBadSeq: gone,
      problem: "rows_missing",
      checkpoints: {
        checked: 1,
        problems: [{ line: 1, problem: "rows_missing", seq: gone, missingFrom: gone, missingTo: gone }],
      },
    });
    // The next checkpoint notices too, in the log.
    await recordAudit(t.ctx, t.ctx.db, { action: "test.after", outcome: "success" });
    await checkpointer.checkpoint();
    expect(logged.map((l) => l.msg)).toContainEqual(
      expect.stringMatching(/no longer holds the row of the last checkpoint/),
    );
    expect((await verify(t, auditor)).problem).toBe("row_replaced");
  });

  it("make verify name the last ten rows deleted, and a truncated table", async () => {
    const { t, auditor } = await setUp();
    for (let i = 0; i < 12; i++) await recordAudit(t.ctx, t.ctx.db, { action: `test.row${i}`, outcome: "success" });
    const written = await auditCheckpointer(t.ctx).checkpoint();
    const gone = await removeNewest(t, 10);
    expect(await verify(t, auditor)).toMatchObject({
      ok: false,
      firstBadSeq: gone[0],
      problem: "rows_missing",
      checkpoints: { problems: [{ problem: "rows_missing", missingFrom: gone[0], missingTo: written?.seq }] },
    });
    const result = await verifyAuditTrailWithCheckpoints(t.ctx);
    expect(result.chain).toMatchObject({ ok: true });

    await t.ctx.db.transaction().execute(async (trx) => {
      await sql`alter table audit_log disable trigger audit_log_no_truncate`.execute(trx);
      await sql`truncate audit_log`.execute(trx);
      await sql`alter table audit_log enable trigger audit_log_no_truncate`.execute(trx);
    });
    expect(await verify(t, auditor)).toMatchObject({
      ok: false,
      rows: 0,
      firstBadSeq: 1,
      problem: "rows_missing",
      checkpoints: { problems: [{ problem: "rows_missing", missingFrom: 1, missingTo: written?.seq }] },
    });
  });

  it("report a checkpoint line that was edited or forged, and do not trust it", async () => {
    const { t, auditor } = await setUp();
    await auditCheckpointer(t.ctx).checkpoint();
    const file = checkpointFile(t.config.dataDir);
    const [line] = readFileSync(file, "utf8").trim().split("\n");
    const original = JSON.parse(line ?? "{}");
    // Someone lowers the checkpoint to hide rows they are about to remove.
    const edited = { ...original, seq: original.seq - 1, rows: original.rows - 1 };
    writeFileSync(file, `${JSON.stringify(edited)}\nnot a checkpoint\n`);
    expect(await verify(t, auditor)).toMatchObject({
      ok: false,
      firstBadSeq: null,
      problem: "checkpoint_not_genuine",
      checkpoints: {
        checked: 0,
        problems: [
          { line: 1, problem: "not_genuine", seq: original.seq - 1 },
          { line: 2, problem: "unreadable" },
        ],
      },
    });
  });

  it("are written at start, on each interval when the trail moved, and at the stop", async () => {
    const { t } = await setUp();
    const file = checkpointFile(t.config.dataDir);
    const seqs = () =>
      readFileSync(file, "utf8")
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l).seq as number);
    const ticking = startAuditCheckpoints(t.ctx, 40);
    try {
      await expect.poll(() => seqs().length).toBe(1);
      await new Promise((r) => setTimeout(r, 150));
      expect(seqs()).toHaveLength(1);
      const seq = await recordAudit(t.ctx, t.ctx.db, { action: "test.tick", outcome: "success" });
      await expect.poll(() => seqs().at(-1)).toBe(seq);
    } finally {
      await ticking.stop();
    }
    const hourly = startAuditCheckpoints(t.ctx, 3_600_000);
    await hourly.settled();
    const last = await recordAudit(t.ctx, t.ctx.db, { action: "test.stop", outcome: "success" });
    expect(seqs().at(-1)).toBeLessThan(last);
    await hourly.stop();
    expect(seqs().at(-1)).toBe(last);
  });
});

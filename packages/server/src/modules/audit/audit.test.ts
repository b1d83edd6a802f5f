import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildTestApp, type TestApp } from "../../test/build-test-app.ts";
import { buildUser, type Session, signIn } from "../../test/factories.ts";
import { lockAuditChain } from "./audit.queries.ts";
import { recordAudit, verifyAuditTrail } from "./audit.service.ts";

let t: TestApp;
let auditor: Session;
beforeAll(async () => {
  t = await buildTestApp();
  auditor = await signIn(t, await buildUser(t.ctx, { role: "auditor" }));
});
afterAll(async () => {
  await t?.close();
});

describe("GET /api/v1/audit", () => {
  it("finds sign-in failures by actor and outcome, newest first, and records that the auditor looked", async () => {
    const user = await buildUser(t.ctx, { role: "auditor" });
    await t.app.inject({
      method: "POST",
      url: "/api/v1/auth/login",
      headers: { "user-agent": "matrix-browser/1.0" },
      payload: { username: user.username, password: "wrong wrong wrong" },
    });
    const res = await t.app.inject({
      method: "GET",
      url: `/api/v1/audit?actor=${user.username}&outcome=failure`,
      headers: auditor.headers,
    });
    expect(res.statusCode).toBe(200);
    const [row] = res.json().items;
    expect(row).toMatchObject({
      action: "auth.login",
      outcome: "failure",
      actorUsername: user.username,
      targetId: user.id,
      userAgent: "matrix-browser/1.0",
      reason: "AUTH_INVALID_CREDENTIALS",
    });
    expect(row.ip).toBeTruthy();
    const looked = await t.ctx.db.selectFrom("audit_log").select("action").where("action", "=", "audit.read").execute();
    expect(looked.length).toBeGreaterThan(0);
  });

  it("pages with beforeSeq and rejects bad filters with their paths", async () => {
    const first = (
      await t.app.inject({ method: "GET", url: "/api/v1/audit?limit=2", headers: auditor.headers })
    ).json();
    expect(first.items).toHaveLength(2);
    const next = (
      await t.app.inject({
        method: "GET",
        url: `/api/v1/audit?limit=2&beforeSeq=${first.nextBeforeSeq}`,
        headers: auditor.headers,
      })
    ).json();
    expect(next.items[0].seq).toBeLessThan(first.items[1].seq + 1);
    const bad = await t.app.inject({
      method: "GET",
      url: "/api/v1/audit?from=yesterday&outcome=maybe",
      headers: auditor.headers,
    });
    expect(
      bad
        .json()
        .errors.map((e: { path: string }) => e.path)
        .sort(),
    ).toEqual(["query.from", "query.outcome"]);
  });
});

describe("a row's hash", () => {
  it("covers what the database stores: a login with a lone surrogate leaves the chain verifiable", async () => {
    const res = await t.app.inject({
      method: "POST",
      url: "/api/v1/auth/login",
      headers: { "content-type": "application/json" },
      payload: '{"username":"x\\ud800y","password":"x"}',
    });
    expect(res.statusCode).toBe(400);
    expect(
      (await t.app.inject({ method: "GET", url: "/api/v1/audit/verify", headers: auditor.headers })).json(),
    ).toMatchObject({
      ok: true,
      breaks: [],
    });
  });

  it("covers what the database stores whatever a service passes: lone surrogates, NUL, dates, upper-case ids", async () => {
    const seq = await recordAudit(t.ctx, t.ctx.db, {
      action: "test.odd\u0000text",
      outcome: "failure",
      actor: { userId: "0190A1B2-C3D4-7E5F-8A9B-0C1D2E3F4A5B", username: "x\ud800y" },
      targetType: "user",
      targetId: "\udc00",
      reason: "half a pair \ud83d",
      details: { when: new Date("2030-01-01T00:00:00Z"), "k\ud800": ["v\udfff", "\u0000"], skipped: undefined },
    });
    const row = await t.ctx.db.selectFrom("audit_log").selectAll().where("seq", "=", seq).executeTakeFirstOrThrow();
    expect(row).toMatchObject({
      action: "test.odd\ufffdtext",
      actor_username: "x\ufffdy",
      target_id: "\ufffd",
      reason: "half a pair \ufffd",
      details: { when: "2030-01-01T00:00:00.000Z", "k\ufffd": ["v\ufffd", "\ufffd"] },
    });
    expect(await verifyAuditTrail(t.ctx.db)).toMatchObject({ ok: true, breaks: [] });
  });
});

describe("the audit trail", () => {
  it("cannot be edited or deleted through the database", async () => {
    await expect(sql`update audit_log set outcome = 'success' where seq = 1`.execute(t.ctx.db)).rejects.toThrow(
      /append-only/,
    );
    await expect(sql`delete from audit_log where seq = 1`.execute(t.ctx.db)).rejects.toThrow(/append-only/);
  });

  it("verifies while intact and names the first row a privileged intruder changed", async () => {
    const ok = await t.app.inject({ method: "GET", url: "/api/v1/audit/verify", headers: auditor.headers });
    expect(ok.json()).toMatchObject({ ok: true, firstBadSeq: null });
    const victim = await t.ctx.db
      .selectFrom("audit_log")
      .select("seq")
      .where("action", "=", "auth.login")
      .where("outcome", "=", "failure")
      .orderBy("seq")
      .executeTakeFirstOrThrow();
    await t.ctx.db.transaction().execute(async (trx) => {
      await sql`alter table audit_log disable trigger audit_log_no_update`.execute(trx);
      await sql`update audit_log set outcome = 'success', reason = null where seq = ${victim.seq}`.execute(trx);
      await sql`alter table audit_log enable trigger audit_log_no_update`.execute(trx);
    });
    const broken = await t.app.inject({ method: "GET", url: "/api/v1/audit/verify", headers: auditor.headers });
    expect(broken.json()).toMatchObject({ ok: false, firstBadSeq: Number(victim.seq), problem: "hash_mismatch" });
    expect(await verifyAuditTrail(t.ctx.db, 3)).toMatchObject({ ok: false, firstBadSeq: Number(victim.seq) });
  });

  it("reports every edit, not only the first: a later edit does not hide behind an earlier one", async () => {
    const first = await recordAudit(t.ctx, t.ctx.db, { action: "test.first", outcome: "success" });
    for (let i = 0; i < 5; i++) await recordAudit(t.ctx, t.ctx.db, { action: "test.between", outcome: "success" });
    const second = await recordAudit(t.ctx, t.ctx.db, { action: "test.second", outcome: "success" });
    await recordAudit(t.ctx, t.ctx.db, { action: "test.after", outcome: "success" });
    await t.ctx.db.transaction().execute(async (trx) => {
      await sql`alter table audit_log disable trigger audit_log_no_update`.execute(trx);
      await sql`update audit_log set outcome = 'failure' where seq = ${first}`.execute(trx);
      await sql`update audit_log set actor_username = 'nobody' where seq = ${second}`.execute(trx);
      await sql`alter table audit_log enable trigger audit_log_no_update`.execute(trx);
    });
    const verdict = (
      await t.app.inject({ method: "GET", url: "/api/v1/audit/verify", headers: auditor.headers })
    ).json();
    // The row changed by the test before is still reported first; both edits after it are there too.
    expect(verdict).toMatchObject({ ok: false, problem: "hash_mismatch", badRows: 3, moreBreaks: 0 });
    expect(verdict.breaks.slice(1)).toEqual([
      { fromSeq: first, toSeq: first, problem: "hash_mismatch" },
      { fromSeq: second, toSeq: second, problem: "hash_mismatch" },
    ]);
    expect(await verifyAuditTrail(t.ctx.db, 4)).toMatchObject({ badRows: 3, breaks: verdict.breaks });
  });
});

describe("the time of each row", () => {
  async function timesAlongTheChain(afterSeq: number): Promise<number[]> {
    const rows = await t.ctx.db
      .selectFrom("audit_log")
      .select(["seq", "occurred_at"])
      .where("seq", ">", afterSeq)
      .orderBy("seq")
      .execute();
    return rows.map((r) => r.occurred_at.getTime());
  }
  const lastSeq = async () =>
    Number((await t.ctx.db.selectFrom("audit_log").select("seq").orderBy("seq", "desc").executeTakeFirstOrThrow()).seq);
  const isMonotone = (times: number[]) => times.every((time, i) => i === 0 || time >= (times[i - 1] ?? 0));

  it("is read inside the lock: a record that waited for the chain is not stamped before the one that held it", async () => {
    const before = await lastSeq();
    let clock = new Date("2030-01-01T08:00:00.000Z");
    const ctx = { ...t.ctx, now: () => clock };
    let waiting: Promise<number> | undefined;
    await t.ctx.db.transaction().execute(async (trx) => {
      await lockAuditChain(trx);
      // Another request records while this transaction holds the chain: it waits for the lock.
      waiting = recordAudit(ctx, t.ctx.db, { action: "test.waiting", outcome: "success" });
      await new Promise((r) => setTimeout(r, 50));
      clock = new Date("2030-01-01T08:05:00.000Z");
      await recordAudit(ctx, trx, { action: "test.holding", outcome: "success" });
    });
    await waiting;
    const times = await timesAlongTheChain(before);
    expect(times).toHaveLength(2);
    expect(isMonotone(times)).toBe(true);
  });

  it("never goes backwards along the chain under parallel audited requests, even when the clock is set back", async () => {
    const before = await lastSeq();
    const read = () => t.app.inject({ method: "GET", url: "/api/v1/audit?limit=1", headers: auditor.headers });
    const first = Array.from({ length: 12 }, read);
    await Promise.race(first);
    t.clock.advanceMinutes(-30);
    try {
      const second = Array.from({ length: 12 }, read);
      const responses = await Promise.all([...first, ...second]);
      expect(responses.map((r) => r.statusCode)).toEqual(Array(24).fill(200));
    } finally {
      t.clock.advanceMinutes(30);
    }
    const times = await timesAlongTheChain(before);
    expect(times).toHaveLength(24);
    expect(isMonotone(times)).toBe(true);
  });
});

describe("GET /api/v1/audit/export", () => {
  it("streams every row with its hashes as NDJSON", async () => {
    const res = await t.app.inject({ method: "GET", url: "/api/v1/audit/export", headers: auditor.headers });
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-type"]).toMatch(/^application\/x-ndjson/);
    expect(res.headers["content-disposition"]).toMatch(/attachment; filename="wangge-audit-\d{4}-\d{2}-\d{2}\.ndjson"/);
    const lines = res.body
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(lines[0]).toMatchObject({ seq: 1, prevHash: "0".repeat(64) });
    expect(lines.every((l, i) => i === 0 || l.prevHash === lines[i - 1].hash)).toBe(true);
  });
});

describe("the SM3 chain (WANGGE_CRYPTO=gm)", () => {
  it("hashes new rows with SM3 and still verifies", async () => {
    const gm = await buildTestApp({ WANGGE_CRYPTO: "gm" });
    try {
      await buildUser(gm.ctx, { role: "auditor" });
      const row = await gm.ctx.db
        .selectFrom("audit_log")
        .select("hash_alg")
        .orderBy("seq", "desc")
        .executeTakeFirstOrThrow();
      expect(row.hash_alg).toBe("sm3");
      expect(await verifyAuditTrail(gm.ctx.db)).toMatchObject({ ok: true });
    } finally {
      await gm.close();
    }
  });
});

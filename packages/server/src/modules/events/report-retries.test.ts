import { chinaDate, systemPrincipal } from "@wangge/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildTestApp, type TestApp } from "../../test/build-test-app.ts";
import {
  type AreaTree,
  buildAreaTree,
  buildUser,
  drawVillageAndGrid,
  type Session,
  signIn,
} from "../../test/factories.ts";
import { findEvent } from "./events.queries.ts";
import { writeReport } from "./report-writer.ts";

/**
 * A report sent again — the offline field app's queue, a flaky network, a double tap — is stored once,
 * however the copies arrive: one after another, at the same moment (the writer takes reports in groups
 * and asks once per group which ids are taken), or after the report would no longer be accepted.
 */
let t: TestApp;
let tree: AreaTree;
let worker: Session;
let other: Session;

beforeAll(async () => {
  t = await buildTestApp();
  const admin = await signIn(t, await buildUser(t.ctx, { role: "admin" }));
  tree = await buildAreaTree(t.ctx);
  await drawVillageAndGrid(t, admin, tree);
  worker = await signIn(t, await buildUser(t.ctx, { role: "grid_worker", areaCode: tree.grid.code }));
  other = await signIn(t, await buildUser(t.ctx, { role: "grid_worker", areaCode: tree.grid.code }));
});
afterAll(async () => {
  await t?.close();
});

const body = (id: string, description = "村口垃圾堆放多日无人清运") => ({
  id,
  categoryKey: "environment.sanitation",
  description,
  lng: 109.605,
  lat: 23.105,
  source: "field",
});
const report = (session: Session, payload: Record<string, unknown>) =>
  t.app.inject({ method: "POST", url: "/api/v1/events", headers: session.headers, payload });

async function reportedToday(): Promise<number> {
  const row = await t.ctx.db
    .selectFrom("figure_day")
    .select((eb) => eb.fn.sum<number>("reported").as("n"))
    .where("area_code", "=", tree.grid.code)
    .where("day", "=", chinaDate(t.ctx.now()) as never)
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

const sequence = (number: string) => Number(number.slice(number.lastIndexOf("-") + 1));

describe("reports sent again", () => {
  it("stores parallel copies of one report once, beside other reports, with no gap in the numbers", async () => {
    const before = await reportedToday();
    const id = crypto.randomUUID();
    const others = [crypto.randomUUID(), crypto.randomUUID(), crypto.randomUUID()];
    const answers = await Promise.all([
      ...Array.from({ length: 5 }, () => report(worker, body(id))),
      ...others.map((o) => report(worker, body(o, `第${o.slice(0, 4)}处垃圾`))),
    ]);
    const copies = answers.slice(0, 5);
    expect(copies.map((a) => a.statusCode).sort()).toEqual([200, 200, 200, 200, 201]);
    expect(new Set(copies.map((a) => a.json().number)).size).toBe(1);
    for (const a of answers.slice(5)) expect(a.statusCode, a.body).toBe(201);

    const rows = await t.ctx.db
      .selectFrom("event")
      .select(["id", "number"])
      .where("id", "in", [id, ...others])
      .execute();
    expect(rows).toHaveLength(4);
    // Four events, four numbers in a row: a copy took no number.
    const numbers = rows.map((r) => sequence(r.number)).sort((a, b) => a - b);
    expect(numbers).toEqual([numbers[0], (numbers[0] ?? 0) + 1, (numbers[0] ?? 0) + 2, (numbers[0] ?? 0) + 3]);
    expect(await reportedToday()).toBe(before + 4);
    const steps = await t.ctx.db.selectFrom("event_step").select("id").where("event_id", "=", id).execute();
    expect(steps).toHaveLength(1);
    const audits = await t.ctx.db
      .selectFrom("audit_log")
      .select("seq")
      .where("action", "=", "event.report")
      .where("target_id", "=", id)
      .execute();
    expect(audits).toHaveLength(1);
  });

  it("answers a copy as stored even when the report would no longer be accepted", async () => {
    const id = crypto.randomUUID();
    const first = await report(worker, body(id));
    expect(first.statusCode, first.body).toBe(201);
    // The same report, from a point now outside every grid (a phone's later, worse fix): the stored one.
    const again = await report(worker, { ...body(id), lng: 100, lat: 30 });
    expect(again.statusCode, again.body).toBe(200);
    expect(again.json().number).toBe(first.json().number);
    // Invalid and not a copy: the field errors, and nothing stored.
    const fresh = crypto.randomUUID();
    const invalid = await report(worker, { ...body(fresh), lng: 100, lat: 30 });
    expect(invalid.statusCode).toBe(400);
    expect(invalid.json().errors.map((e: { path: string }) => e.path)).toEqual(["body.lng"]);
    expect(await t.ctx.db.selectFrom("event").select("id").where("id", "=", fresh).execute()).toEqual([]);
  });

  it("refuses another report under a taken id, also when it arrives with the first, and stores only the first", async () => {
    const id = crypto.randomUUID();
    const [a, b] = await Promise.all([report(worker, body(id, "路灯不亮")), report(worker, body(id, "井盖缺失"))]);
    const statuses = [a.statusCode, b.statusCode].sort();
    expect(statuses).toEqual([201, 409]);
    const conflict = a.statusCode === 409 ? a : b;
    expect(conflict.json().code).toBe("EVENT_ID_CONFLICT");
    // The same text from someone else in the grid (who may read the event) is not a copy of theirs.
    const colleague = await report(other, body(id, a.statusCode === 201 ? "路灯不亮" : "井盖缺失"));
    expect(colleague.statusCode).toBe(409);
    const rows = await t.ctx.db.selectFrom("event").select("description").where("id", "=", id).execute();
    expect(rows).toHaveLength(1);
  });
});

describe("the report writer", () => {
  it("takes a copy whose id is in capitals for the stored report, without failing the group it arrives in", async () => {
    const id = crypto.randomUUID();
    const first = await report(worker, body(id));
    expect(first.statusCode, first.body).toBe(201);
    const stored = await findEvent(t.ctx.db, id);
    if (!stored) throw new Error("not stored");
    const { number: _number, ...row } = stored;
    const submit = (rid: string) =>
      writeReport(t.ctx, {
        row: { ...row, id: rid },
        scope: `${tree.grid.code.slice(0, 6)}-${chinaDate(t.ctx.now()).replace(/-/g, "")}`,
        actor: systemPrincipal(),
        meta: { requestId: "test", ip: null, userAgent: null },
        policeGridId: null,
        auditDetails: {},
      });
    // The first report is written alone; the next ones wait and are written as one group.
    const results = await Promise.allSettled([
      submit(crypto.randomUUID()),
      ...Array.from({ length: 9 }, () => submit(crypto.randomUUID())),
      submit(id.toUpperCase()),
    ]);
    expect(results.map((r) => r.status)).toEqual(Array(11).fill("fulfilled"));
    const copy = results.at(-1) as PromiseFulfilledResult<unknown>;
    expect(copy.value).toBeUndefined();
    const written = results.slice(0, 10).map((r) => (r as PromiseFulfilledResult<{ number: string }>).value.number);
    // One group after the first: numbers in a row, none taken by the copy.
    const sequences = written.map(sequence).sort((a, b) => a - b);
    expect(sequences).toEqual(sequences.map((_, i) => (sequences[0] ?? 0) + i));
    expect(await t.ctx.db.selectFrom("event").select("id").where("id", "=", id).execute()).toHaveLength(1);
  });
});

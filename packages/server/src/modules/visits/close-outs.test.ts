import { chinaDate, systemPrincipal } from "@wangge/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildTestApp, type TestApp } from "../../test/build-test-app.ts";
import { type AreaTree, buildAreaTree, buildUser, type Session, signIn } from "../../test/factories.ts";
import { ensureArea } from "../areas/areas.service.ts";
import { reportEvent } from "../events/events.service.ts";

/**
 * The daily close-out (日尽结) through the HTTP API: the day summarised from the records, confirmed
 * with one call once every open event has a carry-over reason, locked afterwards (corrections are
 * new records), and the township's view of which grids closed out.
 */
let t: TestApp;
let tree: AreaTree;
let siblingGrid: string;
let worker: Session;
let workerUser: Awaited<ReturnType<typeof buildUser>>;
let siblingWorker: Session;
let gridHead: Session;
let township: Session;
const meta = { requestId: "test", ip: null, userAgent: null };
const openEvent = crypto.randomUUID();
const today = () => chinaDate(new Date());

/** The audit trail's records of an action on a record: who, outcome, details. */
const audited = (action: string, targetId: string) =>
  t.ctx.db
    .selectFrom("audit_log")
    .select(["actor_user_id", "outcome", "area_path", "details"])
    .where("action", "=", action)
    .where("target_id", "=", targetId)
    .execute();

const inject = (session: Session | null, method: "GET" | "POST", url: string, payload?: unknown) =>
  t.app.inject({
    method,
    url,
    headers: session?.headers ?? {},
    ...(payload !== undefined ? { payload: payload as object } : {}),
  });

beforeAll(async () => {
  t = await buildTestApp();
  tree = await buildAreaTree(t.ctx);
  siblingGrid = (
    await ensureArea(t.ctx.db, {
      code: `${tree.grid.code}X`,
      name: "二网格",
      level: "grid",
      parentCode: tree.village.code,
    })
  ).code;
  await reportEvent(t.ctx, systemPrincipal(), meta, {
    id: openEvent,
    categoryKey: "dispute.neighbour",
    description: "邻里纠纷：电话 13877125678",
    areaCode: tree.grid.code,
    source: "console",
  });
  workerUser = await buildUser(t.ctx, { role: "grid_worker", areaCode: tree.grid.code });
  worker = await signIn(t, workerUser);
  siblingWorker = await signIn(t, await buildUser(t.ctx, { role: "grid_worker", areaCode: siblingGrid }));
  gridHead = await signIn(t, await buildUser(t.ctx, { role: "grid_head", areaCode: tree.grid.code }));
  township = await signIn(t, await buildUser(t.ctx, { role: "township_official", areaCode: tree.township.code }));
}, 120_000);
afterAll(async () => {
  await t?.close();
});

describe("the day's summary", () => {
  it("is derived from the records: events received and still open, visits due", async () => {
    const res = await inject(worker, "GET", "/api/v1/close-outs/day");
    expect(res.statusCode).toBe(200);
    const { summary, closeOut } = res.json();
    expect(closeOut).toBeNull();
    expect(summary).toMatchObject({ day: today(), areaCodes: [tree.grid.code] });
    expect(summary.events.received).toBe(1);
    expect(summary.events.stillOpen).toEqual([expect.objectContaining({ id: openEvent, state: "reported" })]);
    expect(summary.visits).toEqual({ done: 0, recorded: 0, due: 0 });
    expect(res.body).not.toContain("13877125678");
  });

  it("carries over only what is held at the closer's level: the grid's events are not the village's", async () => {
    const village = await signIn(t, await buildUser(t.ctx, { role: "village_official", areaCode: tree.village.code }));
    const { summary } = (await inject(village, "GET", "/api/v1/close-outs/day")).json();
    expect(summary.areaCodes).toEqual([tree.village.code]);
    expect(summary.events.received).toBe(1);
    expect(summary.events.stillOpen).toEqual([]);
  });

  it("refuses a day in the future or too long ago, and strangers", async () => {
    expect((await inject(worker, "GET", "/api/v1/close-outs/day?day=2999-01-01")).json().errors).toEqual([
      expect.objectContaining({ path: "query.day" }),
    ]);
    expect((await inject(worker, "GET", "/api/v1/close-outs/day?day=yesterday")).statusCode).toBe(400);
    expect((await inject(null, "GET", "/api/v1/close-outs/day")).statusCode).toBe(401);
  });
});

describe("confirming a close-out", () => {
  let closeOutId: string;

  it("needs a carry-over reason for every open event, from the list", async () => {
    const none = await inject(worker, "POST", "/api/v1/close-outs", { id: crypto.randomUUID(), day: today() });
    expect(none.statusCode).toBe(422);
    expect(none.json().code).toBe("CLOSE_OUT_CARRY_OVER_REQUIRED");
    expect(none.json().errors).toEqual([expect.objectContaining({ path: "body.carryOvers" })]);
    const other = await inject(worker, "POST", "/api/v1/close-outs", {
      id: crypto.randomUUID(),
      day: today(),
      carryOvers: [{ eventId: openEvent, reason: "other" }],
    });
    expect(other.statusCode).toBe(400);
    expect(other.json().errors).toEqual([expect.objectContaining({ path: "body.carryOvers.0.note" })]);
    const unlisted = await inject(worker, "POST", "/api/v1/close-outs", {
      id: crypto.randomUUID(),
      day: today(),
      carryOvers: [{ eventId: openEvent, reason: "busy" }],
    });
    expect(unlisted.statusCode).toBe(400);
    expect((await inject(worker, "GET", "/api/v1/close-outs/day")).json().closeOut).toBeNull();
  });

  it("is confirmed with one call, answered again on a retry, and locked for the day", async () => {
    closeOutId = crypto.randomUUID();
    const body = {
      id: closeOutId,
      day: today(),
      carryOvers: [{ eventId: openEvent, reason: "awaiting_party" }],
      note: "明天再去",
    };
    const [a, b] = await Promise.all([
      inject(worker, "POST", "/api/v1/close-outs", body),
      inject(worker, "POST", "/api/v1/close-outs", body),
    ]);
    expect([a.statusCode, b.statusCode].sort()).toEqual([200, 201]);
    expect(a.json()).toMatchObject({
      id: closeOutId,
      day: today(),
      carryOvers: [expect.objectContaining({ eventId: openEvent, reason: "awaiting_party" })],
      note: "明天再去",
    });
    const again = await inject(worker, "POST", "/api/v1/close-outs", { ...body, id: crypto.randomUUID() });
    expect(again.statusCode).toBe(409);
    expect(again.json().code).toBe("CLOSE_OUT_LOCKED");
    expect((await inject(worker, "GET", "/api/v1/close-outs/day")).json().closeOut.id).toBe(closeOutId);
    // In the audit trail once, with what was carried over (the retry and the refused second are not).
    const trail = await audited("close_out.confirm", closeOutId);
    expect(trail).toEqual([
      expect.objectContaining({
        actor_user_id: workerUser.id,
        outcome: "success",
        area_path: tree.grid.path,
        details: expect.objectContaining({
          day: today(),
          carryOvers: [{ eventId: openEvent, reason: "awaiting_party" }],
        }),
      }),
    ]);
  });

  it("takes corrections as new records beside the locked close-out", async () => {
    const correction = { id: crypto.randomUUID(), note: "漏记一次走访" };
    const res = await inject(worker, "POST", `/api/v1/close-outs/${closeOutId}/corrections`, correction);
    expect(res.statusCode).toBe(201);
    expect(res.json().corrections).toEqual([expect.objectContaining({ id: correction.id, note: "漏记一次走访" })]);
    expect(res.json().carryOvers).toHaveLength(1);
    const retry = await inject(worker, "POST", `/api/v1/close-outs/${closeOutId}/corrections`, correction);
    expect(retry.statusCode).toBe(200);
    expect(retry.json().corrections).toHaveLength(1);
    const head = await inject(gridHead, "POST", `/api/v1/close-outs/${closeOutId}/corrections`, {
      id: crypto.randomUUID(),
      note: "改",
    });
    expect(head.statusCode).toBe(403);
    expect((await audited("close_out.correct", closeOutId)).map((r) => r.outcome).sort()).toEqual([
      "denied",
      "success",
    ]);
    const stranger = await inject(siblingWorker, "POST", `/api/v1/close-outs/${closeOutId}/corrections`, {
      id: crypto.randomUUID(),
      note: "改",
    });
    expect(stranger.json().code).toBe("CLOSE_OUT_NOT_FOUND");
  });

  it("is read by its author and by readers of reports there, not by another grid's worker", async () => {
    expect((await inject(worker, "GET", `/api/v1/close-outs/${closeOutId}`)).statusCode).toBe(200);
    expect((await inject(township, "GET", `/api/v1/close-outs/${closeOutId}`)).statusCode).toBe(200);
    const other = await inject(siblingWorker, "GET", `/api/v1/close-outs/${closeOutId}`);
    expect(other.statusCode).toBe(404);
    expect(other.json().code).toBe("CLOSE_OUT_NOT_FOUND");
  });
});

describe("close-out status", () => {
  it("shows the township which grids closed out and what was carried over", async () => {
    const res = await inject(
      township,
      "GET",
      `/api/v1/close-outs/status?areaCode=${tree.township.code}&day=${today()}`,
    );
    expect(res.statusCode).toBe(200);
    const grids = res.json().grids as { areaCode: string; closedOut: boolean; closeOuts: unknown[] }[];
    expect(grids.find((g) => g.areaCode === tree.grid.code)).toMatchObject({
      closedOut: true,
      closeOuts: [
        expect.objectContaining({ stillOpen: 1, carryOvers: [expect.objectContaining({ reason: "awaiting_party" })] }),
      ],
    });
    expect(grids.find((g) => g.areaCode === siblingGrid)).toMatchObject({ closedOut: false, closeOuts: [] });
    const notYet = await inject(
      township,
      "GET",
      `/api/v1/close-outs/status?areaCode=${tree.township.code}&day=${today()}&closed=no`,
    );
    expect(notYet.json().grids.map((g: { areaCode: string }) => g.areaCode)).toEqual([siblingGrid]);
  });

  it("defaults to yesterday, where no grid has closed out", async () => {
    const res = await inject(township, "GET", "/api/v1/close-outs/status?closed=no");
    expect(res.json().day).toBe(chinaDate(new Date(), -1));
    expect(
      res
        .json()
        .grids.map((g: { areaCode: string }) => g.areaCode)
        .sort(),
    ).toEqual([tree.grid.code, siblingGrid].sort());
  });

  it("is for readers of reports in their scope", async () => {
    expect((await inject(worker, "GET", "/api/v1/close-outs/status")).statusCode).toBe(403);
    expect(
      (await inject(gridHead, "GET", `/api/v1/close-outs/status?areaCode=${tree.otherTownship.code}`)).json().code,
    ).toBe("AREA_NOT_FOUND");
    expect((await inject(township, "GET", "/api/v1/close-outs/status?closed=maybe")).statusCode).toBe(400);
  });
});

describe("bad input", () => {
  it("is answered 400 with the field's path on reads and corrections", async () => {
    const read = await inject(township, "GET", "/api/v1/close-outs/not-a-uuid");
    expect(read.statusCode).toBe(400);
    expect(read.json().errors).toEqual([expect.objectContaining({ path: "params.id" })]);
    const empty = await inject(worker, "POST", `/api/v1/close-outs/${crypto.randomUUID()}/corrections`, {
      id: crypto.randomUUID(),
      note: " ",
    });
    expect(empty.statusCode).toBe(400);
    expect(empty.json().errors).toEqual([expect.objectContaining({ path: "body.note" })]);
  });
});

describe("a close-out for an earlier day", () => {
  it("lists what was still open as that day ended, not as things stand now", async () => {
    // Yesterday: two events reported in the grid. Today: one of them settled, a third reported.
    const settledSince = crypto.randomUUID();
    const openSince = crypto.randomUUID();
    t.clock.advanceMinutes(-24 * 60);
    for (const id of [settledSince, openSince])
      await reportEvent(t.ctx, systemPrincipal(), meta, {
        id,
        categoryKey: "environment.sanitation",
        description: "路边垃圾堆放",
        areaCode: tree.grid.code,
        source: "console",
      });
    const yesterday = chinaDate(t.clock.now);
    t.clock.advanceMinutes(24 * 60);
    const act = (action: string, note?: string) =>
      inject(worker, "POST", `/api/v1/events/${settledSince}/transitions`, { action, ...(note ? { note } : {}) });
    expect((await act("accept")).statusCode).toBe(200);
    expect((await act("resolve", "已清运")).statusCode).toBe(200);

    const { summary } = (await inject(worker, "GET", `/api/v1/close-outs/day?day=${yesterday}`)).json();
    expect(summary.events.stillOpen.map((e: { id: string }) => e.id).sort()).toEqual([openSince, settledSince].sort());
    expect(summary.events.stillOpen.find((e: { id: string }) => e.id === settledSince).state).toBe("reported");
    // The event reported today (before this describe) was not there yet when yesterday ended.
    expect(summary.events.stillOpen.map((e: { id: string }) => e.id)).not.toContain(openEvent);

    // Confirming yesterday asks a reason for both, although one is settled by now.
    const id = crypto.randomUUID();
    const short = await inject(worker, "POST", "/api/v1/close-outs", {
      id,
      day: yesterday,
      carryOvers: [{ eventId: openSince, reason: "awaiting_party" }],
    });
    expect(short.statusCode).toBe(422);
    expect(short.json().code, short.body).toBe("CLOSE_OUT_CARRY_OVER_REQUIRED");
    expect(JSON.stringify(short.json())).toContain(settledSince);
    const done = await inject(worker, "POST", "/api/v1/close-outs", {
      id,
      day: yesterday,
      carryOvers: [
        { eventId: openSince, reason: "awaiting_party" },
        { eventId: settledSince, reason: "awaiting_party" },
      ],
    });
    expect(done.statusCode, done.body).toBe(201);
    expect(done.json().summary.events.stillOpen).toHaveLength(2);
  });
});

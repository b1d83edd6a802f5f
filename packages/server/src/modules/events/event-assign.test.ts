import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildTestApp, type TestApp } from "../../test/build-test-app.ts";
import { type AreaTree, buildAreaTree, buildUser, type Session, signIn, type TestUser } from "../../test/factories.ts";

/**
 * An event's work is given only to staff who may do it there: the person assigned and a dispute's
 * mediator must be active accounts holding the permission where the event is. Anyone else is refused
 * with one field error, whoever they are, and told nothing about the event.
 */
let t: TestApp;
let tree: AreaTree;
let head: Session;
let worker: TestUser;
let strangers: Record<string, string>;

const call = (session: Session, method: "GET" | "POST" | "PUT", url: string, payload?: object) =>
  t.app.inject({ method, url, headers: session.headers, ...(payload ? { payload } : {}) });

async function report(categoryKey = "facility.damaged"): Promise<string> {
  const id = crypto.randomUUID();
  const res = await call(head, "POST", "/api/v1/events", {
    id,
    categoryKey,
    description: "路灯不亮，联系电话 13812345678",
    title: "荷城路口路灯",
    areaCode: tree.grid.code,
  });
  expect(res.statusCode, res.body).toBe(201);
  expect((await call(head, "POST", `/api/v1/events/${id}/transitions`, { action: "accept" })).statusCode).toBe(200);
  return id;
}

const notified = async (userId: string) =>
  (await t.ctx.db.selectFrom("notification").select("id").where("user_id", "=", userId).execute()).length;

beforeAll(async () => {
  t = await buildTestApp();
  tree = await buildAreaTree(t.ctx);
  const other = await buildAreaTree(t.ctx);
  head = await signIn(t, await buildUser(t.ctx, { role: "grid_head", areaCode: tree.grid.code }));
  worker = await buildUser(t.ctx, { role: "grid_worker", areaCode: tree.grid.code });
  const disabled = await buildUser(t.ctx, { role: "grid_worker", areaCode: tree.grid.code });
  await t.ctx.db.updateTable("app_user").set({ status: "disabled" }).where("id", "=", disabled.id).execute();
  strangers = {
    "an unknown id": crypto.randomUUID(),
    "a resident": (await buildUser(t.ctx, { role: "resident", areaCode: tree.grid.code })).id,
    "a disabled worker of the grid": disabled.id,
    "a worker of another township's grid": (await buildUser(t.ctx, { role: "grid_worker", areaCode: other.grid.code }))
      .id,
    // Views the grid but acts only at the village: could not take the work on.
    "the village official": (await buildUser(t.ctx, { role: "village_official", areaCode: tree.village.code })).id,
    "an account without a post": (await buildUser(t.ctx)).id,
  };
});
afterAll(async () => {
  await t?.close();
});

describe("assigning an event", () => {
  it("refuses anyone who may not handle the event there with the same field error, notifying no one", async () => {
    const id = await report();
    const answers = new Set<string>();
    for (const [who, userId] of Object.entries(strangers)) {
      const res = await call(head, "POST", `/api/v1/events/${id}/transitions`, {
        action: "assign",
        assigneeUserId: userId,
        note: "请尽快处理",
      });
      expect(res.statusCode, who).toBe(400);
      expect(res.json().errors, who).toEqual([{ path: "body.assigneeUserId", message: expect.any(String) }]);
      const { requestId: _r, instance: _i, ...answer } = res.json();
      answers.add(JSON.stringify(answer));
      expect(await notified(userId), who).toBe(0);
    }
    expect(answers.size).toBe(1);
    const event = (await call(head, "GET", `/api/v1/events/${id}`)).json();
    expect(event).toMatchObject({ state: "accepted", assigneeUserId: null });
    expect(event.timeline.map((s: { action: string }) => s.action)).toEqual(["report", "accept"]);
  });

  it("refuses them in a bulk assignment too, one by one", async () => {
    const ids = [await report(), await report()];
    const res = await call(head, "POST", "/api/v1/events/bulk-transitions", {
      ids,
      action: "assign",
      assigneeUserId: strangers["a resident"],
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().results.map((r: { ok: boolean; code: string }) => [r.ok, r.code])).toEqual([
      [false, "VALIDATION_FAILED"],
      [false, "VALIDATION_FAILED"],
    ]);
    expect(await notified(strangers["a resident"] as string)).toBe(0);
  });

  it("assigns a worker of the grid, who is told", async () => {
    const id = await report();
    const res = await call(head, "POST", `/api/v1/events/${id}/transitions`, {
      action: "assign",
      assigneeUserId: worker.id,
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ state: "assigned", assigneeUserId: worker.id });
    expect(await notified(worker.id)).toBe(1);
  });
});

describe("the mediator of a dispute", () => {
  it("is someone who may mediate disputes where it is, refused otherwise with the same field error", async () => {
    const id = await report("dispute.neighbour");
    const mediator = await buildUser(t.ctx, { role: "mediator", areaCode: tree.village.code });
    for (const [who, userId] of Object.entries(strangers)) {
      const res = await call(head, "PUT", `/api/v1/events/${id}/dispute`, {
        riskGrade: "general",
        mediatorUserId: userId,
      });
      expect(res.statusCode, who).toBe(400);
      expect(res.json().errors, who).toEqual([{ path: "body.mediatorUserId", message: expect.any(String) }]);
    }
    const ok = await call(head, "PUT", `/api/v1/events/${id}/dispute`, {
      riskGrade: "general",
      mediatorUserId: mediator.id,
    });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json().mediatorUserId).toBe(mediator.id);
  });
});

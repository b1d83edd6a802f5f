import { actionsFrom, type EventAction, type EventState, type RoleKey, TRANSITIONS } from "@wangge/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildTestApp, type TestApp } from "../../test/build-test-app.ts";
import { type AreaTree, buildAreaTree, buildUser, type Session, signIn, type TestUser } from "../../test/factories.ts";

/**
 * What an event's pickers offer and what its detail says the caller may do: each list is exactly
 * what the corresponding write accepts, so the apps never ask for an id and never offer an action
 * the server refuses.
 */
let t: TestApp;
let tree: AreaTree;
let other: AreaTree;
let head: Session;
let worker: TestUser;
let headUser: TestUser;
let police: TestUser;
let mediator: TestUser;
const sessions = new Map<string, Session>();
const strangers: Record<string, string> = {};

const call = (session: Session | undefined, method: "GET" | "POST" | "PUT", url: string, payload?: object) =>
  t.app.inject({ method, url, headers: session?.headers ?? {}, ...(payload ? { payload } : {}) });

async function report(
  session: Session,
  body: Record<string, unknown> = {},
): Promise<{ id: string; number: string; allowedActions: EventAction[] }> {
  const res = await call(session, "POST", "/api/v1/events", {
    id: crypto.randomUUID(),
    categoryKey: "facility.damaged",
    description: "荷城路口路灯不亮，晚上行人看不清路",
    areaCode: tree.grid.code,
    ...body,
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json();
}

const detail = async (session: Session, id: string) => (await call(session, "GET", `/api/v1/events/${id}`)).json();
const ids = (items: { userId: string }[]) => items.map((c) => c.userId);

async function named(displayName: string, role: RoleKey, areaCode: string): Promise<TestUser> {
  const user = await buildUser(t.ctx, { role, areaCode });
  await t.ctx.db.updateTable("app_user").set({ display_name: displayName }).where("id", "=", user.id).execute();
  return user;
}

beforeAll(async () => {
  t = await buildTestApp();
  tree = await buildAreaTree(t.ctx);
  other = await buildAreaTree(t.ctx);
  headUser = await named("吴刚", "grid_head", tree.grid.code);
  head = await signIn(t, headUser);
  worker = await named("郑雪", "grid_worker", tree.grid.code);
  police = await named("冯军", "police_liaison", tree.township.code);
  mediator = await named("陈静", "mediator", tree.village.code);
  const disabled = await named("郑停", "grid_worker", tree.grid.code);
  await t.ctx.db.updateTable("app_user").set({ status: "disabled" }).where("id", "=", disabled.id).execute();
  Object.assign(strangers, {
    "a disabled worker of the grid": disabled.id,
    "a worker of another township's grid": (await named("郑外", "grid_worker", other.grid.code)).id,
    "the village official (acts only at the village)": (await named("周芳", "village_official", tree.village.code)).id,
    "a resident": (await named("郑民", "resident", tree.grid.code)).id,
    "an instructor (supervises, does not handle)": (await named("王磊", "grid_instructor", tree.grid.code)).id,
  });
  const roles: [RoleKey, string][] = [
    ["grid_head", tree.grid.code],
    ["grid_worker", tree.grid.code],
    ["grid_instructor", tree.grid.code],
    ["village_official", tree.village.code],
    ["township_official", tree.township.code],
    ["police_liaison", tree.township.code],
    ["mediator", tree.village.code],
  ];
  for (const [role, area] of roles)
    sessions.set(role, await signIn(t, await buildUser(t.ctx, { role, areaCode: area })));
  sessions.set("other_head", await signIn(t, await buildUser(t.ctx, { role: "grid_head", areaCode: other.grid.code })));
});
afterAll(async () => {
  await t?.close();
});

describe("GET /events/{id}/assignees", () => {
  it("lists exactly the staff an assignment accepts, the event's grid first, each with the posts that let them", async () => {
    const e = await report(head);
    await call(head, "POST", `/api/v1/events/${e.id}/transitions`, { action: "accept" });
    const res = await call(head, "GET", `/api/v1/events/${e.id}/assignees?limit=50`);
    expect(res.statusCode, res.body).toBe(200);
    const { items, total } = res.json();
    expect(total).toBe(items.length);
    expect(ids(items)).toEqual(expect.arrayContaining([headUser.id, worker.id, police.id]));
    for (const id of Object.values(strangers)) expect(ids(items)).not.toContain(id);
    // The grid's own staff first, then the township's police officer (a post reaching down to it).
    const firstOutside = items.findIndex((c: { atEventArea: boolean }) => !c.atEventArea);
    expect(items.slice(0, firstOutside).every((c: { atEventArea: boolean }) => c.atEventArea)).toBe(true);
    expect(items.find((c: { userId: string }) => c.userId === worker.id)).toEqual({
      userId: worker.id,
      displayName: "郑雪",
      posts: [
        {
          roleKey: "grid_worker",
          roleName: { "zh-CN": "网格员", en: "Grid worker" },
          areaCode: tree.grid.code,
          areaName: "一网格",
        },
      ],
      atEventArea: true,
    });
    expect(items.find((c: { userId: string }) => c.userId === police.id)).toMatchObject({
      atEventArea: false,
      posts: [{ roleKey: "police_liaison", areaCode: tree.township.code, areaName: "测试镇" }],
    });
    // Every one listed is accepted by the assignment itself.
    for (const c of items as { userId: string }[]) {
      const fresh = await report(head);
      await call(head, "POST", `/api/v1/events/${fresh.id}/transitions`, { action: "accept" });
      const assigned = await call(head, "POST", `/api/v1/events/${fresh.id}/transitions`, {
        action: "assign",
        assigneeUserId: c.userId,
      });
      expect(assigned.statusCode, assigned.body).toBe(200);
    }
  });

  it.each([
    ["郑", ["郑雪"]],
    ["zheng", ["郑雪"]],
    ["zx", ["郑雪"]],
    ["xue", ["郑雪"]],
    ["ZhengXue", ["郑雪"]],
    ["fj", ["冯军"]],
    ["zz", []],
  ])("finds staff by part of the name, its pinyin or initials: %s", async (q, names) => {
    const e = await report(head);
    const res = await call(head, "GET", `/api/v1/events/${e.id}/assignees?q=${encodeURIComponent(q)}`);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().items.map((c: { displayName: string }) => c.displayName)).toEqual(names);
  });

  it("pages through the list with limit and offset", async () => {
    const e = await report(head);
    const all = (await call(head, "GET", `/api/v1/events/${e.id}/assignees`)).json();
    const second = (await call(head, "GET", `/api/v1/events/${e.id}/assignees?limit=1&offset=1`)).json();
    expect(second).toEqual({ items: [all.items[1]], total: all.total });
  });

  it("refuses bad paging, strangers, those who may not handle it there, and events out of sight", async () => {
    const e = await report(head);
    const bad = await call(head, "GET", `/api/v1/events/${e.id}/assignees?limit=0`);
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors[0].path).toMatch(/limit/);
    expect((await call(undefined, "GET", `/api/v1/events/${e.id}/assignees`)).statusCode).toBe(401);
    for (const role of ["village_official", "township_official", "mediator", "grid_instructor"]) {
      const res = await call(sessions.get(role), "GET", `/api/v1/events/${e.id}/assignees`);
      expect(res.statusCode, role).toBe(403);
      expect(res.json().code, role).toBe("AUTH_FORBIDDEN");
    }
    const elsewhere = await call(sessions.get("other_head"), "GET", `/api/v1/events/${e.id}/assignees`);
    expect(elsewhere.statusCode).toBe(404);
    expect(elsewhere.json().code).toBe("EVENT_NOT_FOUND");
    expect((await call(head, "GET", `/api/v1/events/${crypto.randomUUID()}/assignees`)).statusCode).toBe(404);
  });
});

describe("GET /events/{id}/dispute/mediators", () => {
  it("lists who may mediate the dispute there, and is for disputes only", async () => {
    const d = await report(head, { categoryKey: "dispute.neighbour", description: "邻居空调滴水" });
    const res = await call(head, "GET", `/api/v1/events/${d.id}/dispute/mediators`);
    expect(res.statusCode, res.body).toBe(200);
    expect(ids(res.json().items)).toEqual(expect.arrayContaining([headUser.id, mediator.id]));
    expect(ids(res.json().items)).not.toContain(worker.id);
    const set = await call(head, "PUT", `/api/v1/events/${d.id}/dispute`, {
      riskGrade: "general",
      mediatorUserId: mediator.id,
    });
    expect(set.statusCode, set.body).toBe(200);
    const notDispute = await report(head);
    const refused = await call(head, "GET", `/api/v1/events/${notDispute.id}/dispute/mediators`);
    expect(refused.json().code).toBe("EVENT_NOT_A_DISPUTE");
    expect(
      (await call(sessions.get("grid_worker"), "GET", `/api/v1/events/${d.id}/dispute/mediators`)).statusCode,
    ).toBe(403);
  });
});

describe("GET /events/{id}/dispatch-targets", () => {
  it("lists the areas below the event's, each of which a dispatch accepts; none below a grid", async () => {
    const village = sessions.get("village_official") as Session;
    const e = await report(village, { areaCode: tree.village.code });
    const res = await call(village, "GET", `/api/v1/events/${e.id}/dispatch-targets`);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual([
      { code: tree.grid.code, name: "一网格", level: "grid", parentCode: tree.village.code },
    ]);
    expect((await detail(village, e.id)).allowedActions).toContain("dispatch");
    const down = await call(village, "POST", `/api/v1/events/${e.id}/transitions`, {
      action: "dispatch",
      note: "请网格处理",
      areaCode: tree.grid.code,
    });
    expect(down.statusCode, down.body).toBe(200);
    expect((await call(head, "GET", `/api/v1/events/${e.id}/dispatch-targets`)).json()).toEqual([]);
    expect((await detail(head, e.id)).allowedActions).not.toContain("dispatch");
    expect(
      (await call(sessions.get("township_official"), "GET", `/api/v1/events/${e.id}/dispatch-targets`)).statusCode,
    ).toBe(403);
  });
});

describe("GET /events/{id}/merge-targets", () => {
  it("lists the likely duplicates and events found by number that a merge accepts", async () => {
    const sanitation = { categoryKey: "environment.sanitation" };
    const kept = await report(head, { ...sanitation, description: "东门外建筑垃圾堆放，无人清运" });
    const dup = await report(head, { ...sanitation, description: "东门外有建筑垃圾堆放，很久无人清运" });
    const unrelated = await report(head, { description: "健身器材损坏" });
    const closedOne = await report(head, { ...sanitation, description: "东门外建筑垃圾堆放，无人清运了" });
    await call(head, "POST", `/api/v1/events/${closedOne.id}/transitions`, { action: "cancel", note: "重复" });
    const res = await call(head, "GET", `/api/v1/events/${dup.id}/merge-targets`);
    expect(res.statusCode, res.body).toBe(200);
    const listed = res.json() as { id: string; likelyDuplicate: boolean }[];
    expect(listed.map((x) => x.id)).toContain(kept.id);
    expect(listed.map((x) => x.id)).not.toContain(dup.id);
    expect(listed.map((x) => x.id)).not.toContain(closedOne.id);
    expect(listed.find((x) => x.id === kept.id)?.likelyDuplicate).toBe(true);
    const byNumber = (
      await call(head, "GET", `/api/v1/events/${dup.id}/merge-targets?q=${encodeURIComponent(unrelated.number)}`)
    ).json() as { id: string; likelyDuplicate: boolean }[];
    expect(byNumber.find((x) => x.id === unrelated.id)).toMatchObject({ likelyDuplicate: false });
    const merged = await call(head, "POST", `/api/v1/events/${dup.id}/transitions`, {
      action: "merge",
      note: "重复上报",
      intoId: kept.id,
    });
    expect(merged.statusCode, merged.body).toBe(200);
    const bad = await call(head, "GET", `/api/v1/events/${dup.id}/merge-targets?q=${"x".repeat(101)}`);
    expect(bad.statusCode).toBe(400);
  });
});

/** The inputs an action needs, picked the way the apps pick them (from the pickers). */
async function inputsFor(session: Session, id: string, action: EventAction): Promise<Record<string, unknown>> {
  const note = TRANSITIONS[action].needsNote ? { note: "处理说明" } : {};
  if (action === "assign") {
    const list = await call(session, "GET", `/api/v1/events/${id}/assignees`);
    return { ...note, assigneeUserId: list.statusCode === 200 ? list.json().items[0]?.userId : worker.id };
  }
  if (action === "dispatch") {
    const list = await call(session, "GET", `/api/v1/events/${id}/dispatch-targets`);
    return { ...note, areaCode: list.statusCode === 200 ? list.json()[0]?.code : tree.grid.code };
  }
  if (action === "merge") {
    const list = await call(session, "GET", `/api/v1/events/${id}/merge-targets`);
    return { ...note, ...(list.statusCode === 200 && list.json()[0] ? { intoId: list.json()[0].id } : {}) };
  }
  if (action === "co_handle") return { ...note, unit: "供电所" };
  return note;
}

describe("an event's allowedActions", () => {
  it("offers a township official nothing on a grid's event, where the server refuses them", async () => {
    const e = await report(head);
    const township = sessions.get("township_official") as Session;
    expect((await detail(township, e.id)).allowedActions).toEqual([]);
    const accept = await call(township, "POST", `/api/v1/events/${e.id}/transitions`, { action: "accept" });
    expect(accept.statusCode).toBe(403);
    expect(accept.json().detail).toMatch(/may not accept/);
    expect((await detail(head, e.id)).allowedActions).toEqual(expect.arrayContaining(["accept", "escalate", "merge"]));
  });

  it.each([
    "grid_head",
    "grid_worker",
    "grid_instructor",
    "village_official",
    "township_official",
    "police_liaison",
    "mediator",
  ])("lists for a %s exactly the actions the server then accepts, at the grid and at the village", async (role) => {
    const session = sessions.get(role) as Session;
    const setups: [string, (id: string) => Promise<void>][] = [
      ["reported", async () => {}],
      [
        "accepted",
        async (id) => {
          await call(head, "POST", `/api/v1/events/${id}/transitions`, { action: "accept" });
        },
      ],
      [
        "escalated to the village",
        async (id) => {
          await call(head, "POST", `/api/v1/events/${id}/transitions`, { action: "escalate", note: "需社区协调" });
        },
      ],
    ];
    for (const [where, setup] of setups) {
      const probe = await report(head);
      await setup(probe.id);
      const state = (await detail(head, probe.id)).state as EventState;
      const allowed = (await detail(session, probe.id)).allowedActions as EventAction[] | undefined;
      for (const action of actionsFrom(state)) {
        // A fresh event in the same place and state for each action, with a likely duplicate to merge into.
        await report(head);
        const e = await report(head);
        await setup(e.id);
        const res = await call(session, "POST", `/api/v1/events/${e.id}/transitions`, {
          action,
          ...(await inputsFor(session, e.id, action)),
        });
        const offered = allowed?.includes(action) ?? false;
        expect(res.statusCode === 200, `${role} ${action} (${where}): offered ${offered}, answered ${res.body}`).toBe(
          offered,
        );
      }
    }
  });
});

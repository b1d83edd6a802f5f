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

let t: TestApp;
let tree: AreaTree;
let reporter: Session;
let reporterUser: Awaited<ReturnType<typeof buildUser>>;
let worker: Session;
let village: Session;
let township: Session;
let elsewhere: Session;

const report = async (session: Session, body: Record<string, unknown>) => {
  const res = await t.app.inject({
    method: "POST",
    url: "/api/v1/events",
    headers: session.headers,
    payload: { id: crypto.randomUUID(), areaCode: tree.grid.code, ...body },
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as { id: string; number: string; level: string; state: string };
};
const act = (session: Session, id: string, body: Record<string, unknown>) =>
  t.app.inject({ method: "POST", url: `/api/v1/events/${id}/transitions`, headers: session.headers, payload: body });
const get = (session: Session, url: string) => t.app.inject({ method: "GET", url, headers: session.headers });

beforeAll(async () => {
  t = await buildTestApp();
  tree = await buildAreaTree(t.ctx);
  const other = await buildAreaTree(t.ctx);
  reporterUser = await buildUser(t.ctx, { role: "grid_worker", areaCode: tree.grid.code });
  reporter = await signIn(t, reporterUser);
  worker = await signIn(t, await buildUser(t.ctx, { role: "grid_head", areaCode: tree.grid.code }));
  village = await signIn(t, await buildUser(t.ctx, { role: "village_official", areaCode: tree.village.code }));
  township = await signIn(t, await buildUser(t.ctx, { role: "township_official", areaCode: tree.township.code }));
  elsewhere = await signIn(t, await buildUser(t.ctx, { role: "township_official", areaCode: other.township.code }));
});
afterAll(async () => {
  await t?.close();
});

describe("the reporter is told of each change", () => {
  it("notifies the reporter (not the actor) of acceptance and settlement, and marks them read", async () => {
    const e = await report(reporter, { categoryKey: "environment.sanitation", description: "楼道堆放杂物" });
    expect((await act(worker, e.id, { action: "accept" })).statusCode).toBe(200);
    expect((await act(worker, e.id, { action: "resolve", note: "已清理" })).statusCode).toBe(200);
    const mine = (await get(reporter, "/api/v1/notifications?unread=true")).json();
    const about = mine.items.filter((n: { eventId: string }) => n.eventId === e.id);
    expect(about.map((n: { kind: string; state: string }) => [n.kind, n.state])).toEqual([
      ["resolve", "resolved"],
      ["accept", "accepted"],
    ]);
    expect(about[0]).toMatchObject({ note: "已清理", title: expect.stringContaining(e.number) });
    expect((await get(worker, "/api/v1/notifications")).json().items).toEqual([]);
    const read = await t.app.inject({
      method: "POST",
      url: "/api/v1/notifications/read",
      headers: reporter.headers,
      payload: {},
    });
    expect(read.json().marked).toBeGreaterThanOrEqual(2);
    expect((await get(reporter, "/api/v1/notifications?unread=true")).json().unread).toBe(0);
  });

  it("takes the reporter's verdict once, after settlement, and only from the reporter", async () => {
    const e = await report(reporter, { categoryKey: "environment.sanitation", description: "垃圾桶破损" });
    const early = await t.app.inject({
      method: "POST",
      url: `/api/v1/events/${e.id}/feedback`,
      headers: reporter.headers,
      payload: { satisfaction: "satisfied" },
    });
    expect(early.statusCode).toBe(409);
    expect(early.json().code).toBe("EVENT_FEEDBACK_NOT_ALLOWED");
    await act(worker, e.id, { action: "accept" });
    await act(worker, e.id, { action: "resolve", note: "已更换" });
    const bad = await t.app.inject({
      method: "POST",
      url: `/api/v1/events/${e.id}/feedback`,
      headers: reporter.headers,
      payload: { satisfaction: "so-so" },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors[0].path).toBe("body.satisfaction");
    const notMine = await t.app.inject({
      method: "POST",
      url: `/api/v1/events/${e.id}/feedback`,
      headers: worker.headers,
      payload: { satisfaction: "satisfied" },
    });
    expect(notMine.statusCode).toBe(409);
    const ok = await t.app.inject({
      method: "POST",
      url: `/api/v1/events/${e.id}/feedback`,
      headers: reporter.headers,
      payload: { satisfaction: "basically", comment: "处理及时，但新桶偏小" },
    });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json()).toMatchObject({ satisfaction: "basically", feedback: "处理及时，但新桶偏小" });
    const twice = await t.app.inject({
      method: "POST",
      url: `/api/v1/events/${e.id}/feedback`,
      headers: reporter.headers,
      payload: { satisfaction: "unsatisfied" },
    });
    expect(twice.statusCode).toBe(409);
  });
});

describe("handling across levels", () => {
  it("dispatches an event down to a grid under its area, and refuses an area that is not below", async () => {
    const e = await report(village, {
      categoryKey: "dispute.neighbour",
      description: "村委会接到的邻里纠纷",
      areaCode: tree.village.code,
    });
    expect(e.level).toBe("village");
    const sideways = await act(village, e.id, {
      action: "dispatch",
      note: "请网格处理",
      areaCode: tree.otherGrid.code,
    });
    expect(sideways.statusCode).toBe(400);
    expect(sideways.json().errors[0].path).toBe("body.areaCode");
    const down = await act(village, e.id, { action: "dispatch", note: "请网格处理", areaCode: tree.grid.code });
    expect(down.statusCode, down.body).toBe(200);
    expect(down.json()).toMatchObject({ level: "grid", areaCode: tree.grid.code, state: "reported" });
    expect((await get(worker, "/api/v1/events?box=area")).json().map((x: { id: string }) => x.id)).toContain(e.id);
  });

  it("records co-handling departments, and needs the department's name", async () => {
    const e = await report(reporter, { categoryKey: "request.livelihood", description: "自来水管爆裂" });
    const missing = await act(worker, e.id, { action: "co_handle", note: "需供水公司配合" });
    expect(missing.statusCode).toBe(400);
    expect(missing.json().errors[0].path).toBe("body.unit");
    const ok = await act(worker, e.id, { action: "co_handle", note: "需供水公司配合", unit: "港北区供水公司" });
    expect(ok.statusCode).toBe(200);
    expect(ok.json().coHandlers).toEqual([expect.objectContaining({ unit: "港北区供水公司", note: "需供水公司配合" })]);
    expect(ok.json().timeline.at(-1)).toMatchObject({ action: "co_handle" });
  });

  it("leaves closing to the category's close level: a land dispute settled in the grid is closed by the township", async () => {
    const e = await report(reporter, { categoryKey: "dispute.land_forest", description: "两组山林边界争议" });
    await act(worker, e.id, { action: "accept" });
    await act(worker, e.id, { action: "resolve", note: "经调解双方认可边界" });
    expect((await act(worker, e.id, { action: "verify" })).statusCode).toBe(200);
    const byGrid = await act(worker, e.id, { action: "close" });
    expect(byGrid.statusCode).toBe(403);
    expect((await get(worker, `/api/v1/events/${e.id}`)).json().state).toBe("verified");
    const byTownship = await act(township, e.id, { action: "close" });
    expect(byTownship.statusCode, byTownship.body).toBe(200);
    expect(byTownship.json()).toMatchObject({ state: "closed", resolvedLevel: "grid" });
  });

  it("lets the reporter reopen within the window, not after it", async () => {
    const e = await report(reporter, { categoryKey: "environment.sanitation", description: "污水井盖缺失" });
    await act(worker, e.id, { action: "accept" });
    await act(worker, e.id, { action: "resolve", note: "已补井盖" });
    const reopened = await act(reporter, e.id, { action: "reopen", note: "井盖又被偷了" });
    expect(reopened.statusCode, reopened.body).toBe(200);
    expect(reopened.json().state).toBe("reported");
    await act(worker, e.id, { action: "accept" });
    await act(worker, e.id, { action: "resolve", note: "已换防盗井盖" });
    t.clock.advanceMinutes(16 * 24 * 60);
    try {
      const later = await signIn(t, reporterUser);
      const late = await act(later, e.id, { action: "reopen", note: "又坏了" });
      expect(late.statusCode).toBe(409);
      expect(late.json().code).toBe("EVENT_REOPEN_WINDOW_PASSED");
      expect((await get(later, `/api/v1/events/${e.id}`)).json().state).toBe("resolved");
    } finally {
      t.clock.advanceMinutes(-16 * 24 * 60);
    }
  });
});

describe("the inbox", () => {
  it("accepts many events at once, reporting each one that could not be accepted", async () => {
    const a = await report(reporter, { categoryKey: "environment.sanitation", description: "批量一" });
    const b = await report(reporter, { categoryKey: "environment.sanitation", description: "批量二" });
    await act(worker, b.id, { action: "accept" });
    const res = await t.app.inject({
      method: "POST",
      url: "/api/v1/events/bulk-transitions",
      headers: worker.headers,
      payload: { ids: [a.id, b.id, crypto.randomUUID()], action: "accept" },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().results).toEqual([
      { id: a.id, ok: true, state: "accepted", number: a.number },
      expect.objectContaining({ id: b.id, ok: false, code: "EVENT_TRANSITION_NOT_ALLOWED" }),
      expect.objectContaining({ ok: false, code: "EVENT_NOT_FOUND" }),
    ]);
    const invalid = await t.app.inject({
      method: "POST",
      url: "/api/v1/events/bulk-transitions",
      headers: worker.headers,
      payload: { ids: [], action: "accept" },
    });
    expect(invalid.statusCode).toBe(400);
  });

  it("puts an event reported without a place in the reporter's own area, and asks for a place when there are several", async () => {
    const e = await report(reporter, {
      categoryKey: "request.livelihood",
      description: "居民来电反映路面积水",
      areaCode: undefined,
    });
    expect((await get(reporter, `/api/v1/events/${e.id}`)).json().areaCode).toBe(tree.grid.code);
    const many = await buildUser(t.ctx, { role: "grid_worker", areaCode: tree.grid.code });
    await t.ctx.db
      .insertInto("assignment")
      .values({
        id: crypto.randomUUID(),
        user_id: many.id,
        role_key: "grid_worker",
        area_id: tree.otherGrid.id,
        area_path: tree.otherGrid.path,
        home_unit: null,
        created_by: null,
      })
      .execute();
    const two = await signIn(t, many);
    const res = await t.app.inject({
      method: "POST",
      url: "/api/v1/events",
      headers: two.headers,
      payload: { id: crypto.randomUUID(), categoryKey: "request.livelihood", description: "没有地点的上报" },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors[0].path).toBe("body.lng");
  });

  it("filters by category group, number and state", async () => {
    const d = await report(reporter, { categoryKey: "dispute.consumer", description: "网购退货纠纷" });
    const byGroup = (await get(worker, "/api/v1/events?categoryKey=dispute")).json();
    expect(byGroup.length).toBeGreaterThan(0);
    expect(byGroup.every((e: { categoryKey: string }) => e.categoryKey.startsWith("dispute."))).toBe(true);
    expect((await get(worker, `/api/v1/events?q=${d.number}`)).json().map((e: { id: string }) => e.id)).toEqual([d.id]);
    expect((await get(worker, "/api/v1/events?state=reported&q=退货")).json()).toHaveLength(1);
    expect((await get(elsewhere, `/api/v1/events?q=${d.number}`)).json()).toEqual([]);
    const bad = await get(worker, "/api/v1/events?level=planet");
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors[0].path).toBe("query.level");
    // A state that is none: said, not answered with an empty list.
    const noState = await get(worker, "/api/v1/events?state=finished");
    expect(noState.statusCode).toBe(400);
    expect(noState.json().errors[0].path).toBe("query.state");
  });

  it("streams arrivals and changes of my areas live, and not another township's", async () => {
    const address = await t.app.listen({ port: 0, host: "127.0.0.1" });
    const open = async (session: Session) => {
      const res = await fetch(`${address}/api/v1/events/stream`, { headers: session.headers });
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toMatch(/^text\/event-stream/);
      const reader = (res.body as ReadableStream<Uint8Array>).getReader();
      let text = "";
      return {
        async until(fragment: string, ms = 5000) {
          const deadline = Date.now() + ms;
          while (!text.includes(fragment)) {
            if (Date.now() > deadline) throw new Error(`no ${fragment} in ${text}`);
            const { value, done } = await Promise.race([
              reader.read(),
              new Promise<{ value: undefined; done: boolean }>((r) =>
                setTimeout(() => r({ value: undefined, done: false }), 200),
              ),
            ]);
            if (done) break;
            if (value) text += new TextDecoder().decode(value);
          }
          return text;
        },
        get text() {
          return text;
        },
        close: () => reader.cancel(),
      };
    };
    const mine = await open(worker);
    const theirs = await open(elsewhere);
    await mine.until(": connected");
    await theirs.until(": connected");
    const e = await report(reporter, { categoryKey: "environment.sanitation", description: "实时推送测试" });
    const got = await mine.until(e.number);
    expect(got).toMatch(new RegExp(`event: change\\ndata: \\{[^\\n]*"number":"${e.number}"[^\\n]*"action":"report"`));
    await act(worker, e.id, { action: "accept" });
    expect(await mine.until('"action":"accept"')).toContain('"state":"accepted"');
    expect(theirs.text).not.toContain(e.number);
    await mine.close();
    await theirs.close();
    const unauthenticated = await fetch(`${address}/api/v1/events/stream`);
    expect(unauthenticated.status).toBe(401);
  });
});

describe("where events were settled", () => {
  it("counts settled events by the level that settled them, in the area they were first routed to", async () => {
    const h = await buildTestApp();
    try {
      const area = await buildAreaTree(h.ctx);
      const w = await signIn(h, await buildUser(h.ctx, { role: "grid_head", areaCode: area.grid.code }));
      const v = await signIn(h, await buildUser(h.ctx, { role: "village_official", areaCode: area.village.code }));
      const outsider = await signIn(
        h,
        await buildUser(h.ctx, { role: "township_official", areaCode: area.otherTownship.code }),
      );
      const settle = async (escalate: boolean) => {
        const id = crypto.randomUUID();
        await h.app.inject({
          method: "POST",
          url: "/api/v1/events",
          headers: w.headers,
          payload: { id, categoryKey: "dispute.neighbour", description: "统计用纠纷", areaCode: area.grid.code },
        });
        const by = escalate ? v : w;
        const go = (s: Session, body: Record<string, unknown>) =>
          h.app.inject({ method: "POST", url: `/api/v1/events/${id}/transitions`, headers: s.headers, payload: body });
        if (escalate) expect((await go(w, { action: "escalate", note: "网格调解不成" })).statusCode).toBe(200);
        await go(by, { action: "accept" });
        expect((await go(by, { action: "resolve", note: "调解成功" })).statusCode).toBe(200);
      };
      await settle(false);
      await settle(false);
      await settle(false);
      await settle(true);
      const res = await h.app.inject({
        method: "GET",
        url: `/api/v1/events/settled-levels?areaCode=${area.village.code}`,
        headers: v.headers,
      });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json()).toMatchObject({
        settled: 4,
        open: 0,
        byLevel: { grid: 3, village: 1, township: 0 },
        sharePercent: { grid: 75, village: 25, above: 0 },
      });
      const outside = await h.app.inject({
        method: "GET",
        url: `/api/v1/events/settled-levels?areaCode=${area.village.code}`,
        headers: outsider.headers,
      });
      expect(outside.statusCode).toBe(404);
      const badDate = await h.app.inject({
        method: "GET",
        url: "/api/v1/events/settled-levels?from=yesterday",
        headers: v.headers,
      });
      expect(badDate.statusCode).toBe(400);
    } finally {
      await h.close();
    }
  });
});

describe("likely duplicates and merging", () => {
  let admin: Session;
  beforeAll(async () => {
    admin = await signIn(t, await buildUser(t.ctx, { role: "admin" }));
    await drawVillageAndGrid(t, admin, tree);
  });

  it("offers the same matter reported nearby, best first, and not a different one or one far away", async () => {
    const first = await report(reporter, {
      categoryKey: "facility.damaged",
      description: "村口篮球场的路灯坏了，晚上一片漆黑",
      lng: 109.6051,
      lat: 23.1051,
      areaCode: undefined,
    });
    await report(reporter, {
      categoryKey: "facility.damaged",
      description: "村口篮球场的路灯坏了",
      lng: 109.6099,
      lat: 23.1099,
      areaCode: undefined,
    });
    await report(reporter, {
      categoryKey: "facility.damaged",
      description: "健身器材螺丝松动",
      lng: 109.6052,
      lat: 23.1052,
      areaCode: undefined,
    });
    const q = new URLSearchParams({
      categoryKey: "facility.damaged",
      description: "篮球场路灯坏了好几天",
      lng: "109.6053",
      lat: "23.1053",
    });
    const res = await get(worker, `/api/v1/events/duplicates?${q}`);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().map((d: { id: string }) => d.id)).toEqual([first.id]);
    expect(res.json()[0]).toMatchObject({ number: first.number, distanceM: expect.any(Number) });
    expect(res.json()[0].distanceM).toBeLessThan(60);
    expect((await get(elsewhere, `/api/v1/events/duplicates?${q}`)).json()).toEqual([]);
    const half = await get(worker, "/api/v1/events/duplicates?categoryKey=facility.damaged&description=路灯&lng=109.6");
    expect(half.statusCode).toBe(400);
  });

  it("lets a resident report at a point, follow it, hear of each change and give feedback, but not read others'", async () => {
    const resident = await signIn(t, await buildUser(t.ctx, { role: "resident" }));
    const mine = await report(resident, {
      categoryKey: "environment.sanitation",
      description: "我家楼下的化粪池冒水了",
      lng: 109.6071,
      lat: 23.1071,
      areaCode: undefined,
      source: "resident",
    });
    expect((await get(resident, "/api/v1/events?box=reported")).json().map((e: { id: string }) => e.id)).toEqual([
      mine.id,
    ]);
    expect((await get(resident, "/api/v1/events?box=area")).statusCode).toBe(403);
    await act(worker, mine.id, { action: "accept" });
    await act(worker, mine.id, { action: "resolve", note: "已联系环卫清掏" });
    const seen = await get(resident, `/api/v1/events/${mine.id}`);
    expect(seen.statusCode).toBe(200);
    expect(seen.json()).toMatchObject({ state: "resolved", timeline: expect.any(Array) });
    const told = (await get(resident, "/api/v1/notifications")).json().items.map((n: { kind: string }) => n.kind);
    expect(told).toEqual(["resolve", "accept"]);
    const feedback = await t.app.inject({
      method: "POST",
      url: `/api/v1/events/${mine.id}/feedback`,
      headers: resident.headers,
      payload: { satisfaction: "satisfied" },
    });
    expect(feedback.statusCode).toBe(200);
    const others = await report(reporter, { categoryKey: "environment.sanitation", description: "别人的事件" });
    expect((await get(resident, `/api/v1/events/${others.id}`)).statusCode).toBe(404);
    const bySomeoneElse = await act(resident, others.id, { action: "cancel", note: "不是我的" });
    expect(bySomeoneElse.statusCode).toBe(404);
  });

  it("merges a duplicate into the open event, whose changes then reach both reporters", async () => {
    const other = await signIn(t, await buildUser(t.ctx, { role: "grid_worker", areaCode: tree.grid.code }));
    const kept = await report(reporter, { categoryKey: "environment.sanitation", description: "小区门口垃圾堆积发臭" });
    const dup = await report(other, { categoryKey: "environment.sanitation", description: "门口垃圾堆积很臭" });
    const noTarget = await act(worker, dup.id, { action: "merge", note: "重复上报" });
    expect(noTarget.statusCode).toBe(400);
    expect(noTarget.json().errors[0].path).toBe("body.intoId");
    const self = await act(worker, dup.id, { action: "merge", note: "重复上报", intoId: dup.id });
    expect(self.statusCode).toBe(409);
    expect(self.json().code).toBe("EVENT_MERGE_NOT_ALLOWED");
    const merged = await act(worker, dup.id, { action: "merge", note: "重复上报", intoId: kept.id });
    expect(merged.statusCode, merged.body).toBe(200);
    expect(merged.json()).toMatchObject({ state: "merged", mergedInto: kept.id });
    const again = await act(worker, dup.id, { action: "merge", note: "重复上报", intoId: kept.id });
    expect(again.json().code).toBe("EVENT_TRANSITION_NOT_ALLOWED");
    expect((await get(worker, "/api/v1/events?box=area")).json().map((e: { id: string }) => e.id)).not.toContain(
      dup.id,
    );

    await act(worker, kept.id, { action: "accept" });
    const told = (await get(other, "/api/v1/notifications?unread=true")).json().items;
    expect(told.map((n: { eventId: string; kind: string }) => [n.eventId, n.kind])).toEqual(
      expect.arrayContaining([
        [dup.id, "merge"],
        [kept.id, "accept"],
      ]),
    );
    const timeline = (await get(worker, `/api/v1/events/${kept.id}`)).json().timeline;
    expect(timeline.map((s: { action: string; note: string | null }) => [s.action, s.note])).toContainEqual([
      "merged_from",
      dup.number,
    ]);
  });
});

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createContext } from "../../app.ts";
import { buildTestApp, type TestApp } from "../../test/build-test-app.ts";
import {
  type AreaTree,
  buildAreaTree,
  buildUser,
  drawVillageAndGrid,
  type Session,
  signIn,
} from "../../test/factories.ts";
import { open311Errors } from "../../test/open311-schemas.ts";
import { verifyAuditTrail } from "../audit/audit.service.ts";
import { sweepOverdue } from "./escalation.service.ts";

let t: TestApp;
let admin: Session;
let official: Session;
let tree: AreaTree;

const valid = open311Errors;
const get = (url: string, headers: Record<string, string> = {}) => t.app.inject({ method: "GET", url, headers });

beforeAll(async () => {
  t = await buildTestApp();
  admin = await signIn(t, await buildUser(t.ctx, { role: "admin" }));
  tree = await buildAreaTree(t.ctx);
  official = await signIn(t, await buildUser(t.ctx, { role: "township_official", areaCode: tree.township.code }));
});
afterAll(async () => {
  await t?.close();
});

describe("Open311 GeoReport v2: discovery and services", () => {
  it("lists the event categories as services in JSON that validates against the specification's schema", async () => {
    const res = await get("/open311/v2/services.json?jurisdiction_id=wangge");
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-type"]).toMatch(/^application\/json/);
    const services = res.json();
    expect(valid("services.json", services)).toEqual([]);
    expect(services).toContainEqual(
      expect.objectContaining({
        service_code: "dispute.neighbour",
        service_name: "邻里纠纷",
        metadata: true,
        type: "realtime",
        group: "矛盾纠纷",
      }),
    );
    expect(services.some((s: { service_code: string }) => s.service_code === "dispute")).toBe(false);
  });

  it("answers the same list in XML with the specification's element names", async () => {
    const res = await get("/open311/v2/services.xml");
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-type"]).toMatch(/^text\/xml/);
    expect(res.body).toMatch(/^<\?xml version="1.0" encoding="utf-8"\?><services><service><service_code>/);
    expect(res.body).toContain(
      "<service_code>dispute.neighbour</service_code><service_name>邻里纠纷</service_name><description>Neighbours</description><metadata>true</metadata><type>realtime</type>",
    );
  });

  it("defines a service's extra fields in the Open311 datatypes, in JSON and XML", async () => {
    const json = await get("/open311/v2/services/hazard.safety.json");
    expect(json.statusCode).toBe(200);
    expect(valid("service-definition.json", json.json())).toEqual([]);
    expect(json.json().attributes[0]).toMatchObject({
      code: "hazard_level",
      datatype: "singlevaluelist",
      required: true,
      order: 1,
      values: [
        { key: "general", name: "一般" },
        { key: "major", name: "重大" },
      ],
    });
    const xml = await get("/open311/v2/services/hazard.safety.xml");
    expect(xml.body).toContain("<service_definition><service_code>hazard.safety</service_code><attributes><attribute>");
    expect(xml.body).toContain("<values><value><key>general</key><name>一般</name></value>");
  });

  it("answers unknown services, documents and jurisdictions with the specification's error list", async () => {
    const json = await get("/open311/v2/services/no.such.json");
    expect(json.statusCode).toBe(404);
    expect(json.json()).toEqual([{ code: 404, description: "service_code no.such not found" }]);
    const xml = await get("/open311/v2/services/no.such.xml");
    expect(xml.body).toBe(
      '<?xml version="1.0" encoding="utf-8"?><errors><error><code>404</code><description>service_code no.such not found</description></error></errors>',
    );
    const elsewhere = await get("/open311/v2/services.json?jurisdiction_id=other.city");
    expect(elsewhere.statusCode).toBe(404);
    expect(elsewhere.json()[0].description).toMatch(/jurisdiction_id other.city/);
    expect((await get("/open311/v2/services.html")).statusCode).toBe(404);
  });

  it("describes itself in discovery", async () => {
    const res = await get("/open311/v2/discovery.json", { host: "wangge.example.cn" });
    expect(res.json().endpoints[0]).toMatchObject({
      specification: "http://wiki.open311.org/GeoReport_v2",
      url: "http://wangge.example.cn/open311/v2",
      formats: ["text/xml", "application/json"],
    });
    expect((await get("/open311/v2/discovery.xml")).body).toContain("<endpoints><endpoint><specification>");
  });
});

describe("event categories and the working calendar", () => {
  it("lets an admin change a category's deadlines, and refuses a deadline of zero by field", async () => {
    const list = (await get("/api/v1/event-categories", official.headers)).json();
    const neighbour = list.find((c: { key: string }) => c.key === "dispute.neighbour");
    expect(neighbour).toMatchObject({ closeLevel: "grid", priority: "normal" });
    const { key: _k, parentKey: _p, ...settings } = neighbour;
    const res = await t.app.inject({
      method: "PUT",
      url: "/api/v1/event-categories/dispute.neighbour",
      headers: admin.headers,
      payload: { ...settings, deadlines: { ...settings.deadlines, grid: 60 } },
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().deadlines.grid).toBe(60);
    const bad = await t.app.inject({
      method: "PUT",
      url: "/api/v1/event-categories/dispute.neighbour",
      headers: admin.headers,
      payload: { ...settings, deadlines: { ...settings.deadlines, grid: 0 } },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors.map((e: { path: string }) => e.path)).toEqual(["body.deadlines.grid"]);
    const forbidden = await t.app.inject({
      method: "PUT",
      url: "/api/v1/event-categories/dispute.neighbour",
      headers: official.headers,
      payload: settings,
    });
    expect(forbidden.statusCode).toBe(403);
    const unknown = await t.app.inject({
      method: "PUT",
      url: "/api/v1/event-categories/dispute.nothing",
      headers: admin.headers,
      payload: settings,
    });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().code).toBe("EVENT_CATEGORY_NOT_FOUND");
  });

  it("seeds 2026's holidays and make-up days, and checks a replacement day by day", async () => {
    const days = (await get("/api/v1/work-calendar/2026", official.headers)).json();
    expect(days).toContainEqual({ day: "2026-10-01", kind: "holiday", note: "2026 国务院办公厅通知" });
    expect(days).toContainEqual(expect.objectContaining({ day: "2026-10-10", kind: "workday" }));
    const wrong = await t.app.inject({
      method: "PUT",
      url: "/api/v1/work-calendar/2027",
      headers: admin.headers,
      payload: {
        days: [
          { day: "2027-02-08", kind: "workday" },
          { day: "2027-02-06", kind: "holiday" },
          { day: "2026-12-31", kind: "holiday" },
        ],
      },
    });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().errors.map((e: { path: string }) => e.path)).toEqual([
      "body.days.0.kind",
      "body.days.1.kind",
      "body.days.2.day",
    ]);
    const ok = await t.app.inject({
      method: "PUT",
      url: "/api/v1/work-calendar/2027",
      headers: admin.headers,
      payload: {
        days: [
          { day: "2027-02-08", kind: "holiday", note: "春节" },
          { day: "2027-02-20", kind: "workday", note: "调休" },
        ],
      },
    });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json()).toHaveLength(2);
    expect((await get("/api/v1/work-calendar/2026", official.headers)).json().length).toBe(days.length);
  });
});

describe("reporting and handling events", () => {
  let worker: Session;
  let village: Session;
  let elsewhere: Session;
  const eventId = crypto.randomUUID();
  const act = (session: Session, id: string, body: Record<string, unknown>) =>
    t.app.inject({ method: "POST", url: `/api/v1/events/${id}/transitions`, headers: session.headers, payload: body });

  beforeAll(async () => {
    await drawVillageAndGrid(t, admin, tree);
    worker = await signIn(t, await buildUser(t.ctx, { role: "grid_worker", areaCode: tree.grid.code }));
    village = await signIn(t, await buildUser(t.ctx, { role: "village_official", areaCode: tree.village.code }));
    const other = await buildAreaTree(t.ctx);
    elsewhere = await signIn(t, await buildUser(t.ctx, { role: "township_official", areaCode: other.township.code }));
  });

  it("routes a dispute reported at a point to its grid, with a number and a working-time deadline", async () => {
    const res = await t.app.inject({
      method: "POST",
      url: "/api/v1/events",
      headers: worker.headers,
      payload: {
        id: eventId,
        categoryKey: "dispute.neighbour",
        description: "两户因排水沟堵塞发生争吵",
        lng: 109.605,
        lat: 23.105,
        source: "field",
      },
    });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({
      areaCode: tree.grid.code,
      level: "grid",
      state: "reported",
      title: "邻里纠纷 · 一网格",
      source: "field",
    });
    expect(res.json().number).toMatch(new RegExp(`^GX-${tree.grid.code.slice(0, 6)}-\\d{8}-\\d{4}$`));
    expect(new Date(res.json().dueAt).getTime()).toBeGreaterThan(Date.now());
    const retry = await t.app.inject({
      method: "POST",
      url: "/api/v1/events",
      headers: worker.headers,
      payload: {
        id: eventId,
        categoryKey: "dispute.neighbour",
        description: "两户因排水沟堵塞发生争吵",
        lng: 109.605,
        lat: 23.105,
      },
    });
    expect(retry.statusCode).toBe(200);
    expect(retry.json().number).toBe(res.json().number);
  });

  it("names what is missing in a report and stores nothing", async () => {
    const id = crypto.randomUUID();
    const res = await t.app.inject({
      method: "POST",
      url: "/api/v1/events",
      headers: worker.headers,
      // A point in no area of this deployment, and a hazard without its level.
      payload: { id, categoryKey: "hazard.safety", description: "电线老化", lng: 100, lat: 30 },
    });
    expect(res.statusCode).toBe(400);
    expect(await t.ctx.db.selectFrom("event").select("id").where("id", "=", id).execute()).toEqual([]);
    expect(
      res
        .json()
        .errors.map((e: { path: string }) => e.path)
        .sort(),
    ).toEqual(["body.attributes.hazard_level", "body.lng"]);
  });

  it("keeps when a report queued offline was made; its deadline counts from its arrival; Open311 requests it then", async () => {
    const report = (payload: Record<string, unknown>) =>
      t.app.inject({ method: "POST", url: "/api/v1/events", headers: worker.headers, payload });
    const body = {
      categoryKey: "environment.sanitation",
      description: "村口垃圾堆放多日无人清运",
      lng: 109.605,
      lat: 23.105,
      source: "field",
      public: true,
    };
    const now = t.clock.now.getTime();
    const madeAt = new Date(now - 3 * 3_600_000);
    const offline = await report({ ...body, id: crypto.randomUUID(), occurredAt: madeAt.toISOString() });
    expect(offline.statusCode, offline.body).toBe(201);
    const event = offline.json();
    expect(event.occurredAt).toBe(madeAt.toISOString());
    expect(new Date(event.createdAt).getTime()).toBeGreaterThanOrEqual(now);
    // The same category reported now, without a time: its deadline is the same (give or take the
    // moments between the two requests) — counted from the arrival, not from three hours ago.
    const online = await report({ ...body, id: crypto.randomUUID() });
    expect(online.json().occurredAt).toBe(online.json().createdAt);
    expect(Math.abs(Date.parse(event.dueAt) - Date.parse(online.json().dueAt))).toBeLessThan(60_000);

    const detail = await t.app.inject({ method: "GET", url: `/api/v1/events/${event.id}`, headers: worker.headers });
    expect(detail.json().occurredAt).toBe(madeAt.toISOString());
    const open311 = await get(`/open311/v2/requests.json?service_request_id=${event.number}`);
    expect(valid("requests.json", open311.json())).toEqual([]);
    expect(open311.json()[0].requested_datetime).toBe(madeAt.toISOString());
    // Open311 searches by that time too: a range ending before the arrival still finds the request.
    const found = await get(
      `/open311/v2/requests.json?start_date=${new Date(now - 4 * 3_600_000).toISOString()}&end_date=${new Date(now - 3_600_000).toISOString()}`,
    );
    expect(found.json().map((r: { service_request_id: string }) => r.service_request_id)).toContain(event.number);
    expect(found.json().map((r: { service_request_id: string }) => r.service_request_id)).not.toContain(
      online.json().number,
    );

    const ahead = crypto.randomUUID();
    const tooEarly = await report({ ...body, id: ahead, occurredAt: new Date(now + 11 * 60_000).toISOString() });
    expect(tooEarly.statusCode).toBe(400);
    expect(tooEarly.json().errors).toEqual([{ path: "body.occurredAt", message: expect.stringMatching(/future/) }]);
    const tooOld = await report({ ...body, id: ahead, occurredAt: new Date(now - 31 * 86_400_000).toISOString() });
    expect(tooOld.json().errors).toEqual([{ path: "body.occurredAt", message: expect.stringMatching(/30 days/) }]);
    const notATime = await report({ ...body, id: ahead, occurredAt: "yesterday" });
    expect(notATime.statusCode).toBe(400);
    expect(notATime.json().errors[0].path).toBe("body.occurredAt");
    expect(await t.ctx.db.selectFrom("event").select("id").where("id", "=", ahead).execute()).toEqual([]);
    // A phone a few minutes fast: accepted, and never after its arrival.
    const fast = await report({
      ...body,
      id: crypto.randomUUID(),
      occurredAt: new Date(now + 5 * 60_000).toISOString(),
    });
    expect(fast.json().occurredAt).toBe(fast.json().createdAt);
  });

  it("shows the event in the grid's and the village's inboxes, not in another township's", async () => {
    const ids = async (s: Session) =>
      (await get("/api/v1/events?box=area", s.headers)).json().map((e: { id: string }) => e.id);
    expect(await ids(worker)).toContain(eventId);
    expect(await ids(village)).toContain(eventId);
    expect(await ids(elsewhere)).not.toContain(eventId);
    expect((await get(`/api/v1/events/${eventId}`, elsewhere.headers)).statusCode).toBe(404);
  });

  it("refuses what the table does not allow, and an action without its note, changing nothing", async () => {
    const verify = await act(worker, eventId, { action: "verify" });
    expect(verify.statusCode).toBe(409);
    expect(verify.json().code).toBe("EVENT_TRANSITION_NOT_ALLOWED");
    expect((await act(worker, eventId, { action: "accept" })).json().state).toBe("accepted");
    const suspend = await act(worker, eventId, { action: "suspend" });
    expect(suspend.statusCode).toBe(422);
    expect(suspend.json()).toMatchObject({ code: "EVENT_NOTE_REQUIRED", errors: [{ path: "body.note" }] });
    const event = (await get(`/api/v1/events/${eventId}`, worker.headers)).json();
    expect(event.state).toBe("accepted");
    expect(event.timeline.map((s: { action: string }) => s.action)).toEqual(["report", "accept"]);
  });

  it("stops the deadline while suspended and starts it again on resumption", async () => {
    const suspended = (await act(worker, eventId, { action: "suspend", note: "等待当事人返乡" })).json();
    expect(suspended).toMatchObject({ state: "suspended", dueAt: null });
    expect(suspended.remainingMinutes).toBeGreaterThan(0);
    const resumed = (await act(worker, eventId, { action: "resume" })).json();
    expect(resumed).toMatchObject({ state: "accepted", remainingMinutes: null });
    expect(resumed.dueAt).not.toBeNull();
  });

  it("escalates to the village, where the worker may no longer act and the village settles it", async () => {
    const up = (await act(worker, eventId, { action: "escalate", note: "涉及宅基地界线，需社区协调" })).json();
    expect(up).toMatchObject({ level: "village", areaCode: tree.village.code, state: "accepted" });
    const refused = await act(worker, eventId, { action: "start" });
    expect(refused.statusCode).toBe(403);
    expect((await get(`/api/v1/events/${eventId}`, worker.headers)).json().state).toBe("accepted");
    expect((await act(village, eventId, { action: "start" })).json().state).toBe("in_progress");
    const settled = (await act(village, eventId, { action: "resolve", note: "调解达成协议，疏通排水沟" })).json();
    expect(settled).toMatchObject({ state: "resolved", resolvedLevel: "village", dueAt: null });
    expect(settled.timeline.map((s: { action: string }) => s.action)).toEqual([
      "report",
      "accept",
      "suspend",
      "resume",
      "escalate",
      "start",
      "resolve",
    ]);
  });
});

describe("escalation when a deadline passes", () => {
  let h: TestApp;
  let reporter: Session;
  let area: AreaTree;

  beforeAll(async () => {
    // A round-the-clock calendar, so a one-minute deadline is one minute whatever the time of the run.
    h = await buildTestApp({ WANGGE_WORKING_HOURS: "00:00-24:00", WANGGE_WEEKEND: "" });
    const chief = await signIn(h, await buildUser(h.ctx, { role: "admin" }));
    area = await buildAreaTree(h.ctx);
    reporter = await signIn(h, await buildUser(h.ctx, { role: "grid_worker", areaCode: area.grid.code }));
    const list = (
      await h.app.inject({ method: "GET", url: "/api/v1/event-categories", headers: reporter.headers })
    ).json();
    const { key: _k, parentKey: _p, ...settings } = list.find((c: { key: string }) => c.key === "dispute.neighbour");
    const res = await h.app.inject({
      method: "PUT",
      url: "/api/v1/event-categories/dispute.neighbour",
      headers: chief.headers,
      payload: { ...settings, deadlines: { grid: 1, village: 1, township: 1, county: 1, city: 1 } },
    });
    expect(res.statusCode).toBe(200);
  });
  afterAll(async () => {
    await h?.close();
  });

  it("escalates to the village, then to the township, each exactly once, also from a restarted process", async () => {
    const id = crypto.randomUUID();
    const reported = await h.app.inject({
      method: "POST",
      url: "/api/v1/events",
      headers: reporter.headers,
      payload: { id, categoryKey: "dispute.neighbour", description: "一分钟时限的测试纠纷", areaCode: area.grid.code },
    });
    expect(reported.statusCode, reported.body).toBe(201);
    expect(await sweepOverdue(h.ctx)).toBe(0);

    h.clock.advanceMinutes(2);
    expect(await sweepOverdue(h.ctx)).toBe(1);
    expect(await sweepOverdue(h.ctx)).toBe(0);
    const atVillage = await h.ctx.db
      .selectFrom("event")
      .select(["level", "area_path"])
      .where("id", "=", id)
      .executeTakeFirstOrThrow();
    expect(atVillage).toEqual({ level: "village", area_path: area.village.path });

    // The server was down while the village's deadline passed: a new process, and two of them at once.
    h.clock.advanceMinutes(2);
    const restarted = createContext({
      config: h.config,
      database: h.database,
      crypto: h.ctx.crypto,
      now: () => h.clock.now,
    });
    const counts = await Promise.all([sweepOverdue(restarted), sweepOverdue(h.ctx)]);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(1);
    const steps = await h.ctx.db
      .selectFrom("event_step")
      .select(["action", "level", "actor_name"])
      .where("event_id", "=", id)
      .orderBy("at")
      .execute();
    expect(steps).toEqual([
      { action: "report", level: "grid", actor_name: expect.any(String) },
      { action: "escalate", level: "village", actor_name: "系统 / system" },
      { action: "escalate", level: "township", actor_name: "系统 / system" },
    ]);
  });

  it("escalates many due events in batches, each once, with an audit chain that still verifies", async () => {
    const ids = Array.from({ length: 5 }, () => crypto.randomUUID());
    for (const id of ids) {
      const res = await h.app.inject({
        method: "POST",
        url: "/api/v1/events",
        headers: reporter.headers,
        payload: { id, categoryKey: "dispute.neighbour", description: "批量到期的纠纷", areaCode: area.grid.code },
      });
      expect(res.statusCode).toBe(201);
    }
    h.clock.advanceMinutes(2);
    const counts = await Promise.all([sweepOverdue(h.ctx, 2), sweepOverdue(h.ctx, 3)]);
    expect(counts.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(5);
    const steps = await h.ctx.db
      .selectFrom("event_step")
      .select(["event_id"])
      .where("event_id", "in", ids)
      .where("action", "=", "escalate")
      .where("level", "=", "village")
      .execute();
    expect(steps.map((s) => s.event_id).sort()).toEqual([...ids].sort());
    const told = await h.ctx.db
      .selectFrom("notification")
      .select("event_id")
      .where("event_id", "in", ids)
      .where("kind", "=", "escalate")
      .execute();
    expect(told).toHaveLength(5);
    expect((await verifyAuditTrail(h.ctx.db)).ok).toBe(true);
  });

  it("does not escalate a suspended event, whose clock is stopped", async () => {
    const id = crypto.randomUUID();
    await h.app.inject({
      method: "POST",
      url: "/api/v1/events",
      headers: reporter.headers,
      payload: { id, categoryKey: "dispute.neighbour", description: "挂起的纠纷", areaCode: area.grid.code },
    });
    const act = (body: Record<string, unknown>) =>
      h.app.inject({
        method: "POST",
        url: `/api/v1/events/${id}/transitions`,
        headers: reporter.headers,
        payload: body,
      });
    await act({ action: "accept" });
    expect((await act({ action: "suspend", note: "等待鉴定结果" })).json().state).toBe("suspended");
    h.clock.advanceMinutes(10);
    await sweepOverdue(h.ctx);
    const still = await h.ctx.db
      .selectFrom("event")
      .select(["level", "due_at"])
      .where("id", "=", id)
      .executeTakeFirstOrThrow();
    expect(still).toEqual({ level: "grid", due_at: null });
    const resumed = (await act({ action: "resume" })).json();
    expect(resumed.level).toBe("grid");
    expect(new Date(resumed.dueAt).getTime()).toBeGreaterThan(h.clock.now.getTime());
  });
});

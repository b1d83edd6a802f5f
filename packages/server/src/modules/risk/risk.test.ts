import { systemPrincipal } from "@wangge/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildTestApp, type TestApp } from "../../test/build-test-app.ts";
import { type AreaTree, buildAreaTree, buildUser, type Session, signIn } from "../../test/factories.ts";
import { ensureArea } from "../areas/areas.service.ts";
import { addParty } from "../events/disputes.service.ts";
import { transitionEvent } from "../events/event-transitions.service.ts";
import { reportEvent } from "../events/events.service.ts";
import { sweepRisks } from "./risk-sweep.service.ts";

/**
 * Risk early warning through the HTTP API against a real database: a rule raises one alert for three
 * disputes between the same two parties, explaining all three; the sweep never raises it twice (also
 * two processes at once); the township acknowledges and closes it with a masked note; playbooks
 * become tasks that hold the closing; the backtest replays the rule (and unsaved thresholds).
 */
let t: TestApp;
let tree: AreaTree;
let township: Session;
let county: Session;
let village: Session;
let otherTownship: Session;
let worker: Session;
let admin: Session;
const meta = { requestId: "test", ip: null, userAgent: null };
const PHONE_A = "13877125678";
const PHONE_B = "13977136789";
const system = systemPrincipal();

const inject = (session: Session | null, method: "GET" | "POST" | "PUT" | "DELETE", url: string, payload?: unknown) =>
  t.app.inject({
    method,
    url,
    headers: session?.headers ?? {},
    ...(payload !== undefined ? { payload: payload as object } : {}),
  });

/** A dispute in the test grid between two parties given by name and phone. */
async function dispute(description: string, a: [string, string], b: [string, string], daysAgo = 0): Promise<string> {
  const id = crypto.randomUUID();
  await reportEvent(t.ctx, system, meta, {
    id,
    categoryKey: "dispute.neighbour",
    description,
    areaCode: tree.grid.code,
    source: "console",
  });
  await addParty(t.ctx, system, meta, id, { id: crypto.randomUUID(), role: "applicant", name: a[0], phone: a[1] });
  await addParty(t.ctx, system, meta, id, { id: crypto.randomUUID(), role: "respondent", name: b[0], phone: b[1] });
  // Reported in the past: sessions would expire if the clock moved weeks on.
  if (daysAgo > 0)
    await t.ctx.db
      .updateTable("event")
      .set({ created_at: new Date(t.clock.now.getTime() - daysAgo * 86_400_000) })
      .where("id", "=", id)
      .execute();
  return id;
}

const day = (d: Date) => new Date(d.getTime() + 8 * 3_600_000).toISOString().slice(0, 10);

let ruleId: string;
const threeDisputes: string[] = [];
let startedOn: string;

beforeAll(async () => {
  t = await buildTestApp();
  tree = await buildAreaTree(t.ctx);
  township = await signIn(t, await buildUser(t.ctx, { role: "township_official", areaCode: tree.township.code }));
  county = await signIn(t, await buildUser(t.ctx, { role: "county_official", areaCode: tree.county.code }));
  village = await signIn(t, await buildUser(t.ctx, { role: "village_official", areaCode: tree.village.code }));
  otherTownship = await signIn(
    t,
    await buildUser(t.ctx, { role: "township_official", areaCode: tree.otherTownship.code }),
  );
  worker = await signIn(t, await buildUser(t.ctx, { role: "grid_worker", areaCode: tree.grid.code }));
  admin = await signIn(t, await buildUser(t.ctx, { role: "admin", areaCode: null }));
  startedOn = day(new Date(t.clock.now.getTime() - 20 * 86_400_000));
});

afterAll(async () => {
  await t?.close();
});

describe("risk rules", () => {
  it("creates a rule once however often it is sent, and refuses parameters that do not fit its kind", async () => {
    ruleId = crypto.randomUUID();
    const body = {
      id: ruleId,
      name: "同一当事人30天内3次纠纷",
      areaCode: tree.township.code,
      alertLevel: "township",
      enabled: true,
      rule: { kind: "repeated_disputes", params: { match: "parties", windowDays: 30, minCount: 3 } },
    };
    const [first, second] = await Promise.all([
      inject(township, "POST", "/api/v1/risk-rules", body),
      inject(township, "POST", "/api/v1/risk-rules", body),
    ]);
    expect([first.statusCode, second.statusCode].sort()).toEqual([200, 201]);
    expect(first.json().id).toBe(ruleId);
    const list = await inject(township, "GET", "/api/v1/risk-rules");
    expect(list.json().filter((r: { id: string }) => r.id === ruleId)).toHaveLength(1);
    expect(list.json()[0]).toMatchObject({ editable: true, kind: "repeated_disputes" });

    const bad = await inject(township, "POST", "/api/v1/risk-rules", {
      ...body,
      id: crypto.randomUUID(),
      rule: { kind: "repeated_disputes", params: { match: "parties", windowDays: 0, minCount: 3 } },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors.map((e: { path: string }) => e.path)).toContain("body.rule.params.windowDays");
  });

  it("refuses rules for areas outside the caller's, who is not signed in, and who may not configure", async () => {
    const body = {
      id: crypto.randomUUID(),
      name: "邻镇的规则",
      areaCode: tree.otherTownship.code,
      alertLevel: "township",
      enabled: true,
      rule: { kind: "major_dispute", params: { unsettledDays: 10, includeReopened: true } },
    };
    const outside = await inject(township, "POST", "/api/v1/risk-rules", body);
    expect(outside.statusCode).toBe(400);
    expect(outside.json().errors[0].path).toBe("body.areaCode");
    expect((await inject(null, "POST", "/api/v1/risk-rules", body)).statusCode).toBe(401);
    expect(
      (await inject(village, "POST", "/api/v1/risk-rules", { ...body, areaCode: tree.village.code })).statusCode,
    ).toBe(403);
    expect((await inject(otherTownship, "GET", `/api/v1/risk-rules/${ruleId}`)).statusCode).toBe(404);
    expect((await inject(worker, "GET", "/api/v1/risk-rules")).statusCode).toBe(403);
  });

  it("saves over the version read only (RISK_RULE_STALE otherwise)", async () => {
    const rule = (await inject(township, "GET", `/api/v1/risk-rules/${ruleId}`)).json();
    const body = {
      version: rule.version,
      name: rule.name,
      areaCode: rule.areaCode,
      alertLevel: rule.alertLevel,
      enabled: true,
      rule: { kind: "repeated_disputes", params: { match: "parties", windowDays: 30, minCount: 3 } },
    };
    const saved = await inject(township, "PUT", `/api/v1/risk-rules/${ruleId}`, body);
    expect(saved.statusCode).toBe(200);
    expect(saved.json().version).toBe(rule.version + 1);
    const stale = await inject(township, "PUT", `/api/v1/risk-rules/${ruleId}`, body);
    expect(stale.statusCode).toBe(409);
    expect(stale.json().code).toBe("RISK_RULE_STALE");
  });
});

describe("repeated disputes between the same two parties", () => {
  let alertId: string;
  let toldId: string;

  it("raise one alert explaining all three, and never again on later sweeps", async () => {
    const a: [string, string] = ["黄桂兰", PHONE_A];
    const b: [string, string] = ["韦 建华", PHONE_B];
    threeDisputes.push(await dispute("空调滴水到楼下阳台", a, b, 17));
    threeDisputes.push(await dispute("再次滴水，双方争吵", a, ["韦建华", PHONE_B], 9));
    // One of them with someone else: not the same pair.
    await dispute("楼道堆物", a, ["覃明", "13700001111"], 5);
    expect(await sweepRisks(t.ctx, "test")).toBe(0);
    threeDisputes.push(await dispute("安装水管踩坏雨棚，发生推搡", b, a));
    expect(await sweepRisks(t.ctx, "test")).toBe(1);
    expect(await sweepRisks(t.ctx, "test")).toBe(0);

    const list = await inject(township, "GET", "/api/v1/alerts");
    expect(list.statusCode).toBe(200);
    const mine = list.json().items.filter((x: { ruleId: string }) => x.ruleId === ruleId);
    expect(mine).toHaveLength(1);
    alertId = mine[0].id;
    const alert = await inject(township, "GET", `/api/v1/alerts/${alertId}`);
    expect(alert.json()).toMatchObject({
      state: "open",
      kind: "repeated_disputes",
      areaCode: tree.township.code,
      recordCount: 3,
      explanation: {
        ruleName: "同一当事人30天内3次纠纷",
        params: { match: "parties", windowDays: 30, minCount: 3 },
        figures: { count: 3, windowDays: 30, basis: "name_phone" },
      },
    });
    expect(
      alert
        .json()
        .records.map((r: { id: string }) => r.id)
        .sort(),
    ).toEqual([...threeDisputes].sort());
    expect(alert.json().records.every((r: { visible: boolean }) => r.visible)).toBe(true);
    // The category by its key (the app names it in the reader's language); the title apart from it.
    expect(alert.json().records[0]).toMatchObject({ categoryKey: "dispute.neighbour" });
    expect(alert.json().records[0].detail).toEqual(expect.any(String));
    expect(alert.json().records[0].detail).not.toContain("dispute.");
    // Who repeated: the pair, by the names the disputes hold, to who may read them.
    expect([...alert.json().parties].sort()).toEqual(["韦 建华", "黄桂兰"].sort());
    expect(alert.body).not.toContain(PHONE_A);
    // Not even the number's tail (outside the records' ids, whose hex may hold any four digits).
    expect(alert.body.replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, "")).not.toContain(
      "5678",
    );
  });

  it("two processes sweeping at once raise a new alert once", async () => {
    const a: [string, string] = ["梁秀英", "13600002222"];
    const b: [string, string] = ["莫志强", "13600003333"];
    for (let i = 0; i < 3; i++) await dispute(`宅基地边界争执 ${i}`, a, b);
    const [x, y] = await Promise.all([sweepRisks(t.ctx, "process-a"), sweepRisks(t.ctx, "process-b")]);
    expect((x ?? 0) + (y ?? 0)).toBe(1);
    expect(await sweepRisks(t.ctx, "process-a")).toBe(0);
  });

  it("reach the township's inbox: the county reads it but does not handle it; the village and the neighbour township do not see it", async () => {
    expect((await inject(county, "GET", `/api/v1/alerts/${alertId}`)).statusCode).toBe(200);
    const refused = await inject(county, "POST", `/api/v1/alerts/${alertId}/acknowledge`, {});
    expect(refused.statusCode).toBe(403);
    expect((await inject(village, "GET", `/api/v1/alerts/${alertId}`)).statusCode).toBe(404);
    expect((await inject(otherTownship, "GET", `/api/v1/alerts/${alertId}`)).statusCode).toBe(404);
    expect((await inject(worker, "GET", "/api/v1/alerts")).statusCode).toBe(403);
    expect((await inject(null, "GET", "/api/v1/alerts")).statusCode).toBe(401);
    const notes = await t.ctx.db.selectFrom("notification").selectAll().where("kind", "=", "alert").execute();
    expect(notes.length).toBeGreaterThan(0);
  });

  it("are acknowledged, then closed with what was done, its numbers masked", async () => {
    const ack = await inject(township, "POST", `/api/v1/alerts/${alertId}/acknowledge`, {});
    expect(ack.json().state).toBe("acknowledged");
    const empty = await inject(township, "POST", `/api/v1/alerts/${alertId}/close`, { note: "" });
    expect(empty.statusCode).toBe(400);
    expect(empty.json().errors[0].path).toBe("body.note");
    const closed = await inject(township, "POST", `/api/v1/alerts/${alertId}/close`, {
      note: `已组织双方再次调解，韦建华（${PHONE_B}）承诺三日内修好雨棚`,
    });
    expect(closed.statusCode).toBe(200);
    expect(closed.json()).toMatchObject({ state: "closed", closedByName: expect.any(String) });
    expect(closed.json().closeNote).toContain("承诺三日内修好雨棚");
    expect(closed.body).not.toContain(PHONE_B);
    const again = await inject(township, "POST", `/api/v1/alerts/${alertId}/close`, { note: "再次关闭" });
    expect(again.statusCode).toBe(409);
    expect(again.json().code).toBe("RISK_ALERT_CLOSED");
    expect((await inject(township, "GET", `/api/v1/alerts/${crypto.randomUUID()}`)).statusCode).toBe(404);
  });

  it("are told in the township's notifications as data the apps word in the reader's language, with no stale state", async () => {
    const res = await inject(township, "GET", "/api/v1/notifications?limit=200");
    expect(res.statusCode).toBe(200);
    const told = res.json().items.find((n: { alert: { id: string } | null }) => n.alert?.id === alertId);
    expect(told).toMatchObject({
      kind: "alert",
      eventId: null,
      // The alert is closed by now: the "open" it was raised in is not shown as its state.
      state: null,
      note: null,
      alert: {
        kind: "repeated_disputes",
        ruleName: "同一当事人30天内3次纠纷",
        figures: { count: 3, windowDays: 30, match: "parties" },
        records: 3,
      },
    });
    expect(Object.keys(told.alert.figures)).not.toContain("basis");
    toldId = told.id;
    expect(res.body).not.toContain(PHONE_A);
  });

  it("told before alerts were data, still read: their text, and no state", async () => {
    // The township official's own id, read off the notification they were told the alert in.
    const me = await t.ctx.db
      .selectFrom("notification")
      .select("user_id")
      .where("id", "=", toldId)
      .executeTakeFirstOrThrow();
    const id = crypto.randomUUID();
    await t.ctx.db
      .insertInto("notification")
      .values({
        id,
        user_id: me.user_id,
        event_id: null,
        kind: "alert",
        title: "风险预警：重复纠纷 / Risk alert: Repeated disputes",
        body: JSON.stringify({ state: "open", note: "规则：相同当事人 30 天内 3 起纠纷 / 3 disputes" }),
        created_at: new Date(),
        read_at: null,
      })
      .execute();
    const res = await inject(township, "GET", "/api/v1/notifications?limit=200");
    expect(res.json().items.find((n: { id: string }) => n.id === id)).toMatchObject({
      title: "风险预警：重复纠纷 / Risk alert: Repeated disputes",
      state: null,
      note: "规则：相同当事人 30 天内 3 起纠纷 / 3 disputes",
      alert: null,
    });
  });
});

describe("playbooks", () => {
  it("become tasks with deadlines that must be finished before the alert closes", async () => {
    const playbookId = crypto.randomUUID();
    const created = await inject(admin, "POST", "/api/v1/playbooks", {
      id: playbookId,
      name: "重复纠纷升级防控预案",
      steps: [
        { title: "网格员上门走访双方", role: "grid_worker", dueHours: 24 },
        { title: "调解员组织再次调解", role: "mediator", dueHours: 72 },
      ],
    });
    expect(created.statusCode).toBe(201);
    expect(
      (await inject(township, "POST", "/api/v1/playbooks", { id: crypto.randomUUID(), name: "x", steps: [] }))
        .statusCode,
    ).toBe(403);
    // A step is staff's work: a resident or a wall screen is refused, by the field.
    const residentStep = await inject(admin, "POST", "/api/v1/playbooks", {
      id: crypto.randomUUID(),
      name: "居民自行处置",
      steps: [{ title: "居民自行处置", role: "resident", dueHours: 24 }],
    });
    expect(residentStep.statusCode).toBe(400);
    expect(residentStep.json().errors.map((e: { path: string }) => e.path)).toEqual(["body.steps.0.role"]);
    const open = (await inject(township, "GET", "/api/v1/alerts?state=open")).json().items[0];
    const gridWorker = await buildUser(t.ctx, { role: "grid_worker", areaCode: tree.grid.code });
    const mediator = await buildUser(t.ctx, { role: "mediator", areaCode: tree.township.code });
    const elsewhere = await buildUser(t.ctx, { role: "grid_worker", areaCode: tree.otherGrid.code });
    // A grid of the same village where none of the disputes is: its worker has nothing to do with them.
    const sibling = await ensureArea(t.ctx.db, {
      code: `${tree.village.code}G09`,
      name: "九网格",
      level: "grid",
      parentCode: tree.village.code,
    });
    const besides = await buildUser(t.ctx, { role: "grid_worker", areaCode: sibling.code });
    const started = await inject(township, "POST", `/api/v1/alerts/${open.id}/playbook`, { playbookId });
    expect(started.statusCode).toBe(200);
    // Each step reaches the holders of its role in the alert's area, nobody elsewhere.
    const taskNotes = async (userId: string) =>
      (
        await t.ctx.db
          .selectFrom("notification")
          .select("title")
          .where("user_id", "=", userId)
          .where("kind", "=", "alert_task")
          .execute()
      ).map((n) => n.title);
    expect(await taskNotes(gridWorker.id)).toEqual([expect.stringContaining("网格员上门走访双方")]);
    // A task of its own kind, in both languages (the apps show the reader's half), with no state.
    const [told] = await t.ctx.db
      .selectFrom("notification")
      .select(["title", "body"])
      .where("user_id", "=", gridWorker.id)
      .where("kind", "=", "alert_task")
      .execute();
    expect(told?.title).toMatch(/^预案任务：.+ \/ Playbook task: /);
    expect(JSON.parse(told?.body ?? "{}")).toEqual({ note: expect.stringMatching(/：.+ \/ .+: /) });
    expect(await taskNotes(mediator.id)).toEqual([expect.stringContaining("调解员组织再次调解")]);
    expect(await taskNotes(elsewhere.id)).toEqual([]);
    expect(await taskNotes(besides.id)).toEqual([]);
    // Started again (a retry): nobody is told twice.
    await inject(township, "POST", `/api/v1/alerts/${open.id}/playbook`, { playbookId });
    expect(await taskNotes(gridWorker.id)).toHaveLength(1);
    expect(started.json().tasks).toHaveLength(2);
    expect(started.json().state).toBe("acknowledged");
    const due = new Date(started.json().tasks[0].dueAt).getTime() - t.clock.now.getTime();
    expect(Math.round(due / 3_600_000)).toBe(24);
    const refused = await inject(township, "POST", `/api/v1/alerts/${open.id}/close`, { note: "已处置完毕" });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().code).toBe("RISK_ALERT_TASKS_OPEN");
    const task0 = started.json().tasks[0].id;
    expect((await inject(county, "POST", `/api/v1/alert-tasks/${task0}/finish`, { state: "done" })).statusCode).toBe(
      403,
    );
    expect(
      (await inject(township, "POST", `/api/v1/alert-tasks/${task0}/finish`, { state: "started" })).statusCode,
    ).toBe(400);
    expect(
      (await inject(township, "POST", `/api/v1/alert-tasks/${crypto.randomUUID()}/finish`, { state: "done" }))
        .statusCode,
    ).toBe(404);
    for (const task of started.json().tasks) {
      const done = await inject(township, "POST", `/api/v1/alert-tasks/${task.id}/finish`, {
        state: "done",
        note: `已上门，联系电话 ${PHONE_A}`,
      });
      // Who finished it and when, with the note's numbers masked.
      expect(done.json()).toMatchObject({
        state: "done",
        doneByName: expect.any(String),
        doneAt: expect.any(String),
      });
      expect(done.json().note).toContain("已上门");
      expect(done.body).not.toContain(PHONE_A);
    }
    expect((await inject(township, "POST", `/api/v1/alerts/${open.id}/close`, { note: "已处置完毕" })).statusCode).toBe(
      200,
    );
  });
});

describe("backtest", () => {
  it("lists what the rule would have raised and whether those matters were later escalated", async () => {
    await transitionEvent(t.ctx, system, meta, threeDisputes[2] as string, { action: "accept" });
    t.clock.advanceMinutes(1);
    await transitionEvent(t.ctx, system, meta, threeDisputes[2] as string, {
      action: "escalate",
      note: "网格无法化解",
    });
    const to = day(t.clock.now);
    const res = await inject(township, "POST", "/api/v1/risk-rules/backtest", { ruleId, from: startedOn, to });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.summary.raised).toBe(2);
    const ours = body.items.find((i: { records: { id: string }[] }) =>
      i.records.some((r) => r.id === threeDisputes[0]),
    );
    expect(ours.records.map((r: { id: string }) => r.id)).toEqual(threeDisputes);
    expect(ours.escalated).toBe(true);
    expect(body.summary.escalated).toBe(1);

    const stricter = await inject(township, "POST", "/api/v1/risk-rules/backtest", {
      ruleId,
      rule: { kind: "repeated_disputes", params: { match: "parties", windowDays: 10, minCount: 3 } },
      from: startedOn,
      to,
    });
    expect(stricter.json().summary.raised).toBe(1);
  });

  it("refuses a reversed period, a care rule, and areas outside the caller's", async () => {
    const reversed = await inject(township, "POST", "/api/v1/risk-rules/backtest", {
      ruleId,
      from: "2026-12-31",
      to: "2026-01-01",
    });
    expect(reversed.statusCode).toBe(422);
    expect(reversed.json().code).toBe("RISK_BACKTEST_PERIOD");
    const care = await inject(township, "POST", "/api/v1/risk-rules/backtest", {
      rule: { kind: "care_overdue", params: { graceDays: 7 } },
      areaCode: tree.township.code,
      from: startedOn,
      to: startedOn,
    });
    expect(care.statusCode).toBe(422);
    expect(care.json().code).toBe("RISK_BACKTEST_UNSUPPORTED");
    const outside = await inject(township, "POST", "/api/v1/risk-rules/backtest", {
      rule: { kind: "major_dispute", params: { unsettledDays: 5, includeReopened: false } },
      areaCode: tree.otherTownship.code,
      from: startedOn,
      to: startedOn,
    });
    expect(outside.statusCode).toBe(400);
    expect(
      (await inject(otherTownship, "POST", "/api/v1/risk-rules/backtest", { ruleId, from: startedOn, to: startedOn }))
        .statusCode,
    ).toBe(404);
  });
});

describe("sensitive dates", () => {
  it("are kept for the deployment by who configures risk everywhere, and for an area by its officials", async () => {
    const body = {
      id: crypto.randomUUID(),
      name: "国庆节",
      onDate: "2026-10-01",
      recursYearly: true,
      daysBefore: 3,
      daysAfter: 7,
      areaCode: null,
    };
    expect((await inject(township, "POST", "/api/v1/sensitive-dates", body)).statusCode).toBe(403);
    expect((await inject(admin, "POST", "/api/v1/sensitive-dates", body)).statusCode).toBe(201);
    expect((await inject(admin, "POST", "/api/v1/sensitive-dates", body)).statusCode).toBe(200);
    const local = await inject(township, "POST", "/api/v1/sensitive-dates", {
      ...body,
      id: crypto.randomUUID(),
      name: "镇圩日纠纷高发期",
      areaCode: tree.township.code,
      recursYearly: false,
      onDate: day(t.clock.now),
    });
    expect(local.statusCode).toBe(201);
    const list = (await inject(township, "GET", "/api/v1/sensitive-dates")).json();
    expect(list.map((d: { name: string }) => d.name)).toEqual(expect.arrayContaining(["国庆节", "镇圩日纠纷高发期"]));
    expect((await inject(otherTownship, "DELETE", `/api/v1/sensitive-dates/${local.json().id}`)).statusCode).toBe(404);
    expect((await inject(township, "DELETE", `/api/v1/sensitive-dates/${local.json().id}`)).statusCode).toBe(204);
  });
});

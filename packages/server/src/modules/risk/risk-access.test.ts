import { systemPrincipal } from "@wangge/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildTestApp, type TestApp } from "../../test/build-test-app.ts";
import { type AreaTree, buildAreaTree, buildUser, type Session, signIn } from "../../test/factories.ts";
import { ensureArea } from "../areas/areas.service.ts";
import type { AreaRow } from "../areas/areas.table.ts";
import { reportEvent } from "../events/events.service.ts";
import { raiseAlert } from "./alerts.service.ts";

/**
 * Risk early warning as an attacker tries it: the alert list filtered by an area above the reader's
 * does not widen to that area; a rule cannot send its alerts to a level its editor does not
 * configure; names typed into rules, playbooks and the calendar are stored with numbers masked; an
 * alert does not gain records of areas outside its own.
 */
let t: TestApp;
let tree: AreaTree;
let township: Session;
let county: Session;
let village: Session;
let otherVillage: AreaRow;
let otherVillageGrid: AreaRow;
const meta = { requestId: "test", ip: null, userAgent: null };
const system = systemPrincipal();
const PHONE = "13877125678";
const ID_NUMBER = "450802199001011234";

const inject = (session: Session, method: "GET" | "POST" | "PUT", url: string, payload?: unknown) =>
  t.app.inject({
    method,
    url,
    headers: session.headers,
    ...(payload !== undefined ? { payload: payload as object } : {}),
  });

const ruleBody = (overrides: Record<string, unknown> = {}) => ({
  id: crypto.randomUUID(),
  name: "同一地址纠纷",
  areaCode: tree.township.code,
  alertLevel: "township",
  enabled: true,
  rule: { kind: "repeated_disputes", params: { match: "address", windowDays: 30, minCount: 3 } },
  ...overrides,
});

interface Reported {
  id: string;
  areaPath: string;
}

async function report(area: AreaRow): Promise<Reported> {
  const id = crypto.randomUUID();
  await reportEvent(t.ctx, system, meta, {
    id,
    categoryKey: "dispute.neighbour",
    description: "楼道堆物引发争执",
    areaCode: area.code,
    source: "console",
  });
  return { id, areaPath: area.path };
}

/** Raises an alert of `ruleId` straight away (as the sweep does), into `area`, with `events` behind it. */
async function raise(ruleId: string, dedupKey: string, area: AreaRow, events: Reported[]) {
  await raiseAlert(t.ctx, {
    alert: {
      id: crypto.randomUUID(),
      rule_id: ruleId,
      kind: "repeated_disputes",
      dedup_key: dedupKey,
      area_id: area.id,
      area_path: area.path,
      title: "同一地址 30 天内多起纠纷",
      explanation: {
        ruleName: "同一地址纠纷",
        kind: "repeated_disputes",
        params: {},
        figures: { count: events.length },
      },
      raised_at: t.clock.now,
    },
    records: events.map((e) => ({ type: "event", id: e.id, at: t.clock.now, areaPath: e.areaPath })),
  });
  return (await t.ctx.db.selectFrom("alert").select("id").where("dedup_key", "=", dedupKey).executeTakeFirstOrThrow())
    .id;
}

beforeAll(async () => {
  t = await buildTestApp();
  tree = await buildAreaTree(t.ctx);
  otherVillage = await ensureArea(t.ctx.db, {
    code: `${tree.township.code}002`,
    name: "邻村",
    level: "village",
    parentCode: tree.township.code,
  });
  otherVillageGrid = await ensureArea(t.ctx.db, {
    code: `${tree.township.code}002G01`,
    name: "邻村一网格",
    level: "grid",
    parentCode: otherVillage.code,
  });
  township = await signIn(t, await buildUser(t.ctx, { role: "township_official", areaCode: tree.township.code }));
  county = await signIn(t, await buildUser(t.ctx, { role: "county_official", areaCode: tree.county.code }));
  village = await signIn(t, await buildUser(t.ctx, { role: "village_official", areaCode: tree.village.code }));
});

afterAll(async () => {
  await t?.close();
});

describe("the alert list filtered by area", () => {
  it("answers an area above the reader's with the reader's own alerts only, never the whole area", async () => {
    const rule = await inject(township, "POST", "/api/v1/risk-rules", ruleBody());
    expect(rule.statusCode, rule.body).toBe(201);
    const townshipAlert = await raise(rule.json().id, `test:${crypto.randomUUID()}`, tree.township, [
      await report(tree.grid),
    ]);
    const villageAlert = await raise(rule.json().id, `test:${crypto.randomUUID()}`, tree.village, [
      await report(tree.grid),
    ]);
    expect((await inject(village, "GET", `/api/v1/alerts/${townshipAlert}`)).statusCode).toBe(404);

    for (const code of [tree.township.code, tree.county.code]) {
      const res = await inject(village, "GET", `/api/v1/alerts?areaCode=${code}`);
      expect(res.statusCode, res.body).toBe(200);
      const ids = res.json().items.map((a: { id: string }) => a.id);
      expect(ids).not.toContain(townshipAlert);
      expect(ids).toContain(villageAlert);
      expect(res.json().total).toBe(ids.length);
    }
    // Below the reader's area: only that area; beside it: not found.
    const below = await inject(township, "GET", `/api/v1/alerts?areaCode=${tree.village.code}`);
    expect(below.json().items.map((a: { id: string }) => a.id)).toEqual([villageAlert]);
    const beside = await inject(village, "GET", `/api/v1/alerts?areaCode=${otherVillage.code}`);
    expect(beside.statusCode).toBe(404);
    expect(beside.json().code).toBe("AREA_NOT_FOUND");
  });
});

describe("a rule's alert level", () => {
  it("cannot send alerts above the areas its editor configures", async () => {
    const above = await inject(township, "POST", "/api/v1/risk-rules", ruleBody({ alertLevel: "county" }));
    expect(above.statusCode, above.body).toBe(400);
    expect(above.json().errors[0].path).toBe("body.alertLevel");
    const saved = (await inject(township, "POST", "/api/v1/risk-rules", ruleBody())).json();
    const moved = await inject(township, "PUT", `/api/v1/risk-rules/${saved.id}`, {
      ...ruleBody({ alertLevel: "county" }),
      id: undefined,
      version: saved.version,
    });
    expect(moved.statusCode, moved.body).toBe(400);
    expect(moved.json().errors[0].path).toBe("body.alertLevel");
    // The county configures its own level: its official may send a township's alerts up to it.
    expect((await inject(county, "POST", "/api/v1/risk-rules", ruleBody({ alertLevel: "county" }))).statusCode).toBe(
      201,
    );
    // Down to the villages is the township's to decide.
    expect((await inject(township, "POST", "/api/v1/risk-rules", ruleBody({ alertLevel: "village" }))).statusCode).toBe(
      201,
    );
  });
});

describe("names typed into rules, playbooks and the calendar", () => {
  it("are stored and shown with ID and phone numbers masked", async () => {
    const rule = await inject(township, "POST", "/api/v1/risk-rules", ruleBody({ name: `回访 ${PHONE} 家的纠纷` }));
    expect(rule.statusCode, rule.body).toBe(201);
    expect(rule.body).not.toContain(PHONE);
    const playbook = await inject(
      await signIn(t, await buildUser(t.ctx, { role: "admin", areaCode: null })),
      "POST",
      "/api/v1/playbooks",
      {
        id: crypto.randomUUID(),
        name: `联系 ${PHONE} 预案`,
        description: `当事人身份证 ${ID_NUMBER}`,
        steps: [{ title: `电话 ${PHONE} 回访`, role: "grid_worker", dueHours: 24 }],
      },
    );
    expect(playbook.statusCode, playbook.body).toBe(201);
    expect(playbook.body).not.toContain(PHONE);
    expect(playbook.body).not.toContain(ID_NUMBER);
    const date = await inject(township, "POST", "/api/v1/sensitive-dates", {
      id: crypto.randomUUID(),
      name: `${ID_NUMBER} 上访纪念日`,
      onDate: "2026-10-01",
      recursYearly: true,
      daysBefore: 1,
      daysAfter: 1,
      areaCode: tree.township.code,
    });
    expect(date.statusCode, date.body).toBe(201);
    expect(date.body).not.toContain(ID_NUMBER);

    const stored = JSON.stringify([
      await t.ctx.db.selectFrom("risk_rule").selectAll().where("id", "=", rule.json().id).execute(),
      await t.ctx.db.selectFrom("playbook").selectAll().where("id", "=", playbook.json().id).execute(),
      await t.ctx.db.selectFrom("sensitive_date").selectAll().where("id", "=", date.json().id).execute(),
      await t.ctx.db.selectFrom("audit_log").select("details").execute(),
    ]);
    expect(stored).not.toContain(PHONE);
    expect(stored).not.toContain(ID_NUMBER);
  });
});

describe("an alert raised again with records found since", () => {
  it("takes only the records of its own area; those elsewhere stay out of its readers' sight", async () => {
    const rule = (await inject(township, "POST", "/api/v1/risk-rules", ruleBody({ alertLevel: "village" }))).json();
    const key = `test:${crypto.randomUUID()}`;
    const mine = await report(tree.grid);
    const alertId = await raise(rule.id, key, tree.village, [mine]);
    const elsewhere = await report(otherVillageGrid);
    const later = await report(tree.grid);
    await raise(rule.id, key, tree.village, [mine, elsewhere, later]);

    const alert = await inject(village, "GET", `/api/v1/alerts/${alertId}`);
    expect(alert.statusCode).toBe(200);
    const ids = alert.json().records.map((r: { id: string }) => r.id);
    expect(ids).toEqual(expect.arrayContaining([mine.id, later.id]));
    expect(ids).not.toContain(elsewhere.id);
    expect(alert.json().recordCount).toBe(2);
  });
});

describe("a care alert's explanation", () => {
  it("names the subject's care tags only to who may read people of its area", async () => {
    // A deployment that lets its mediators read risk alerts (they do not read people).
    await t.ctx.db
      .insertInto("role_permission")
      .values({ role_key: "mediator", permission: "risk.read" })
      .onConflict((oc) => oc.doNothing())
      .execute();
    const mediator = await signIn(t, await buildUser(t.ctx, { role: "mediator", areaCode: tree.township.code }));
    const rule = (
      await inject(
        township,
        "POST",
        "/api/v1/risk-rules",
        ruleBody({ rule: { kind: "care_overdue", params: { graceDays: 7 } } }),
      )
    ).json();
    await raiseAlert(t.ctx, {
      alert: {
        id: crypto.randomUUID(),
        rule_id: rule.id,
        kind: "care_overdue",
        dedup_key: `test:${crypto.randomUUID()}`,
        area_id: tree.township.id,
        area_path: tree.township.path,
        title: "关爱对象超期 9 天未走访",
        explanation: {
          ruleName: rule.name,
          kind: "care_overdue",
          params: { graceDays: 7 },
          figures: { everyDays: 7, daysLate: 9, graceDays: 7, tags: "elderly_alone,serious_illness" },
        },
        raised_at: t.clock.now,
      },
      records: [],
    });
    const ofRule = async (session: Session) =>
      (await inject(session, "GET", `/api/v1/alerts?ruleId=${rule.id}`)).json().items[0];
    const official = await ofRule(township);
    expect(official.explanation.figures.tags).toBe("elderly_alone,serious_illness");
    const seen = await ofRule(mediator);
    expect(seen.id).toBe(official.id);
    expect(seen.explanation.figures).toMatchObject({ daysLate: 9 });
    expect(seen.explanation.figures).not.toHaveProperty("tags");
    const detail = await inject(mediator, "GET", `/api/v1/alerts/${official.id}`);
    expect(detail.statusCode).toBe(200);
    expect(detail.body).not.toContain("serious_illness");
  });
});

describe("acknowledging an alert with a note", () => {
  it("shows what is being done, its numbers masked", async () => {
    const rule = (await inject(township, "POST", "/api/v1/risk-rules", ruleBody())).json();
    const alertId = await raise(rule.id, `test:${crypto.randomUUID()}`, tree.township, [await report(tree.grid)]);
    const ack = await inject(township, "POST", `/api/v1/alerts/${alertId}/acknowledge`, {
      note: `已电话联系当事人（${PHONE}），明日上门`,
    });
    expect(ack.statusCode, ack.body).toBe(200);
    expect(ack.json().acknowledgeNote).toContain("明日上门");
    expect(ack.body).not.toContain(PHONE);
    const stored = await t.ctx.db.selectFrom("alert").select("ack_note").where("id", "=", alertId).executeTakeFirst();
    expect(stored?.ack_note).not.toContain(PHONE);
  });
});

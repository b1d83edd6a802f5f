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

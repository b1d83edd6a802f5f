import { chinaDate, systemPrincipal } from "@wangge/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildTestApp, type TestApp } from "../../test/build-test-app.ts";
import { type AreaTree, buildAreaTree, buildUser, type Session, signIn } from "../../test/factories.ts";
import { addParty, updateDispute } from "../events/disputes.service.ts";
import { transitionEvent } from "../events/event-transitions.service.ts";
import { reportEvent } from "../events/events.service.ts";
import { createHousehold } from "../registry/households.service.ts";
import { createPerson } from "../registry/people.service.ts";
import { createPlace } from "../registry/places.service.ts";
import { tagSubject } from "../registry/tags.service.ts";
import { sweepRisks } from "./risk-sweep.service.ts";

/**
 * The other four kinds of risk rule, each raising its alert from the raw tables once: a weekly surge
 * against the area's own baseline, a major dispute left unsettled and then reopened, a care subject
 * not visited beyond their rhythm (the visits' due computation), matters near a sensitive date.
 */
let t: TestApp;
let tree: AreaTree;
let township: Session;
let admin: Session;
const meta = { requestId: "test", ip: null, userAgent: null };
const system = systemPrincipal();

const inject = (session: Session, method: "GET" | "POST", url: string, payload?: unknown) =>
  t.app.inject({
    method,
    url,
    headers: session.headers,
    ...(payload !== undefined ? { payload: payload as object } : {}),
  });

async function rule(kind: string, params: Record<string, unknown>): Promise<string> {
  const id = crypto.randomUUID();
  const res = await inject(township, "POST", "/api/v1/risk-rules", {
    id,
    name: `规则 ${kind}`,
    areaCode: tree.township.code,
    alertLevel: "township",
    enabled: true,
    rule: { kind, params },
  });
  expect(res.statusCode, res.body).toBe(201);
  return id;
}

async function report(categoryKey: string, daysAgo = 0): Promise<string> {
  const id = crypto.randomUUID();
  await reportEvent(t.ctx, system, meta, {
    id,
    categoryKey,
    description: "测试事项",
    areaCode: tree.grid.code,
    source: "console",
  });
  if (daysAgo > 0)
    await t.ctx.db
      .updateTable("event")
      .set({ created_at: new Date(t.clock.now.getTime() - daysAgo * 86_400_000) })
      .where("id", "=", id)
      .execute();
  return id;
}

const alertsOf = async (ruleId: string) =>
  (await inject(township, "GET", `/api/v1/alerts?state=active&ruleId=${ruleId}`)).json().items as {
    id: string;
    explanation: { figures: Record<string, unknown> };
    recordCount: number;
  }[];

beforeAll(async () => {
  t = await buildTestApp();
  tree = await buildAreaTree(t.ctx);
  township = await signIn(t, await buildUser(t.ctx, { role: "township_official", areaCode: tree.township.code }));
  admin = await signIn(t, await buildUser(t.ctx, { role: "admin", areaCode: null }));
});

afterAll(async () => {
  await t?.close();
});

describe("rule kinds", () => {
  it("a weekly surge against the village's own quiet baseline, once", async () => {
    const id = await rule("category_surge", {
      categoryPrefix: "environment.",
      areaLevel: "village",
      baselineWeeks: 8,
      sdFactor: 3,
      minCount: 5,
    });
    for (let i = 0; i < 4; i++) await report("environment.sanitation");
    await sweepRisks(t.ctx, "test");
    expect(await alertsOf(id)).toHaveLength(0);
    await report("environment.sanitation");
    await sweepRisks(t.ctx, "test");
    const [alert] = await alertsOf(id);
    expect(alert?.explanation.figures).toMatchObject({ count: 5, mean: 0, sd: 0, threshold: 0 });
    expect(alert?.recordCount).toBe(5);
    // A sixth joins the same alert rather than raising another.
    await report("environment.sanitation");
    await sweepRisks(t.ctx, "test");
    const after = await alertsOf(id);
    expect(after).toHaveLength(1);
    expect(after[0]?.recordCount).toBe(6);
  });

  it("a major dispute unsettled beyond its days, and again when it is reopened", async () => {
    const id = await rule("major_dispute", { unsettledDays: 5, includeReopened: true });
    const event = await report("dispute.land_acquisition", 6);
    await addParty(t.ctx, system, meta, event, { id: crypto.randomUUID(), role: "applicant", name: "覃立新" });
    await updateDispute(t.ctx, system, meta, event, { riskGrade: "major" });
    const fresh = await report("dispute.land_acquisition", 1);
    await updateDispute(t.ctx, system, meta, fresh, { riskGrade: "major" });
    await sweepRisks(t.ctx, "test");
    const raised = await alertsOf(id);
    expect(raised).toHaveLength(1);
    expect(raised[0]?.explanation.figures).toMatchObject({ reason: "unsettled", unsettledDays: 5 });
    for (const action of ["accept", "resolve"] as const)
      await transitionEvent(t.ctx, system, meta, event, action === "resolve" ? { action, note: "已协商" } : { action });
    await transitionEvent(t.ctx, system, meta, event, { action: "reopen", note: "当事人反映补偿未到位" });
    await sweepRisks(t.ctx, "test");
    const reasons = (await alertsOf(id)).map((a) => a.explanation.figures.reason).sort();
    expect(reasons).toEqual(["reopened", "unsettled"]);
  });

  it("a care subject not visited beyond their rhythm and the grace days", async () => {
    const id = await rule("care_overdue", { graceDays: 7 });
    const place = crypto.randomUUID();
    const household = crypto.randomUUID();
    const person = crypto.randomUUID();
    await createPlace(t.ctx, system, meta, {
      id: place,
      divisionCode: tree.village.code,
      road: "和平路",
      gridCode: tree.grid.code,
    });
    await createHousehold(t.ctx, system, meta, { id: household, placeId: place });
    await createPerson(t.ctx, system, meta, { id: person, name: "莫奶奶", householdId: household });
    const since = chinaDate(new Date(t.clock.now.getTime() - 90 * 86_400_000));
    await tagSubject(t.ctx, system, meta, "person", person, [{ key: "elderly_alone", validFrom: since }]);
    await sweepRisks(t.ctx, "test");
    const [alert] = await alertsOf(id);
    expect(alert?.explanation.figures).toMatchObject({ graceDays: 7, lastVisitedOn: null });
    const detail = (await inject(township, "GET", `/api/v1/alerts/${alert?.id}`)).json();
    expect(detail.records).toEqual([expect.objectContaining({ type: "person", id: person, label: "莫奶奶" })]);
    await sweepRisks(t.ctx, "test");
    expect(await alertsOf(id)).toHaveLength(1);
  });

  it("matters near a sensitive date of the admin's calendar", async () => {
    const id = await rule("sensitive_dates", { categoryPrefix: "dispute.neighbour", minCount: 2 });
    const created = await inject(admin, "POST", "/api/v1/sensitive-dates", {
      id: crypto.randomUUID(),
      name: "重要会议期间",
      onDate: chinaDate(new Date(t.clock.now.getTime() + 2 * 86_400_000)),
      recursYearly: false,
      daysBefore: 3,
      daysAfter: 1,
      areaCode: null,
    });
    expect(created.statusCode).toBe(201);
    await report("dispute.neighbour");
    await sweepRisks(t.ctx, "test");
    expect(await alertsOf(id)).toHaveLength(0);
    await report("dispute.neighbour");
    await sweepRisks(t.ctx, "test");
    const [alert] = await alertsOf(id);
    expect(alert?.explanation.figures).toMatchObject({ dateName: "重要会议期间", daysBefore: 3, daysAfter: 1 });
    expect(alert?.recordCount).toBeGreaterThanOrEqual(2);
  });
});

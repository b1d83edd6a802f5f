import { chinaDate } from "@wangge/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildTestApp, type TestApp } from "../../test/build-test-app.ts";
import { type AreaTree, buildAreaTree, buildUser, type Session, signIn } from "../../test/factories.ts";

/**
 * GET /figures and /figures/open through the server: figures move with the reports and actions that
 * commit (not with refused ones), are seen only inside the reader's areas, compare with the period
 * before, break down by day, category and child, and link to the events list that shows the same.
 */
let t: TestApp;
let tree: AreaTree;
let official: Session;
let neighbour: Session;
let worker: Session;
let today: string;

beforeAll(async () => {
  t = await buildTestApp();
  tree = await buildAreaTree(t.ctx);
  official = await signIn(t, await buildUser(t.ctx, { role: "township_official", areaCode: tree.township.code }));
  neighbour = await signIn(t, await buildUser(t.ctx, { role: "township_official", areaCode: tree.otherTownship.code }));
  worker = await signIn(t, await buildUser(t.ctx, { role: "grid_head", areaCode: tree.village.code }));
  today = chinaDate(t.clock.now);
});
afterAll(async () => {
  await t?.close();
});

async function report(who: Session, areaCode: string, categoryKey = "environment.sanitation"): Promise<string> {
  const id = crypto.randomUUID();
  const res = await t.app.inject({
    method: "POST",
    url: "/api/v1/events",
    headers: who.headers,
    payload: { id, categoryKey, description: "村道旁垃圾堆放，无人清运", areaCode },
  });
  expect(res.statusCode, res.body).toBe(201);
  return id;
}

const act = (who: Session, id: string, body: Record<string, unknown>) =>
  t.app.inject({ method: "POST", url: `/api/v1/events/${id}/transitions`, headers: who.headers, payload: body });

async function figures(who: Session, query: string) {
  const res = await t.app.inject({ method: "GET", url: `/api/v1/figures?${query}`, headers: who.headers });
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}

describe("GET /figures", () => {
  it("counts reports and actions at every level up to the top, and not refused ones", async () => {
    const a = await report(worker, tree.grid.code);
    const b = await report(worker, tree.grid.code, "dispute.neighbour");
    expect((await act(worker, a, { action: "accept" })).statusCode).toBe(200);
    expect((await act(worker, a, { action: "resolve", note: "已清运" })).statusCode).toBe(200);
    // Refused (already resolved): changes nothing, counts nothing.
    expect((await act(worker, a, { action: "accept" })).statusCode).toBe(409);
    expect((await act(worker, b, { action: "return", note: "不属于本网格" })).statusCode).toBe(200);

    for (const area of [tree.grid.code, tree.village.code, tree.township.code]) {
      const f = await figures(official, `area=${area}&from=${today}&to=${today}`);
      expect(f.counts).toMatchObject({
        reported: 2,
        accepted: 1,
        settled: 1,
        settledGrid: 1,
        settledOnTime: 1,
        settledLate: 0,
        returned: 1,
      });
      expect(f.rates.settledInGrid).toBe(100);
      expect(f.previous.counts.reported).toBe(0);
    }
    const f = await figures(official, `area=${tree.township.code}&from=${today}&to=${today}&by=category`);
    expect(f.rows.map((r: { key: string }) => r.key).sort()).toEqual(["dispute.neighbour", "environment.sanitation"]);
    const disputes = await figures(official, `area=${tree.township.code}&from=${today}&to=${today}&category=dispute`);
    expect(disputes.counts.reported).toBe(1);
    expect(disputes.trail.map((a: { code: string }) => a.code)).toEqual([tree.township.code]);
  });

  it("breaks down by child area and day, and compares with the period before", async () => {
    const byChild = await figures(official, `area=${tree.township.code}&from=${today}&to=${today}&by=child`);
    expect(byChild.rows).toEqual([
      expect.objectContaining({ key: tree.village.code, name: tree.village.name, level: "village" }),
    ]);
    expect(byChild.rows[0].counts.reported).toBe(byChild.counts.reported);
    const week = await figures(official, `area=${tree.grid.code}&from=${today}&to=${today}&by=day`);
    expect(week.rows).toEqual([expect.objectContaining({ key: today })]);
    const tomorrow = new Date(Date.parse(`${today}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
    const next = await figures(official, `area=${tree.grid.code}&from=${tomorrow}&to=${tomorrow}`);
    expect(next.counts.reported).toBe(0);
    expect(next.previous).toMatchObject({ from: today, to: today });
    expect(next.previous.counts.reported).toBe(week.counts.reported);
  });

  it("keeps every one of parallel reports on the same area, day and category", async () => {
    const before = (await figures(official, `area=${tree.village.code}&from=${today}&to=${today}`)).counts.reported;
    await Promise.all(Array.from({ length: 12 }, () => report(worker, tree.grid.code)));
    const after = (await figures(official, `area=${tree.village.code}&from=${today}&to=${today}`)).counts.reported;
    expect(after - before).toBe(12);
  });

  it("links to the events list that shows the same events", async () => {
    const f = await figures(official, `area=${tree.township.code}&from=${today}&to=${today}`);
    for (const figure of ["reported", "accepted", "settled", "returned"] as const) {
      const res = await t.app.inject({
        method: "GET",
        url: `/api/v1/events?box=all&areaCode=${tree.township.code}&figure=${figure}&from=${today}&to=${today}&limit=200`,
        headers: official.headers,
      });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json()).toHaveLength(f.counts[figure]);
    }
    const half = await t.app.inject({
      method: "GET",
      url: `/api/v1/events?box=all&figure=reported&from=${today}`,
      headers: official.headers,
    });
    expect(half.statusCode).toBe(400);
    expect(half.json()).toMatchObject({ code: "VALIDATION_FAILED", errors: [{ path: "querystring.from" }] });
  });

  it("refuses a bad period with the field, and a reader without the right", async () => {
    const bad = await t.app.inject({
      method: "GET",
      url: `/api/v1/figures?area=${tree.township.code}&from=2026-05-02&to=2026-05-01`,
      headers: official.headers,
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ code: "VALIDATION_FAILED", errors: [{ path: "querystring.to" }] });
    const notADay = await t.app.inject({
      method: "GET",
      url: `/api/v1/figures?from=yesterday&to=${today}`,
      headers: official.headers,
    });
    expect(notADay.statusCode).toBe(400);
    expect(notADay.json().errors[0].path).toContain("from");
    const anonymous = await t.app.inject({ method: "GET", url: `/api/v1/figures?from=${today}&to=${today}` });
    expect(anonymous.statusCode).toBe(401);
    const resident = await signIn(t, await buildUser(t.ctx, { role: "resident", areaCode: tree.grid.code }));
    const refused = await t.app.inject({
      method: "GET",
      url: `/api/v1/figures?from=${today}&to=${today}`,
      headers: resident.headers,
    });
    expect(refused.statusCode).toBe(403);
  });

  it("answers an area outside the reader's areas as not found, like one that does not exist", async () => {
    for (const code of [tree.township.code, tree.county.code, "X999999"]) {
      const res = await t.app.inject({
        method: "GET",
        url: `/api/v1/figures?area=${code}&from=${today}&to=${today}`,
        headers: neighbour.headers,
      });
      expect(res.statusCode).toBe(404);
      expect(res.json().code).toBe("AREA_NOT_FOUND");
    }
    // Without an area: the reader's own, with nothing of the other township in it.
    const own = await figures(neighbour, `from=${today}&to=${today}`);
    expect(own.area.code).toBe(tree.otherTownship.code);
    expect(own.counts.reported).toBe(0);
  });
});

describe("GET /figures/open", () => {
  it("counts open matters per child and those past their deadline, within the reader's areas", async () => {
    const res = await t.app.inject({
      method: "GET",
      url: `/api/v1/figures/open?area=${tree.township.code}`,
      headers: official.headers,
    });
    expect(res.statusCode, res.body).toBe(200);
    const open = res.json();
    const list = await t.app.inject({
      method: "GET",
      url: `/api/v1/events?box=area&areaCode=${tree.township.code}&limit=200`,
      headers: official.headers,
    });
    const openStates = ["reported", "accepted", "assigned", "in_progress", "returned"];
    const listed = list.json().filter((e: { state: string }) => openStates.includes(e.state));
    expect(open.open).toBe(listed.length);
    expect(open.children).toEqual([
      expect.objectContaining({ code: tree.village.code, open: listed.length, overdue: 0, hasChildren: true }),
    ]);
    const hidden = await t.app.inject({
      method: "GET",
      url: `/api/v1/figures/open?area=${tree.township.code}`,
      headers: neighbour.headers,
    });
    expect(hidden.statusCode).toBe(404);
  });
});

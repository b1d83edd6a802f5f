import { chinaDate } from "@wangge/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildTestApp, type TestApp } from "../../test/build-test-app.ts";
import { type AreaTree, buildAreaTree, buildUser, type Session, signIn } from "../../test/factories.ts";
import { addFigures } from "./figure-updates.ts";

/**
 * What a figure's change is measured against, with the clock on Monday 2026-12-07 (China time): the
 * 工作台's week so far against last week's same days (not the Sunday before), the big screen's month
 * so far against last month's same days (not the week before the 1st), and by default the period of
 * equal length just before (today against yesterday, a report's period against the one before).
 */
let t: TestApp;
let tree: AreaTree;
let official: Session;
let screen: Session;
const TODAY = "2026-12-07";

/** Reports counted on each day in the village (and so in the township above it). */
const REPORTED: Record<string, number> = {
  "2026-11-02": 4, // last month's same days (11-01..11-07)
  "2026-11-05": 1,
  "2026-11-24": 8, // the week before the month: what the screen compared with
  "2026-11-30": 3, // last Monday: last week's same days
  "2026-12-01": 2, // this month
  "2026-12-06": 5, // Sunday: what the week compared with on a Monday
  "2026-12-07": 6, // today
};

beforeAll(async () => {
  t = await buildTestApp();
  // Monday 2026-12-07, 10:00 China time.
  t.clock.advanceMinutes((Date.parse(`${TODAY}T02:00:00Z`) - t.clock.now.getTime()) / 60_000);
  expect(chinaDate(t.clock.now)).toBe(TODAY);
  tree = await buildAreaTree(t.ctx);
  official = await signIn(t, await buildUser(t.ctx, { role: "township_official", areaCode: tree.township.code }));
  screen = await signIn(t, await buildUser(t.ctx, { role: "screen", areaCode: tree.township.code }));
  await addFigures(
    t.ctx.db,
    Object.entries(REPORTED).map(([day, reported]) => ({
      path: tree.village.path,
      at: day,
      categoryKey: "environment.sanitation",
      counts: { reported },
    })),
  );
});
afterAll(async () => {
  await t?.close();
});

async function figures(query: string) {
  const res = await t.app.inject({ method: "GET", url: `/api/v1/figures?${query}`, headers: official.headers });
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}

describe("GET /figures compare", () => {
  it("compares this week so far with last week's same days (on a Monday: last Monday)", async () => {
    const f = await figures(`area=${tree.township.code}&from=${TODAY}&to=${TODAY}&compare=lastWeek&by=child`);
    expect(f.counts.reported).toBe(6);
    expect(f.previous).toMatchObject({ from: "2026-11-30", to: "2026-11-30", compare: "lastWeek" });
    expect(f.previous.counts.reported).toBe(3);
  });

  it("compares today with yesterday by default", async () => {
    const f = await figures(`area=${tree.township.code}&from=${TODAY}&to=${TODAY}`);
    expect(f.previous).toMatchObject({ from: "2026-12-06", to: "2026-12-06", compare: "preceding" });
    expect(f.previous.counts.reported).toBe(5);
  });

  it("compares the month so far with last month's same days, not the days just before", async () => {
    const f = await figures(`area=${tree.village.code}&from=2026-12-01&to=${TODAY}&compare=lastMonth`);
    expect(f.counts.reported).toBe(13);
    expect(f.previous).toMatchObject({ from: "2026-11-01", to: "2026-11-07", compare: "lastMonth" });
    expect(f.previous.counts.reported).toBe(5);
    const preceding = await figures(`area=${tree.village.code}&from=2026-12-01&to=${TODAY}`);
    expect(preceding.previous).toMatchObject({ from: "2026-11-24", to: "2026-11-30" });
    expect(preceding.previous.counts.reported).toBe(11);
  });

  it("counts a day in both periods when they overlap", async () => {
    const f = await figures(`area=${tree.village.code}&from=2026-11-30&to=${TODAY}&compare=lastWeek`);
    expect(f.counts.reported).toBe(16);
    expect(f.previous).toMatchObject({ from: "2026-11-23", to: "2026-11-30" });
    expect(f.previous.counts.reported).toBe(11);
  });

  it("refuses an unknown comparison", async () => {
    const res = await t.app.inject({
      method: "GET",
      url: `/api/v1/figures?from=${TODAY}&to=${TODAY}&compare=lastYear`,
      headers: official.headers,
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors[0].path).toBe("query.compare");
  });

  it("refuses a day no calendar here knows (year 1: its week before is year 0), by the field", async () => {
    const res = await t.app.inject({
      method: "GET",
      url: "/api/v1/figures?from=0001-01-03&to=0001-01-05&compare=lastWeek",
      headers: official.headers,
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors.map((e: { path: string }) => e.path)).toEqual(["query.from", "query.to"]);
  });
});

describe("GET /screen/overview month", () => {
  it("compares this month so far with last month's same days", async () => {
    const res = await t.app.inject({ method: "GET", url: "/api/v1/screen/overview", headers: screen.headers });
    expect(res.statusCode, res.body).toBe(200);
    const { month } = res.json();
    expect(month).toMatchObject({ from: "2026-12-01", to: TODAY });
    expect(month.counts.reported).toBe(13);
    expect(month.previous).toMatchObject({ from: "2026-11-01", to: "2026-11-07", compare: "lastMonth" });
    expect(month.previous.counts.reported).toBe(5);
  });
});

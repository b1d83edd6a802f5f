import { describe, expect, it } from "vitest";
import {
  backtestSummary,
  categoryMatches,
  groupKeys,
  normaliseAddress,
  normalisePartyName,
  repeatClusters,
  sensitiveWindows,
  surgeVerdict,
  weekStartOf,
} from "./risk-rules.ts";

const at = (day: number) => new Date(Date.UTC(2026, 10, 1) + day * 86_400_000);
const params = { match: "parties" as const, windowDays: 30, minCount: 3 };

describe("repeatClusters", () => {
  it("finds three disputes between the same pair within the window, once, with every dispute of the window", () => {
    const s = [
      { eventId: "a", at: at(0), keys: ["p1", "p2"] },
      { eventId: "b", at: at(10), keys: ["p2", "p1"] },
      { eventId: "x", at: at(12), keys: ["p1", "p9"] },
      { eventId: "c", at: at(25), keys: ["p1", "p2", "p3"] },
      { eventId: "d", at: at(29), keys: ["p1", "p2"] },
    ];
    const clusters = repeatClusters(s, params);
    expect(clusters).toEqual([{ key: "p1|p2", eventIds: ["a", "b", "c", "d"], firstAt: at(0), lastAt: at(29) }]);
  });

  it.each([
    ["spread beyond the window", [0, 20, 31], 0],
    ["exactly on the window's edge", [0, 15, 30], 1],
    ["two windows apart", [0, 1, 2, 100, 101, 102], 2],
  ])("%s", (_, days, expected) => {
    const s = (days as number[]).map((d, i) => ({ eventId: `e${i}`, at: at(d), keys: ["p1", "p2"] }));
    expect(repeatClusters(s, params)).toHaveLength(expected as number);
  });

  it("gives the same clusters whatever order the disputes come in (a stable alert key)", () => {
    const s = [0, 3, 9, 40, 41, 44].map((d, i) => ({ eventId: `e${i}`, at: at(d), keys: ["p1", "p2"] }));
    expect(repeatClusters([...s].reverse(), params)).toEqual(repeatClusters(s, params));
  });

  it("groups by address with one key per dispute", () => {
    expect(groupKeys({ eventId: "a", at: at(0), keys: ["address:x"] }, "address")).toEqual(["address:x"]);
    expect(groupKeys({ eventId: "a", at: at(0), keys: ["c", "a", "b"] }, "parties")).toEqual(["a|b", "a|c", "b|c"]);
  });
});

describe("surgeVerdict", () => {
  const surge = {
    categoryPrefix: "dispute.",
    areaLevel: "village" as const,
    baselineWeeks: 8,
    sdFactor: 3,
    minCount: 5,
  };
  it("fires beyond the mean plus k standard deviations, with the floor", () => {
    expect(surgeVerdict(9, [2, 3, 2, 3, 2, 3, 2, 3], surge)).toMatchObject({
      mean: 2.5,
      sd: 0.5,
      threshold: 4,
      fires: true,
    });
    expect(surgeVerdict(4, [0, 0, 0, 0, 0, 0, 0, 1], surge).fires).toBe(false); // above the threshold, below the floor
    expect(surgeVerdict(6, [4, 6, 2, 8, 4, 6, 2, 8], surge).fires).toBe(false);
  });
});

describe("weekStartOf", () => {
  it("is Monday 00:00 in China", () => {
    // Sunday 2026-12-06 23:30 China time is still the week of Monday 2026-11-30.
    expect(weekStartOf(new Date("2026-12-06T15:30:00Z")).toISOString()).toBe("2026-11-29T16:00:00.000Z");
    expect(weekStartOf(new Date("2026-12-06T16:30:00Z")).toISOString()).toBe("2026-12-06T16:00:00.000Z");
  });
});

describe("sensitiveWindows", () => {
  it("repeats a yearly date in every year of the period, with its days before and after", () => {
    const w = sensitiveWindows(
      [{ id: "nd", onDate: "2020-10-01", recursYearly: true, daysBefore: 3, daysAfter: 7 }],
      new Date("2025-01-01T00:00:00+08:00"),
      new Date("2027-01-01T00:00:00+08:00"),
    );
    expect(w.map((x) => x.day)).toEqual(["2025-10-01", "2026-10-01"]);
    expect(w[0]?.from.toISOString()).toBe(new Date("2025-09-28T00:00:00+08:00").toISOString());
    expect(w[0]?.to.toISOString()).toBe(new Date("2025-10-09T00:00:00+08:00").toISOString());
  });

  it("skips 29 February in years without it", () => {
    const w = sensitiveWindows(
      [{ id: "x", onDate: "2024-02-29", recursYearly: true, daysBefore: 0, daysAfter: 0 }],
      new Date("2025-01-01T00:00:00+08:00"),
      new Date("2029-01-01T00:00:00+08:00"),
    );
    expect(w.map((x) => x.day)).toEqual(["2028-02-29"]);
  });
});

describe("normalising", () => {
  it("compares names and addresses without spaces, brackets and width", () => {
    expect(normalisePartyName("黄桂兰（演示）")).toBe(normalisePartyName("黄桂兰 (演示)"));
    expect(normaliseAddress("金港大道 １２号")).toBe(normaliseAddress("金港大道12号"));
  });

  it("selects categories by group or key", () => {
    expect(categoryMatches("dispute.neighbour", "dispute.")).toBe(true);
    expect(categoryMatches("dispute.neighbour", "dispute.land_forest")).toBe(false);
  });
});

describe("backtestSummary", () => {
  it("counts the alerts whose matters were escalated or reopened afterwards", () => {
    expect(
      backtestSummary([
        { escalated: true, reopened: false },
        { escalated: true, reopened: true },
        { escalated: false, reopened: false },
        { escalated: false, reopened: false },
      ]),
    ).toEqual({ raised: 4, escalated: 2, reopened: 1, followed: 2, share: 0.5 });
    expect(backtestSummary([]).share).toBeNull();
  });
});

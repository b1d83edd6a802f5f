import { describe, expect, it } from "vitest";
import { addMonthsClamped, comparisonPeriod } from "./figures.ts";

describe("comparisonPeriod", () => {
  it.each([
    // A day against the day before; a week so far against the days just before it.
    ["preceding", "2026-12-07", "2026-12-07", "2026-12-06", "2026-12-06"],
    ["preceding", "2026-11-30", "2026-12-06", "2026-11-23", "2026-11-29"],
    // This week so far against last week's same days (on a Monday: last Monday, not Sunday).
    ["lastWeek", "2026-12-07", "2026-12-07", "2026-11-30", "2026-11-30"],
    ["lastWeek", "2026-11-30", "2026-12-03", "2026-11-23", "2026-11-26"],
    // This month so far against last month's same days, clamped to its length.
    ["lastMonth", "2026-12-01", "2026-12-07", "2026-11-01", "2026-11-07"],
    ["lastMonth", "2027-03-01", "2027-03-31", "2027-02-01", "2027-02-28"],
    ["lastMonth", "2028-03-01", "2028-03-31", "2028-02-01", "2028-02-29"],
    ["lastMonth", "2027-01-01", "2027-01-31", "2026-12-01", "2026-12-31"],
  ] as const)("compares %s %s..%s with %s..%s", (compare, from, to, beforeFrom, beforeTo) => {
    expect(comparisonPeriod(from, to, compare)).toEqual({ from: beforeFrom, to: beforeTo });
  });
});

describe("addMonthsClamped", () => {
  it.each([
    ["2027-03-31", -1, "2027-02-28"],
    ["2026-05-31", -1, "2026-04-30"],
    ["2026-01-15", -1, "2025-12-15"],
    ["2026-12-31", 2, "2027-02-28"],
  ] as const)("moves %s by %i months to %s", (day, months, expected) => {
    expect(addMonthsClamped(day, months)).toBe(expected);
  });
});

import { describe, expect, it } from "vitest";
import { daysOf, isRising, periodsDue, reportPeriodOf } from "./report-periods.ts";

// 2026-10-01..07 National Day holiday, 2026-10-10 (Saturday) a make-up working day.
const holidays = new Set(["2026-10-01", "2026-10-02", "2026-10-05", "2026-10-06", "2026-10-07"]);
const workdays = new Set(["2026-10-10"]);
const isWorking = (d: string) => {
  if (workdays.has(d)) return true;
  if (holidays.has(d)) return false;
  const w = new Date(`${d}T00:00:00Z`).getUTCDay();
  return w !== 0 && w !== 6;
};

describe("reportPeriodOf", () => {
  it.each([
    ["daily", "2026-12-09", "2026-12-09", "2026-12-09"],
    // Monday's daily report takes in the weekend before it.
    ["daily", "2026-12-07", "2026-12-05", "2026-12-07"],
    ["daily", "2026-12-06", "2026-12-05", "2026-12-07"],
    // A holiday week: its matters go to the first working day after it.
    ["daily", "2026-10-03", "2026-10-01", "2026-10-08"],
    ["daily", "2026-10-10", "2026-10-10", "2026-10-10"],
    ["weekly", "2026-12-09", "2026-12-07", "2026-12-13"],
    ["weekly", "2026-12-13", "2026-12-07", "2026-12-13"],
    ["monthly", "2026-02-14", "2026-02-01", "2026-02-28"],
    ["monthly", "2028-02-14", "2028-02-01", "2028-02-29"],
    ["monthly", "2026-12-31", "2026-12-01", "2026-12-31"],
  ] as const)("%s of %s is %s to %s", (kind, day, from, to) => {
    expect(reportPeriodOf(kind, day, isWorking)).toEqual({ from, to });
  });
});

describe("periodsDue", () => {
  it("writes yesterday's daily report after midnight, none on a rest day's morning", () => {
    expect(periodsDue("daily", "2026-12-10", isWorking, 1)).toEqual([{ from: "2026-12-09", to: "2026-12-09" }]);
    // Sunday: the weekend waits for Monday; the newest daily period over is Friday's.
    expect(periodsDue("daily", "2026-12-06", isWorking, 2)).toEqual([
      { from: "2026-12-04", to: "2026-12-04" },
      { from: "2026-12-03", to: "2026-12-03" },
    ]);
    expect(periodsDue("daily", "2026-12-08", isWorking, 1)).toEqual([{ from: "2026-12-05", to: "2026-12-07" }]);
  });
  it("writes last week's on Monday and last month's on the 1st", () => {
    expect(periodsDue("weekly", "2026-12-14", isWorking, 1)).toEqual([{ from: "2026-12-07", to: "2026-12-13" }]);
    expect(periodsDue("weekly", "2026-12-13", isWorking, 1)).toEqual([{ from: "2026-11-30", to: "2026-12-06" }]);
    expect(periodsDue("monthly", "2027-01-01", isWorking, 2)).toEqual([
      { from: "2026-12-01", to: "2026-12-31" },
      { from: "2026-11-01", to: "2026-11-30" },
    ]);
  });
});

describe("isRising", () => {
  it.each([
    [3, 0, true],
    [2, 0, false],
    [6, 3.9, true],
    [6, 4, false],
  ])("%i this week against a mean of %d: %s", (count, mean, rising) => {
    expect(isRising(count, mean)).toBe(rising);
  });
  it("lists a period's days", () => {
    expect(daysOf({ from: "2026-12-30", to: "2027-01-02" })).toEqual([
      "2026-12-30",
      "2026-12-31",
      "2027-01-01",
      "2027-01-02",
    ]);
  });
});

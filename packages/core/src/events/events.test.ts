import { describe, expect, it } from "vitest";
import { checkAttributes, DEFAULT_CATEGORIES } from "./categories.ts";
import { isDisputeCategory, suggestedRiskGrade } from "./disputes.ts";
import { handlingLevelOf, levelAbove, nearestAbove, nearestAtOrAbove } from "./levels.ts";
import { actionsFrom, clockRuns, isPublicCategory, nextState, withinReopenWindow } from "./workflow.ts";
import {
  ALL_DAY,
  addWorkingMinutes,
  calendar,
  HOLIDAYS_2026,
  isWorkingDay,
  workingMinutesBetween,
} from "./working-time.ts";

describe("event workflow", () => {
  it("follows the table from report to close", () => {
    let state = "reported" as Parameters<typeof nextState>[0];
    for (const [action, to] of [
      ["accept", "accepted"],
      ["assign", "assigned"],
      ["start", "in_progress"],
      ["resolve", "resolved"],
      ["verify", "verified"],
      ["close", "closed"],
    ] as const) {
      const step = nextState(state, action, { note: "处理完毕" });
      expect(step).toEqual({ ok: true, to });
      if (step.ok) state = step.to;
    }
  });

  it("refuses what the table does not allow, and actions without their required note", () => {
    expect(nextState("reported", "close")).toEqual({ ok: false, code: "EVENT_TRANSITION_NOT_ALLOWED" });
    expect(nextState("closed", "escalate", { note: "x" })).toEqual({ ok: false, code: "EVENT_TRANSITION_NOT_ALLOWED" });
    expect(nextState("in_progress", "suspend")).toEqual({ ok: false, code: "EVENT_NOTE_REQUIRED" });
    expect(nextState("in_progress", "suspend", { note: "  " })).toEqual({ ok: false, code: "EVENT_NOTE_REQUIRED" });
  });

  it("resumes to the state before the suspension and keeps the state on escalation", () => {
    expect(nextState("suspended", "resume", { stateBeforeSuspension: "in_progress" })).toEqual({
      ok: true,
      to: "in_progress",
    });
    expect(nextState("assigned", "escalate", { note: "需要街道协调" })).toEqual({ ok: true, to: "assigned" });
    expect(actionsFrom("suspended").sort()).toEqual(["co_handle", "resume", "supervise"]);
    expect(clockRuns("suspended")).toBe(false);
    expect(clockRuns("assigned")).toBe(true);
  });

  it("knows the handling levels and what is above each", () => {
    expect(handlingLevelOf("microgrid")).toBe("grid");
    expect(levelAbove("grid")).toBe("village");
    expect(levelAbove("village")).toBe("township");
    expect(levelAbove("city")).toBeUndefined();
  });
});

describe("where an event goes up to", () => {
  const path = (...levels: string[]) =>
    levels.map((level, i) => ({ code: String(i), level }) as { code: string; level: never });

  it.each([
    ["a grid under a village", ["grid", "village", "township", "county"], "grid", "1"],
    ["a grid directly under a township", ["grid", "township", "county"], "grid", "1"],
    ["a grid directly under a county", ["grid", "county"], "grid", "1"],
    ["a village directly under a county", ["village", "county"], "village", "1"],
    ["a microgrid under a grid (the grid is not above)", ["microgrid", "grid", "village"], "grid", "2"],
    ["the top of the tree", ["county"], "county", undefined],
    ["a province above a city (both city level)", ["city", "province"], "city", undefined],
  ])("escalates %s to the nearest area above", (_, levels, level, expected) => {
    expect(nearestAbove(path(...levels), level as never)?.code).toBe(expected);
  });

  it("closes at the nearest area at or above the close level", () => {
    expect(nearestAtOrAbove(path("grid", "township", "county"), "village")?.code).toBe("1");
    expect(nearestAtOrAbove(path("grid", "village", "township"), "village")?.code).toBe("1");
    expect(nearestAtOrAbove(path("village", "township"), "village")?.code).toBe("0");
    expect(nearestAtOrAbove(path("grid", "village"), "township")).toBeUndefined();
  });
});

describe("working time", () => {
  const cal = calendar({ holidays: HOLIDAYS_2026.holidays, workdays: HOLIDAYS_2026.workdays });
  const at = (local: string) => new Date(`${local}+08:00`);

  it("knows weekends, holidays and make-up working days of 2026", () => {
    expect(isWorkingDay("2026-11-27", cal)).toBe(true); // Friday
    expect(isWorkingDay("2026-11-28", cal)).toBe(false); // Saturday
    expect(isWorkingDay("2026-10-05", cal)).toBe(false); // National Day week, a Monday
    expect(isWorkingDay("2026-10-10", cal)).toBe(true); // make-up Saturday
    expect(isWorkingDay("2026-02-14", cal)).toBe(true); // make-up Saturday before Spring Festival
  });

  it("adds office hours across a lunch break, a holiday and a weekend", () => {
    // Thursday 24 September 10:00, eight working hours: 5 on Thursday; Friday is Mid-Autumn; Monday 3 more.
    expect(addWorkingMinutes(at("2026-09-24T10:00:00"), 8 * 60, cal)).toEqual(at("2026-09-28T11:30:00"));
    // Starting at lunch or after hours starts at the next opening.
    expect(addWorkingMinutes(at("2026-11-27T12:30:00"), 30, cal)).toEqual(at("2026-11-27T15:00:00"));
    expect(addWorkingMinutes(at("2026-11-27T20:00:00"), 30, cal)).toEqual(at("2026-11-30T09:00:00"));
  });

  it("stops the clock while an event is suspended and continues it after, across a weekend and a holiday", () => {
    const start = at("2026-09-24T10:00:00");
    const deadline = addWorkingMinutes(start, 8 * 60, cal);
    const suspended = at("2026-09-24T11:00:00");
    const remaining = workingMinutesBetween(suspended, deadline, cal);
    expect(remaining).toBe(7 * 60);
    const resumed = at("2026-09-29T09:00:00");
    expect(addWorkingMinutes(resumed, remaining, cal)).toEqual(at("2026-09-30T09:30:00"));
  });

  it("counts round the clock in a calendar without office hours (a hotline, or tests)", () => {
    const always = calendar({ windows: ALL_DAY, weekend: [] });
    const t0 = at("2026-11-28T23:59:30");
    expect(addWorkingMinutes(t0, 1, always)).toEqual(at("2026-11-29T00:00:30"));
    expect(workingMinutesBetween(t0, at("2026-11-29T00:00:30"), always)).toBe(1);
  });
});

describe("default event categories", () => {
  it("are valid settings, with the 15 dispute categories justice bureaus report, each under an existing group", async () => {
    const { CategorySettingsSchema, DEFAULT_CATEGORIES } = await import("./categories.ts");
    const keys = new Set(DEFAULT_CATEGORIES.map((c) => c.key));
    expect(keys.size).toBe(DEFAULT_CATEGORIES.length);
    for (const c of DEFAULT_CATEGORIES) {
      const { key: _key, parentKey, ...settings } = c;
      expect(CategorySettingsSchema.safeParse(settings).success, c.key).toBe(true);
      if (parentKey) expect(keys.has(parentKey)).toBe(true);
    }
    expect(DEFAULT_CATEGORIES.filter((c) => c.parentKey === "dispute")).toHaveLength(15);
  });

  it("refuses a list attribute without values and a deadline of zero", async () => {
    const { CategorySettingsSchema } = await import("./categories.ts");
    const result = CategorySettingsSchema.safeParse({
      name: { "zh-CN": "测试", en: "Test" },
      closeLevel: "grid",
      deadlines: { grid: 0, village: 780, township: 1170, county: 1950, city: 3900 },
      priority: "normal",
      active: true,
      attributes: [
        { code: "kind", datatype: "singlevaluelist", required: true, description: { "zh-CN": "类", en: "Kind" } },
      ],
    });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.path.join(".")).sort()).toEqual(["attributes.0.values", "deadlines.grid"]);
  });
});

describe("checking a year's calendar", () => {
  it("names days outside the year, days listed twice, and days of the wrong kind", async () => {
    const { checkCalendarYear } = await import("./working-time.ts");
    expect(
      checkCalendarYear(2027, [
        { day: "2027-02-08", kind: "holiday" },
        { day: "2027-02-20", kind: "workday" },
      ]),
    ).toEqual([]);
    expect(
      checkCalendarYear(2027, [
        { day: "2027-02-08", kind: "workday" },
        { day: "2027-02-06", kind: "holiday" },
        { day: "2026-12-31", kind: "holiday" },
        { day: "2027-02-08", kind: "holiday" },
      ]).map((i) => i.path),
    ).toEqual(["days.0.kind", "days.1.kind", "days.2.day", "days.3.day"]);
  });
});

describe("extra fields, reopening, what the public sees, dispute grades", () => {
  const attrs = DEFAULT_CATEGORIES.find((c) => c.key === "hazard.safety")?.attributes ?? [];
  it("checks extra fields by their datatype and keeps codes the category does not define", () => {
    expect(checkAttributes(attrs, { hazard_level: "major", report_url: "x" }, "body.attributes")).toEqual([]);
    expect(checkAttributes(attrs, {}, "body.attributes")).toMatchObject([
      { path: "body.attributes.hazard_level", message: "required for this category" },
    ]);
    expect(checkAttributes(attrs, { hazard_level: "huge" }, "a")[0]?.message).toBe("one of general, major");
    const numeric = [
      { code: "n", datatype: "number" as const, required: false, description: { "zh-CN": "数", en: "n" } },
    ];
    expect(checkAttributes(numeric, { n: "12.5" }, "a")).toEqual([]);
    expect(checkAttributes(numeric, { n: "twelve" }, "a")).toMatchObject([{ path: "a.n", message: "a number" }]);
  });

  it("lets the reporter reopen within 15 days of settlement", () => {
    const settled = new Date("2026-11-01T00:00:00Z");
    expect(withinReopenWindow(settled, new Date("2026-11-16T00:00:00Z"))).toBe(true);
    expect(withinReopenWindow(settled, new Date("2026-11-16T00:00:01Z"))).toBe(false);
  });

  it("keeps disputes and public-order reports out of public lists", () => {
    expect(isPublicCategory("facility.damaged")).toBe(true);
    expect(isPublicCategory("dispute.neighbour")).toBe(false);
    expect(isPublicCategory("hazard.public_order")).toBe(false);
  });

  it("grades a land-acquisition dispute major and a neighbours' quarrel simple to begin with", () => {
    expect(suggestedRiskGrade("dispute.land_acquisition")).toBe("major");
    expect(suggestedRiskGrade("dispute.labour")).toBe("general");
    expect(suggestedRiskGrade("dispute.neighbour")).toBe("simple");
    expect(isDisputeCategory("dispute.neighbour")).toBe(true);
    expect(isDisputeCategory("hazard.safety")).toBe(false);
  });
});

import { describe, expect, it } from "vitest";
import { checkCarryOvers } from "./close-outs.ts";
import { combinedChecklist, combinedRhythm, overdueAfterDays, visitStatus } from "./visit-plans.ts";
import { BURST_MIN_VISITS, burstVisits, visitTimeIssue } from "./visit-signals.ts";

describe("visitStatus", () => {
  it.each([
    // rhythm, since, last visit, today → status, due on
    [7, "2026-12-01", null, "2026-12-01", "due", "2026-12-01"], // a new 独居老人 tag: due at once
    [7, "2026-12-01", null, "2026-12-03", "due", "2026-12-01"],
    [7, "2026-12-01", null, "2026-12-04", "overdue", "2026-12-01"], // two days' grace for a weekly rhythm
    [7, "2026-01-01", "2026-12-01", "2026-12-07", "done", "2026-12-08"],
    [7, "2026-01-01", "2026-12-01", "2026-12-08", "due", "2026-12-08"],
    [30, "2026-01-01", "2026-11-01", "2026-12-09", "due", "2026-12-01"],
    [30, "2026-01-01", "2026-11-01", "2026-12-10", "overdue", "2026-12-01"],
    [365, "2025-01-01", "2025-12-06", "2026-12-06", "due", "2026-12-06"],
    [365, "2025-01-01", null, "2025-04-03", "due", "2025-01-01"],
    [365, "2025-01-01", null, "2025-04-04", "overdue", "2025-01-01"],
  ] as const)(
    "every %i days since %s, last met %s: on %s it is %s (due %s)",
    (everyDays, since, last, today, status, dueOn) => {
      expect(visitStatus({ everyDays, since, lastVisitedOn: last, today })).toEqual({ status, dueOn });
    },
  );

  it("lets a due visit wait a quarter of its rhythm, at least two days", () => {
    expect([1, 7, 14, 30, 365].map(overdueAfterDays)).toEqual([2, 2, 4, 8, 92]);
  });
});

describe("combining plans", () => {
  it("takes the most frequent rhythm and each checklist item once", () => {
    expect(combinedRhythm([365, null, 7, 30])).toBe(7);
    expect(combinedRhythm([null])).toBeNull();
    const a = { key: "home_safe", label: { "zh-CN": "居住安全", en: "Home safe" } };
    const b = { key: "health", label: { "zh-CN": "健康", en: "Health" } };
    expect(combinedChecklist([[a], [b, a]]).map((i) => i.key)).toEqual(["home_safe", "health"]);
  });
});

describe("checkCarryOvers", () => {
  it("asks a reason for every open event, a note for 'other', and no reason for others", () => {
    expect(checkCarryOvers(["e1", "e2"], [{ eventId: "e1", reason: "awaiting_party" }]).missing).toEqual(["e2"]);
    const { missing, issues } = checkCarryOvers(
      ["e1"],
      [
        { eventId: "e1", reason: "other" },
        { eventId: "x", reason: "within_deadline" },
      ],
    );
    expect(missing).toEqual([]);
    expect(issues.map((i) => i.path)).toEqual(["body.carryOvers.0.note", "body.carryOvers.1.eventId"]);
    expect(checkCarryOvers([], [])).toEqual({ missing: [], issues: [] });
  });
});

describe("signals and times", () => {
  it("flags the visits of a burst and nothing else", () => {
    const start = Date.parse("2026-12-06T02:00:00Z");
    const burst = Array.from({ length: BURST_MIN_VISITS }, (_, i) => start + i * 30_000);
    const spread = [start - 3_600_000, start + 3_600_000];
    const flagged = burstVisits([...spread, ...burst]);
    expect([...flagged].sort((x, y) => x - y)).toEqual(burst.map((_, i) => i + 2));
    expect(burstVisits(burst.slice(1)).size).toBe(0);
  });

  it("accepts a phone's time within bounds", () => {
    const now = new Date("2026-12-06T10:00:00Z");
    expect(visitTimeIssue(new Date("2026-12-06T09:00:00Z"), now)).toBeNull();
    expect(visitTimeIssue(new Date("2026-11-20T09:00:00Z"), now)).toBeNull();
    expect(visitTimeIssue(new Date("2026-12-06T10:30:00Z"), now)).toMatch(/future/);
    expect(visitTimeIssue(new Date("2026-10-01T09:00:00Z"), now)).toMatch(/30 days/);
  });
});

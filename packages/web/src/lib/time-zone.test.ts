import { describe, expect, it } from "vitest";
import { dateIn, instantOf, pickedInstant } from "./time-zone.ts";

describe("instantOf", () => {
  it.each([
    ["Asia/Shanghai", { year: 2026, month: 12, day: 6, hour: 14, minute: 30 }, "2026-12-06T06:30:00.000Z"],
    ["Asia/Shanghai", { year: 2026, month: 1, day: 1, hour: 3 }, "2025-12-31T19:00:00.000Z"],
    ["UTC", { year: 2026, month: 12, day: 6, hour: 14, minute: 30 }, "2026-12-06T14:30:00.000Z"],
    // Either side of a daylight-saving change.
    ["America/New_York", { year: 2026, month: 7, day: 1, hour: 9 }, "2026-07-01T13:00:00.000Z"],
    ["America/New_York", { year: 2026, month: 12, day: 1, hour: 9 }, "2026-12-01T14:00:00.000Z"],
  ])("reads a wall time in %s as the instant it names", (zone, wall, iso) => {
    expect(instantOf(wall, zone).toISOString()).toBe(iso);
  });
});

describe("dateIn", () => {
  it("gives the date in the zone, not the browser's", () => {
    expect(dateIn(new Date("2026-12-06T17:00:00Z"), "Asia/Shanghai")).toBe("2026-12-07");
    expect(dateIn(new Date("2026-12-06T17:00:00Z"), "UTC")).toBe("2026-12-06");
  });
});

describe("pickedInstant", () => {
  it("reads a picker's fields as the deployment's wall time", () => {
    const picked = {
      year: () => 2026,
      month: () => 11,
      date: () => 6,
      hour: () => 9,
      minute: () => 5,
      second: () => 0,
    };
    expect(pickedInstant(picked, "Asia/Shanghai")).toBe("2026-12-06T01:05:00.000Z");
  });
});

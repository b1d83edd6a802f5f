import { describe, expect, it } from "vitest";
import { formatInstant } from "./format-time.ts";

describe("formatInstant", () => {
  // 06:53:14 UTC is 14:53:14 in Asia/Shanghai, whatever zone the test runner is in.
  const at = "2026-12-07T06:53:14.000Z";

  it.each([
    ["zh-CN", "dateTime", "2026/12/7 14:53:14"],
    ["en", "dateTime", "12/7/2026, 14:53:14"],
    ["zh-CN", "date", "2026/12/7"],
    ["zh-CN", "time", "14:53:14"],
  ] as const)("writes the instant in %s as %s in the deployment's zone", (lang, style, expected) => {
    expect(formatInstant(at, { lang, timeZone: "Asia/Shanghai", style })).toBe(expected);
  });

  it("moves to the next day when the zone's date has turned", () => {
    expect(formatInstant("2026-12-07T17:00:00Z", { lang: "zh-CN", timeZone: "Asia/Shanghai", style: "date" })).toBe(
      "2026/12/8",
    );
  });

  it("gives an empty text for no time or a broken one", () => {
    expect(formatInstant(null, { lang: "zh-CN", timeZone: "Asia/Shanghai" })).toBe("");
    expect(formatInstant("not a time", { lang: "zh-CN", timeZone: "Asia/Shanghai" })).toBe("");
  });
});

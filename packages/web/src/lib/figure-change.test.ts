import type { TFunction } from "i18next";
import { describe, expect, it } from "vitest";
import { changeText } from "./figure-change.ts";

/** The text of a key with its values, as i18next would fill it (enough to see which key was chosen). */
const t = ((key: string, v: { sign: string; n: number }) => `${key} ${v.sign}${v.n}`) as unknown as TFunction;

describe("changeText", () => {
  it.each([
    [{ from: "2026-11-30", to: "2026-11-30", compare: "lastWeek" }, 8, 2, "figures.changeLastWeek +6"],
    [{ from: "2026-11-01", to: "2026-11-07", compare: "lastMonth" }, 3, 5, "figures.changeLastMonth −2"],
    [{ from: "2026-12-06", to: "2026-12-06", compare: "preceding" }, 4, 4, "figures.changeYesterday ±0"],
    [{ from: "2026-11-23", to: "2026-11-29", compare: "preceding" }, 1, 0, "figures.change +1"],
  ] as const)("names the change against %o", (previous, now, before, expected) => {
    expect(changeText(t, previous, now, before)).toBe(expected);
  });
});

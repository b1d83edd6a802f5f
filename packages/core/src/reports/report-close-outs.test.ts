import { describe, expect, it } from "vitest";
import { missingCloseOutsByVillage, periodText } from "./report-close-outs.ts";

const grid = (name: string, closedOut: boolean, village?: [string, string]) => ({
  areaCode: name,
  name,
  closedOut,
  carriedOver: 0,
  ...(village ? { villageCode: village[0], villageName: village[1] } : {}),
});

describe("missingCloseOutsByVillage", () => {
  it("groups the grids that did not close out by their village, counting each village's grids", () => {
    const day = {
      day: "2026-12-04",
      done: 2,
      missing: 3,
      grids: [
        grid("一网格", true, ["V1", "龙圣社区"]),
        grid("二网格", false, ["V1", "龙圣社区"]),
        grid("三网格", false, ["V2", "县东社区"]),
        grid("四网格", false, ["V2", "县东社区"]),
        grid("五网格", true, ["V3", "石羊社区"]),
      ],
    };
    expect(missingCloseOutsByVillage(day, { code: "T", name: "贵城街道" })).toEqual([
      { code: "V1", name: "龙圣社区", grids: 2, missing: ["二网格"] },
      { code: "V2", name: "县东社区", grids: 2, missing: ["三网格", "四网格"] },
    ]);
  });

  it("puts the grids of a report written before grids kept their village under the report's area", () => {
    const day = { day: "2026-12-04", done: 0, missing: 1, grids: [grid("一网格", false)] };
    expect(missingCloseOutsByVillage(day, { code: "T", name: "贵城街道" })).toEqual([
      { code: "T", name: "贵城街道", grids: 1, missing: ["一网格"] },
    ]);
  });
});

describe("periodText", () => {
  it.each([
    [{ from: "2026-12-03", to: "2026-12-03" }, "2026-12-03"],
    [{ from: "2026-12-05", to: "2026-12-07" }, "2026-12-05 至 2026-12-07"],
  ])("says %o as %s", (p, text) => {
    expect(periodText(p, " 至 ")).toBe(text);
  });
});

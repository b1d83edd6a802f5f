import { describe, expect, it } from "vitest";
import { HOTSPOT_COLOURS, hotspotClasses, hotspotColour } from "./report-hotspots.ts";

describe("hotspotClasses", () => {
  it("gives every count from the smallest to the largest exactly one class, darker upwards", () => {
    for (const counts of [[2], [2, 3], [2, 2, 5], [2, 3, 4, 5], [2, 9, 17, 40], [3, 3, 3]]) {
      const classes = hotspotClasses(counts);
      const low = Math.min(...counts);
      const high = Math.max(...counts);
      expect(classes[0]?.from).toBe(low);
      expect(classes.at(-1)?.to).toBe(high);
      for (let i = 1; i < classes.length; i++) expect(classes[i]?.from).toBe((classes[i - 1]?.to ?? 0) + 1);
      for (let n = low; n <= high; n++) expect(hotspotColour(n, classes)).toBeDefined();
      expect(hotspotColour(high, classes)).toBe(HOTSPOT_COLOURS.at(-1));
    }
  });

  it("has no class without hotspots and at most four", () => {
    expect(hotspotClasses([])).toEqual([]);
    expect(hotspotClasses([2, 100])).toHaveLength(4);
    expect(hotspotClasses([2, 3]).map((c) => [c.from, c.to])).toEqual([
      [2, 2],
      [3, 3],
    ]);
  });
});

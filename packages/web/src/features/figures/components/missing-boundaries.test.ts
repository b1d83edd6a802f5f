import { describe, expect, it } from "vitest";
import type { MyAreas } from "../../../lib/map/my-areas.ts";
import { countMissingBoundaries } from "./missing-boundaries.ts";

const feature = (code: string, level: string) => ({
  type: "Feature" as const,
  id: code,
  properties: { code, name: code, level },
  geometry: { type: "Polygon" as const, coordinates: [] },
});

const map = (features: ReturnType<typeof feature>[], truncated = false) =>
  ({ areas: [], bounds: null, truncated, features: { type: "FeatureCollection", features } }) as unknown as MyAreas;

const townships = ["t1", "t2", "t3"].map((code) => ({ code, level: "township" }));

describe("countMissingBoundaries", () => {
  it("counts the children the map has no boundary for", () => {
    expect(countMissingBoundaries(townships, map([feature("county", "county"), feature("t1", "township")]))).toBe(2);
  });

  it("counts none when every child is drawn", () => {
    const all = map(townships.map((c) => feature(c.code, c.level)));
    expect(countMissingBoundaries(townships, all)).toBe(0);
  });

  it("does not count children of a level the map dropped for size", () => {
    const grids = [{ code: "g1", level: "grid" }];
    expect(countMissingBoundaries(grids, map([feature("v1", "village")], true))).toBe(0);
    expect(countMissingBoundaries(townships, map([feature("t1", "township")], true))).toBe(2);
  });
});

import { describe, expect, it } from "vitest";
import { siblingOverlaps, uncovered } from "./coverage.ts";
import type { Position } from "./geojson.ts";
import type { PolygonalGeometry } from "./polygon.ts";

const rect = (x: number, y: number, w: number, h: number): PolygonalGeometry => ({
  type: "Polygon",
  coordinates: [
    [
      [x, y],
      [x + w, y],
      [x + w, y + h],
      [x, y + h],
      [x, y],
    ] as Position[],
  ],
});

describe("siblingOverlaps", () => {
  it("finds the strip two grids both claim, with its area, and nothing between grids that only touch", () => {
    const overlaps = siblingOverlaps([
      { code: "G1", geometry: rect(109.6, 23.1, 0.01, 0.01) },
      { code: "G2", geometry: rect(109.609, 23.1, 0.01, 0.01) },
      { code: "G3", geometry: rect(109.619, 23.1, 0.01, 0.01) },
    ]);
    expect(overlaps.map((o) => [o.a, o.b])).toEqual([["G1", "G2"]]);
    // 0.001° × 0.01° near 23.1°N ≈ 102 m × 1113 m
    expect(overlaps[0]?.areaM2).toBeGreaterThan(110_000);
    expect(overlaps[0]?.areaM2).toBeLessThan(118_000);
  });
});

describe("uncovered", () => {
  it("returns the part of a village no grid covers, and nothing when the grids tile it", () => {
    const village = rect(109.6, 23.1, 0.02, 0.01);
    const gap = uncovered(village, [rect(109.6, 23.1, 0.01, 0.01)]);
    expect(gap?.areaM2).toBeGreaterThan(1_100_000);
    expect(uncovered(village, [rect(109.6, 23.1, 0.01, 0.01), rect(109.61, 23.1, 0.01, 0.01)])).toBeUndefined();
    expect(uncovered(village, [])?.areaM2).toBeGreaterThan(2_200_000);
  });
});

import { describe, expect, it } from "vitest";
import type { PolygonalGeometry } from "./polygon.ts";
import { checkSplit, cutWith, mergeGeometry, nextChildCodes } from "./reshape.ts";

const box = (w: number, s: number, e: number, n: number): PolygonalGeometry => ({
  type: "Polygon",
  coordinates: [
    [
      [w, s],
      [e, s],
      [e, n],
      [w, n],
      [w, s],
    ],
  ],
});
const grid = box(109.6, 23.1, 109.62, 23.12);

describe("checkSplit", () => {
  it("accepts two halves that cover the grid", () => {
    expect(
      checkSplit(grid, [
        { geometry: box(109.6, 23.1, 109.61, 23.12), path: "parts.0.geometry" },
        { geometry: box(109.61, 23.1, 109.62, 23.12), path: "parts.1.geometry" },
      ]),
    ).toEqual([]);
  });

  it("names the part outside the grid, overlapping parts and an uncovered remainder", () => {
    const issues = checkSplit(grid, [
      { geometry: box(109.6, 23.1, 109.612, 23.12), path: "parts.0.geometry" },
      { geometry: box(109.61, 23.1, 109.619, 23.12), path: "parts.1.geometry" },
      { geometry: box(109.7, 23.1, 109.71, 23.11), path: "parts.2.geometry" },
    ]);
    expect(issues.map((i) => i.path)).toEqual(["parts.2.geometry", "parts.1.geometry", "parts"]);
    expect(issues[0]?.message).toMatch(/0% of this part lies inside/);
    expect(issues[1]?.message).toMatch(/overlaps part 0 by \d+ m²/);
    expect(issues[2]?.message).toMatch(/leave \d+ m² \(5%\)/);
  });

  it("needs at least two parts", () => {
    expect(checkSplit(grid, [{ geometry: grid, path: "parts.0.geometry" }])).toMatchObject([
      { path: "parts", message: "a split needs at least two parts" },
    ]);
  });
});

describe("mergeGeometry", () => {
  it("unites neighbours into one polygon", () => {
    const { geometry, issues } = mergeGeometry([box(109.6, 23.1, 109.61, 23.12), box(109.61, 23.1, 109.62, 23.12)]);
    expect(issues).toEqual([]);
    expect(geometry.type).toBe("Polygon");
  });

  it("refuses grids that do not touch", () => {
    const { issues } = mergeGeometry([box(109.6, 23.1, 109.61, 23.12), box(109.65, 23.1, 109.66, 23.12)]);
    expect(issues[0]?.message).toMatch(/do not touch/);
  });
});

describe("nextChildCodes", () => {
  it("derives codes from the parent and skips those taken", () => {
    expect(nextChildCodes("450802001001", "grid", new Set(["450802001001G01", "450802001001G03"]), 3)).toEqual([
      "450802001001G02",
      "450802001001G04",
      "450802001001G05",
    ]);
    expect(nextChildCodes("450802001001G02", "microgrid", new Set(), 1)).toEqual(["450802001001G02M01"]);
  });
});

describe("cutWith", () => {
  it("cuts a grid into the part inside a drawn shape and the rest, which split it exactly", () => {
    const { inside, outside } = cutWith(grid, box(109.59, 23.09, 109.61, 23.13));
    expect(inside).toBeDefined();
    expect(outside).toBeDefined();
    expect(
      checkSplit(grid, [
        { geometry: inside as PolygonalGeometry, path: "a" },
        { geometry: outside as PolygonalGeometry, path: "b" },
      ]),
    ).toEqual([]);
  });

  it("leaves nothing outside when the shape covers the whole grid", () => {
    expect(cutWith(grid, box(109, 23, 110, 24)).outside).toBeUndefined();
  });
});

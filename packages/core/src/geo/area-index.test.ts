import { describe, expect, it } from "vitest";
import { AreaIndex, type IndexedArea } from "./area-index.ts";
import { shareInside, validateBoundary } from "./boundary-validation.ts";
import type { Position } from "./geojson.ts";
import { bboxOf, geometryAreaM2, type PolygonalGeometry, pointInGeometry } from "./polygon.ts";

const square = (x: number, y: number, size: number): Position[] => [
  [x, y],
  [x + size, y],
  [x + size, y + size],
  [x, y + size],
  [x, y],
];
const poly = (...rings: Position[][]): PolygonalGeometry => ({ type: "Polygon", coordinates: rings });
const entry = (code: string, depth: number, geometry: PolygonalGeometry): IndexedArea => ({
  code,
  depth,
  geometry,
  bbox: bboxOf(geometry),
  areaM2: geometryAreaM2(geometry),
});

// A village split into two grids side by side (sharing the edge x = 110.01); grid A has a pond (hole);
// grid C is in two parts.
const village = entry("V", 4, poly(square(110, 23, 0.02)));
const gridA = entry("A", 5, poly(square(110, 23, 0.01), square(110.004, 23.004, 0.002)));
const gridB = entry("B", 5, poly(square(110.01, 23, 0.01)));
const gridC = entry("C", 5, {
  type: "MultiPolygon",
  coordinates: [[square(110, 23.012, 0.004)], [square(110.014, 23.014, 0.004)]],
});
const index = new AreaIndex([village, gridA, gridB, gridC]);

describe("AreaIndex.locate", () => {
  it.each([
    ["inside grid A", 110.002, 23.002, "A"],
    ["inside grid B", 110.015, 23.005, "B"],
    ["in grid A's pond: the village, not the grid", 110.005, 23.005, "V"],
    ["in the first part of multi-part grid C", 110.002, 23.014, "C"],
    ["in the second part of multi-part grid C", 110.016, 23.016, "C"],
    ["in the village but in no grid", 110.008, 23.015, "V"],
    ["on the edge shared by A and B: the eastern grid", 110.01, 23.005, "B"],
  ])("answers a point %s", (_label, lng, lat, code) => {
    expect(index.locate(lng, lat)?.code).toBe(code);
  });

  it("answers nothing outside every area", () => {
    expect(index.locate(111, 24)).toBeUndefined();
    expect(new AreaIndex([]).locate(110, 23)).toBeUndefined();
  });

  it("puts a point on the edge between two stacked grids in the northern one, never in both", () => {
    const south = entry("S", 5, poly(square(112, 22, 0.01)));
    const north = entry("N", 5, poly(square(112, 22.01, 0.01)));
    const idx = new AreaIndex([south, north]);
    expect(idx.containing(112.005, 22.01).map((a) => a.code)).toEqual(["N"]);
  });

  it("breaks a tie between overlapping siblings by the smaller area, then the code", () => {
    const big = entry("Z1", 5, poly(square(113, 22, 0.02)));
    const small = entry("Z2", 5, poly(square(113.005, 22.005, 0.005)));
    const same = entry("Z0", 5, poly(square(113.005, 22.005, 0.005)));
    expect(new AreaIndex([big, small, same]).locate(113.006, 22.006)?.code).toBe("Z0");
  });
});

describe("geometryAreaM2", () => {
  it("measures a 0.01° square near Guigang at about 1.14 km² (1.113 km × 1.024 km)", () => {
    const m2 = geometryAreaM2(poly(square(109.6, 23.1, 0.01)));
    expect(m2).toBeGreaterThan(1.12e6);
    expect(m2).toBeLessThan(1.16e6);
  });

  it("subtracts holes", () => {
    expect(geometryAreaM2(gridA.geometry)).toBeLessThan(geometryAreaM2(poly(square(110, 23, 0.01))));
  });
});

describe("validateBoundary", () => {
  it("accepts polygons with holes and multipolygons", () => {
    expect(validateBoundary(gridA.geometry)).toEqual([]);
    expect(validateBoundary(gridC.geometry)).toEqual([]);
  });

  it.each([
    [
      "an unclosed ring",
      {
        type: "Polygon",
        coordinates: [
          square(110, 23, 0.01)
            .slice(0, 4)
            .concat([[110.001, 23]]),
        ],
      },
      "geometry.coordinates.0",
      "is not closed",
    ],
    [
      "too few points",
      {
        type: "Polygon",
        coordinates: [
          [
            [110, 23],
            [110.01, 23],
            [110, 23],
          ],
        ],
      },
      "geometry.coordinates.0",
      "at least 4 positions",
    ],
    [
      "a self-intersecting ring (a bow tie)",
      {
        type: "Polygon",
        coordinates: [
          [
            [110, 23],
            [110.01, 23.01],
            [110.01, 23],
            [110, 23.01],
            [110, 23],
          ],
        ],
      },
      "geometry.coordinates.0",
      "intersects itself",
    ],
    [
      "coordinates outside China",
      { type: "Polygon", coordinates: [square(23, 110, 0.01)] },
      "geometry.coordinates.0.0",
      "outside China",
    ],
    ["a point", { type: "Point", coordinates: [110, 23] }, "geometry.type", "Polygon or MultiPolygon"],
    [
      "a hole outside its polygon",
      { type: "Polygon", coordinates: [square(110, 23, 0.01), square(110.02, 23.02, 0.001)] },
      "geometry.coordinates.1",
      "not inside its outer ring",
    ],
    [
      "a broken second part of a multipolygon",
      {
        type: "MultiPolygon",
        coordinates: [
          [square(110, 23, 0.01)],
          [
            [
              [110.02, 23],
              [110.03, 23],
            ],
          ],
        ],
      },
      "geometry.coordinates.1.0",
      "at least 4 positions",
    ],
  ])("names %s precisely", (_label, geometry, path, message) => {
    expect(validateBoundary(geometry)).toMatchObject([{ path, message: expect.stringContaining(message) }]);
  });
});

describe("shareInside", () => {
  it("is 1 for a grid inside its village and about a half for one straddling the edge", () => {
    expect(shareInside(gridB.geometry, village.geometry)).toBe(1);
    const straddling = poly(square(110.015, 23.005, 0.01));
    expect(shareInside(straddling, village.geometry)).toBeGreaterThan(0.4);
    expect(shareInside(straddling, village.geometry)).toBeLessThan(0.6);
    expect(pointInGeometry(110.024, 23.01, straddling)).toBe(true);
  });
});

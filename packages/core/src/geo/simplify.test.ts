import { describe, expect, it } from "vitest";
import type { Position } from "./geojson.ts";
import { simplifyGeometry, simplifyRing } from "./simplify.ts";

describe("simplifyRing", () => {
  it("drops the positions that lie within the tolerance of a straight edge and keeps the corners", () => {
    // A square with many positions along each side, a few of them a hair off the line.
    const side = (from: Position, to: Position): Position[] =>
      Array.from({ length: 10 }, (_, i) => [
        from[0] + ((to[0] - from[0]) * i) / 10 + (i % 3 === 1 ? 1e-6 : 0),
        from[1] + ((to[1] - from[1]) * i) / 10,
      ]);
    const ring: Position[] = [
      ...side([109.6, 23.1], [109.61, 23.1]),
      ...side([109.61, 23.1], [109.61, 23.11]),
      ...side([109.61, 23.11], [109.6, 23.11]),
      ...side([109.6, 23.11], [109.6, 23.1]),
      [109.6, 23.1],
    ];
    expect(ring).toHaveLength(41);
    expect(simplifyRing(ring, 1e-5)).toEqual([
      [109.6, 23.1],
      [109.61, 23.1],
      [109.61, 23.11],
      [109.6, 23.11],
      [109.6, 23.1],
    ]);
  });

  it("keeps a bend larger than the tolerance, and a ring that would collapse as it was", () => {
    const ring: Position[] = [
      [0, 0],
      [1, 0],
      [1, 0.5],
      [1.2, 0.6],
      [1, 0.7],
      [1, 1],
      [0, 1],
      [0, 0],
    ];
    expect(simplifyRing(ring, 0.1)).toContainEqual([1.2, 0.6]);
    expect(simplifyRing(ring, 0.3)).not.toContainEqual([1.2, 0.6]);
    const thin: Position[] = [
      [0, 0],
      [1, 0],
      [1, 1e-9],
      [0, 1e-9],
      [0, 0],
    ];
    expect(simplifyRing(thin, 0.1)).toHaveLength(5);
  });
});

describe("simplifyGeometry", () => {
  it("simplifies every ring of a multipolygon and keeps its type", () => {
    const square = (x: number): Position[][] => [
      [
        [x, 0],
        [x + 0.5, 0],
        [x + 1, 0],
        [x + 1, 1],
        [x, 1],
        [x, 0],
      ],
    ];
    const out = simplifyGeometry({ type: "MultiPolygon", coordinates: [square(0), square(2)] }, 0.01);
    expect(out.type).toBe("MultiPolygon");
    expect(out.coordinates.map((p) => p[0]?.length)).toEqual([5, 5]);
  });
});

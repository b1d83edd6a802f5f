import type { FeatureCollection } from "@wangge/core";
import { describe, expect, it } from "vitest";
import { fitZoom, labelsOf, textBoxEms } from "./map-labels.ts";

const square = (code: string, name: string, level: string, west: number, south: number, size: number) => ({
  type: "Feature" as const,
  id: code,
  properties: { code, name, level },
  geometry: {
    type: "Polygon" as const,
    coordinates: [
      [
        [west, south],
        [west + size, south],
        [west + size, south + size],
        [west, south + size],
        [west, south],
      ],
    ],
  },
});

describe("textBoxEms", () => {
  it.each([
    ["县东社区", 4, 1.2],
    ["县东社区第一网格（演示）", 6, 2.4],
    ["Grid 1", 3.6, 1.2],
  ])("lays out %s as %d ems wide and %d tall", (name, width, height) => {
    const box = textBoxEms(name);
    expect(box.width).toBeCloseTo(width);
    expect(box.height).toBeCloseTo(height);
  });
});

describe("fitZoom", () => {
  it("needs one zoom more for a name twice as wide", () => {
    const box = [108.0, 23.0, 108.01, 23.01] as const;
    expect(fitZoom(box, 144, 10) - fitZoom(box, 72, 10)).toBeCloseTo(1);
  });

  it("is bound by the height when the shape is flat", () => {
    expect(fitZoom([108.0, 23.0, 108.1, 23.001], 10, 30)).toBeGreaterThan(fitZoom([108.0, 23.0, 108.1, 23.1], 10, 30));
  });
});

describe("labelsOf", () => {
  const community = square("450802001003", "县东社区居委会", "village", 108.0, 23.0, 0.01);
  const grid = square("450802001003001", "县东社区第一网格（演示）", "grid", 108.0, 23.0, 0.002);
  const labels = labelsOf({ type: "FeatureCollection", features: [community, grid] } as unknown as FeatureCollection);

  it("names every named shape at a point inside it", () => {
    expect(labels.map((l) => l.name)).toEqual(["县东社区居委会", "县东社区第一网格（演示）"]);
    const [at] = labels;
    expect(at?.at[0]).toBeGreaterThan(108.0);
    expect(at?.at[0]).toBeLessThan(108.01);
  });

  it("shows a small grid's long name only from a deeper zoom than its community's", () => {
    const [c, g] = labels;
    expect(g?.minZoom).toBeGreaterThan((c?.minZoom ?? 0) + 2);
  });

  it("places the smaller shape's name first", () => {
    const [c, g] = labels;
    expect(g?.sortKey).toBeLessThan(c?.sortKey ?? 0);
  });

  it("uses the server's label point when there is one", () => {
    const withPoint = { ...grid, properties: { ...grid.properties, labelLng: 108.001, labelLat: 23.001 } };
    const [only] = labelsOf({ type: "FeatureCollection", features: [withPoint] } as unknown as FeatureCollection);
    expect(only?.at).toEqual([108.001, 23.001]);
  });
});

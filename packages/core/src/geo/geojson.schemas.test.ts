import { describe, expect, it } from "vitest";
import { PolygonFeatureCollectionSchema } from "./geojson.schemas.ts";

const ring = [
  [110, 23],
  [110.1, 23],
  [110.1, 23.1],
  [110, 23],
];

describe("PolygonFeatureCollectionSchema", () => {
  it("accepts polygons and multipolygons with null properties", () => {
    const result = PolygonFeatureCollectionSchema.safeParse({
      type: "FeatureCollection",
      features: [
        { type: "Feature", geometry: { type: "Polygon", coordinates: [ring] }, properties: null },
        { type: "Feature", geometry: { type: "MultiPolygon", coordinates: [[ring]] }, properties: { name: "二网格" } },
      ],
    });
    expect(result.success).toBe(true);
  });

  it("points at the bad position and the short ring", () => {
    const result = PolygonFeatureCollectionSchema.safeParse({
      type: "FeatureCollection",
      features: [
        {
          type: "Feature",
          geometry: {
            type: "Polygon",
            coordinates: [
              [
                [200, 23],
                [110, 23],
                [110, 24],
                [200, 23],
              ],
            ],
          },
          properties: {},
        },
        { type: "Feature", geometry: { type: "Polygon", coordinates: [ring.slice(0, 3)] }, properties: {} },
      ],
    });
    expect(result.success).toBe(false);
    const paths = result.error?.issues.map((i) => i.path.join("."));
    expect(paths).toContain("features.0.geometry.coordinates.0.0.0");
    expect(paths).toContain("features.1.geometry.coordinates.0");
  });

  it("rejects points, which are not boundaries", () => {
    const result = PolygonFeatureCollectionSchema.safeParse({
      type: "FeatureCollection",
      features: [{ type: "Feature", geometry: { type: "Point", coordinates: [110, 23] }, properties: {} }],
    });
    expect(result.success).toBe(false);
  });
});

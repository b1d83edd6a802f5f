import { describe, expect, it } from "vitest";
import { wgs84ToGcj02 } from "./gcj02.ts";
import { boundsOf, type FeatureCollection, type PolygonGeometry, toDisplayCoordinates } from "./geojson.ts";

const square: FeatureCollection<PolygonGeometry> = {
  type: "FeatureCollection",
  features: [
    {
      type: "Feature",
      properties: { name: "网格一" },
      geometry: {
        type: "Polygon",
        coordinates: [
          [
            [110.0, 23.0],
            [110.1, 23.0],
            [110.1, 23.1],
            [110.0, 23.1],
            [110.0, 23.0],
          ],
          [
            [110.04, 23.04],
            [110.06, 23.04],
            [110.06, 23.06],
            [110.04, 23.04],
          ],
        ],
      },
    },
  ],
};

describe("toDisplayCoordinates", () => {
  it("returns the same collection for a WGS-84 tile source", () => {
    expect(toDisplayCoordinates(square, "wgs84")).toBe(square);
  });

  it("shifts every ring, holes included, for a GCJ-02 tile source and leaves the input untouched", () => {
    const shifted = toDisplayCoordinates(square, "gcj02");
    const ring = shifted.features[0]?.geometry.coordinates[1]?.[0];
    expect(ring).toEqual(wgs84ToGcj02([110.04, 23.04]));
    expect(square.features[0]?.geometry.coordinates[1]?.[0]).toEqual([110.04, 23.04]);
    expect(shifted.features[0]?.properties).toEqual({ name: "网格一" });
  });
});

describe("boundsOf", () => {
  it("spans every coordinate of the collection", () => {
    expect(boundsOf(square)).toEqual([110.0, 23.0, 110.1, 23.1]);
  });

  it("is undefined for an empty collection", () => {
    expect(boundsOf({ type: "FeatureCollection", features: [] })).toBeUndefined();
  });
});

import { type LngLat, wgs84ToGcj02 } from "./gcj02.ts";

/** The GeoJSON subset Wangge draws and stores (RFC 7946): polygons with holes, and points. */
export type Position = [number, number];
export interface PolygonGeometry {
  type: "Polygon";
  coordinates: Position[][];
}
export interface MultiPolygonGeometry {
  type: "MultiPolygon";
  coordinates: Position[][][];
}
export interface PointGeometry {
  type: "Point";
  coordinates: Position;
}
/** Only drawn (a boundary being sketched), never stored. */
export interface LineStringGeometry {
  type: "LineString";
  coordinates: Position[];
}
export type Geometry = PolygonGeometry | MultiPolygonGeometry | PointGeometry | LineStringGeometry;
export interface Feature<G extends Geometry = Geometry, P = Record<string, unknown>> {
  type: "Feature";
  id?: string | number;
  geometry: G;
  properties: P;
}
export interface FeatureCollection<G extends Geometry = Geometry, P = Record<string, unknown>> {
  type: "FeatureCollection";
  features: Feature<G, P>[];
}

export function mapPositions(geometry: Geometry, fn: (p: LngLat) => Position): Geometry {
  switch (geometry.type) {
    case "Point":
      return { type: "Point", coordinates: fn(geometry.coordinates) };
    case "LineString":
      return { type: "LineString", coordinates: geometry.coordinates.map(fn) };
    case "Polygon":
      return { type: "Polygon", coordinates: geometry.coordinates.map((ring) => ring.map(fn)) };
    case "MultiPolygon":
      return {
        type: "MultiPolygon",
        coordinates: geometry.coordinates.map((poly) => poly.map((ring) => ring.map(fn))),
      };
  }
}

/** Shift every coordinate of a collection for display on a GCJ-02 base map; storage stays WGS-84. */
export function toDisplayCoordinates<G extends Geometry, P>(
  collection: FeatureCollection<G, P>,
  system: "wgs84" | "gcj02",
): FeatureCollection<G, P> {
  if (system === "wgs84") return collection;
  return {
    type: "FeatureCollection",
    features: collection.features.map((f) => ({ ...f, geometry: mapPositions(f.geometry, wgs84ToGcj02) as G })),
  };
}

/** [west, south, east, north] of a collection, or undefined when it has no coordinates. */
export function boundsOf(collection: FeatureCollection): [number, number, number, number] | undefined {
  let west = Number.POSITIVE_INFINITY;
  let south = Number.POSITIVE_INFINITY;
  let east = Number.NEGATIVE_INFINITY;
  let north = Number.NEGATIVE_INFINITY;
  for (const feature of collection.features) {
    mapPositions(feature.geometry, ([lng, lat]) => {
      west = Math.min(west, lng);
      east = Math.max(east, lng);
      south = Math.min(south, lat);
      north = Math.max(north, lat);
      return [lng, lat];
    });
  }
  return west <= east ? [west, south, east, north] : undefined;
}

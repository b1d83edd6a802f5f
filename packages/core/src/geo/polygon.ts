import type { Geometry, MultiPolygonGeometry, PolygonGeometry, Position } from "./geojson.ts";

/**
 * Exact point-in-polygon for grid boundaries (holes allowed), by ray casting to +x with the half-open
 * rule. A point exactly on an edge shared by two neighbouring grids therefore belongs to exactly one of
 * them: the grid to the east of a north–south edge, the grid to the north of an east–west edge. That is
 * the deterministic assignment the locate endpoint promises.
 */
export type BBox = [minLng: number, minLat: number, maxLng: number, maxLat: number];
export type PolygonalGeometry = PolygonGeometry | MultiPolygonGeometry;

export function pointInRing(x: number, y: number, ring: readonly Position[]): boolean {
  let inside = false;
  const n = ring.length;
  let pj = ring[n - 1] as Position;
  for (let i = 0; i < n; i++) {
    const pi = ring[i] as Position;
    const yi = pi[1];
    const yj = pj[1];
    if (yi > y !== yj > y) {
      const xi = pi[0];
      if (x < ((pj[0] - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
    }
    pj = pi;
  }
  return inside;
}

export function pointInPolygonRings(x: number, y: number, rings: readonly (readonly Position[])[]): boolean {
  const [outer, ...holes] = rings;
  if (!outer || !pointInRing(x, y, outer)) return false;
  return !holes.some((hole) => pointInRing(x, y, hole));
}

export function pointInGeometry(x: number, y: number, geometry: PolygonalGeometry): boolean {
  if (geometry.type === "Polygon") return pointInPolygonRings(x, y, geometry.coordinates);
  return geometry.coordinates.some((polygon) => pointInPolygonRings(x, y, polygon));
}

export function polygonsOf(geometry: PolygonalGeometry): Position[][][] {
  return geometry.type === "Polygon" ? [geometry.coordinates] : geometry.coordinates;
}

export function bboxOf(geometry: Geometry): BBox {
  let minX = Number.POSITIVE_INFINITY;
  let minY = Number.POSITIVE_INFINITY;
  let maxX = Number.NEGATIVE_INFINITY;
  let maxY = Number.NEGATIVE_INFINITY;
  const visit = (p: Position) => {
    if (p[0] < minX) minX = p[0];
    if (p[0] > maxX) maxX = p[0];
    if (p[1] < minY) minY = p[1];
    if (p[1] > maxY) maxY = p[1];
  };
  if (geometry.type === "Point") visit(geometry.coordinates);
  else if (geometry.type === "LineString") for (const p of geometry.coordinates) visit(p);
  else for (const polygon of polygonsOf(geometry)) for (const ring of polygon) for (const p of ring) visit(p);
  return [minX, minY, maxX, maxY];
}

const EARTH_RADIUS_M = 6_378_137;
const rad = (d: number) => (d * Math.PI) / 180;

/** Area of a ring on the sphere (the formula of Chamberlain & Duquette, JPL 2007), in m². */
export function ringAreaM2(ring: readonly Position[]): number {
  let total = 0;
  for (let i = 0; i < ring.length - 1; i++) {
    const [x1, y1] = ring[i] as Position;
    const [x2, y2] = ring[i + 1] as Position;
    total += rad(x2 - x1) * (2 + Math.sin(rad(y1)) + Math.sin(rad(y2)));
  }
  return Math.abs((total * EARTH_RADIUS_M * EARTH_RADIUS_M) / 2);
}

export function geometryAreaM2(geometry: PolygonalGeometry): number {
  return polygonsOf(geometry).reduce((sum, [outer, ...holes]) => {
    const holeArea = holes.reduce((h, ring) => h + ringAreaM2(ring), 0);
    return sum + (outer ? ringAreaM2(outer) : 0) - holeArea;
  }, 0);
}

/** A point inside the geometry (the centre of the largest polygon's bbox, nudged inside if needed), for labels. */
export function labelPoint(geometry: PolygonalGeometry): Position {
  const largest = polygonsOf(geometry).sort((a, b) => ringAreaM2(b[0] ?? []) - ringAreaM2(a[0] ?? []))[0] ?? [];
  const [minX, minY, maxX, maxY] = bboxOf({ type: "Polygon", coordinates: largest });
  const centre: Position = [(minX + maxX) / 2, (minY + maxY) / 2];
  if (pointInPolygonRings(centre[0], centre[1], largest)) return centre;
  for (let i = 1; i < 20; i++) {
    for (let j = 1; j < 20; j++) {
      const p: Position = [minX + ((maxX - minX) * i) / 20, minY + ((maxY - minY) * j) / 20];
      if (pointInPolygonRings(p[0], p[1], largest)) return p;
    }
  }
  return centre;
}

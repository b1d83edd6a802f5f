import type { Position } from "./geojson.ts";
import { type PolygonalGeometry, polygonsOf } from "./polygon.ts";

/**
 * Boundaries made lighter for display (a map of a county's grids, not their survey): each ring is
 * simplified with the Douglas–Peucker algorithm (Douglas & Peucker, 1973) to within `tolerance`
 * degrees, and coordinates rounded to the nearest 1e-6° (~0.1 m). A ring that would fall under
 * four positions is kept as it was, so nothing disappears from the map. Storage keeps the original.
 */
const round = (n: number) => Math.round(n * 1e6) / 1e6;

function perpendicularDistance(p: Position, a: Position, b: Position): number {
  const dx = b[0] - a[0];
  const dy = b[1] - a[1];
  const length = Math.hypot(dx, dy);
  if (length === 0) return Math.hypot(p[0] - a[0], p[1] - a[1]);
  return Math.abs(dy * p[0] - dx * p[1] + b[0] * a[1] - b[1] * a[0]) / length;
}

function simplifyLine(points: readonly Position[], tolerance: number): Position[] {
  if (points.length < 3) return [...points];
  const keep = new Uint8Array(points.length);
  keep[0] = 1;
  keep[points.length - 1] = 1;
  const stack: [number, number][] = [[0, points.length - 1]];
  while (stack.length > 0) {
    const [first, last] = stack.pop() as [number, number];
    let farthest = -1;
    let distance = tolerance;
    for (let i = first + 1; i < last; i++) {
      const d = perpendicularDistance(points[i] as Position, points[first] as Position, points[last] as Position);
      if (d > distance) {
        distance = d;
        farthest = i;
      }
    }
    if (farthest >= 0) {
      keep[farthest] = 1;
      stack.push([first, farthest], [farthest, last]);
    }
  }
  return points.filter((_, i) => keep[i] === 1);
}

/** A closed ring simplified (split at its first and farthest positions so both halves keep their ends). */
export function simplifyRing(ring: readonly Position[], tolerance: number): Position[] {
  const rounded = ring.map(([x, y]) => [round(x), round(y)] as Position);
  if (tolerance <= 0 || rounded.length <= 5) return rounded;
  const start = rounded[0] as Position;
  let split = 1;
  let far = -1;
  for (let i = 1; i < rounded.length - 1; i++) {
    const p = rounded[i] as Position;
    const d = Math.hypot(p[0] - start[0], p[1] - start[1]);
    if (d > far) {
      far = d;
      split = i;
    }
  }
  const out = [
    ...simplifyLine(rounded.slice(0, split + 1), tolerance).slice(0, -1),
    ...simplifyLine(rounded.slice(split), tolerance),
  ];
  return out.length >= 4 ? out : rounded;
}

export function simplifyGeometry<G extends PolygonalGeometry>(geometry: G, tolerance: number): G {
  const polygons = polygonsOf(geometry).map((polygon) => polygon.map((ring) => simplifyRing(ring, tolerance)));
  return (
    geometry.type === "Polygon"
      ? { type: "Polygon", coordinates: polygons[0] ?? [] }
      : { type: "MultiPolygon", coordinates: polygons }
  ) as G;
}

import { fieldIssue } from "../platform/field.messages.ts";
import type { FieldIssue } from "../shared/domain-error.ts";
import type { Position } from "./geojson.ts";
import { type BBox, bboxOf, type PolygonalGeometry, pointInGeometry, pointInRing, polygonsOf } from "./polygon.ts";

/**
 * Checks a grid or beat boundary before it is stored, naming the exact place of each problem:
 * Polygon or MultiPolygon only; rings closed and of at least four positions; coordinates as
 * [lng, lat] within China's extent (WGS-84/CGCS2000); no ring crossing itself; holes inside their
 * polygon. Checking that a child lies within its parent is `shareInside`.
 */
export const CHINA_EXTENT: BBox = [73.4, 3.8, 135.1, 53.6];

function segmentsCross(a: Position, b: Position, c: Position, d: Position): boolean {
  const orient = (p: Position, q: Position, r: Position) =>
    (q[0] - p[0]) * (r[1] - p[1]) - (q[1] - p[1]) * (r[0] - p[0]);
  const o1 = orient(a, b, c);
  const o2 = orient(a, b, d);
  const o3 = orient(c, d, a);
  const o4 = orient(c, d, b);
  return o1 * o2 < 0 && o3 * o4 < 0;
}

/** Index of the first segment pair of the ring that properly crosses, or undefined. */
export function findSelfIntersection(ring: readonly Position[]): [number, number] | undefined {
  const n = ring.length - 1;
  for (let i = 0; i < n; i++) {
    for (let j = i + 2; j < n; j++) {
      if (i === 0 && j === n - 1) continue; // first and last segments share the closing vertex
      if (segmentsCross(ring[i] as Position, ring[i + 1] as Position, ring[j] as Position, ring[j + 1] as Position))
        return [i, j];
    }
  }
  return undefined;
}

export function validateBoundary(geometry: unknown, path = "geometry"): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const g = geometry as { type?: unknown; coordinates?: unknown };
  if (!g || (g.type !== "Polygon" && g.type !== "MultiPolygon")) {
    return [fieldIssue(`${path}.type`, "GEO_TYPE_POLYGONAL")];
  }
  if (!Array.isArray(g.coordinates) || g.coordinates.length === 0)
    return [fieldIssue(`${path}.coordinates`, "GEO_COORDINATES_EMPTY")];
  const polygons = (g.type === "Polygon" ? [g.coordinates] : g.coordinates) as unknown[][];
  polygons.forEach((polygon, pi) => {
    const base = g.type === "Polygon" ? `${path}.coordinates` : `${path}.coordinates.${pi}`;
    if (!Array.isArray(polygon) || polygon.length === 0) {
      issues.push(fieldIssue(base, "GEO_OUTER_RING_MISSING"));
      return;
    }
    polygon.forEach((ringValue, ri) => {
      const ringPath = `${base}.${ri}`;
      const ring = ringValue as Position[];
      if (!Array.isArray(ring) || ring.length < 4) {
        issues.push(fieldIssue(ringPath, "GEO_RING_TOO_SHORT"));
        return;
      }
      const badPosition = ring.findIndex(
        (p) =>
          !Array.isArray(p) ||
          p.length < 2 ||
          typeof p[0] !== "number" ||
          typeof p[1] !== "number" ||
          !Number.isFinite(p[0]) ||
          !Number.isFinite(p[1]),
      );
      if (badPosition !== -1) {
        issues.push(fieldIssue(`${ringPath}.${badPosition}`, "GEO_POSITION_FORM"));
        return;
      }
      const outside = ring.findIndex(
        (p) => p[0] < CHINA_EXTENT[0] || p[0] > CHINA_EXTENT[2] || p[1] < CHINA_EXTENT[1] || p[1] > CHINA_EXTENT[3],
      );
      if (outside !== -1) {
        issues.push(fieldIssue(`${ringPath}.${outside}`, "GEO_OUTSIDE_CHINA"));
        return;
      }
      const first = ring[0] as Position;
      const last = ring[ring.length - 1] as Position;
      if (first[0] !== last[0] || first[1] !== last[1]) {
        issues.push(fieldIssue(ringPath, "GEO_RING_NOT_CLOSED"));
        return;
      }
      const crossing = findSelfIntersection(ring);
      if (crossing) {
        issues.push(
          fieldIssue(ringPath, "GEO_RING_SELF_INTERSECTS", { a: String(crossing[0]), b: String(crossing[1]) }),
        );
        return;
      }
      if (ri > 0) {
        const outer = polygon[0] as Position[];
        if (Array.isArray(outer) && outer.length >= 4 && !ring.every((p) => pointInRing(p[0], p[1], outer))) {
          issues.push(fieldIssue(ringPath, "GEO_HOLE_OUTSIDE"));
        }
      }
    });
  });
  return issues;
}

/**
 * Share (0–1) of the child's surface that lies inside the parent, estimated on a lattice of points in
 * the child's bbox. Used to refuse a grid that is mostly outside the village or township it belongs to.
 */
export function shareInside(child: PolygonalGeometry, parent: PolygonalGeometry, samplesPerSide = 24): number {
  const [minX, minY, maxX, maxY] = bboxOf(child);
  let inChild = 0;
  let inBoth = 0;
  for (let i = 0; i < samplesPerSide; i++) {
    for (let j = 0; j < samplesPerSide; j++) {
      const x = minX + ((maxX - minX) * (i + 0.5)) / samplesPerSide;
      const y = minY + ((maxY - minY) * (j + 0.5)) / samplesPerSide;
      if (!pointInGeometry(x, y, child)) continue;
      inChild++;
      if (pointInGeometry(x, y, parent)) inBoth++;
    }
  }
  return inChild === 0 ? 0 : inBoth / inChild;
}

export { polygonsOf };

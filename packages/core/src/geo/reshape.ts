import polygonClipping from "polygon-clipping";
import { fieldIssue } from "../platform/field.messages.ts";
import type { FieldIssue } from "../shared/domain-error.ts";
import { MIN_AREA_M2, overlapShare, siblingOverlaps, uncovered } from "./coverage.ts";
import type { Position } from "./geojson.ts";
import { geometryAreaM2, type PolygonalGeometry, polygonsOf } from "./polygon.ts";

/**
 * Splitting one grid into several and merging several into one: the rules a reshaping must meet
 * before anything is written. A split's parts must lie inside the old grid, must not overlap one
 * another and must together cover it (households are never left without a grid); merged grids must
 * be siblings that touch, so the result is one piece.
 */

/** A part may stick out of the grid it splits by digitising noise, not more. */
export const SPLIT_PART_MIN_SHARE_INSIDE = 0.98;
/** What the parts leave uncovered may not exceed this share of the old grid. */
export const SPLIT_MAX_UNCOVERED_SHARE = 0.01;

export function checkSplit(
  old: PolygonalGeometry,
  parts: { geometry: PolygonalGeometry; path: string }[],
  path = "parts",
): FieldIssue[] {
  const issues: FieldIssue[] = [];
  if (parts.length < 2) return [fieldIssue(path, "GEO_SPLIT_TOO_FEW")];
  for (const part of parts) {
    const share = overlapShare(part.geometry, old);
    if (share < SPLIT_PART_MIN_SHARE_INSIDE)
      issues.push(fieldIssue(part.path, "GEO_SPLIT_PART_OUTSIDE", { percent: String(Math.round(share * 100)) }));
  }
  const overlaps = siblingOverlaps(parts.map((p, i) => ({ code: String(i), geometry: p.geometry })));
  for (const o of overlaps)
    issues.push(
      fieldIssue(`${path}.${o.b}.geometry`, "GEO_SPLIT_OVERLAP", { part: o.a, area: String(Math.round(o.areaM2)) }),
    );
  const oldArea = geometryAreaM2(old);
  const gap = uncovered(
    old,
    parts.map((p) => p.geometry),
  );
  if (gap && gap.areaM2 > Math.max(MIN_AREA_M2, oldArea * SPLIT_MAX_UNCOVERED_SHARE))
    issues.push(
      fieldIssue(path, "GEO_SPLIT_GAP", {
        area: String(Math.round(gap.areaM2)),
        percent: String(Math.round((gap.areaM2 / oldArea) * 100)),
      }),
    );
  return issues;
}

type Clip = Parameters<typeof polygonClipping.union>[0];

/** The union of grids being merged, or the issue that stops it (they do not touch). */
export function mergeGeometry(
  geometries: PolygonalGeometry[],
  path = "codes",
): { geometry: PolygonalGeometry; issues: FieldIssue[] } {
  const [first, ...rest] = geometries.map((g) => polygonsOf(g) as unknown as Clip);
  const union = polygonClipping.union(first as Clip, ...rest) as Position[][][];
  const geometry: PolygonalGeometry =
    union.length === 1
      ? { type: "Polygon", coordinates: union[0] as Position[][] }
      : { type: "MultiPolygon", coordinates: union };
  const sourcePieces = geometries.reduce((n, g) => n + polygonsOf(g).length, 0);
  // Pieces that were already separate (a multi-part grid) may stay separate; new separations may not.
  const issues: FieldIssue[] =
    union.length > 1 && union.length >= sourcePieces ? [fieldIssue(path, "GEO_MERGE_NOT_TOUCHING")] : [];
  return { geometry, issues };
}

/**
 * Codes for new grids or micro-grids, derived from the parent's code: G01, G02… under a village
 * (M01… under a grid), skipping every code already taken, so they are stable and never reused.
 */
export function nextChildCodes(
  parentCode: string,
  level: "grid" | "microgrid",
  taken: ReadonlySet<string>,
  count: number,
): string[] {
  const letter = level === "grid" ? "G" : "M";
  const out: string[] = [];
  for (let n = 1; out.length < count; n++) {
    const code = `${parentCode}${letter}${String(n).padStart(2, "0")}`;
    if (!taken.has(code)) out.push(code);
  }
  return out;
}

const asGeometry = (m: Position[][][]): PolygonalGeometry | undefined =>
  m.length === 0
    ? undefined
    : m.length === 1
      ? { type: "Polygon", coordinates: m[0] as Position[][] }
      : { type: "MultiPolygon", coordinates: m };

/**
 * Cuts a grid with a drawn shape: the part of the grid inside the shape and the rest — the two
 * parts of a split drawn on the map, which then cover the grid exactly, without overlap.
 */
export function cutWith(
  grid: PolygonalGeometry,
  cutter: PolygonalGeometry,
): { inside: PolygonalGeometry | undefined; outside: PolygonalGeometry | undefined } {
  const g = polygonsOf(grid) as unknown as Clip;
  const c = polygonsOf(cutter) as unknown as Clip;
  return {
    inside: asGeometry(polygonClipping.intersection(g, c) as Position[][][]),
    outside: asGeometry(polygonClipping.difference(g, c) as Position[][][]),
  };
}

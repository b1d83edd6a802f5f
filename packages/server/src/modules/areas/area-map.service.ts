import { AREA_LEVELS, type DataScope, type PolygonalGeometry, simplifyGeometry } from "@wangge/core";
import type { Kysely } from "kysely";
import type { DB } from "../../db/schema.ts";
import {
  countBoundariesByLevel,
  listAreasAtPaths,
  listAreasByCodes,
  listBoundariesUnder,
  listRootPaths,
} from "./areas.queries.ts";
import type { AreaRow } from "./areas.table.ts";

/**
 * What a map opens on: the areas a user works in (the roots of their view scope), their extent, and
 * the boundaries under them down to the grids — simplified for display, labelled by name. A scope
 * holding more boundaries than a map can draw gets the upper levels only (whole levels, never a part
 * of one), flagged `truncated`. An area-less user sees the whole tree; a user without an area (a
 * resident) an empty map.
 */
export const MAP_FEATURE_LIMIT = 3000;

/** Roughly one screen pixel of a map showing the whole extent: detail finer than that is not drawn. */
const PIXELS_ACROSS = 2000;

export interface AreaMapFeature {
  type: "Feature";
  id: string;
  properties: {
    code: string;
    name: string;
    level: AreaRow["level"];
    kind: AreaRow["kind"];
    labelLng: number;
    labelLat: number;
  };
  geometry: PolygonalGeometry;
}

export interface AreaMap {
  areas: { code: string; name: string; level: AreaRow["level"] }[];
  bounds: [number, number, number, number] | null;
  truncated: boolean;
  features: { type: "FeatureCollection"; features: AreaMapFeature[] };
}

export async function mapOfScope(
  db: Kysely<DB>,
  scope: DataScope,
  /** A smaller map (a report's, drawn in a PDF): fewer shapes, coarser lines. */
  size: { limit?: number; pixelsAcross?: number } = {},
): Promise<AreaMap> {
  const limit = size.limit ?? MAP_FEATURE_LIMIT;
  const pixelsAcross = size.pixelsAcross ?? PIXELS_ACROSS;
  const prefixes = scope.isGlobal ? await listRootPaths(db) : scope.view;
  const roots = await listAreasAtPaths(db, prefixes);
  const counts = new Map((await countBoundariesByLevel(db, prefixes)).map((c) => [c.level, c.n]));
  const levels: AreaRow["level"][] = [];
  let total = 0;
  for (const level of AREA_LEVELS) {
    const n = counts.get(level) ?? 0;
    if (total + n > limit) break;
    total += n;
    levels.push(level);
  }
  const truncated = AREA_LEVELS.some((l) => !levels.includes(l) && (counts.get(l) ?? 0) > 0);
  const rows = await listBoundariesUnder(db, prefixes, levels);
  let bounds: [number, number, number, number] | null = null;
  for (const r of rows) {
    bounds = bounds
      ? [
          Math.min(bounds[0], r.min_lng),
          Math.min(bounds[1], r.min_lat),
          Math.max(bounds[2], r.max_lng),
          Math.max(bounds[3], r.max_lat),
        ]
      : [r.min_lng, r.min_lat, r.max_lng, r.max_lat];
  }
  if (bounds) bounds = bounds.map((n) => Math.round(n * 1e6) / 1e6) as [number, number, number, number];
  const tolerance = bounds ? Math.max(bounds[2] - bounds[0], bounds[3] - bounds[1]) / pixelsAcross : 0;
  return {
    areas: roots.map((a) => ({ code: a.code, name: a.name, level: a.level })),
    bounds,
    truncated,
    features: {
      type: "FeatureCollection",
      features: rows.map((r) => ({
        type: "Feature",
        id: r.code,
        properties: {
          code: r.code,
          name: r.name,
          level: r.level,
          kind: r.kind,
          labelLng: r.label_lng,
          labelLat: r.label_lat,
        },
        geometry: simplifyGeometry(r.geometry as PolygonalGeometry, tolerance),
      })),
    },
  };
}

/** Names of the areas among `codes` that the scope sees (others are left out: not found). */
export async function areaNames(
  db: Kysely<DB>,
  scope: DataScope,
  codes: readonly string[],
): Promise<{ code: string; name: string; level: AreaRow["level"] }[]> {
  const rows = await listAreasByCodes(db, [...new Set(codes)]);
  return rows
    .filter((a) => scope.isGlobal || scope.view.some((p) => a.path.startsWith(p)))
    .map((a) => ({ code: a.code, name: a.name, level: a.level }));
}

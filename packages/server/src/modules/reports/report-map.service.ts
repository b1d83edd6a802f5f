import {
  type AreaLevel,
  type PolygonalGeometry,
  REPORT_MAP_FEATURES,
  type ReportMap,
  simplifyGeometry,
} from "@wangge/core";
import type { AppContext } from "../../context.ts";
import { mapOfScope } from "../areas/area-map.service.ts";
import type { AreaRow } from "../areas/areas.table.ts";
import { listOutlinesOf } from "./reports.queries.ts";

/**
 * The map a weekly report keeps with its hotspots: the report area's outlines down to the grids, as
 * the console's maps draw them (areas' map of a scope), coarser — a page of a PDF is some 600 points
 * across — and with fewer shapes, so a county's report stays a report. A hotspot area of a level left
 * out (a county with more grids than the map draws) is added, so every hotspot can be shaded.
 */
const POINTS_ACROSS = 600;
const round6 = (n: number) => Math.round(n * 1e6) / 1e6;

export async function hotspotMap(ctx: AppContext, area: AreaRow, hotspotCodes: readonly string[]): Promise<ReportMap> {
  const scope = { isGlobal: false, view: [area.path], workSubtrees: [], workAreas: [] };
  const map = await mapOfScope(ctx.db, scope, { limit: REPORT_MAP_FEATURES, pixelsAcross: POINTS_ACROSS });
  const drawn = new Set(map.features.features.map((f) => f.properties.code));
  const missing = await listOutlinesOf(
    ctx.db,
    hotspotCodes.filter((c) => !drawn.has(c)),
  );
  const b = map.bounds;
  const tolerance = b ? Math.max(b[2] - b[0], b[3] - b[1]) / POINTS_ACROSS : 0;
  const features = [
    ...map.features.features.map((f) => ({
      type: "Feature" as const,
      id: f.id,
      properties: {
        code: f.properties.code,
        name: f.properties.name,
        level: f.properties.level,
        labelLng: round6(f.properties.labelLng),
        labelLat: round6(f.properties.labelLat),
      },
      geometry: f.geometry,
    })),
    ...missing.map((r) => ({
      type: "Feature" as const,
      id: r.code,
      properties: {
        code: r.code,
        name: r.name,
        level: r.level as AreaLevel,
        labelLng: round6(r.label_lng),
        labelLat: round6(r.label_lat),
      },
      geometry: simplifyGeometry(r.geometry as PolygonalGeometry, tolerance),
    })),
  ];
  return { bounds: map.bounds, truncated: map.truncated, features: { type: "FeatureCollection", features } };
}

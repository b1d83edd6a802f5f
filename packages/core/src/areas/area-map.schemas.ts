import { z } from "zod";
import { AREA_LEVELS } from "./area-path.ts";

/** What kind of place a grid covers (城市社区、农村、边境、沿海、专属网格). */
export const GRID_KINDS = ["community", "rural", "border", "coastal", "dedicated"] as const;
export type GridKind = (typeof GRID_KINDS)[number];

/** A boundary as GeoJSON: a Polygon or MultiPolygon (WGS-84). */
export const PolygonalGeometrySchema = z.object({
  type: z.enum(["Polygon", "MultiPolygon"]),
  coordinates: z.array(z.any()),
});
const BoundsSchema = z
  .tuple([z.number(), z.number(), z.number(), z.number()])
  .nullable()
  .describe("[west, south, east, north] of the boundaries below (WGS-84); null when none is drawn yet");
const TruncatedSchema = z
  .boolean()
  .describe("Whether the deepest levels were left out (more boundaries than a map draws)");

/** One division's outline on a map, labelled at its label point (WGS-84). */
const OutlineProperties = z.object({
  code: z.string(),
  name: z.string(),
  level: z.enum(AREA_LEVELS),
  labelLng: z.number(),
  labelLat: z.number(),
});
const outlines = <P extends z.ZodTypeAny>(properties: P) =>
  z.object({
    type: z.literal("FeatureCollection"),
    features: z.array(
      z.object({ type: z.literal("Feature"), id: z.string(), properties, geometry: PolygonalGeometrySchema }),
    ),
  });

/**
 * The map of a reader's areas (GET /areas/mine, the big screen's GET /screen/map): the areas they work
 * in, the extent, and the boundaries under them down to the grids, simplified for a screen.
 */
export const AreaMapSchema = z
  .object({
    areas: z
      .array(z.object({ code: z.string(), name: z.string(), level: z.enum(AREA_LEVELS) }))
      .describe("The areas you work in: the roots of your view scope"),
    bounds: BoundsSchema,
    truncated: TruncatedSchema,
    features: outlines(OutlineProperties.extend({ kind: z.enum(GRID_KINDS).nullable() })),
  })
  .meta({ id: "AreaMap" });

/**
 * The map of a weekly report's hotspots, archived with it: the outlines of the report's area and the
 * divisions under it down to the grids (simplified for a page; the deepest levels left out when there
 * are too many, `truncated`). Hotspot grids are always among them. Shading and points come from
 * `hotspots.grids` and `hotspots.addresses`.
 */
export const REPORT_MAP_FEATURES = 1500;
export const ReportMapSchema = z
  .object({ bounds: BoundsSchema, truncated: TruncatedSchema, features: outlines(OutlineProperties) })
  .meta({ id: "ReportMap" });
export type ReportMap = z.infer<typeof ReportMapSchema>;

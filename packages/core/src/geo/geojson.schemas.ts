import { z } from "zod";

/**
 * Structural check of a GeoJSON FeatureCollection of polygons (RFC 7946), used where a file is read:
 * the console's preview and, later, the boundary import (which adds the geometric checks: closed
 * rings, self-intersection, extent). Positions are [lng, lat] in WGS-84.
 */
const PositionSchema = z.tuple([z.number().min(-180).max(180), z.number().min(-90).max(90)]).rest(z.number());
const RingSchema = z.array(PositionSchema).min(4, "a ring needs at least 4 positions (first = last)");
const PolygonSchema = z.object({ type: z.literal("Polygon"), coordinates: z.array(RingSchema).min(1) });
const MultiPolygonSchema = z.object({
  type: z.literal("MultiPolygon"),
  coordinates: z.array(z.array(RingSchema).min(1)).min(1),
});

export const PolygonFeatureCollectionSchema = z.object({
  type: z.literal("FeatureCollection"),
  features: z.array(
    z.object({
      type: z.literal("Feature"),
      id: z.union([z.string(), z.number()]).optional(),
      geometry: z.discriminatedUnion("type", [PolygonSchema, MultiPolygonSchema]),
      properties: z.record(z.string(), z.unknown()).nullable(),
    }),
  ),
});

import { z } from "zod";
import { SUPPORTED_LOCALES } from "./limits.ts";

/** Coordinate system of a raster tile source: WGS-84/CGCS2000 (Tianditu) or GCJ-02 (most commercial Chinese maps). */
export const TileCoordinateSystemSchema = z.enum(["wgs84", "gcj02"]);
export type TileCoordinateSystem = z.infer<typeof TileCoordinateSystemSchema>;

export const HealthResponseSchema = z
  .object({
    status: z.literal("ok"),
    database: z.enum(["pglite", "postgres"]),
    version: z.string(),
  })
  .meta({ id: "HealthResponse" });
export type HealthResponse = z.infer<typeof HealthResponseSchema>;

/** What every app needs before it draws anything: product version, locale and map settings. */
export const ClientConfigSchema = z
  .object({
    version: z.string(),
    defaultLocale: z.enum(SUPPORTED_LOCALES),
    locales: z.array(z.enum(SUPPORTED_LOCALES)),
    timezone: z.string(),
    map: z.object({
      /** Raster tile URL template with {x} {y} {z}; null means the offline background only. */
      tileUrl: z.string().nullable(),
      tileCoordinateSystem: TileCoordinateSystemSchema,
      tileAttribution: z.string().nullable(),
      /** [lng, lat] to centre on before any area is loaded. */
      center: z.tuple([z.number(), z.number()]),
      zoom: z.number(),
    }),
  })
  .meta({ id: "ClientConfig" });
export type ClientConfig = z.infer<typeof ClientConfigSchema>;

export const ProblemFieldSchema = z.object({
  path: z.string(),
  message: z.string(),
  record: z
    .object({ type: z.string(), id: z.string() })
    .optional()
    .describe("The record the issue is about, when the caller may open it"),
});
/** RFC 9457 problem details, as every error response of the API is shaped. */
export const ProblemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    code: z.string(),
    detail: z.string(),
    instance: z.string().optional(),
    requestId: z.string().optional(),
    errors: z.array(ProblemFieldSchema).optional(),
  })
  .meta({ id: "Problem" });
export type Problem = z.infer<typeof ProblemSchema>;

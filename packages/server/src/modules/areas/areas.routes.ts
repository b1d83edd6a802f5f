import {
  AreaMapSchema,
  PolygonalGeometrySchema as GeometrySchema,
  GRID_KINDS,
  MAX_BODY_LIMIT_BYTES,
  ProblemSchema,
  parentCodeOf,
  principalScope,
} from "@wangge/core";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { AppContext } from "../../context.ts";
import { principalOf, requestMeta } from "../../http/authenticate.ts";
import { requestLocale, sayRowIssues } from "../../http/locale.ts";
import { problemResponses } from "../../http/problem.ts";
import { listStaffOfArea, STAFF_ROLES, staffPostsUnder } from "../users/assignments.service.ts";
import {
  areaVersions,
  boundaryHistory,
  coverageOf,
  exportSubtree,
  importBoundaries,
  indexAsOf,
  locateIndexFor,
  setBoundary,
} from "./area-boundaries.service.ts";
import { areaNames, mapOfScope } from "./area-map.service.ts";
import { lineageOf, mergeAreas, splitArea } from "./area-reshape.service.ts";
import { getAreaDetail, listAreaChildren, listAreasInScope, withChildFlags } from "./areas.service.ts";
import { OUTLINE_MAX_ZOOM, outlineTilesFor } from "./outline-tiles.service.ts";
import { beatsOfArea, importBeats } from "./police-beats.service.ts";

const LEVELS = ["province", "city", "county", "township", "village", "grid", "microgrid"] as const;
const AreaSummarySchema = z
  .object({
    code: z.string(),
    name: z.string(),
    level: z.enum(LEVELS),
    kind: z.enum(GRID_KINDS).nullable(),
    path: z.string(),
    parentCode: z.string().nullable(),
  })
  .meta({ id: "AreaSummary" });
const AreaDetailSchema = AreaSummarySchema.extend({
  source: z.enum(["nbs", "local"]),
  ancestors: z.array(z.object({ code: z.string(), name: z.string(), level: z.string() })),
  descendants: z.record(z.string(), z.number().int()),
  hasBoundary: z.boolean(),
}).meta({ id: "AreaDetail" });
const AreaNodeSchema = AreaSummarySchema.extend({
  hasChildren: z.boolean().describe("Whether the area has live children (a tree draws no expand arrow on a leaf)"),
}).meta({ id: "AreaNode" });
const StaffSchema = z
  .object({
    roleKey: z.string(),
    roleName: z.object({ "zh-CN": z.string(), en: z.string() }),
    displayName: z.string(),
    homeUnit: z.string().nullable(),
    employment: z.enum(["full_time", "part_time"]).nullable(),
  })
  .meta({ id: "StaffPost" });
const CodeParams = z.object({ code: z.string().regex(/^[0-9A-Za-z]{2,24}$/) });
const errors = { ...problemResponses, 401: ProblemSchema, 403: ProblemSchema, 422: ProblemSchema };
const NewGridSchema = z.object({
  code: z.string().optional().describe("Leave out to derive one from the parent's code (…G01, …G02)"),
  name: z.string().trim().min(1).max(100),
  kind: z.enum(GRID_KINDS).nullable().optional().describe("Leave out to keep the old grid's kind"),
});
const ReshapeResultSchema = z
  .object({
    id: z.uuid(),
    change: z.enum(["split", "merge"]),
    at: z.string(),
    from: z.array(z.string()),
    to: z.array(z.object({ code: z.string(), name: z.string() })),
  })
  .meta({ id: "AreaReshapeResult" });
const ReasonSchema = z.string().trim().min(2).max(500);

const toNode = (r: Awaited<ReturnType<typeof withChildFlags>>[number]) => ({
  code: r.code,
  name: r.name,
  level: r.level,
  kind: r.kind,
  path: r.path,
  parentCode: parentCodeOf(r.path),
  hasChildren: r.hasChildren,
});

export const areasRoutes: FastifyPluginAsyncZod<{ ctx: AppContext }> = async (app, { ctx }) => {
  const locateIndex = locateIndexFor(ctx.db);
  locateIndex.start();
  app.addHook("onClose", async () => locateIndex.stop());

  app.get(
    "/areas",
    {
      config: { permission: "area.read" },
      schema: {
        tags: ["areas"],
        summary: "Areas in your scope, in hierarchy order",
        querystring: z.object({ limit: z.coerce.number().int().min(1).max(2000).default(500) }).strict(),
        response: { 200: z.array(AreaNodeSchema), ...errors },
      },
    },
    async (request) => {
      const rows = await listAreasInScope(
        ctx.db,
        principalScope(principalOf(request), "area.read"),
        request.query.limit,
      );
      return (await withChildFlags(ctx.db, rows)).map(toNode);
    },
  );

  app.get(
    "/areas/mine",
    {
      // Any signed-in user: the map of the areas they hold a post in (a volunteer's too), nothing else.
      config: {},
      schema: {
        tags: ["areas"],
        summary:
          "What a map opens on: the areas you work in, their extent, and the boundaries under them down to the grids, simplified for display",
        response: { 200: AreaMapSchema, ...errors },
      },
    },
    async (request) => mapOfScope(ctx.db, principalScope(principalOf(request))),
  );

  const outlineTiles = outlineTilesFor(ctx.db);
  app.get(
    "/areas/outlines/:z/:x/:y",
    {
      // Any signed-in user: the deployment's division outlines and names are the base map every app
      // draws (public geography, like a printed map); grids are not in it.
      config: {},
      schema: {
        tags: ["areas"],
        summary:
          "The offline base map: a Mapbox vector tile (layers `divisions` and `labels`) of the divisions with boundaries, province to village",
        description:
          "Web-mercator tile z/x/y, WGS-84 data. Each level from the zoom at which it reads (city 4, county 6, township 8, village 10), names over a band of zooms. 204 when no division meets the tile. Revalidate with If-None-Match.",
        params: z
          .object({
            z: z.coerce.number().int().min(0).max(OUTLINE_MAX_ZOOM),
            x: z.coerce.number().int().min(0),
            y: z.coerce.number().int().min(0),
          })
          .refine((p) => p.x < 2 ** p.z, { message: "x is beyond the tiles of this zoom", path: ["x"] })
          .refine((p) => p.y < 2 ** p.z, { message: "y is beyond the tiles of this zoom", path: ["y"] }),
      },
    },
    async (request, reply) => {
      const { z: zoom, x, y } = request.params;
      const tile = await outlineTiles.tile(zoom, x, y);
      // Revalidated on every use (an edited boundary shows at once), answered 304 while unchanged.
      reply.header("cache-control", "private, no-cache").header("etag", tile.etag).header("vary", "Accept-Encoding");
      if (request.headers["if-none-match"] === tile.etag) return reply.status(304).send();
      if (tile.raw.length === 0) return reply.status(204).send();
      const gzip = /\bgzip\b/.test(String(request.headers["accept-encoding"] ?? ""));
      if (gzip) reply.header("content-encoding", "gzip");
      return reply
        .type("application/vnd.mapbox-vector-tile")
        .header("x-content-type-options", "nosniff")
        .send(gzip ? tile.gzip : tile.raw);
    },
  );

  app.get(
    "/areas/names",
    {
      config: {},
      schema: {
        tags: ["areas"],
        summary: "Names of areas by code, for lists that hold codes (areas outside your scope are left out)",
        querystring: z
          .object({
            codes: z
              .string()
              .transform((s) => s.split(",").filter(Boolean))
              .pipe(
                z
                  .array(z.string().regex(/^[0-9A-Za-z]{2,24}$/))
                  .min(1)
                  .max(200),
              ),
          })
          .strict(),
        response: {
          200: z.array(z.object({ code: z.string(), name: z.string(), level: z.enum(LEVELS) })),
          ...errors,
        },
      },
    },
    async (request) => areaNames(ctx.db, principalScope(principalOf(request)), request.query.codes),
  );

  app.get(
    "/areas/locate",
    {
      config: { permission: "area.read" },
      schema: {
        tags: ["areas"],
        summary: "The grid (or deepest area) containing a WGS-84 point, with its path and the staff on duty",
        querystring: z
          .object({
            lng: z.coerce.number().min(-180).max(180),
            lat: z.coerce.number().min(-90).max(90),
            asOf: z.iso.datetime({ offset: true }).or(z.iso.date()).optional(),
          })
          .strict(),
        response: {
          200: z.object({
            area: AreaSummarySchema.nullable(),
            path: z.array(z.object({ code: z.string(), name: z.string(), level: z.string() })),
            unassigned: z.boolean(),
            staff: z.array(StaffSchema),
          }),
          ...errors,
        },
      },
    },
    async (request) => {
      const { lng, lat, asOf } = request.query;
      const at = asOf ? new Date(asOf.length === 10 ? `${asOf}T23:59:59.999+08:00` : asOf) : undefined;
      const index = at ? await indexAsOf(ctx.db, at) : await locateIndex.ready();
      const hit = index.locate(lng, lat);
      const scope = principalScope(principalOf(request), "area.read");
      const empty = { area: null, path: [], unassigned: true, staff: [] };
      if (!hit) return empty;
      // As of a past date: the grid as it was then, even if it was split or merged since.
      const detail = await getAreaDetail(ctx.db, hit.code, scope, at).catch(() => undefined);
      if (!detail) return empty;
      return {
        area: {
          code: detail.code,
          name: detail.name,
          level: detail.level,
          kind: detail.kind,
          path: detail.path,
          parentCode: detail.parentCode,
        },
        path: [...detail.ancestors, { code: detail.code, name: detail.name, level: detail.level }],
        unassigned: detail.level !== "grid" && detail.level !== "microgrid",
        staff: await listStaffOfArea(ctx.db, detail.code),
      };
    },
  );

  app.post(
    "/areas/import",
    {
      config: { permission: "area.manage" },
      bodyLimit: MAX_BODY_LIMIT_BYTES,
      schema: {
        tags: ["areas"],
        summary: "Import grid boundaries from a GeoJSON FeatureCollection, with a report per feature",
        body: z
          .object({
            collection: z.unknown(),
            parentCodeProperty: z.string().min(1).default("parent_code"),
            codeProperty: z.string().min(1).default("code"),
            nameProperty: z.string().min(1).default("name"),
            kindProperty: z.string().min(1).optional(),
            allOrNothing: z.boolean().default(false),
          })
          .strict(),
        response: {
          200: z.object({
            applied: z.boolean(),
            created: z.number().int(),
            updated: z.number().int(),
            unchanged: z.number().int(),
            rejected: z.number().int(),
            features: z.array(
              z.object({
                index: z.number().int(),
                code: z.string().nullable(),
                outcome: z.enum(["created", "updated", "unchanged", "accepted", "rejected"]),
                errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
              }),
            ),
          }),
          ...errors,
        },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      const { collection, ...options } = request.body;
      const report = await importBoundaries(
        ctx,
        principal,
        requestMeta(request),
        collection,
        options,
        principalScope(principal, "area.manage"),
      );
      return { ...report, features: sayRowIssues(report.features, requestLocale(request)) };
    },
  );

  app.get(
    "/areas/:code",
    {
      config: { permission: "area.read" },
      schema: {
        tags: ["areas"],
        summary:
          "An area with its ancestors and the number of descendants at each level; asOf gives its names on a past date",
        params: CodeParams,
        querystring: z.object({ asOf: z.iso.datetime({ offset: true }).or(z.iso.date()).optional() }).strict(),
        response: { 200: AreaDetailSchema, ...errors },
      },
    },
    async (request) => {
      const { asOf } = request.query;
      const at = asOf ? new Date(asOf.length === 10 ? `${asOf}T23:59:59.999+08:00` : asOf) : undefined;
      return getAreaDetail(ctx.db, request.params.code, principalScope(principalOf(request), "area.read"), at);
    },
  );

  app.get(
    "/areas/:code/children",
    {
      config: { permission: "area.read" },
      schema: {
        tags: ["areas"],
        summary: "The direct children of an area",
        params: CodeParams,
        response: { 200: z.array(AreaNodeSchema), ...errors },
      },
    },
    async (request) => {
      const rows = await listAreaChildren(
        ctx.db,
        request.params.code,
        principalScope(principalOf(request), "area.read"),
      );
      return (await withChildFlags(ctx.db, rows)).map(toNode);
    },
  );

  app.put(
    "/areas/:code/boundary",
    {
      config: { permission: "area.manage" },
      bodyLimit: MAX_BODY_LIMIT_BYTES,
      schema: {
        tags: ["areas"],
        summary: "Draw or redraw an area's boundary; the old one stays in its history",
        params: CodeParams,
        body: z.object({ geometry: GeometrySchema }).strict(),
        response: {
          200: z.object({ code: z.string(), outcome: z.enum(["drawn", "redrawn", "unchanged"]) }),
          ...errors,
        },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      return setBoundary(
        ctx,
        principal,
        requestMeta(request),
        request.params.code,
        request.body.geometry,
        principalScope(principal, "area.manage"),
      );
    },
  );

  app.post(
    "/areas/:code/split",
    {
      config: { permission: "area.manage" },
      bodyLimit: MAX_BODY_LIMIT_BYTES,
      schema: {
        tags: ["areas"],
        summary: "Split a grid into parts that cover it; the old grid is kept in history",
        description:
          "The parts must lie inside the grid, not overlap and leave no gap. The old grid is abolished with its boundary closed (records attributed to it keep it; `locate?asOf=` before the change still answers it) and its staff posts move to the part `staffTo` (default 0). Retrying with the same `id` answers the recorded change.",
        params: CodeParams,
        body: z
          .object({
            id: z.uuid(),
            reason: ReasonSchema,
            parts: z
              .array(NewGridSchema.extend({ geometry: GeometrySchema }))
              .min(2)
              .max(50),
            staffTo: z.number().int().min(0).optional(),
          })
          .strict(),
        response: { 200: ReshapeResultSchema, 409: ProblemSchema, ...errors },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      return splitArea(
        ctx,
        principal,
        requestMeta(request),
        request.params.code,
        request.body,
        principalScope(principal, "area.manage"),
      );
    },
  );

  app.post(
    "/areas/merge",
    {
      config: { permission: "area.manage" },
      schema: {
        tags: ["areas"],
        summary: "Merge neighbouring grids under one parent into a new grid",
        description:
          "The new grid's boundary is the union of the old ones, which must touch. The old grids are abolished and kept in history; their staff posts move to the new grid. Retrying with the same `id` answers the recorded change.",
        body: z
          .object({
            id: z.uuid(),
            reason: ReasonSchema,
            codes: z
              .array(z.string().regex(/^[0-9A-Za-z]{2,24}$/))
              .min(2)
              .max(50),
            into: NewGridSchema,
          })
          .strict(),
        response: { 200: ReshapeResultSchema, 409: ProblemSchema, ...errors },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      return mergeAreas(ctx, principal, requestMeta(request), request.body, principalScope(principal, "area.manage"));
    },
  );

  app.get(
    "/areas/:code/lineage",
    {
      config: { permission: "area.read" },
      schema: {
        tags: ["areas"],
        summary: "Grids this area was split or merged from, and what it became",
        params: CodeParams,
        response: {
          200: z.array(
            z.object({
              change: z.enum(["split", "merge"]),
              direction: z.enum(["from", "into"]),
              code: z.string(),
              name: z.string(),
              reason: z.string(),
              at: z.string(),
            }),
          ),
          ...errors,
        },
      },
    },
    async (request) => lineageOf(ctx, request.params.code, principalScope(principalOf(request), "area.read")),
  );

  app.get(
    "/areas/:code/history",
    {
      config: { permission: "area.read" },
      schema: {
        tags: ["areas"],
        summary: "Past names, kinds and parents of an area (renames, splits, moves), newest first",
        params: CodeParams,
        response: {
          200: z.array(
            z.object({
              name: z.string(),
              kind: z.string().nullable(),
              parentCode: z.string().nullable(),
              validFrom: z.string(),
              validTo: z.string(),
            }),
          ),
          ...errors,
        },
      },
    },
    async (request) => areaVersions(ctx, request.params.code, principalScope(principalOf(request), "area.read")),
  );

  app.get(
    "/areas/:code/boundary/history",
    {
      config: { permission: "area.read" },
      schema: {
        tags: ["areas"],
        summary: "Every version of an area's boundary, newest first",
        params: CodeParams,
        response: {
          200: z.array(
            z.object({
              validFrom: z.string(),
              validTo: z.string().nullable(),
              areaM2: z.number(),
              geometry: GeometrySchema,
            }),
          ),
          ...errors,
        },
      },
    },
    async (request) => boundaryHistory(ctx, request.params.code, principalScope(principalOf(request), "area.read")),
  );

  app.post(
    "/police-beats/import",
    {
      config: { permission: "area.manage" },
      bodyLimit: MAX_BODY_LIMIT_BYTES,
      schema: {
        tags: ["areas"],
        summary:
          "Import police beats (警格) from GeoJSON and link each to the grids it overlaps, with the share covered",
        body: z
          .object({
            collection: z.unknown(),
            codeProperty: z.string().min(1).default("code"),
            nameProperty: z.string().min(1).default("name"),
            stationProperty: z.string().min(1).default("station"),
            officerProperty: z.string().min(1).optional(),
            allOrNothing: z.boolean().default(false),
          })
          .strict(),
        response: {
          200: z.object({
            applied: z.boolean(),
            features: z.array(
              z.object({
                index: z.number().int(),
                code: z.string().nullable(),
                outcome: z.enum(["created", "updated", "accepted", "rejected"]),
                grids: z.number().int().optional(),
                errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
              }),
            ),
          }),
          ...errors,
        },
      },
    },
    async (request) => {
      const { collection, ...options } = request.body;
      const report = await importBeats(ctx, principalOf(request), requestMeta(request), collection, options);
      return { ...report, features: sayRowIssues(report.features, requestLocale(request)) };
    },
  );

  app.get(
    "/areas/:code/staff",
    {
      config: { permission: "area.read" },
      schema: {
        tags: ["areas"],
        summary: "Who holds a post in the area: grid head, workers, instructors (with home unit), police liaison",
        params: CodeParams,
        response: {
          200: z.array(StaffSchema),
          ...errors,
        },
      },
    },
    async (request) => {
      const detail = await getAreaDetail(
        ctx.db,
        request.params.code,
        principalScope(principalOf(request), "area.read"),
      );
      return listStaffOfArea(ctx.db, detail.code);
    },
  );

  app.get(
    "/areas/:code/beats",
    {
      config: { permission: "area.read" },
      schema: {
        tags: ["areas"],
        summary: "The police beats a grid overlaps, with the share covered, the station and the community officer",
        params: CodeParams,
        response: {
          200: z.array(
            z.object({
              code: z.string(),
              name: z.string(),
              station: z.string(),
              share: z.number(),
              officer: z.string().nullable(),
            }),
          ),
          ...errors,
        },
      },
    },
    async (request) => beatsOfArea(ctx, request.params.code, principalScope(principalOf(request), "area.read")),
  );

  app.get(
    "/areas/:code/coverage",
    {
      config: { permission: "area.read" },
      schema: {
        tags: ["areas"],
        summary:
          "Coverage: grids holding each staff post, grids lacking one, overlaps between sibling grids and uncovered gaps (GeoJSON)",
        params: CodeParams,
        response: {
          200: z.object({
            code: z.string(),
            grids: z.number().int(),
            posts: z.array(z.object({ roleKey: z.string(), filled: z.number().int(), share: z.number() })),
            gridsMissingPosts: z.array(z.object({ code: z.string(), name: z.string(), missing: z.array(z.string()) })),
            overlaps: z.object({ type: z.literal("FeatureCollection"), features: z.array(z.any()) }),
            gaps: z.object({ type: z.literal("FeatureCollection"), features: z.array(z.any()) }),
          }),
          ...errors,
        },
      },
    },
    async (request) => {
      const scope = principalScope(principalOf(request), "area.read");
      const detail = await getAreaDetail(ctx.db, request.params.code, scope);
      return coverageOf(ctx, request.params.code, scope, await staffPostsUnder(ctx.db, detail.path), STAFF_ROLES);
    },
  );

  app.get(
    "/areas/:code/export",
    {
      config: { permission: "area.read" },
      schema: {
        tags: ["areas"],
        summary: "The area and everything under it as GeoJSON (current boundaries)",
        params: CodeParams,
      },
    },
    async (request, reply) => {
      const fc = await exportSubtree(ctx, request.params.code, principalScope(principalOf(request), "area.read"));
      return reply
        .type("application/geo+json; charset=utf-8")
        .header("content-disposition", `attachment; filename="${request.params.code}.geojson"`)
        .send(JSON.stringify(fc));
    },
  );
};

import { ProblemSchema, principalScope } from "@wangge/core";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { AppContext } from "../../context.ts";
import { principalOf } from "../../http/authenticate.ts";
import { problemResponses } from "../../http/problem.ts";
import { listAreasInScope } from "./areas.service.ts";

const AreaSummarySchema = z
  .object({
    code: z.string(),
    name: z.string(),
    level: z.string(),
    path: z.string(),
    parentCode: z.string().nullable(),
  })
  .meta({ id: "AreaSummary" });

export const areasRoutes: FastifyPluginAsyncZod<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.get(
    "/areas",
    {
      config: { permission: "area.read" },
      schema: {
        tags: ["areas"],
        summary: "Areas in your scope, in hierarchy order",
        querystring: z.object({ limit: z.coerce.number().int().min(1).max(2000).default(500) }).strict(),
        response: { 200: z.array(AreaSummarySchema), ...problemResponses, 401: ProblemSchema, 403: ProblemSchema },
      },
    },
    async (request) => {
      const rows = await listAreasInScope(
        ctx.db,
        principalScope(principalOf(request), "area.read"),
        request.query.limit,
      );
      return rows.map((r) => ({
        code: r.code,
        name: r.name,
        level: r.level,
        path: r.path,
        parentCode: r.path.split("/").filter(Boolean).at(-2) ?? null,
      }));
    },
  );
};

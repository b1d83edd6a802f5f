import { CategoryParamsSchema, CategorySchema, CategorySettingsSchema, ProblemSchema } from "@wangge/core";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { AppContext } from "../../context.ts";
import { principalOf, requestMeta } from "../../http/authenticate.ts";
import { problemResponses } from "../../http/problem.ts";
import { listCategories, updateCategory } from "./categories.service.ts";

const errors = { ...problemResponses, 401: ProblemSchema, 403: ProblemSchema, 404: ProblemSchema, 422: ProblemSchema };

/** Event categories: what residents and staff report in, with each level's working-time deadline. */
export const categoriesRoutes: FastifyPluginAsyncZod<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.get(
    "/event-categories",
    {
      // Every signed-in user: residents choose a category when they report.
      schema: {
        tags: ["events"],
        summary: "The event categories: close level, working-time deadlines per level, priority, extra fields",
        response: { 200: z.array(CategorySchema), ...errors },
      },
    },
    async () => listCategories(ctx.db),
  );

  app.put(
    "/event-categories/:key",
    {
      config: { permission: "event.configure", deploymentWide: true },
      schema: {
        tags: ["events"],
        summary: "Edit a category: its names, close level, deadlines, priority, extra fields, or retire it",
        params: CategoryParamsSchema,
        body: CategorySettingsSchema,
        response: { 200: CategorySchema, ...errors },
      },
    },
    async (request) =>
      updateCategory(ctx, principalOf(request), requestMeta(request), request.params.key, request.body),
  );
};

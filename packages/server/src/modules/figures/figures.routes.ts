import { FiguresQuerySchema, FiguresSchema, OpenMattersQuerySchema, OpenMattersSchema } from "@wangge/core";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import type { AppContext } from "../../context.ts";
import { principalOf } from "../../http/authenticate.ts";
import { routeErrors } from "../../http/problem.ts";
import { getFigures } from "./figures.service.ts";
import { openMatters } from "./open-matters.service.ts";

/** The command centre's figures: any area you see, any period, and the open matters on the map. */
export const figuresRoutes: FastifyPluginAsyncZod<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.get(
    "/figures",
    {
      config: { permission: "event.read" },
      schema: {
        tags: ["figures"],
        summary:
          "Figures of an area and period (kept as matters change), with the period before, by day, category or child",
        description:
          "Events count where they arose (every level up to the province), on the day of each change (China time); visits where the household was; close-outs where the worker closed out. An area outside your areas is 404. `category` takes the category and those below it. The events list behind an event figure: GET /events?box=all&areaCode=…&from=…&to=…&figure=….",
        querystring: FiguresQuerySchema,
        response: { 200: FiguresSchema, ...routeErrors },
      },
    },
    async (request) => getFigures(ctx, principalOf(request), request.query),
  );

  app.get(
    "/figures/open",
    {
      config: { permission: "event.read" },
      schema: {
        tags: ["figures"],
        summary: "Open matters now in an area and each of its child areas, and how many are past their deadline",
        querystring: OpenMattersQuerySchema,
        response: { 200: OpenMattersSchema, ...routeErrors },
      },
    },
    async (request) => openMatters(ctx, principalOf(request), request.query),
  );
};

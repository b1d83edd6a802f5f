import { AreaMapSchema, ScreenOverviewSchema, ScreenQuerySchema, ScreenStreamQuerySchema } from "@wangge/core";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import type { AppContext } from "../../context.ts";
import { principalOf } from "../../http/authenticate.ts";
import { routeErrors } from "../../http/problem.ts";
import { answerChangeStream } from "../events/event-stream.routes.ts";
import type { LiveInbox } from "../events/live-inbox.ts";
import { screenMap, screenOverview } from "./screen.service.ts";
import { SCREEN_STREAM } from "./screen-stream.ts";

/** The command centre's big screen: what it draws for its area, and a live feed of the area's matters. */
export const screenRoutes: FastifyPluginAsyncZod<{ ctx: AppContext }> = async (app, { ctx }) => {
  const open = new Set<LiveInbox>();
  app.addHook("preClose", async () => {
    for (const stream of open) stream.end();
  });

  app.get(
    "/screen/overview",
    {
      config: { permission: "screen.view" },
      schema: {
        tags: ["screen"],
        summary:
          "Everything the big screen draws for an area: this month's figures, 30 days by day, categories, open matters per area, open alerts, close-outs and the newest matters",
        description:
          "Only areas the screen is bound to (posts holding screen.view) and those below them; any other area is 404. Areas, categories, counts and times only: no names, no free text.",
        querystring: ScreenQuerySchema,
        response: { 200: ScreenOverviewSchema, ...routeErrors },
      },
    },
    async (request) => screenOverview(ctx, principalOf(request), request.query),
  );

  app.get(
    "/screen/map",
    {
      config: { permission: "screen.view" },
      schema: {
        tags: ["screen"],
        summary: "The screen's map: its areas, their extent and the boundaries under them down to the grids",
        description:
          "What GET /areas/mine answers for the areas the screen is bound to (posts holding screen.view): a wall opened with a big-screen link reads its map here, since it may open nothing but the screen.",
        response: { 200: AreaMapSchema, ...routeErrors },
      },
    },
    async (request) => screenMap(ctx, principalOf(request)),
  );

  app.get(
    "/screen/stream",
    {
      config: { permission: "screen.view" },
      schema: {
        tags: ["screen"],
        summary:
          "Live feed of the big screen: server-sent events (`change`) when a matter of its areas arrives or changes",
        description:
          "text/event-stream. Each `change` carries the matter's id, action, state, area code and path and time — nothing it says and no one in it. A comment line every 25 s; after maxSeconds the server ends the stream. Rights are checked again every 30 s.",
        querystring: ScreenStreamQuerySchema,
      },
    },
    async (request, reply) =>
      answerChangeStream(ctx, request, reply, { kind: SCREEN_STREAM, open, maxSeconds: request.query.maxSeconds }),
  );
};

import {
  MarkNotificationsReadBodySchema,
  NotificationsQuerySchema,
  NotificationsSchema,
  ProblemSchema,
} from "@wangge/core";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { AppContext } from "../../context.ts";
import { principalOf } from "../../http/authenticate.ts";
import { problemResponses } from "../../http/problem.ts";
import { listNotifications, markNotificationsRead } from "./notifications.service.ts";

const errors = { ...problemResponses, 401: ProblemSchema, 403: ProblemSchema, 404: ProblemSchema, 409: ProblemSchema };

/** A user's notifications: what happened to what they reported or follow, and what was assigned to them. */
export const notificationsRoutes: FastifyPluginAsyncZod<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.get(
    "/notifications",
    {
      schema: {
        tags: ["events"],
        summary: "Your notifications: status changes of what you reported or follow, assignments to you",
        querystring: NotificationsQuerySchema,
        response: { 200: NotificationsSchema, ...errors },
      },
    },
    async (request) =>
      listNotifications(ctx, principalOf(request), {
        unreadOnly: request.query.unread === "true",
        limit: request.query.limit,
      }),
  );

  app.post(
    "/notifications/read",
    {
      schema: {
        tags: ["events"],
        summary: "Mark notifications read (the ids given, or all)",
        body: MarkNotificationsReadBodySchema,
        response: { 200: z.object({ marked: z.number().int() }), ...errors },
      },
    },
    async (request) => ({ marked: await markNotificationsRead(ctx, principalOf(request), request.body.ids) }),
  );
};

import { canView, EVENT_ACTIONS, HANDLING_LEVELS, ProblemSchema, principalScope, SATISFACTION } from "@wangge/core";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { AppContext } from "../../context.ts";
import { principalOf, requestMeta } from "../../http/authenticate.ts";
import { problemResponses } from "../../http/problem.ts";
import { changeFeed, type EventChange } from "./event-changes.ts";
import { settledShare } from "./event-statistics.service.ts";
import { bulkTransition, giveFeedback } from "./event-transitions.service.ts";
import { listNotifications, markNotificationsRead } from "./notifications.service.ts";

const errors = { ...problemResponses, 401: ProblemSchema, 403: ProblemSchema, 404: ProblemSchema, 409: ProblemSchema };
const DAY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * The work around events: bulk actions from the inbox, the live inbox (server-sent events), the
 * reporter's verdict, their notifications, and the settled-level figure.
 */
export const eventWorkRoutes: FastifyPluginAsyncZod<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.post(
    "/events/bulk-transitions",
    {
      config: { permission: "event.handle" },
      schema: {
        tags: ["events"],
        summary: "Take one action (accept, assign…) on many events; each succeeds or fails on its own",
        body: z
          .object({
            ids: z.array(z.uuid()).min(1).max(200),
            action: z.enum(EVENT_ACTIONS),
            note: z.string().trim().max(2000).optional(),
            assigneeUserId: z.uuid().optional(),
          })
          .strict(),
        response: {
          200: z.object({
            results: z.array(
              z.object({
                id: z.uuid(),
                ok: z.boolean(),
                state: z.string().optional(),
                number: z.string().optional(),
                code: z.string().optional(),
                message: z.string().optional(),
              }),
            ),
          }),
          ...errors,
        },
      },
    },
    async (request) => {
      const { ids, ...input } = request.body;
      return { results: await bulkTransition(ctx, principalOf(request), requestMeta(request), ids, input) };
    },
  );

  app.post(
    "/events/:id/feedback",
    {
      config: { permission: "event.report" },
      schema: {
        tags: ["events"],
        summary: "The reporter's verdict on a settled event (满意度): satisfied, basically, unsatisfied",
        params: z.object({ id: z.uuid() }),
        body: z
          .object({ satisfaction: z.enum(SATISFACTION), comment: z.string().trim().max(1000).optional() })
          .strict(),
        response: { 200: z.looseObject({ id: z.uuid(), satisfaction: z.string().nullable() }), ...errors },
      },
    },
    async (request) => giveFeedback(ctx, principalOf(request), requestMeta(request), request.params.id, request.body),
  );

  app.get(
    "/events/settled-levels",
    {
      config: { permission: "event.read" },
      schema: {
        tags: ["events"],
        summary: "Where events were settled: counts and shares in the grid, the village or community, and above",
        querystring: z
          .object({
            areaCode: z.string().max(24).optional(),
            from: z.string().regex(DAY).optional(),
            to: z.string().regex(DAY).optional(),
          })
          .strict(),
        response: {
          200: z.object({
            areaCode: z.string().nullable(),
            from: z.string().nullable(),
            to: z.string().nullable(),
            settled: z.number().int(),
            open: z.number().int(),
            byLevel: z.record(z.enum(HANDLING_LEVELS), z.number().int()),
            sharePercent: z.object({ grid: z.number(), village: z.number(), above: z.number() }),
          }),
          ...errors,
        },
      },
    },
    async (request) => settledShare(ctx, principalOf(request), request.query),
  );

  app.get(
    "/events/stream",
    {
      config: { permission: "event.read" },
      schema: {
        tags: ["events"],
        summary: "Live inbox: server-sent events (`change`) when an event of your areas arrives or changes",
        description:
          "text/event-stream. Each `change` carries the event's id, number, action, state, level and area path. A comment line every 25 s keeps proxies from closing the stream; after maxSeconds the server ends it and the browser's EventSource reconnects.",
        querystring: z.object({ maxSeconds: z.coerce.number().int().min(0).max(3600).default(1800) }).strict(),
      },
    },
    async (request, reply) => {
      const actor = principalOf(request);
      const scope = principalScope(actor, "event.read");
      reply.hijack();
      const out = reply.raw;
      out.writeHead(200, {
        "content-type": "text/event-stream; charset=utf-8",
        "cache-control": "no-cache, no-transform",
        connection: "keep-alive",
        "x-accel-buffering": "no",
      });
      out.write("retry: 3000\n: connected\n\n");
      const onChange = (c: EventChange) => {
        const mine = c.reporterUserId === actor.userId || c.assigneeUserId === actor.userId;
        if (!mine && !canView(scope, c.areaPath)) return;
        out.write(`id: ${c.id}:${c.at}\nevent: change\ndata: ${JSON.stringify(c)}\n\n`);
      };
      const feed = changeFeed(ctx);
      feed.on("change", onChange);
      const heartbeat = setInterval(() => out.write(": keep-alive\n\n"), 25_000);
      heartbeat.unref();
      const end = setTimeout(() => out.end(), request.query.maxSeconds * 1000);
      end.unref();
      const stop = () => {
        clearInterval(heartbeat);
        clearTimeout(end);
        feed.off("change", onChange);
      };
      request.raw.on("close", stop);
      out.on("close", stop);
    },
  );

  app.get(
    "/notifications",
    {
      schema: {
        tags: ["events"],
        summary: "Your notifications: status changes of what you reported or follow, assignments to you",
        querystring: z
          .object({
            unread: z.enum(["true", "false"]).optional(),
            limit: z.coerce.number().int().min(1).max(200).default(50),
          })
          .strict(),
        response: {
          200: z.object({
            unread: z.number().int(),
            items: z.array(
              z.object({
                id: z.uuid(),
                eventId: z.uuid().nullable(),
                kind: z.string(),
                title: z.string(),
                state: z.string().nullable(),
                level: z.string().nullable(),
                note: z.string().nullable(),
                createdAt: z.string(),
                readAt: z.string().nullable(),
              }),
            ),
          }),
          ...errors,
        },
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
        body: z.object({ ids: z.array(z.uuid()).max(500).optional() }).strict(),
        response: { 200: z.object({ marked: z.number().int() }), ...errors },
      },
    },
    async (request) => ({ marked: await markNotificationsRead(ctx, principalOf(request), request.body.ids) }),
  );
};

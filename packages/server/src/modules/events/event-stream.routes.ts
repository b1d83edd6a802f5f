import { canView, EventStreamQuerySchema, principalScope } from "@wangge/core";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import type { AppContext } from "../../context.ts";
import { principalOf } from "../../http/authenticate.ts";
import { changeFeed, type EventChange } from "./event-changes.ts";

/** The live inbox: server-sent events when an event of the reader's areas arrives or changes. */
export const eventStreamRoutes: FastifyPluginAsyncZod<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.get(
    "/events/stream",
    {
      config: { permission: "event.read" },
      schema: {
        tags: ["events"],
        summary: "Live inbox: server-sent events (`change`) when an event of your areas arrives or changes",
        description:
          "text/event-stream. Each `change` carries the event's id, number, action, state, level and area path. A comment line every 25 s keeps proxies from closing the stream; after maxSeconds the server ends it and the browser's EventSource reconnects.",
        querystring: EventStreamQuerySchema,
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
};

import { EventStreamQuerySchema } from "@wangge/core";
import type { FastifyReply, FastifyRequest } from "fastify";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import type { AppContext } from "../../context.ts";
import { principalOf } from "../../http/authenticate.ts";
import { currentPrincipal } from "../auth/auth.service.ts";
import { type ChangeStreamKind, INBOX_STREAM, type LiveInbox, openChangeStream } from "./live-inbox.ts";

/** The live inbox: server-sent events when an event of the reader's areas arrives or changes (live-inbox.ts). */
export const eventStreamRoutes: FastifyPluginAsyncZod<{ ctx: AppContext }> = async (app, { ctx }) => {
  // Streams do not hold up a shutdown: closing the app ends those it opened.
  const open = new Set<LiveInbox>();
  app.addHook("preClose", async () => {
    for (const inbox of open) inbox.end();
  });

  app.get(
    "/events/stream",
    {
      config: { permission: "event.read" },
      schema: {
        tags: ["events"],
        summary: "Live inbox: server-sent events (`change`) when an event of your areas arrives or changes",
        description:
          "text/event-stream. Each `change` carries the event's id, number, action, state, level and area path. A comment line every 25 s keeps proxies from closing the stream; after maxSeconds the server ends it and the browser's EventSource reconnects. A client that does not keep up receives the latest change of each event; one that falls far behind is disconnected. Your rights are checked again every 30 s: the stream follows role changes and ends when the session or token is revoked.",
        querystring: EventStreamQuerySchema,
      },
    },
    async (request, reply) =>
      answerChangeStream(ctx, request, reply, { kind: INBOX_STREAM, open, maxSeconds: request.query.maxSeconds }),
  );
};

/**
 * Answers a request with a change stream of `kind` (the live inbox, the big screen's feed) for the
 * caller's session or token until `maxSeconds`, kept in `open` until it ends so that closing the app ends it.
 */
export function answerChangeStream<T extends { id: string; at: string }>(
  ctx: AppContext,
  request: FastifyRequest,
  reply: FastifyReply,
  { kind, open, maxSeconds }: { kind: ChangeStreamKind<T>; open: Set<LiveInbox>; maxSeconds: number },
): void {
  const principal = principalOf(request);
  // Whatever the request was authenticated with (a session, a token, a wall's screen link) is asked again.
  const credential = request.bearerToken
    ? { bearerToken: request.bearerToken }
    : { sessionToken: request.sessionToken ?? "" };
  reply.hijack();
  const out = reply.raw;
  out.writeHead(200, {
    "content-type": "text/event-stream; charset=utf-8",
    "cache-control": "no-cache, no-transform",
    connection: "keep-alive",
    "x-accel-buffering": "no",
  });
  out.write("retry: 3000\n: connected\n\n");
  const stream = openChangeStream(ctx, out, kind, {
    principal,
    current: () => currentPrincipal(ctx, credential),
    maxSeconds,
  });
  open.add(stream);
  out.on("close", () => open.delete(stream));
}

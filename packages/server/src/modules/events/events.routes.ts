import {
  BulkTransitionBodySchema,
  BulkTransitionResultSchema,
  DuplicateSchema,
  DuplicatesQuerySchema,
  EventDetailSchema,
  EventIdParamsSchema,
  EventPublicityBodySchema,
  EventRevealBodySchema,
  EventRevealSchema,
  EventSchema,
  FeedbackBodySchema,
  InboxQuerySchema,
  ReportEventBodySchema,
  SettledLevelsQuerySchema,
  SettledShareSchema,
  TransitionBodySchema,
} from "@wangge/core";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { AppContext } from "../../context.ts";
import { principalOf, requestMeta } from "../../http/authenticate.ts";
import { routeErrors } from "../../http/problem.ts";
import { findLikelyDuplicates } from "./duplicates.service.ts";
import { setEventPublicity } from "./event-publicity.service.ts";
import { revealEvent } from "./event-reveal.service.ts";
import { settledShare } from "./event-statistics.service.ts";
import { bulkTransition, giveFeedback, transitionEvent } from "./event-transitions.service.ts";
import { getEvent, listEvents, reportEvent } from "./events.service.ts";

const errors = routeErrors;

/**
 * Events: report, the work inbox, one event with its timeline, actions (one or many at once), the
 * reporter's verdict, likely duplicates and where events were settled.
 */
export const eventsRoutes: FastifyPluginAsyncZod<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.post(
    "/events",
    {
      config: { permission: "event.report" },
      schema: {
        tags: ["events"],
        summary: "Report an event: routed to the grid its point falls in (or the area given), with its deadline",
        body: ReportEventBodySchema,
        response: { 200: EventSchema, 201: EventSchema, ...errors },
      },
    },
    async (request, reply) => {
      const { event, created } = await reportEvent(ctx, principalOf(request), requestMeta(request), request.body);
      return reply.status(created ? 201 : 200).send(event);
    },
  );

  app.get(
    "/events",
    {
      schema: {
        tags: ["events"],
        summary: "The work inbox: open events of your areas, yours, the overdue ones, or those you reported",
        description:
          "box=reported (what you reported) is open to every signed-in user, residents included; the other boxes need event.read.",
        querystring: InboxQuerySchema,
        response: { 200: z.array(EventSchema), ...errors },
      },
    },
    async (request) => listEvents(ctx, principalOf(request), request.query),
  );

  app.get(
    "/events/duplicates",
    {
      config: { permission: "event.report" },
      schema: {
        tags: ["events"],
        summary:
          "Likely duplicates of an event about to be reported: same category, near in place and time, similar text",
        description:
          "Among the open events the asker may read, reported in the last 7 days within 300 m of the point (or in the area when there is no point). Best first, at most 5.",
        querystring: DuplicatesQuerySchema,
        response: { 200: z.array(DuplicateSchema), ...errors },
      },
    },
    async (request) => findLikelyDuplicates(ctx, principalOf(request), request.query),
  );

  app.get(
    "/events/settled-levels",
    {
      config: { permission: "event.read" },
      schema: {
        tags: ["events"],
        summary: "Where events were settled: counts and shares in the grid, the village or community, and above",
        querystring: SettledLevelsQuerySchema,
        response: { 200: SettledShareSchema, ...errors },
      },
    },
    async (request) => settledShare(ctx, principalOf(request), request.query),
  );

  app.get(
    "/events/:id",
    {
      schema: {
        tags: ["events"],
        summary: "An event with its timeline (to its reporter, and to readers of events of its area)",
        params: EventIdParamsSchema,
        response: { 200: EventDetailSchema, ...errors },
      },
    },
    async (request) => getEvent(ctx, principalOf(request), request.params.id),
  );

  app.post(
    "/events/:id/reveal",
    {
      config: { permission: "event.read" },
      schema: {
        tags: ["events"],
        summary: "An event's free text and the reporter's phone and e-mail in clear, for a stated reason (audited)",
        description:
          "For those who handle, supervise or mediate events where the event is now (403 for other readers, audited as refused). The reason is kept in the audit trail with the kinds of text that held numbers. Never cached.",
        params: EventIdParamsSchema,
        body: EventRevealBodySchema,
        response: { 200: EventRevealSchema, ...errors },
      },
    },
    async (request, reply) => {
      const clear = await revealEvent(
        ctx,
        principalOf(request),
        requestMeta(request),
        request.params.id,
        request.body.reason,
      );
      reply.header("cache-control", "no-store");
      return clear;
    },
  );

  app.post(
    "/events/:id/transitions",
    {
      schema: {
        tags: ["events"],
        summary:
          "Take an action on an event (accept, assign, start, resolve, verify, close, return, suspend, resume, reopen, cancel, escalate, supervise)",
        description:
          "Checked against the workflow table first (EVENT_TRANSITION_NOT_ALLOWED, EVENT_NOTE_REQUIRED), then against the right to act on events of that area (403). A refused action changes nothing.",
        params: EventIdParamsSchema,
        body: TransitionBodySchema,
        response: { 200: EventDetailSchema, ...errors },
      },
    },
    async (request) =>
      transitionEvent(ctx, principalOf(request), requestMeta(request), request.params.id, request.body),
  );

  app.put(
    "/events/:id/public",
    {
      schema: {
        tags: ["events"],
        summary: "Show an event on Open311 or take it off (the reporter, or staff who may handle it there)",
        description:
          "Public events are listed in /open311/v2/requests.json with ID and phone numbers masked (a resident's point rounded to about 100 m, no address). Disputes and public-order matters are never public (400). Written to the timeline (publish / unpublish) and the audit trail.",
        params: EventIdParamsSchema,
        body: EventPublicityBodySchema,
        response: { 200: EventDetailSchema, ...errors },
      },
    },
    async (request) =>
      setEventPublicity(ctx, principalOf(request), requestMeta(request), request.params.id, request.body),
  );

  app.post(
    "/events/bulk-transitions",
    {
      config: { permission: "event.handle" },
      schema: {
        tags: ["events"],
        summary: "Take one action (accept, assign…) on many events; each succeeds or fails on its own",
        body: BulkTransitionBodySchema,
        response: { 200: BulkTransitionResultSchema, ...errors },
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
        params: EventIdParamsSchema,
        body: FeedbackBodySchema,
        response: { 200: z.looseObject({ id: z.uuid(), satisfaction: z.string().nullable() }), ...errors },
      },
    },
    async (request) => giveFeedback(ctx, principalOf(request), requestMeta(request), request.params.id, request.body),
  );
};

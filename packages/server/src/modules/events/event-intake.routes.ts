import { EVENT_ACTIONS, HANDLING_LEVELS, ProblemSchema } from "@wangge/core";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { AppContext } from "../../context.ts";
import { principalOf, requestMeta } from "../../http/authenticate.ts";
import { problemResponses } from "../../http/problem.ts";
import { findLikelyDuplicates } from "./duplicates.service.ts";
import { transitionEvent } from "./event-transitions.service.ts";
import { getEvent, listEvents, reportEvent } from "./events.service.ts";

const errors = {
  ...problemResponses,
  401: ProblemSchema,
  403: ProblemSchema,
  404: ProblemSchema,
  409: ProblemSchema,
  422: ProblemSchema,
};
const EventSchema = z
  .object({
    id: z.uuid(),
    number: z.string().describe("Human-facing number, GX-<county>-<date>-<n>"),
    categoryKey: z.string(),
    title: z.string(),
    description: z.string(),
    lng: z.number().nullable(),
    lat: z.number().nullable(),
    areaCode: z.string(),
    areaPath: z.string(),
    level: z.enum(HANDLING_LEVELS),
    state: z.string(),
    priority: z.string(),
    source: z.string(),
    reporterName: z.string().nullable(),
    assigneeUserId: z.uuid().nullable(),
    dueAt: z
      .string()
      .nullable()
      .describe("Working-time deadline of the current level; null while suspended or settled"),
    remainingMinutes: z.number().int().nullable().describe("Working minutes left, kept while suspended"),
    supervised: z.boolean(),
    resolvedLevel: z.string().nullable(),
    attributes: z.record(z.string(), z.unknown()),
    address: z.string().nullable(),
    contactName: z.string().nullable(),
    contactPhone: z.string().nullable().describe("Masked"),
    contactEmail: z.string().nullable().describe("Masked"),
    consentNote: z.string().nullable().describe("How the resident consented to a report made on their behalf"),
    mergedInto: z.uuid().nullable(),
    coHandlers: z.array(z.object({ unit: z.string(), note: z.string(), by: z.string().nullable(), at: z.string() })),
    satisfaction: z.string().nullable(),
    feedback: z.string().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
    closedAt: z.string().nullable(),
  })
  .meta({ id: "Event" });
const EventDetailSchema = EventSchema.extend({
  timeline: z.array(
    z.object({
      action: z.string(),
      fromState: z.string().nullable(),
      toState: z.string(),
      level: z.string(),
      areaCode: z.string(),
      actorName: z.string().nullable(),
      note: z.string().nullable(),
      lng: z.number().nullable(),
      lat: z.number().nullable(),
      at: z.string(),
    }),
  ),
}).meta({ id: "EventDetail" });

export const eventIntakeRoutes: FastifyPluginAsyncZod<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.post(
    "/events",
    {
      config: { permission: "event.report" },
      schema: {
        tags: ["events"],
        summary: "Report an event: routed to the grid its point falls in (or the area given), with its deadline",
        body: z
          .object({
            id: z.uuid(),
            categoryKey: z.string().max(64),
            title: z.string().trim().max(100).optional(),
            description: z.string().trim().min(2).max(5000),
            lng: z.number().min(73).max(136).optional(),
            lat: z.number().min(3).max(54).optional(),
            areaCode: z.string().max(24).optional(),
            address: z.string().trim().max(200).optional(),
            source: z.enum(["console", "field", "resident"]).default("console"),
            attributes: z.record(z.string(), z.union([z.string(), z.number(), z.array(z.string())])).optional(),
            contact: z
              .object({
                name: z.string().trim().max(50).optional(),
                phone: z.string().trim().max(20).optional(),
                email: z.string().trim().max(200).optional(),
              })
              .strict()
              .optional()
              .describe("The resident who raised it, when staff report on their behalf"),
            consentNote: z
              .string()
              .max(500)
              .optional()
              .describe("Required with contact: how the resident consented to being recorded (e.g. 电话中口头同意)"),
          })
          .strict()
          .superRefine((b, c) => {
            if (b.contact?.name && b.consentNote === undefined)
              c.addIssue({ code: "custom", path: ["consentNote"], message: "record the resident's consent" });
          }),
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
        querystring: z
          .object({
            box: z.enum(["area", "mine", "overdue", "due_soon", "reported", "all"]).default("area"),
            state: z.string().max(20).optional(),
            categoryKey: z.string().max(64).optional(),
            level: z.enum(HANDLING_LEVELS).optional(),
            supervised: z
              .enum(["true", "false"])
              .transform((v) => v === "true")
              .optional(),
            q: z.string().max(100).optional(),
            limit: z.coerce.number().int().min(1).max(200).default(50),
            offset: z.coerce.number().int().min(0).max(100_000).default(0),
          })
          .strict(),
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
        querystring: z
          .object({
            categoryKey: z.string().max(64),
            description: z.string().trim().min(2).max(5000),
            lng: z.coerce.number().min(73).max(136).optional(),
            lat: z.coerce.number().min(3).max(54).optional(),
            areaCode: z.string().max(24).optional(),
            excludeId: z.uuid().optional(),
          })
          .strict()
          .refine((q) => (q.lng === undefined) === (q.lat === undefined), {
            message: "lng and lat go together",
            path: ["lat"],
          }),
        response: {
          200: z.array(
            z.object({
              id: z.uuid(),
              number: z.string(),
              title: z.string(),
              description: z.string(),
              state: z.string(),
              createdAt: z.string(),
              distanceM: z.number().nullable(),
              similarity: z.number(),
              score: z.number(),
            }),
          ),
          ...errors,
        },
      },
    },
    async (request) => findLikelyDuplicates(ctx, principalOf(request), request.query),
  );

  app.get(
    "/events/:id",
    {
      schema: {
        tags: ["events"],
        summary: "An event with its timeline (to its reporter, and to readers of events of its area)",
        params: z.object({ id: z.uuid() }),
        response: { 200: EventDetailSchema, ...errors },
      },
    },
    async (request) => getEvent(ctx, principalOf(request), request.params.id),
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
        params: z.object({ id: z.uuid() }),
        body: z
          .object({
            action: z.enum(EVENT_ACTIONS),
            note: z.string().trim().max(2000).optional(),
            assigneeUserId: z.uuid().optional(),
            areaCode: z.string().max(24).optional().describe("dispatch: the grid or village to send it down to"),
            unit: z.string().trim().max(100).optional().describe("co_handle: the department asked to co-handle"),
            intoId: z.uuid().optional().describe("merge: the open event about the same matter to merge into"),
            lng: z.number().min(73).max(136).optional(),
            lat: z.number().min(3).max(54).optional(),
          })
          .strict(),
        response: { 200: EventDetailSchema, ...errors },
      },
    },
    async (request) =>
      transitionEvent(ctx, principalOf(request), requestMeta(request), request.params.id, request.body),
  );
};

import {
  CandidatePageSchema,
  CandidatesQuerySchema,
  DispatchTargetSchema,
  EventIdParamsSchema,
  MergeTargetSchema,
  MergeTargetsQuerySchema,
  ProblemSchema,
} from "@wangge/core";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { AppContext } from "../../context.ts";
import { principalOf, requestMeta } from "../../http/authenticate.ts";
import { problemResponses } from "../../http/problem.ts";
import { listAssignees, listDispatchTargets, listMediators, listMergeTargets } from "./event-pickers.service.ts";

const errors = { ...problemResponses, 401: ProblemSchema, 403: ProblemSchema, 404: ProblemSchema, 409: ProblemSchema };

/**
 * The choices an event's work offers, for pickers that show names (never ids to type): whom to assign
 * it to, who may mediate it, which area below to dispatch it to, which open event to merge it into.
 * Each lists exactly what the corresponding write accepts.
 */
export const eventPickersRoutes: FastifyPluginAsyncZod<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.get(
    "/events/:id/assignees",
    {
      config: { permission: "event.handle" },
      schema: {
        tags: ["events"],
        summary: "Whom the event may be assigned to: active staff who may handle events where it is",
        description:
          "Each with the posts that let them (role and area names, nearest first); those posted at the event's own area come first. q matches part of the name in characters, pinyin or initials. The asker must be able to handle the event there (403), and see it (404).",
        params: EventIdParamsSchema,
        querystring: CandidatesQuerySchema,
        response: { 200: CandidatePageSchema, ...errors },
      },
    },
    async (request) => listAssignees(ctx, principalOf(request), requestMeta(request), request.params.id, request.query),
  );

  app.get(
    "/events/:id/dispute/mediators",
    {
      config: { permission: "mediation.handle" },
      schema: {
        tags: ["disputes"],
        summary: "Who may mediate the dispute: active staff who may mediate where it is",
        description: "Ordered and searched like /events/{id}/assignees; the asker must be able to mediate it there.",
        params: EventIdParamsSchema,
        querystring: CandidatesQuerySchema,
        response: { 200: CandidatePageSchema, ...errors },
      },
    },
    async (request) => listMediators(ctx, principalOf(request), requestMeta(request), request.params.id, request.query),
  );

  app.get(
    "/events/:id/dispatch-targets",
    {
      config: { permission: "event.handle" },
      schema: {
        tags: ["events"],
        summary: "The areas below the event's that it may be dispatched down to (villages, grids), in tree order",
        params: EventIdParamsSchema,
        response: { 200: z.array(DispatchTargetSchema), ...errors },
      },
    },
    async (request) => listDispatchTargets(ctx, principalOf(request), requestMeta(request), request.params.id),
  );

  app.get(
    "/events/:id/merge-targets",
    {
      config: { permission: "event.handle" },
      schema: {
        tags: ["events"],
        summary:
          "The open events this one may be merged into: its likely duplicates, and with q, events found by number or words",
        params: EventIdParamsSchema,
        querystring: MergeTargetsQuerySchema,
        response: { 200: z.array(MergeTargetSchema), ...errors },
      },
    },
    async (request) =>
      listMergeTargets(ctx, principalOf(request), requestMeta(request), request.params.id, request.query),
  );
};

import {
  CloseOutCorrectionSchema,
  CloseOutDayQuerySchema,
  CloseOutSchema,
  CloseOutStatusQuerySchema,
  CloseOutStatusSchema,
  CloseOutSummarySchema,
  CoverageQuerySchema,
  CoverageSchema,
  DueCountsQuerySchema,
  DueCountsSchema,
  DueListSchema,
  DueQuerySchema,
  FieldPackQuerySchema,
  FieldPackSchema,
  NeedEventSchema,
  NeedParamsSchema,
  NewCloseOutSchema,
  NewVisitSchema,
  SignalsQuerySchema,
  VisitHistoryQuerySchema,
  VisitPlanParamsSchema,
  VisitPlanSchema,
  VisitPlanSettingsSchema,
  VisitSchema,
  VisitSignalSchema,
} from "@wangge/core";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { AppContext } from "../../context.ts";
import { principalOf, requestMeta } from "../../http/authenticate.ts";
import { routeErrors } from "../../http/problem.ts";
import { MAX_ATTACHMENT_BYTES } from "../events/attachment-files.ts";
import { closeOutStatus, confirmCloseOut, correctCloseOut, getCloseOut, getDay } from "./close-outs.service.ts";
import { dueCounts, dueList, fieldPack, visitCoverage, visitSignals } from "./due.service.ts";
import { needToEvent, needToLeadHousehold, readVisitPhoto, saveVisitPhoto } from "./visit-needs.service.ts";
import { listVisitPlans, updateVisitPlan } from "./visit-plans.service.ts";
import { getVisit, recordVisit, visitHistory } from "./visits.service.ts";

const errors = routeErrors;
const IdParams = z.object({ id: z.uuid() });
const tags = ["visits"];

/**
 * Door-knocking visits (/visits), their plans (/visit-plans) and the daily close-out (/close-outs).
 * Area-scoped like the registry: what lies outside the caller's view is not found; visits are recorded
 * only where the caller works. Every create takes a client id; no response carries an ID or phone number.
 */
export const visitsRoutes: FastifyPluginAsyncZod<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.addContentTypeParser(
    ["image/jpeg", "image/png", "image/webp", "application/octet-stream"],
    { parseAs: "buffer", bodyLimit: MAX_ATTACHMENT_BYTES + 1024 },
    (_request, body, done) => done(null, body),
  );

  app.get(
    "/visit-plans",
    {
      // Every signed-in user: the field app reads the checklists, the console shows the plans.
      schema: {
        tags,
        summary: "Visit plans: every household, and each care or service tag",
        response: { 200: z.array(VisitPlanSchema), ...errors },
      },
    },
    async () => listVisitPlans(ctx),
  );

  app.put(
    "/visit-plans/:key",
    {
      config: { permission: "visit.configure", deploymentWide: true },
      schema: {
        tags,
        summary: "Edit a visit plan's rhythm and checklist",
        params: VisitPlanParamsSchema,
        body: VisitPlanSettingsSchema,
        response: { 200: VisitPlanSchema, ...errors },
      },
    },
    async (request) =>
      updateVisitPlan(ctx, principalOf(request), requestMeta(request), request.params.key, request.body),
  );

  app.get(
    "/visits/due",
    {
      config: { permission: "visit.manage" },
      schema: {
        tags,
        summary: "Who is due, overdue or done: nearest first from lng/lat, else by address",
        querystring: DueQuerySchema,
        response: { 200: DueListSchema, ...errors },
      },
    },
    async (request) => dueList(ctx, principalOf(request), request.query),
  );

  app.get(
    "/visits/due-counts",
    {
      config: { permission: "report.read" },
      schema: {
        tags,
        summary: "Visits due as a figure of an area now: overdue, due, and visited within their rhythm",
        description:
          "Each number is the count of GET /visits/due for the area and that status (the same subjects and rhythms).",
        querystring: DueCountsQuerySchema,
        response: { 200: DueCountsSchema, ...errors },
      },
    },
    async (request) => dueCounts(ctx, principalOf(request), request.query),
  );

  app.get(
    "/visits/field-pack",
    {
      config: { permission: "visit.manage" },
      schema: {
        tags,
        summary: "What a worker's phone keeps for visits offline: plans, due list, households (no ID or phone numbers)",
        querystring: FieldPackQuerySchema,
        response: { 200: FieldPackSchema, ...errors },
      },
    },
    async (request) => fieldPack(ctx, principalOf(request), request.query),
  );

  app.get(
    "/visits/coverage",
    {
      config: { permission: "report.read" },
      schema: {
        tags,
        summary: "Visit coverage of an area and of each area below it (no figures per worker)",
        querystring: CoverageQuerySchema,
        response: { 200: CoverageSchema, ...errors },
      },
    },
    async (request) => visitCoverage(ctx, principalOf(request), request.query),
  );

  app.get(
    "/visits/signals",
    {
      config: { permission: "report.read" },
      schema: {
        tags,
        summary: "Visits a supervisor may want to check: far from the household, in a burst, a reused photo",
        querystring: SignalsQuerySchema,
        response: { 200: z.array(VisitSignalSchema), ...errors },
      },
    },
    async (request) => visitSignals(ctx, principalOf(request), request.query),
  );

  app.post(
    "/visits",
    {
      config: { permission: "visit.manage" },
      schema: {
        tags,
        summary: "Record a visit (a retry with the same id answers the first)",
        body: NewVisitSchema,
        response: { 200: VisitSchema, 201: VisitSchema, ...errors },
      },
    },
    async (request, reply) => {
      const { visit, created } = await recordVisit(ctx, principalOf(request), requestMeta(request), request.body);
      return reply.status(created ? 201 : 200).send(visit);
    },
  );

  app.get(
    "/visits",
    {
      config: { permission: "person.read" },
      schema: {
        tags,
        summary:
          "Visits newest first: of a household, a person, or an area over a period (the list behind the visit figures)",
        querystring: VisitHistoryQuerySchema,
        response: { 200: z.array(VisitSchema), ...errors },
      },
    },
    async (request) => visitHistory(ctx, principalOf(request), request.query),
  );

  app.get(
    "/visits/:id",
    {
      config: { permission: "person.read" },
      schema: { tags, summary: "One visit", params: IdParams, response: { 200: VisitSchema, ...errors } },
    },
    async (request) => getVisit(ctx, principalOf(request), request.params.id),
  );

  app.put(
    "/visits/:id/photo",
    {
      config: { permission: "visit.manage" },
      bodyLimit: MAX_ATTACHMENT_BYTES + 1024,
      schema: {
        tags,
        summary: "The visit's photo (JPEG, PNG, WebP; its location metadata removed); the body is the file",
        params: IdParams,
        response: { 200: VisitSchema, 201: VisitSchema, ...errors },
      },
    },
    async (request, reply) => {
      const actor = principalOf(request);
      const data = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      const { created } = await saveVisitPhoto(ctx, actor, requestMeta(request), request.params.id, data);
      return reply.status(created ? 201 : 200).send(await getVisit(ctx, actor, request.params.id));
    },
  );

  app.get(
    "/visits/:id/photo",
    {
      config: { permission: "person.read" },
      schema: { tags, summary: "The visit's photo", params: IdParams },
    },
    async (request, reply) => {
      const photo = await readVisitPhoto(ctx, principalOf(request), requestMeta(request), request.params.id);
      return reply.type(photo.type).header("x-content-type-options", "nosniff").send(photo.data);
    },
  );

  app.post(
    "/visits/:id/needs/:needId/event",
    {
      config: { permission: "visit.manage" },
      schema: {
        tags,
        summary: "Make a need found on a visit an event, pre-filled from the visit",
        params: NeedParamsSchema,
        body: NeedEventSchema,
        response: { 200: VisitSchema, ...errors },
      },
    },
    async (request) =>
      needToEvent(
        ctx,
        principalOf(request),
        requestMeta(request),
        request.params.id,
        request.params.needId,
        request.body,
      ),
  );

  app.post(
    "/visits/:id/needs/:needId/service-request",
    {
      config: { permission: "visit.manage" },
      schema: {
        tags,
        summary: "Hand a need to the party-member lead household that looks after the household",
        params: NeedParamsSchema,
        response: { 200: VisitSchema, ...errors },
      },
    },
    async (request) =>
      needToLeadHousehold(ctx, principalOf(request), requestMeta(request), request.params.id, request.params.needId),
  );

  app.get(
    "/close-outs/day",
    {
      config: { permission: "visit.manage" },
      schema: {
        tags,
        summary: "The caller's day summarised for the close-out, and the close-out if confirmed",
        querystring: CloseOutDayQuerySchema,
        response: { 200: z.object({ summary: CloseOutSummarySchema, closeOut: CloseOutSchema.nullable() }), ...errors },
      },
    },
    async (request) => getDay(ctx, principalOf(request), request.query.day),
  );

  app.post(
    "/close-outs",
    {
      config: { permission: "visit.manage" },
      schema: {
        tags,
        summary: "Confirm the day's close-out (every open event carried over with a reason); then locked",
        body: NewCloseOutSchema,
        response: { 200: CloseOutSchema, 201: CloseOutSchema, ...errors },
      },
    },
    async (request, reply) => {
      const { closeOut, created } = await confirmCloseOut(
        ctx,
        principalOf(request),
        requestMeta(request),
        request.body,
      );
      return reply.status(created ? 201 : 200).send(closeOut);
    },
  );

  app.get(
    "/close-outs/status",
    {
      config: { permission: "report.read" },
      schema: {
        tags,
        summary: "Which grids closed out on a day (default yesterday) and what they carried over",
        querystring: CloseOutStatusQuerySchema,
        response: { 200: CloseOutStatusSchema, ...errors },
      },
    },
    async (request) => closeOutStatus(ctx, principalOf(request), request.query),
  );

  app.get(
    "/close-outs/:id",
    {
      // The author, or a reader of reports where it was closed out (decided by the service).
      schema: { tags, summary: "One close-out", params: IdParams, response: { 200: CloseOutSchema, ...errors } },
    },
    async (request) => getCloseOut(ctx, principalOf(request), request.params.id),
  );

  app.post(
    "/close-outs/:id/corrections",
    {
      config: { permission: "visit.manage" },
      schema: {
        tags,
        summary: "Add a correction to a confirmed close-out (it stays locked)",
        params: IdParams,
        body: CloseOutCorrectionSchema,
        response: { 200: CloseOutSchema, 201: CloseOutSchema, ...errors },
      },
    },
    async (request, reply) => {
      const { closeOut, created } = await correctCloseOut(
        ctx,
        principalOf(request),
        requestMeta(request),
        request.params.id,
        request.body,
      );
      return reply.status(created ? 201 : 200).send(closeOut);
    },
  );
};

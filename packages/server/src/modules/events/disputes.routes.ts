import {
  AddPartyBodySchema,
  AgreementBodySchema,
  DisputeSchema,
  DomainError,
  EventIdParamsSchema,
  GradeDisputeBodySchema,
  PartyParamsSchema,
  ProblemSchema,
  RecordFollowupBodySchema,
  RecordSessionBodySchema,
} from "@wangge/core";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { AppContext } from "../../context.ts";
import { principalOf, requestMeta } from "../../http/authenticate.ts";
import { problemResponses } from "../../http/problem.ts";
import { addParty, getDispute, recordSession, removeParty, updateDispute } from "./disputes.service.ts";
import { recordFollowup, saveAgreement } from "./mediation-agreement.service.ts";
import { mediationAgreementPdf } from "./mediation-pdf.ts";

const errors = {
  ...problemResponses,
  401: ProblemSchema,
  403: ProblemSchema,
  404: ProblemSchema,
  409: ProblemSchema,
};
const Params = EventIdParamsSchema;

/** People's mediation of dispute events: /events/{id}/dispute… */
export const disputesRoutes: FastifyPluginAsyncZod<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.get(
    "/events/:id/dispute",
    {
      config: { permission: "event.read" },
      schema: {
        tags: ["disputes"],
        summary: "The mediation record of a dispute: parties, grade, mediator, sessions, agreement, follow-ups",
        params: Params,
        response: { 200: DisputeSchema, ...errors },
      },
    },
    async (request) => getDispute(ctx, principalOf(request), request.params.id),
  );

  app.put(
    "/events/:id/dispute",
    {
      config: { permission: "mediation.handle" },
      schema: {
        tags: ["disputes"],
        summary: "Grade a dispute's risk (simple, general, major/difficult) and assign its mediator",
        params: Params,
        body: GradeDisputeBodySchema,
        response: { 200: DisputeSchema, ...errors },
      },
    },
    async (request) => updateDispute(ctx, principalOf(request), requestMeta(request), request.params.id, request.body),
  );

  app.post(
    "/events/:id/dispute/parties",
    {
      config: { permission: "mediation.handle" },
      schema: {
        tags: ["disputes"],
        summary: "Add a party: a person of the registry (personId) or a name with phone and ID kept encrypted",
        params: Params,
        body: AddPartyBodySchema,
        response: { 201: DisputeSchema, ...errors },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(await addParty(ctx, principalOf(request), requestMeta(request), request.params.id, request.body)),
  );

  app.delete(
    "/events/:id/dispute/parties/:partyId",
    {
      config: { permission: "mediation.handle" },
      schema: {
        tags: ["disputes"],
        summary: "Remove a party added by mistake (not once an agreement names them)",
        params: PartyParamsSchema,
        response: { 200: DisputeSchema, ...errors },
      },
    },
    async (request) =>
      removeParty(ctx, principalOf(request), requestMeta(request), request.params.id, request.params.partyId),
  );

  app.post(
    "/events/:id/dispute/sessions",
    {
      config: { permission: "mediation.handle" },
      schema: {
        tags: ["disputes"],
        summary: "Record a mediation session: when, where, who, what was said, and its outcome",
        params: Params,
        body: RecordSessionBodySchema,
        response: { 201: DisputeSchema, ...errors },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(await recordSession(ctx, principalOf(request), requestMeta(request), request.params.id, request.body)),
  );

  app.put(
    "/events/:id/dispute/agreement",
    {
      config: { permission: "mediation.handle" },
      schema: {
        tags: ["disputes"],
        summary:
          "Draw up (or correct) the mediation agreement: facts, matters in dispute, obligations with method and deadline",
        params: Params,
        body: AgreementBodySchema,
        response: { 200: DisputeSchema, ...errors },
      },
    },
    async (request) => saveAgreement(ctx, principalOf(request), requestMeta(request), request.params.id, request.body),
  );

  app.get(
    "/events/:id/dispute/agreement.pdf",
    {
      config: { permission: "event.read" },
      schema: {
        tags: ["disputes"],
        summary: "The mediation agreement as a PDF (Chinese text, embedded font) for the parties to sign",
        params: Params,
        response: { 200: z.any().describe("application/pdf"), ...errors },
      },
    },
    async (request, reply) => {
      const dispute = await getDispute(ctx, principalOf(request), request.params.id);
      if (!dispute.agreement)
        throw new DomainError("MEDIATION_AGREEMENT_NOT_FOUND", `${dispute.number} has no mediation agreement yet`);
      const pdf = await mediationAgreementPdf(dispute);
      return reply
        .type("application/pdf")
        .header(
          "content-disposition",
          `inline; filename*=UTF-8''${encodeURIComponent(`人民调解协议书-${dispute.number}.pdf`)}`,
        )
        .send(pdf);
    },
  );

  app.post(
    "/events/:id/dispute/followups",
    {
      config: { permission: "mediation.handle" },
      schema: {
        tags: ["disputes"],
        summary: "Record a follow-up: of the agreement's performance, or a visit to the parties after closing (回访)",
        params: Params,
        body: RecordFollowupBodySchema,
        response: { 201: DisputeSchema, ...errors },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(await recordFollowup(ctx, principalOf(request), requestMeta(request), request.params.id, request.body)),
  );
};

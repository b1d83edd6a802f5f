import {
  DomainError,
  FOLLOWUP_KINDS,
  PARTY_ROLES,
  PERFORMANCE_STATES,
  ProblemSchema,
  RISK_GRADES,
  SATISFACTION,
  SESSION_OUTCOMES,
} from "@wangge/core";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { AppContext } from "../../context.ts";
import { principalOf, requestMeta } from "../../http/authenticate.ts";
import { problemResponses } from "../../http/problem.ts";
import {
  addParty,
  getDispute,
  recordFollowup,
  recordSession,
  removeParty,
  saveAgreement,
  updateDispute,
} from "./disputes.service.ts";
import { mediationAgreementPdf } from "./mediation-pdf.ts";

const errors = {
  ...problemResponses,
  401: ProblemSchema,
  403: ProblemSchema,
  404: ProblemSchema,
  409: ProblemSchema,
};
const DAY = z.iso.date();
const DisputeSchema = z
  .object({
    eventId: z.uuid(),
    number: z.string(),
    categoryKey: z.string(),
    riskGrade: z.enum(RISK_GRADES),
    mediatorUserId: z.uuid().nullable(),
    mediatorName: z.string().nullable(),
    performance: z.enum(PERFORMANCE_STATES).nullable(),
    parties: z.array(
      z.object({
        id: z.uuid(),
        role: z.enum(PARTY_ROLES),
        personId: z.uuid().nullable(),
        name: z.string(),
        idNumber: z.string().nullable().describe("Masked"),
        phone: z.string().nullable().describe("Masked"),
        address: z.string().nullable(),
      }),
    ),
    sessions: z.array(
      z.object({
        id: z.uuid(),
        heldAt: z.string(),
        place: z.string(),
        mediators: z.string(),
        attendees: z.string(),
        record: z.string(),
        outcome: z.enum(SESSION_OUTCOMES),
      }),
    ),
    agreement: z
      .object({
        id: z.uuid(),
        number: z.string(),
        committee: z.string(),
        facts: z.string(),
        matters: z.string(),
        obligations: z.array(
          z.object({ party: z.string(), obligation: z.string(), method: z.string(), deadline: z.string() }),
        ),
        signedOn: z.string(),
        mediatorName: z.string(),
        createdAt: z.string(),
      })
      .nullable(),
    followups: z.array(
      z.object({
        id: z.uuid(),
        kind: z.enum(FOLLOWUP_KINDS),
        at: z.string(),
        byName: z.string().nullable(),
        result: z.string(),
        satisfaction: z.enum(SATISFACTION).nullable(),
        note: z.string().nullable(),
      }),
    ),
  })
  .meta({ id: "Dispute" });
const Params = z.object({ id: z.uuid() });

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
        body: z.object({ riskGrade: z.enum(RISK_GRADES), mediatorUserId: z.uuid().nullable().optional() }).strict(),
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
        body: z
          .object({
            id: z.uuid(),
            role: z.enum(PARTY_ROLES),
            personId: z.uuid().optional(),
            name: z.string().trim().max(50).optional(),
            phone: z.string().trim().max(20).optional(),
            idNumber: z.string().trim().max(20).optional(),
            address: z.string().trim().max(200).optional(),
          })
          .strict(),
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
        params: z.object({ id: z.uuid(), partyId: z.uuid() }),
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
        body: z
          .object({
            id: z.uuid(),
            heldAt: z.iso.datetime({ offset: true }),
            place: z.string().trim().min(1).max(200),
            mediators: z.string().trim().min(1).max(200),
            attendees: z.string().trim().min(1).max(500),
            record: z.string().trim().min(2).max(20_000),
            outcome: z.enum(SESSION_OUTCOMES),
          })
          .strict(),
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
        body: z
          .object({
            committee: z.string().trim().min(2).max(100).describe("e.g. 港城街道人民调解委员会"),
            facts: z.string().trim().min(2).max(10_000),
            matters: z.string().trim().min(2).max(5000),
            obligations: z
              .array(
                z
                  .object({
                    party: z.string().trim().min(1).max(50),
                    obligation: z.string().trim().min(2).max(1000),
                    method: z.string().trim().min(1).max(200),
                    deadline: DAY,
                  })
                  .strict(),
              )
              .min(1)
              .max(30),
            signedOn: DAY,
            mediatorName: z.string().trim().min(1).max(50),
          })
          .strict(),
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
        body: z
          .object({
            id: z.uuid(),
            kind: z.enum(FOLLOWUP_KINDS),
            at: z.iso.datetime({ offset: true }),
            result: z.string().trim().min(2).max(5000),
            satisfaction: z.enum(SATISFACTION).optional(),
            performance: z.enum(PERFORMANCE_STATES).optional(),
            note: z.string().trim().max(2000).optional(),
          })
          .strict(),
        response: { 201: DisputeSchema, ...errors },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(await recordFollowup(ctx, principalOf(request), requestMeta(request), request.params.id, request.body)),
  );
};

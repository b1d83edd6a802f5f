import {
  MySubsidyPaymentSchema,
  ProblemSchema,
  ResidentAccessEntrySchema,
  ResidentAccessQuerySchema,
  ResidentHouseholdSchema,
  ResidentLinkSchema,
  ResidentRecordSchema,
} from "@wangge/core";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { AppContext } from "../../context.ts";
import { principalOf, requestMeta } from "../../http/authenticate.ts";
import { routeErrors } from "../../http/problem.ts";
import { linkMyRecord, myAccessLog, myHousehold, myRecord, mySubsidies, unlinkMyRecord } from "./residents.service.ts";

const errors = { ...routeErrors, 429: ProblemSchema.describe("Linking is locked for a day (five failed attempts)") };
const tags = ["residents"];
const config = { permission: "resident.self" } as const;

/**
 * The signed-in resident's own record (/residents/me): link it by name and ID number, unlink it, and —
 * once linked — their household (others masked), their household's subsidy payments, and who looked
 * at their record and why. Only for `resident.self`; nothing here takes another person's id.
 */
export const residentsRoutes: FastifyPluginAsyncZod<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.get(
    "/residents/me",
    {
      config,
      schema: {
        tags,
        summary: "Whether my account is linked to my registry record (and until when linking is locked)",
        response: { 200: ResidentRecordSchema, ...errors },
      },
    },
    async (request) => myRecord(ctx, principalOf(request)),
  );

  app.put(
    "/residents/me/link",
    {
      config,
      schema: {
        tags,
        summary: "Link my account to my registry record by name and ID number",
        description:
          "Matched through the registry's blind index. A wrong name and an unknown number get the same answer (RESIDENT_LINK_NO_MATCH); five failures in a day, by this account or for this number, lock linking (429 RESIDENT_LINK_LOCKED). A retry of a link made answers it again. Audited.",
        body: ResidentLinkSchema,
        response: { 200: ResidentRecordSchema, ...errors },
      },
    },
    async (request) => linkMyRecord(ctx, principalOf(request), requestMeta(request), request.body),
  );

  app.delete(
    "/residents/me/link",
    {
      config,
      schema: {
        tags,
        summary: "Unlink my account from my registry record (audited)",
        response: { 204: z.null(), ...errors },
      },
    },
    async (request, reply) => {
      await unlinkMyRecord(ctx, principalOf(request), requestMeta(request));
      return reply.status(204).send(null);
    },
  );

  app.get(
    "/residents/me/household",
    {
      config,
      schema: {
        tags,
        summary: "My household: address and members (others partly masked, no numbers)",
        response: { 200: ResidentHouseholdSchema, ...errors },
      },
    },
    async (request) => myHousehold(ctx, principalOf(request)),
  );

  app.get(
    "/residents/me/subsidies",
    {
      config,
      schema: {
        tags,
        summary: "Every published subsidy payment to me or my household, newest first",
        response: { 200: z.array(MySubsidyPaymentSchema), ...errors },
      },
    },
    async (request) => mySubsidies(ctx, principalOf(request)),
  );

  app.get(
    "/residents/me/access-log",
    {
      config,
      schema: {
        tags,
        summary: "Who looked at my record and why: views, searches, reveals with their reason, changes",
        description:
          "Staff are shown by the posts (role, area) they held then; their names only where the deployment sets WANGGE_ACCESS_LOG_SHOWS=names.",
        querystring: ResidentAccessQuerySchema,
        response: { 200: z.array(ResidentAccessEntrySchema), ...errors },
      },
    },
    async (request) => myAccessLog(ctx, principalOf(request), request.query.limit),
  );
};

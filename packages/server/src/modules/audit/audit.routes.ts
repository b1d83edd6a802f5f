import { AuditQuerySchema, AuditRecordSchema, AuditVerifyResponseSchema, ProblemSchema } from "@wangge/core";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { AppContext } from "../../context.ts";
import { principalOf, requestMeta } from "../../http/authenticate.ts";
import { problemResponses } from "../../http/problem.ts";
import { exportAuditTrail, listAudit, recordAudit, toAuditContent } from "./audit.service.ts";
import { verifyAuditTrailWithCheckpoints } from "./audit-checkpoints.service.ts";

const errors = { ...problemResponses, 401: ProblemSchema, 403: ProblemSchema };

/** For auditors: search the trail, verify its chain, export it for archiving. Each use is itself audited. */
export const auditRoutes: FastifyPluginAsyncZod<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.get(
    "/audit",
    {
      config: { permission: "audit.read" },
      schema: {
        tags: ["audit"],
        summary: "Audit records, newest first, with filters; page with beforeSeq",
        querystring: AuditQuerySchema,
        response: {
          200: z.object({ items: z.array(AuditRecordSchema), nextBeforeSeq: z.number().int().nullable() }),
          ...errors,
        },
      },
    },
    async (request) => {
      const q = request.query;
      const principal = principalOf(request);
      const page = await listAudit(
        ctx.db,
        {
          from: q.from ? new Date(q.from) : undefined,
          to: q.to ? new Date(q.to) : undefined,
          actorUsername: q.actor,
          action: q.action,
          targetType: q.targetType,
          targetId: q.targetId,
          outcome: q.outcome,
          beforeSeq: q.beforeSeq,
        },
        q.limit,
      );
      await recordAudit(ctx, ctx.db, {
        action: "audit.read",
        outcome: "success",
        actor: { userId: principal.userId, username: principal.username },
        meta: requestMeta(request),
        details: { filter: { ...q } },
      });
      return {
        items: page.items.map((r) => ({ ...toAuditContent(r), hash: r.hash })),
        nextBeforeSeq: page.nextBeforeSeq,
      };
    },
  );

  app.get(
    "/audit/verify",
    {
      config: { permission: "audit.read" },
      schema: {
        tags: ["audit"],
        summary:
          "Check the whole hash chain, and that it still holds every checkpoint this server wrote outside the database; lists every run of edited, relinked or missing rows (breaks) and every checkpoint problem",
        response: { 200: AuditVerifyResponseSchema, ...errors },
      },
    },
    async () => {
      const verdict = await verifyAuditTrailWithCheckpoints(ctx);
      return {
        ok: verdict.ok,
        rows: verdict.chain.rows,
        firstBadSeq: verdict.firstBadSeq,
        problem: verdict.problem,
        breaks: verdict.chain.breaks,
        moreBreaks: verdict.chain.moreBreaks,
        badRows: verdict.chain.badRows,
        checkpoints: {
          checked: verdict.checkpoints.checked,
          latest: verdict.checkpoints.latest,
          // The server's file paths stay on the server.
          problems: verdict.checkpoints.problems.map(({ file: _file, ...p }) => p),
        },
      };
    },
  );

  app.get(
    "/audit/export",
    {
      config: { permission: "audit.export" },
      schema: {
        tags: ["audit"],
        summary: "The trail as NDJSON, every row with its hashes, for archiving (re-verifiable)",
        querystring: z
          .object({
            from: z.iso.datetime({ offset: true }).optional(),
            to: z.iso.datetime({ offset: true }).optional(),
          })
          .strict(),
      },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      await recordAudit(ctx, ctx.db, {
        action: "audit.export",
        outcome: "success",
        actor: { userId: principal.userId, username: principal.username },
        meta: requestMeta(request),
        details: { from: request.query.from ?? null, to: request.query.to ?? null },
      });
      const range = {
        ...(request.query.from ? { from: new Date(request.query.from) } : {}),
        ...(request.query.to ? { to: new Date(request.query.to) } : {}),
      };
      reply
        .type("application/x-ndjson; charset=utf-8")
        .header(
          "content-disposition",
          `attachment; filename="wangge-audit-${new Date().toISOString().slice(0, 10)}.ndjson"`,
        );
      const { Readable } = await import("node:stream");
      return reply.send(Readable.from(exportAuditTrail(ctx.db, range)));
    },
  );
};

import type { Readable } from "node:stream";
import {
  DomainError,
  fieldIssue,
  NewSubsidyProgramSchema,
  ProblemSchema,
  PublicSubsidyBatchSchema,
  PublicSubsidyListSchema,
  SUPPORTED_LOCALES,
  SubsidyBatchQuerySchema,
  SubsidyBatchSchema,
  SubsidyImportQuerySchema,
  SubsidyProgramChangeSchema,
  SubsidyProgramSchema,
  SubsidyRowConfirmationSchema,
  SubsidyRowCorrectionSchema,
  SubsidyRowQuerySchema,
  SubsidyRowSchema,
} from "@wangge/core";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { AppContext } from "../../context.ts";
import { principalOf, requestMeta } from "../../http/authenticate.ts";
import { requestLocale } from "../../http/locale.ts";
import { routeErrors } from "../../http/problem.ts";
import {
  confirmSubsidyRow,
  correctSubsidyRow,
  deleteSubsidyBatch,
  getSubsidyBatch,
  importSubsidyBatch,
  listSubsidyBatches,
  listSubsidyRows,
  publishSubsidyBatch,
} from "./batches.service.ts";
import { publicBatches, publicPrograms, publicSubsidyList } from "./payments.service.ts";
import { createSubsidyProgram, listSubsidyPrograms, updateSubsidyProgram } from "./programs.service.ts";
import { MAX_SUBSIDY_FILE_BYTES, subsidyTemplate } from "./subsidy-file.ts";

const XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
const errors = routeErrors;
const tags = ["subsidies"];
const manage = { permission: "disclosure.manage" } as const;
const IdParams = z.object({ id: z.uuid() });
const RowParams = z.object({ id: z.uuid(), rowId: z.uuid() });
const AreaQuery = z.object({ areaCode: z.string().trim().min(1).max(20) }).strict();

/**
 * Subsidies (惠民惠农补贴): programmes and payment batches for who manages disclosures
 * (`disclosure.manage`, area-scoped: out of sight is not found), and the public side — programmes'
 * rules and published batches' 公示 lists — open to anyone. Creates take client ids.
 */
export const subsidiesRoutes: FastifyPluginAsyncZod<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.addContentTypeParser(XLSX_TYPE, { bodyLimit: MAX_SUBSIDY_FILE_BYTES }, (_request, payload, done) =>
    done(null, payload),
  );

  app.get(
    "/subsidies/programs",
    {
      config: manage,
      schema: {
        tags,
        summary: "Programmes run in, above or below my areas",
        response: { 200: z.array(SubsidyProgramSchema), ...errors },
      },
    },
    async (request) => listSubsidyPrograms(ctx, principalOf(request)),
  );

  app.post(
    "/subsidies/programs",
    {
      config: manage,
      schema: {
        tags,
        summary: "Create a programme where I work (client id: a retry answers the first)",
        body: NewSubsidyProgramSchema,
        response: { 200: SubsidyProgramSchema, 201: SubsidyProgramSchema, ...errors },
      },
    },
    async (request, reply) => {
      const { created, program } = await createSubsidyProgram(
        ctx,
        principalOf(request),
        requestMeta(request),
        request.body,
      );
      return reply.status(created ? 201 : 200).send(program);
    },
  );

  app.put(
    "/subsidies/programs/:id",
    {
      config: manage,
      schema: {
        tags,
        summary: "Edit a programme's name, rules, public amounts and amount range",
        params: IdParams,
        body: SubsidyProgramChangeSchema,
        response: { 200: SubsidyProgramSchema, ...errors },
      },
    },
    async (request) =>
      updateSubsidyProgram(ctx, principalOf(request), requestMeta(request), request.params.id, request.body),
  );

  app.get(
    "/subsidies/template",
    {
      config: manage,
      schema: {
        tags,
        summary: "The payment file's template (XLSX), headers in the reader's language",
        querystring: z.object({ lang: z.enum(SUPPORTED_LOCALES).optional() }).strict(),
        response: { 200: z.any(), ...errors },
      },
    },
    async (request, reply) => {
      const locale = request.query.lang ?? requestLocale(request);
      const name = locale === "en" ? "subsidy-payments-template.xlsx" : "补贴发放名单模板.xlsx";
      return reply
        .header("content-type", XLSX_TYPE)
        .header(
          "content-disposition",
          `attachment; filename="subsidy-template.xlsx"; filename*=UTF-8''${encodeURIComponent(name)}`,
        )
        .send(await subsidyTemplate(locale));
    },
  );

  app.post(
    "/subsidies/batches",
    {
      config: manage,
      schema: {
        tags,
        summary: "Import a payment batch for an area from an XLSX (the body is the file)",
        description:
          "Columns: name, ID number, amount in yuan, date paid, programme (the template's words). A file with any wrong row is refused naming each; otherwise the batch is a draft, its flagged rows (ID number not in the registry, a person twice, an amount outside the programme's range) to correct or confirm before publication. A retry with the same id answers the first batch.",
        querystring: SubsidyImportQuerySchema,
        response: {
          200: SubsidyBatchSchema,
          201: SubsidyBatchSchema,
          413: ProblemSchema,
          415: ProblemSchema,
          ...errors,
        },
      },
    },
    async (request, reply) => {
      const body = request.body as Readable | undefined;
      const type = (request.headers["content-type"] ?? "").split(";")[0]?.trim();
      if (type !== XLSX_TYPE || !body || typeof body.pipe !== "function") {
        body?.resume?.();
        throw new DomainError("SUBSIDY_FILE_INVALID", "send the file as XLSX", {
          errors: [fieldIssue("headers.content-type", "SUBSIDY_FIELD_NOT_XLSX")],
        });
      }
      const { created, batch } = await importSubsidyBatch(
        ctx,
        principalOf(request),
        requestMeta(request),
        request.query,
        body,
      );
      return reply.status(created ? 201 : 200).send(batch);
    },
  );

  app.get(
    "/subsidies/batches",
    {
      config: manage,
      schema: {
        tags,
        summary: "Payment batches of my areas (or of one area and below), newest first",
        querystring: SubsidyBatchQuerySchema,
        response: { 200: z.array(SubsidyBatchSchema), ...errors },
      },
    },
    async (request) => listSubsidyBatches(ctx, principalOf(request), request.query),
  );

  app.get(
    "/subsidies/batches/:id",
    {
      config: manage,
      schema: { tags, summary: "A payment batch", params: IdParams, response: { 200: SubsidyBatchSchema, ...errors } },
    },
    async (request) => getSubsidyBatch(ctx, principalOf(request), request.params.id),
  );

  app.delete(
    "/subsidies/batches/:id",
    {
      config: manage,
      schema: {
        tags,
        summary: "Discard a draft batch (a published one stays)",
        params: IdParams,
        response: { 204: z.null(), ...errors },
      },
    },
    async (request, reply) => {
      await deleteSubsidyBatch(ctx, principalOf(request), requestMeta(request), request.params.id);
      return reply.status(204).send(null);
    },
  );

  app.get(
    "/subsidies/batches/:id/rows",
    {
      config: manage,
      schema: {
        tags,
        summary: "A batch's rows in file order (ID numbers masked), or only the flagged ones",
        params: IdParams,
        querystring: SubsidyRowQuerySchema,
        response: { 200: z.array(SubsidyRowSchema), ...errors },
      },
    },
    async (request) => listSubsidyRows(ctx, principalOf(request), request.params.id, request.query),
  );

  app.put(
    "/subsidies/batches/:id/rows/:rowId",
    {
      config: manage,
      schema: {
        tags,
        summary: "Correct a row of a draft batch (its flags are worked out again)",
        params: RowParams,
        body: SubsidyRowCorrectionSchema,
        response: { 200: SubsidyRowSchema, ...errors },
      },
    },
    async (request) =>
      correctSubsidyRow(
        ctx,
        principalOf(request),
        requestMeta(request),
        request.params.id,
        request.params.rowId,
        request.body,
      ),
  );

  app.post(
    "/subsidies/batches/:id/rows/:rowId/confirm",
    {
      config: manage,
      schema: {
        tags,
        summary: "Confirm a flagged row as it is, with a reason",
        params: RowParams,
        body: SubsidyRowConfirmationSchema,
        response: { 200: SubsidyRowSchema, ...errors },
      },
    },
    async (request) =>
      confirmSubsidyRow(
        ctx,
        principalOf(request),
        requestMeta(request),
        request.params.id,
        request.params.rowId,
        request.body.reason,
      ),
  );

  app.post(
    "/subsidies/batches/:id/publish",
    {
      config: manage,
      schema: {
        tags,
        summary: "Publish a batch: refused while a flagged row is neither corrected nor confirmed",
        params: IdParams,
        response: { 200: SubsidyBatchSchema, ...errors },
      },
    },
    async (request) => publishSubsidyBatch(ctx, principalOf(request), requestMeta(request), request.params.id),
  );

  app.get(
    "/subsidies/public/programs",
    {
      config: { public: true },
      schema: {
        tags,
        summary: "The programmes run at an area or above it, with their rules (public)",
        querystring: AreaQuery,
        response: { 200: z.array(SubsidyProgramSchema), ...errors },
      },
    },
    async (request) => publicPrograms(ctx, request.query.areaCode),
  );

  app.get(
    "/subsidies/public/batches",
    {
      config: { public: true },
      schema: {
        tags,
        summary: "Published batches of an area and below (public)",
        querystring: AreaQuery,
        response: { 200: z.array(PublicSubsidyBatchSchema), ...errors },
      },
    },
    async (request) => publicBatches(ctx, request.query.areaCode),
  );

  app.get(
    "/subsidies/public/batches/:id",
    {
      config: { public: true },
      schema: {
        tags,
        summary: "A published batch's 公示 list: names partly masked, amounts as the programme says, no ID numbers",
        params: IdParams,
        response: { 200: PublicSubsidyListSchema, ...errors },
      },
    },
    async (request) => publicSubsidyList(ctx, request.params.id),
  );
};

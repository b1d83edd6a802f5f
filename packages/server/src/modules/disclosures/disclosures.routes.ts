import {
  DISCLOSURE_KINDS,
  DisclosureCorrectionSchema,
  DisclosureDraftSchema,
  DisclosureListQuerySchema,
  DisclosureListSchema,
  DisclosureReviewSchema,
  DisclosureSettingSchema,
  DisclosureSubmitSchema,
  FinanceTableSchema,
  ManagedDisclosureSchema,
  ManagedListQuerySchema,
  ManagedSummarySchema,
  NewDisclosureSchema,
  PublicAreaSchema,
  PublicDisclosureSchema,
  SUPPORTED_LOCALES,
} from "@wangge/core";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { AppContext } from "../../context.ts";
import { principalOf, requestMeta } from "../../http/authenticate.ts";
import { sendInlineFile } from "../../http/file-reply.ts";
import { requestLocale } from "../../http/locale.ts";
import { problemResponses, routeErrors } from "../../http/problem.ts";
import { ATTACHMENT_TYPES, MAX_ATTACHMENT_BYTES } from "../events/attachment-files.ts";
import { addFile, readPublishedFile, readStaffFile, removeFile } from "./disclosure-files.service.ts";
import {
  listForReview,
  listManaged,
  listPublished,
  managedDisclosure,
  publicAreas,
  publicDisclosure,
} from "./disclosure-views.service.ts";
import {
  createDisclosure,
  editDraft,
  listSettings,
  reviewDisclosure,
  startCorrection,
  submitDisclosure,
  updateSetting,
} from "./disclosures.service.ts";
import { financeTemplate, readFinanceTable } from "./finance-file.ts";

const errors = routeErrors;
const tags = ["disclosures"];
const XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
const IdParams = z.object({ id: z.uuid() });
const FileParams = z.object({ id: z.uuid(), fileId: z.uuid() });
const LangQuery = z.object({ lang: z.enum(SUPPORTED_LOCALES).optional() }).strict();
/** Public reading: many residents, few bytes; the general per-address limit applies. */
const publicRoute = { public: true } as const;

/**
 * Four-affairs disclosures (/disclosures): public reading of published items of any village, and for
 * staff writing, files, finance tables from the XLSX template, submission, the township's review and
 * corrections. A draft or an item under review exists only for staff of its area (404 for others).
 */
export const disclosuresRoutes: FastifyPluginAsyncZod<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.addContentTypeParser(
    [...Object.keys(ATTACHMENT_TYPES), "application/octet-stream", XLSX_TYPE],
    { parseAs: "buffer", bodyLimit: MAX_ATTACHMENT_BYTES + 1024 },
    (_request, body, done) => done(null, body),
  );
  const bodyOf = (body: unknown) => (Buffer.isBuffer(body) ? body : Buffer.alloc(0));

  // ---- public ------------------------------------------------------------------------------------

  app.get(
    "/disclosures/areas",
    {
      config: publicRoute,
      schema: {
        tags,
        summary: "Areas to browse to a village: the roots, an area's children, or villages by name (public)",
        querystring: z
          .object({ parentCode: z.string().max(24).optional(), q: z.string().trim().min(1).max(20).optional() })
          .strict(),
        response: { 200: z.array(PublicAreaSchema), ...problemResponses },
      },
    },
    async (request) => publicAreas(ctx, request.query),
  );

  app.get(
    "/disclosures",
    {
      config: publicRoute,
      schema: {
        tags,
        summary: "A village's published items, newest period first (public)",
        querystring: DisclosureListQuerySchema,
        response: { 200: DisclosureListSchema, ...problemResponses },
      },
    },
    async (request) => listPublished(ctx, request.query),
  );

  app.get(
    "/disclosures/:id",
    {
      config: publicRoute,
      schema: {
        tags,
        summary:
          "A published item: its current version, earlier ones with their corrections, answered comments (public)",
        params: IdParams,
        response: { 200: PublicDisclosureSchema, ...problemResponses },
      },
    },
    async (request) => publicDisclosure(ctx, request.params.id),
  );

  app.get(
    "/disclosures/:id/files/:fileId",
    {
      config: publicRoute,
      schema: { tags, summary: "A file of a published version (public)", params: FileParams },
    },
    async (request, reply) => {
      const { row, data } = await readPublishedFile(ctx, request.params.id, request.params.fileId);
      // Published bytes never change (a correction is another version): a reader's cache may keep them.
      return sendInlineFile(
        reply,
        { contentType: row.content_type, fileName: row.file_name, data },
        "public, max-age=3600",
      );
    },
  );

  // ---- staff -------------------------------------------------------------------------------------

  app.get(
    "/disclosures/settings",
    {
      // Any signed-in user: the console shows who must review what (writers, reviewers, the administrator).
      schema: {
        tags,
        summary: "Which kinds need a township's review before publication",
        response: { 200: z.array(DisclosureSettingSchema), ...errors },
      },
    },
    async () => listSettings(ctx),
  );

  app.put(
    "/disclosures/settings/:kind",
    {
      config: { permission: "disclosure.configure", deploymentWide: true },
      schema: {
        tags,
        summary: "Whether a kind needs a township's review before publication",
        params: z.object({ kind: z.enum(DISCLOSURE_KINDS) }),
        body: z.object({ requiresReview: z.boolean() }).strict(),
        response: { 200: z.array(DisclosureSettingSchema), ...errors },
      },
    },
    async (request) =>
      updateSetting(ctx, principalOf(request), requestMeta(request), request.params.kind, request.body.requiresReview),
  );

  app.get(
    "/disclosures/finance-template",
    {
      config: { permission: "disclosure.manage" },
      schema: {
        tags,
        summary: "The XLSX template of a finance table, headers in the caller's language",
        querystring: LangQuery,
        response: { 200: z.any(), ...errors },
      },
    },
    async (request, reply) => {
      const locale = request.query.lang ?? requestLocale(request);
      const name = locale === "en" ? "finance-template.xlsx" : "财务公开模板.xlsx";
      return reply
        .header("content-type", XLSX_TYPE)
        .header(
          "content-disposition",
          `attachment; filename="finance-template.xlsx"; filename*=UTF-8''${encodeURIComponent(name)}`,
        )
        .send(await financeTemplate(locale));
    },
  );

  app.post(
    "/disclosures/finance-table",
    {
      config: { permission: "disclosure.manage" },
      bodyLimit: MAX_ATTACHMENT_BYTES + 1024,
      schema: {
        tags,
        summary: "Read a filled finance template (the body is the XLSX): its lines, totals and rejected cells",
        querystring: LangQuery,
        response: { 200: FinanceTableSchema, ...errors },
      },
    },
    async (request) => readFinanceTable(bodyOf(request.body), request.query.lang ?? requestLocale(request)),
  );

  app.get(
    "/disclosures/manage",
    {
      config: { permission: "disclosure.manage" },
      schema: {
        tags,
        summary: "Items under the caller's areas with their newest version's state and what is left to answer",
        querystring: ManagedListQuerySchema,
        response: { 200: z.array(ManagedSummarySchema), ...errors },
      },
    },
    async (request) => listManaged(ctx, principalOf(request), request.query),
  );

  app.get(
    "/disclosures/review",
    {
      config: { permission: "disclosure.review" },
      schema: {
        tags,
        summary: "Items waiting for the caller's review",
        response: { 200: z.array(ManagedSummarySchema), ...errors },
      },
    },
    async (request) => listForReview(ctx, principalOf(request)),
  );

  app.post(
    "/disclosures",
    {
      config: { permission: "disclosure.manage" },
      schema: {
        tags,
        summary: "Start an item with its first version as a draft (a retry with the same ids answers the first)",
        body: NewDisclosureSchema,
        response: { 200: ManagedDisclosureSchema, 201: ManagedDisclosureSchema, ...errors },
      },
    },
    async (request, reply) => {
      const { disclosure, created } = await createDisclosure(
        ctx,
        principalOf(request),
        requestMeta(request),
        request.body,
      );
      return reply.status(created ? 201 : 200).send(disclosure);
    },
  );

  app.get(
    "/disclosures/:id/manage",
    {
      config: { permission: "disclosure.manage" },
      schema: {
        tags,
        summary: "Every version and comment of an item (staff of its area)",
        params: IdParams,
        response: { 200: ManagedDisclosureSchema, ...errors },
      },
    },
    async (request) => managedDisclosure(ctx, principalOf(request), request.params.id),
  );

  app.put(
    "/disclosures/:id/draft",
    {
      config: { permission: "disclosure.manage" },
      schema: {
        tags,
        summary: "Edit the draft (or the version sent back by the reviewer)",
        params: IdParams,
        body: DisclosureDraftSchema,
        response: { 200: ManagedDisclosureSchema, ...errors },
      },
    },
    async (request) => editDraft(ctx, principalOf(request), requestMeta(request), request.params.id, request.body),
  );

  app.post(
    "/disclosures/:id/versions",
    {
      config: { permission: "disclosure.manage" },
      schema: {
        tags,
        summary: "Correct a published item: a new version, with the reason residents will see",
        params: IdParams,
        body: DisclosureCorrectionSchema,
        response: { 200: ManagedDisclosureSchema, 201: ManagedDisclosureSchema, ...errors },
      },
    },
    async (request, reply) => {
      const { disclosure, created } = await startCorrection(
        ctx,
        principalOf(request),
        requestMeta(request),
        request.params.id,
        request.body,
      );
      return reply.status(created ? 201 : 200).send(disclosure);
    },
  );

  app.post(
    "/disclosures/:id/submit",
    {
      config: { permission: "disclosure.manage" },
      schema: {
        tags,
        summary: "Publish the version, or send it to the township's review where its kind needs one",
        params: IdParams,
        body: DisclosureSubmitSchema,
        response: { 200: ManagedDisclosureSchema, ...errors },
      },
    },
    async (request) =>
      submitDisclosure(ctx, principalOf(request), requestMeta(request), request.params.id, request.body.versionId),
  );

  app.post(
    "/disclosures/:id/review",
    {
      config: { permission: "disclosure.review" },
      schema: {
        tags,
        summary: "Approve (publish) or send back a version waiting for review",
        params: IdParams,
        body: DisclosureReviewSchema,
        response: { 200: ManagedDisclosureSchema, ...errors },
      },
    },
    async (request) =>
      reviewDisclosure(ctx, principalOf(request), requestMeta(request), request.params.id, request.body),
  );

  app.put(
    "/disclosures/:id/draft-files/:fileId",
    {
      config: { permission: "disclosure.manage" },
      bodyLimit: MAX_ATTACHMENT_BYTES + 1024,
      schema: {
        tags,
        summary: "Add a PDF or photo to the draft (location metadata removed); the body is the file",
        params: FileParams,
        querystring: z.object({ fileName: z.string().max(200).default("") }).strict(),
        response: { 200: ManagedDisclosureSchema, 201: ManagedDisclosureSchema, ...errors },
      },
    },
    async (request, reply) => {
      const { disclosure, created } = await addFile(ctx, principalOf(request), requestMeta(request), {
        disclosureId: request.params.id,
        fileId: request.params.fileId,
        fileName: request.query.fileName,
        data: bodyOf(request.body),
      });
      return reply.status(created ? 201 : 200).send(disclosure);
    },
  );

  app.delete(
    "/disclosures/:id/draft-files/:fileId",
    {
      config: { permission: "disclosure.manage" },
      schema: {
        tags,
        summary: "Remove a file from the draft",
        params: FileParams,
        response: { 200: ManagedDisclosureSchema, ...errors },
      },
    },
    async (request) =>
      removeFile(ctx, principalOf(request), requestMeta(request), request.params.id, request.params.fileId),
  );

  app.get(
    "/disclosures/:id/draft-files/:fileId",
    {
      config: { permission: "disclosure.manage" },
      schema: { tags, summary: "A file of any version (staff of the area)", params: FileParams },
    },
    async (request, reply) => {
      const { row, data } = await readStaffFile(ctx, principalOf(request), request.params.id, request.params.fileId);
      return sendInlineFile(reply, { contentType: row.content_type, fileName: row.file_name, data }, "no-store");
    },
  );
};

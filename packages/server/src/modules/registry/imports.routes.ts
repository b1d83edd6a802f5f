import { createWriteStream } from "node:fs";
import { rm } from "node:fs/promises";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { DomainError, fieldIssue, ProblemSchema, SUPPORTED_LOCALES } from "@wangge/core";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { AppContext } from "../../context.ts";
import { principalOf, requestMeta } from "../../http/authenticate.ts";
import { requestLocale } from "../../http/locale.ts";
import { problemResponses } from "../../http/problem.ts";
import {
  ensureUploadsDir,
  findJob,
  jobOf,
  jobView,
  listJobs,
  templateExampleArea,
  uploadPath,
} from "./import-jobs.service.ts";
import { rejectedRowsWorkbook } from "./import-reports.service.ts";
import { peopleTemplate } from "./people-file.ts";
import { startPeopleImport } from "./people-import.service.ts";

/**
 * Uploading an import file: the request body is the file itself (text/csv or the XLSX type),
 * streamed to disk under the data directory — never held in memory — and then imported in the
 * background; the job's progress and report are read back by its id, also after a page reload.
 */
const XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
export const MAX_IMPORT_BYTES = 512 * 1024 * 1024;

const errors = { ...problemResponses, 401: ProblemSchema, 403: ProblemSchema, 404: ProblemSchema, 422: ProblemSchema };
const reportErrors = { ...errors, 410: ProblemSchema };
const JobSchema = z
  .object({
    id: z.uuid(),
    kind: z.string(),
    status: z.enum(["queued", "running", "done", "failed"]),
    fileName: z.string(),
    allOrNothing: z.boolean(),
    total: z.number().int(),
    processed: z.number().int(),
    created: z.number().int(),
    updated: z.number().int(),
    unchanged: z.number().int(),
    rejected: z.number().int(),
    applied: z.boolean().describe("Whether rows were written (false for all-or-nothing with rejected rows)"),
    error: z.string().nullable(),
    hasReport: z.boolean(),
    createdAt: z.string(),
    finishedAt: z.string().nullable(),
  })
  .meta({ id: "ImportJob" });

/** A file's language when it is opened from a link (the app's language, not the browser's). */
const LangQuery = z
  .object({
    lang: z
      .enum(SUPPORTED_LOCALES)
      .optional()
      .describe("The language of the file's words (else the Accept-Language header's; else English)"),
  })
  .strict();

class TooLarge extends Error {}

async function saveUpload(body: Readable, file: string): Promise<void> {
  let bytes = 0;
  await pipeline(
    body,
    async function* (source) {
      for await (const chunk of source) {
        bytes += (chunk as Buffer).length;
        if (bytes > MAX_IMPORT_BYTES) throw new TooLarge();
        yield chunk;
      }
    },
    createWriteStream(file, { mode: 0o600 }),
  );
}

export const importsRoutes: FastifyPluginAsyncZod<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.addContentTypeParser(["text/csv", XLSX_TYPE], (_request, payload, done) => done(null, payload));

  app.post(
    "/imports/people",
    {
      config: { permission: "person.manage" },
      schema: {
        tags: ["registry"],
        summary: "Import people, households and addresses from CSV or XLSX (the body is the file)",
        description:
          "Send the file as the body with Content-Type text/csv or the XLSX type. Answers 202 at once; the import runs in the background (GET /imports/{id} for progress, /report for the rejected rows). Re-importing the same file changes nothing. Retrying with the same id answers the same job.",
        querystring: z
          .object({
            id: z.uuid(),
            fileName: z.string().trim().min(1).max(200),
            allOrNothing: z.enum(["true", "false"]).default("false"),
          })
          .strict(),
        response: { 200: JobSchema, 202: JobSchema, 413: ProblemSchema, 415: ProblemSchema, ...errors },
      },
    },
    async (request, reply) => {
      const actor = principalOf(request);
      const { id, fileName, allOrNothing } = request.query;
      const body = request.body as Readable | undefined;
      const type = (request.headers["content-type"] ?? "").split(";")[0]?.trim();
      const format = type === XLSX_TYPE ? "xlsx" : type === "text/csv" ? "csv" : undefined;
      if (!format || !body || typeof (body as Readable).pipe !== "function") {
        body?.resume?.();
        throw new DomainError("IMPORT_FILE_INVALID", "send the file as text/csv or XLSX", {
          errors: [fieldIssue("headers.content-type", "REGISTRY_FIELD_CONTENT_TYPE", { type: XLSX_TYPE })],
        });
      }
      const existing = await findJob(ctx.db, id);
      if (existing) {
        body.resume();
        return reply.status(200).send(jobView(await jobOf(ctx, actor, id), requestLocale(request)));
      }
      const file = uploadPath(ctx, id, format);
      await ensureUploadsDir(ctx);
      try {
        await saveUpload(body, file);
      } catch (error) {
        await rm(file, { force: true });
        if (error instanceof TooLarge)
          throw new DomainError(
            "REQUEST_BODY_TOO_LARGE",
            `the file is larger than ${MAX_IMPORT_BYTES / 1024 / 1024} MB`,
          );
        throw error;
      }
      const job = await startPeopleImport(ctx, actor, requestMeta(request), {
        id,
        fileName,
        format,
        allOrNothing: allOrNothing === "true",
      });
      return reply.status(202).send(jobView(job, requestLocale(request)));
    },
  );

  app.get(
    "/imports",
    {
      config: { permission: "person.manage" },
      schema: {
        tags: ["registry"],
        summary: "Your recent imports, newest first",
        response: { 200: z.array(JobSchema), ...errors },
      },
    },
    async (request) => (await listJobs(ctx, principalOf(request))).map((job) => jobView(job, requestLocale(request))),
  );

  app.get(
    "/imports/:id",
    {
      config: { permission: "person.manage" },
      schema: {
        tags: ["registry"],
        summary: "An import's progress and outcome",
        params: z.object({ id: z.uuid() }),
        response: { 200: JobSchema, ...errors },
      },
    },
    async (request) => jobView(await jobOf(ctx, principalOf(request), request.params.id), requestLocale(request)),
  );

  app.get(
    "/imports/:id/report",
    {
      config: { permission: "person.manage" },
      schema: {
        tags: ["registry"],
        summary: "The rejected rows as XLSX: each row as given, with the reasons in a last column",
        description:
          "Only for the import's author, and only for WANGGE_IMPORT_REPORT_DAYS after the import ended (410 IMPORT_REPORT_EXPIRED after that).",
        params: z.object({ id: z.uuid() }),
        querystring: LangQuery,
        response: { 200: z.any(), ...reportErrors },
      },
    },
    async (request, reply) => {
      const job = await jobOf(ctx, principalOf(request), request.params.id);
      if (job.status !== "done")
        throw new DomainError("IMPORT_NOT_FOUND", "the report is ready when the import is done", {
          errors: [
            fieldIssue("id", "REGISTRY_FIELD_IMPORT_STATUS", { status: { code: `IMPORT_STATUS_${job.status}` } }),
          ],
        });
      if (job.report_purged_at)
        throw new DomainError(
          "IMPORT_REPORT_EXPIRED",
          `the rejected rows are kept ${ctx.config.importReportRetentionDays} days after an import`,
          { errors: [fieldIssue("id", "REGISTRY_FIELD_REPORT_REMOVED", { at: job.report_purged_at.toISOString() })] },
        );
      const locale = request.query.lang ?? requestLocale(request);
      const suffix = locale === "en" ? "-not-imported.xlsx" : "-未导入的行.xlsx";
      const name = encodeURIComponent(`${job.file_name.replace(/\.[^.]+$/, "")}${suffix}`);
      return reply
        .header("content-type", XLSX_TYPE)
        .header("content-disposition", `attachment; filename="report.xlsx"; filename*=UTF-8''${name}`)
        .header("cache-control", "no-store")
        .send(rejectedRowsWorkbook(ctx, job, locale));
    },
  );

  app.get(
    "/imports/people/template",
    {
      config: { permission: "person.manage" },
      schema: {
        tags: ["registry"],
        summary: "The import template: headers in the caller's language (required columns starred) and an example row",
        description:
          "The example row is put in an area the caller may register people in and is marked as the example in its notes: a template sent back as downloaded imports nobody and rejects nothing.",
        querystring: z.object({ format: z.enum(["csv", "xlsx"]).default("xlsx"), lang: LangQuery.shape.lang }).strict(),
        response: { 200: z.any(), ...errors },
      },
    },
    async (request, reply) => {
      const format = request.query.format;
      const locale = request.query.lang ?? requestLocale(request);
      const bytes = await peopleTemplate(format, locale, await templateExampleArea(ctx, principalOf(request)));
      return reply
        .header("content-type", format === "csv" ? "text/csv; charset=utf-8" : XLSX_TYPE)
        .header(
          "content-disposition",
          `attachment; filename="people-template.${format}"; filename*=UTF-8''${encodeURIComponent(`${locale === "en" ? "people-import-template" : "人员导入模板"}.${format}`)}`,
        )
        .send(bytes);
    },
  );
};

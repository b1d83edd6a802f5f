import {
  NewJudgementSchema,
  NewReportSchema,
  ReportIdParamsSchema,
  ReportListSchema,
  ReportSchema,
  ReportsQuerySchema,
} from "@wangge/core";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { AppContext } from "../../context.ts";
import { principalOf, requestMeta } from "../../http/authenticate.ts";
import { routeErrors } from "../../http/problem.ts";
import { reportDocument } from "./report-documents.service.ts";
import { getReport, listReports, requestReport, writeJudgement } from "./reports.service.ts";

const errors = routeErrors;
const tags = ["reports"];

/**
 * Reports written by the system (/reports): the archive of daily, weekly and monthly reports of the
 * areas the caller reads, one written on demand, the judgement on a monthly one, and the PDF and XLSX
 * files (each download audited). Any area outside the caller's is not found.
 */
export const reportsRoutes: FastifyPluginAsyncZod<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.get(
    "/reports",
    {
      config: { permission: "report.read" },
      schema: {
        tags,
        summary: "Reports of the areas you read: by kind, area and the day their period ends, newest first",
        querystring: ReportsQuerySchema,
        response: { 200: ReportListSchema, ...errors },
      },
    },
    async (request) => listReports(ctx, principalOf(request), request.query),
  );

  app.post(
    "/reports",
    {
      config: { permission: "report.read" },
      schema: {
        tags,
        summary: "Write a report on demand (or answer the one written already) for an area and a period that is over",
        description:
          "`day` is any day of the period: the daily period ending on the working day that holds it (with the rest days before it), the week Monday to Sunday, the calendar month. 201 when this call wrote it, 200 when it existed.",
        body: NewReportSchema,
        response: { 200: ReportSchema, 201: ReportSchema, ...errors },
      },
    },
    async (request, reply) => {
      const { report, created } = await requestReport(ctx, principalOf(request), requestMeta(request), request.body);
      return reply.status(created ? 201 : 200).send(report);
    },
  );

  app.get(
    "/reports/:id",
    {
      config: { permission: "report.read" },
      schema: {
        tags,
        summary: "A report with its sections and figures, and the judgement's latest version and history",
        params: ReportIdParamsSchema,
        response: { 200: ReportSchema, ...errors },
      },
    },
    async (request) => getReport(ctx, principalOf(request), request.params.id),
  );

  app.post(
    "/reports/:id/judgement",
    {
      config: { permission: "report.write" },
      schema: {
        tags,
        summary: "Write a new version of the judgement and measures (研判意见) on a monthly report of your own area",
        description:
          "`baseVersion` is the version read (0 when there was none): a judgement written since is REPORT_JUDGEMENT_STALE. ID and phone numbers in the text are stored masked.",
        params: ReportIdParamsSchema,
        body: NewJudgementSchema,
        response: { 200: ReportSchema, 201: ReportSchema, ...errors },
      },
    },
    async (request, reply) => {
      const { report, created } = await writeJudgement(
        ctx,
        principalOf(request),
        requestMeta(request),
        request.params.id,
        request.body,
      );
      return reply.status(created ? 201 : 200).send(report);
    },
  );

  for (const format of ["pdf", "xlsx"] as const) {
    app.get(
      `/reports/:id/${format}`,
      {
        config: { permission: "report.read" },
        schema: {
          tags,
          summary:
            format === "pdf"
              ? "The report as a PDF (Chinese text, charts as vector graphics)"
              : "The report as an XLSX workbook, one sheet per section",
          params: ReportIdParamsSchema,
          response: {
            200: z
              .any()
              .describe(
                format === "pdf"
                  ? "application/pdf"
                  : "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
              ),
            ...errors,
          },
        },
      },
      async (request, reply) => {
        const file = await reportDocument(ctx, principalOf(request), requestMeta(request), request.params.id, format);
        return reply
          .type(file.contentType)
          .header("content-disposition", `attachment; filename*=UTF-8''${encodeURIComponent(file.fileName)}`)
          .send(file.data);
      },
    );
  }
};

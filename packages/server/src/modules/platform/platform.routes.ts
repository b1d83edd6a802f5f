import {
  ClientConfigSchema,
  ClientErrorReportInputSchema,
  ClientErrorReportResponseSchema,
  HealthResponseSchema,
  ProblemSchema,
} from "@wangge/core";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import type { Config } from "../../config.ts";
import type { AppContext } from "../../context.ts";
import type { Database } from "../../db/database.ts";
import { problemResponses } from "../../http/problem.ts";
import { checkHealth, getClientConfig, reportClientError } from "./platform.service.ts";

export interface PlatformRoutesOptions {
  config: Config;
  database: Database;
}

/** Health for load balancers and monitors; client configuration for the apps; crash reports from them. */
export const healthRoutes: FastifyPluginAsyncZod<PlatformRoutesOptions> = async (app, { database }) => {
  app.get(
    "/api/health",
    {
      // A load balancer polls it: open, and never rate limited (a 429 would take the server out).
      config: { public: true, rateLimit: false },
      schema: {
        tags: ["platform"],
        summary: "Liveness and database check",
        response: { 200: HealthResponseSchema, 503: ProblemSchema },
      },
    },
    async () => checkHealth(database.db, database.kind),
  );
};

export const platformRoutes: FastifyPluginAsyncZod<{ ctx: AppContext }> = async (app, { ctx }) => {
  const { config } = ctx;
  app.get(
    "/config",
    {
      config: { public: true },
      schema: {
        tags: ["platform"],
        summary: "Settings every app reads at start: version, locales, time zone, map tiles",
        response: { 200: ClientConfigSchema },
      },
    },
    async () => getClientConfig(config),
  );

  app.post(
    "/client-errors",
    {
      // Crashes happen before sign-in too (the sign-in page itself can fail).
      config: { public: true },
      // Crash reports are small; never accept more than the deployment-wide limit either.
      bodyLimit: Math.min(config.bodyLimitBytes, 64 * 1024),
      schema: {
        tags: ["platform"],
        summary:
          "Report a crash seen in a web app (idempotent on the client-generated id); ID and phone numbers are masked in all that is kept, a limited number per address and hour, for a limited time",
        body: ClientErrorReportInputSchema,
        response: {
          200: ClientErrorReportResponseSchema.describe("Already received under this id"),
          201: ClientErrorReportResponseSchema.describe("Stored"),
          429: ProblemSchema.describe("This address sent more reports this hour than are kept"),
          ...problemResponses,
        },
      },
    },
    async (request, reply) => {
      const { report, created } = await reportClientError(ctx, request.body, {
        requestId: request.id,
        userAgent: request.headers["user-agent"],
        ip: request.ip,
      });
      if (created) {
        request.log.warn({ clientErrorId: report.id, app: report.app }, "web app reported an error");
      }
      return reply.status(created ? 201 : 200).send(report);
    },
  );
};

import { randomUUID } from "node:crypto";
import fastifySwagger from "@fastify/swagger";
import fastifySwaggerUi from "@fastify/swagger-ui";
import { REQUEST_ID_PATTERN } from "@wangge/core";
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from "fastify";
import {
  jsonSchemaTransform,
  jsonSchemaTransformObject,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from "fastify-type-provider-zod";
import type { Logger } from "pino";
import type { Config } from "./config.ts";
import type { Database } from "./db/database.ts";
import { registerErrorHandler, sendProblem } from "./http/error-handler.ts";
import { registerWebApps } from "./http/web-apps.ts";
import { healthRoutes, platformRoutes } from "./modules/platform/platform.routes.ts";
import { VERSION } from "./version.ts";

export interface AppDeps {
  config: Config;
  database: Database;
  /** A pino logger; omit for silence (tests). */
  logger?: Logger;
}

/**
 * Builds the whole HTTP application without listening, so tests drive it with `app.inject()` and
 * main.ts decides where it listens. Every API route lives under /api/v1 except health and the docs.
 */
export async function buildApp({ config, database, logger }: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    ...(logger ? { loggerInstance: logger as FastifyBaseLogger } : { logger: false }),
    bodyLimit: config.bodyLimitBytes,
    requestIdLogLabel: "requestId",
    genReqId(req) {
      const incoming = req.headers["x-request-id"];
      return typeof incoming === "string" && REQUEST_ID_PATTERN.test(incoming) ? incoming : randomUUID();
    },
    return503OnClosing: false,
    forceCloseConnections: "idle",
    // A hop count becomes "trust the nearest N proxies" (proxy-addr's trust function).
    trustProxy:
      typeof config.trustProxy === "number"
        ? (
            (hops: number) => (_address: string, hop: number) =>
              hop < hops
          )(config.trustProxy)
        : config.trustProxy,
  }).withTypeProvider<ZodTypeProvider>();

  // The API speaks JSON only: a text/plain body is refused (415), not parsed as a string.
  app.removeContentTypeParser("text/plain");
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  registerErrorHandler(app);

  let closing = false;
  app.addHook("preClose", async () => {
    closing = true;
  });
  app.addHook("onRequest", async (request, reply) => {
    reply.header("x-request-id", request.id);
    if (closing)
      return sendProblem(reply, request, "SERVICE_SHUTTING_DOWN", "the server is shutting down; retry shortly");
  });

  await app.register(fastifySwagger, {
    openapi: {
      openapi: "3.1.0",
      info: {
        title: "Wangge API",
        description:
          "Grid-based grassroots governance (网格化基层治理). Errors are application/problem+json with a stable `code`.",
        version: VERSION,
        license: { name: "Apache-2.0" },
      },
      tags: [{ name: "platform", description: "Health, configuration and crash reports" }],
    },
    transform: jsonSchemaTransform,
    transformObject: jsonSchemaTransformObject,
  });
  await app.register(fastifySwaggerUi, {
    routePrefix: "/api/docs",
    uiConfig: { docExpansion: "list", deepLinking: true },
    staticCSP: true,
  });
  app.get("/api/openapi.json", { schema: { hide: true } }, async () => app.swagger());

  await app.register(healthRoutes, { config, database });
  await app.register(platformRoutes, { config, database, prefix: "/api/v1" });
  await registerWebApps(app, config.webDist);

  return app;
}

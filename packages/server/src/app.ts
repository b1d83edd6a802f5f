import { randomUUID } from "node:crypto";
import fastifySwagger from "@fastify/swagger";
import fastifySwaggerUi from "@fastify/swagger-ui";
import { REQUEST_ID_PATTERN } from "@wangge/core";
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from "fastify";
import {
  jsonSchemaTransform,
  jsonSchemaTransformObject,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from "fastify-type-provider-zod";
import type { Logger } from "pino";
import type { Config } from "./config.ts";
import type { AppContext } from "./context.ts";
import { createFieldCrypto, type FieldCrypto, loadKeyring } from "./crypto/field-crypto.ts";
import type { Database } from "./db/database.ts";
import { registerAuthentication, registerPublic } from "./http/authenticate.ts";
import { registerErrorHandler, sendProblem } from "./http/error-handler.ts";
import { answerClientError, answerFrameworkError, MAX_HEADER_BYTES, registerRequestEdge } from "./http/request-edge.ts";
import { registerSecurity, strictSwaggerCsp } from "./http/security.ts";
import { registerWebApps } from "./http/web-apps.ts";
import { areasRoutes } from "./modules/areas/areas.routes.ts";
import { auditRoutes } from "./modules/audit/audit.routes.ts";
import { authRoutes } from "./modules/auth/auth.routes.ts";
import { logSmsSender, noSmsSender, type SmsSender, webhookSmsSender } from "./modules/auth/sms-sender.ts";
import { commentsRoutes } from "./modules/disclosures/comments.routes.ts";
import { disclosuresRoutes } from "./modules/disclosures/disclosures.routes.ts";
import { proceduresRoutes } from "./modules/disclosures/procedures.routes.ts";
import { categoriesRoutes } from "./modules/events/categories.routes.ts";
import { devicesRoutes } from "./modules/events/devices.routes.ts";
import { disputesRoutes } from "./modules/events/disputes.routes.ts";
import { eventAttachmentRoutes } from "./modules/events/event-attachments.routes.ts";
import { eventPickersRoutes } from "./modules/events/event-pickers.routes.ts";
import { eventStreamRoutes } from "./modules/events/event-stream.routes.ts";
import { eventsRoutes } from "./modules/events/events.routes.ts";
import { notificationsRoutes } from "./modules/events/notifications.routes.ts";
import { open311Routes } from "./modules/events/open311.routes.ts";
import { open311KeysRoutes } from "./modules/events/open311-keys.routes.ts";
import { workCalendarRoutes } from "./modules/events/work-calendar.routes.ts";
import { figuresRoutes } from "./modules/figures/figures.routes.ts";
import { broadcastRoutes } from "./modules/notices/broadcast.routes.ts";
import { noticesRoutes } from "./modules/notices/notices.routes.ts";
import { keysRoutes } from "./modules/platform/keys.routes.ts";
import { healthRoutes, platformRoutes } from "./modules/platform/platform.routes.ts";
import { projectsRoutes } from "./modules/projects/projects.routes.ts";
import { importsRoutes } from "./modules/registry/imports.routes.ts";
import { registryRoutes } from "./modules/registry/registry.routes.ts";
import { reportsRoutes } from "./modules/reports/reports.routes.ts";
import { residentsRoutes } from "./modules/residents/residents.routes.ts";
import { riskRoutes } from "./modules/risk/risk.routes.ts";
import { rolesRoutes } from "./modules/roles/roles.routes.ts";
import { screenRoutes } from "./modules/screen/screen.routes.ts";
import { screenLinkRoutes } from "./modules/screen/screen-links.routes.ts";
import { subsidiesRoutes } from "./modules/subsidies/subsidies.routes.ts";
import { usersRoutes } from "./modules/users/users.routes.ts";
import { visitsRoutes } from "./modules/visits/visits.routes.ts";
import { VERSION } from "./version.ts";

export interface AppDeps {
  config: Config;
  database: Database;
  /** A pino logger; omit for silence (tests). */
  logger?: Logger;
  /** Field-encryption keys; loaded from WANGGE_DATA_KEY or the data directory's key file when omitted. */
  crypto?: FieldCrypto;
  /** The clock; tests move it to expire sessions and locks. */
  now?: () => Date;
  sms?: SmsSender;
}

/** The deployment's field encryption: its keys (environment or key files) and WANGGE_CRYPTO. */
export function fieldCryptoFor(config: Config) {
  const source = {
    dataKey: config.dataKey,
    retiredKeys: config.retiredKeys,
    indexKey: config.indexKey,
    dataDir: config.dataDir,
  };
  return createFieldCrypto(loadKeyring(source), { algorithm: config.crypto, source });
}

/** The SMS sender the deployment chose (WANGGE_SMS_SENDER); none unless one was chosen. */
export function smsSenderFor(config: Config, log: { warn(obj: object, msg?: string): void }): SmsSender {
  if (config.smsSender === "webhook" && config.smsWebhookUrl) return webhookSmsSender(config.smsWebhookUrl);
  if (config.smsSender === "log") return logSmsSender(log);
  return noSmsSender();
}

export function createContext(deps: AppDeps): AppContext {
  const silent = { info() {}, warn() {} };
  const log = deps.logger ?? silent;
  return {
    db: deps.database.db,
    dbKind: deps.database.kind,
    bulk: deps.database.bulk,
    config: deps.config,
    crypto: deps.crypto ?? fieldCryptoFor(deps.config),
    now: deps.now ?? (() => new Date()),
    sms: deps.sms ?? smsSenderFor(deps.config, log),
    log,
  };
}

/**
 * Builds the whole HTTP application without listening, so tests drive it with `app.inject()` and
 * main.ts decides where it listens. Every API route lives under /api/v1 except health and the docs.
 */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const { config, database, logger } = deps;
  const ctx = createContext(deps);
  const app = Fastify({
    ...(logger ? { loggerInstance: logger as FastifyBaseLogger } : { logger: false }),
    bodyLimit: config.bodyLimitBytes,
    http: { maxHeaderSize: MAX_HEADER_BYTES },
    clientErrorHandler: answerClientError,
    frameworkErrors: answerFrameworkError,
    logController: new LogController({ requestIdLogLabel: "requestId" }),
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

  // Hooks every route must pass, added before any plugin: an encapsulated plugin copies the hooks
  // that exist when it is registered. Order: plain path → cookies → who is asking → rate limit → authorize.
  registerRequestEdge(app);
  await registerSecurity(app, config);
  registerAuthentication(app, ctx);

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
      tags: [
        { name: "platform", description: "Health, configuration and crash reports" },
        { name: "auth", description: "Sign-in, sessions, second factor, API tokens" },
        { name: "users", description: "Accounts and their roles in areas" },
        { name: "roles", description: "Roles and the permission catalogue" },
        { name: "areas", description: "The area hierarchy" },
        { name: "audit", description: "The tamper-evident audit trail" },
      ],
      components: {
        securitySchemes: {
          session: { type: "apiKey", in: "cookie", name: "wangge_session" },
          bearer: { type: "http", scheme: "bearer", description: "Personal API token (wgt_…)" },
        },
      },
      security: [{ session: [] }, { bearer: [] }],
    },
    transform: jsonSchemaTransform,
    transformObject: jsonSchemaTransformObject,
  });
  await registerPublic(
    app,
    async (scope) => {
      await scope.register(fastifySwaggerUi, {
        routePrefix: "/api/docs",
        // No validator badge: it would send the API's description to validator.swagger.io.
        uiConfig: { docExpansion: "list", deepLinking: true, validatorUrl: null },
        staticCSP: true,
        transformStaticCSP: strictSwaggerCsp,
      });
    },
    { rateLimited: true },
  );
  app.get("/api/openapi.json", { config: { public: true }, schema: { hide: true } }, async () => app.swagger());

  await app.register(healthRoutes, { config, database });
  await app.register(platformRoutes, { ctx, prefix: "/api/v1" });
  await app.register(authRoutes, { ctx, prefix: "/api/v1" });
  await app.register(usersRoutes, { ctx, prefix: "/api/v1" });
  await app.register(rolesRoutes, { ctx, prefix: "/api/v1" });
  await app.register(areasRoutes, { ctx, prefix: "/api/v1" });
  await app.register(auditRoutes, { ctx, prefix: "/api/v1" });
  await app.register(registryRoutes, { ctx, prefix: "/api/v1" });
  await app.register(visitsRoutes, { ctx, prefix: "/api/v1" });
  await app.register(residentsRoutes, { ctx, prefix: "/api/v1" });
  await app.register(subsidiesRoutes, { ctx, prefix: "/api/v1" });
  await app.register(figuresRoutes, { ctx, prefix: "/api/v1" });
  await app.register(screenRoutes, { ctx, prefix: "/api/v1" });
  await app.register(screenLinkRoutes, { ctx, prefix: "/api/v1" });
  await app.register(riskRoutes, { ctx, prefix: "/api/v1" });
  await app.register(reportsRoutes, { ctx, prefix: "/api/v1" });
  await app.register(disclosuresRoutes, { ctx, prefix: "/api/v1" });
  await app.register(commentsRoutes, { ctx, prefix: "/api/v1" });
  await app.register(proceduresRoutes, { ctx, prefix: "/api/v1" });
  await app.register(projectsRoutes, { ctx, prefix: "/api/v1" });
  await app.register(importsRoutes, { ctx, prefix: "/api/v1" });
  await app.register(keysRoutes, { ctx, prefix: "/api/v1" });
  await app.register(categoriesRoutes, { ctx, prefix: "/api/v1" });
  await app.register(workCalendarRoutes, { ctx, prefix: "/api/v1" });
  await app.register(open311KeysRoutes, { ctx, prefix: "/api/v1" });
  await app.register(eventsRoutes, { ctx, prefix: "/api/v1" });
  await app.register(eventPickersRoutes, { ctx, prefix: "/api/v1" });
  await app.register(eventStreamRoutes, { ctx, prefix: "/api/v1" });
  await app.register(notificationsRoutes, { ctx, prefix: "/api/v1" });
  await app.register(noticesRoutes, { ctx, prefix: "/api/v1" });
  await app.register(broadcastRoutes, { ctx, prefix: "/api/v1" });
  await app.register(eventAttachmentRoutes, { ctx, prefix: "/api/v1" });
  await app.register(disputesRoutes, { ctx, prefix: "/api/v1" });
  await app.register(devicesRoutes, { ctx, prefix: "/api/v1" });
  await app.register(open311Routes, { ctx });
  await registerWebApps(app, config.webDist);

  return app;
}

import type { FastifyInstance } from "fastify";
import type { Logger } from "pino";
import { buildApp, createContext } from "./app.ts";
import { prepareDeployment } from "./bootstrap.ts";
import type { Config } from "./config.ts";
import { type Database, openDatabase } from "./db/database.ts";
import { makePrivate, privateFileCreation } from "./db/private-files.ts";
import { locateIndexFor } from "./modules/areas/area-boundaries.service.ts";
import { startAuditCheckpoints } from "./modules/audit/audit-checkpoints.service.ts";
import { warnAboutAuditTamperRisk } from "./modules/audit/audit-hardening.service.ts";
import { startEscalationTimer } from "./modules/events/escalation.service.ts";
import { startClientErrorPurge } from "./modules/platform/platform.service.ts";
import { startImportReportPurge } from "./modules/registry/import-reports.service.ts";
import { resumeImports } from "./modules/registry/people-import.service.ts";
import { startReportTimer } from "./modules/reports/report-sweep.service.ts";
import { startRiskTimer } from "./modules/risk/risk-sweep.service.ts";
import { VERSION } from "./version.ts";

export interface RunningServer {
  app: FastifyInstance;
  database: Database;
  url: string;
  /** Stops accepting connections, lets in-flight requests finish, then closes the database. */
  stop(): Promise<void>;
}

/** config → database → migrations → (demo data) → app → listen. */
export async function startServer(
  config: Config,
  logger: Logger,
  options: { demo?: boolean } = {},
): Promise<RunningServer> {
  // Key files, uploads, attachments and the embedded database: the server's user's only.
  privateFileCreation();
  makePrivate(config.dataDir);
  const database = await openDatabase(config.database, { command: "serve" });
  let app: FastifyInstance | undefined;
  try {
    const ctx = createContext({ config, database, logger });
    if (ctx.sms.kind === "log")
      logger.warn(
        { smsSender: "log" },
        "WANGGE_SMS_SENDER=log: one-time sign-in codes are written to this log and no SMS is sent (development only)",
      );
    await prepareDeployment(ctx, logger, { demo: options.demo ?? false });
    app = await buildApp({ config, database, logger, crypto: ctx.crypto, sms: ctx.sms });
    // Deadlines that passed while the server was down escalate now; then every 30 seconds.
    const escalation = startEscalationTimer(ctx);
    // Risk rules: evaluated now (catching up after a restart), every minute, and as disputes are reported.
    const risks = startRiskTimer(ctx);
    // Daily, weekly and monthly reports: the ones due and missing a minute after the start (after a restart too), then every 10 minutes.
    const reports = startReportTimer(ctx);
    // Import reports and crash reports past their retention go now and then every hour.
    const purge = startImportReportPurge(ctx);
    const crashReportPurge = startClientErrorPurge(ctx);
    // Checkpoints of the audit trail outside the database: now, every few minutes, and at the stop.
    const checkpoints = startAuditCheckpoints(ctx, config.auditCheckpointMinutes * 60_000);
    // One hook, in this order: Fastify runs onClose hooks last-added first, and the timers need the
    // database until they have stopped (the last checkpoint is written at the stop).
    app.addHook("onClose", async () => {
      await escalation.stop();
      await risks.stop();
      await reports.stop();
      await checkpoints.stop();
      await purge.stop();
      await crashReportPurge.stop();
      await database.close();
      logger.info("database closed");
    });
    await warnAboutAuditTamperRisk(ctx);
    // Routing needs the boundaries in memory: build the index before the first request, not during it.
    const started = performance.now();
    const index = await locateIndexFor(database.db).ready();
    logger.info({ areas: index.size, ms: Math.round(performance.now() - started) }, "locate index built");
    await app.listen({ port: config.port, host: config.host });
    const resumed = await resumeImports(ctx);
    if (resumed > 0) logger.info({ resumed }, "imports interrupted by the last stop started again");
  } catch (error) {
    if (app) await app.close().catch(() => {});
    else await database.close().catch(() => {});
    throw error;
  }
  const address = app.server.address();
  const port = typeof address === "object" && address ? address.port : config.port;
  const url = `http://localhost:${port}`;
  logger.info({ url, database: database.kind, version: VERSION }, "Wangge is serving");
  const running = app;
  return { app: running, database, url, stop: () => running.close() };
}

/** SIGTERM/SIGINT: finish what is in flight (bounded by a timeout), close the database, exit. */
export function stopOnSignals(server: RunningServer, logger: Logger, timeoutMs: number): void {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) {
      logger.warn({ signal }, "second signal: exiting now");
      process.exit(1);
    }
    stopping = true;
    logger.info({ signal }, "shutting down: finishing in-flight requests");
    const timer = setTimeout(() => {
      logger.error({ timeoutMs }, "shutdown timed out; exiting");
      process.exit(1);
    }, timeoutMs);
    timer.unref();
    server.stop().then(
      () => {
        clearTimeout(timer);
        logger.info("stopped");
        logger.flush?.();
        process.exit(0);
      },
      (error: unknown) => {
        logger.error({ err: error }, "error while shutting down");
        process.exit(1);
      },
    );
  };
  process.on("SIGTERM", onSignal);
  process.on("SIGINT", onSignal);
}

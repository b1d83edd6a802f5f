import { createHash } from "node:crypto";
import {
  CLIENT_ERROR_LIMITS,
  type ClientConfig,
  type ClientErrorReportInput,
  type ClientErrorReportResponse,
  DomainError,
  type HealthResponse,
  isSameClientErrorReport,
  redactPersonalNumbers,
  redactUrl,
  SUPPORTED_LOCALES,
  stripUrlQuery,
} from "@wangge/core";
import type { Kysely } from "kysely";
import type { Config } from "../../config.ts";
import type { AppContext } from "../../context.ts";
import type { DatabaseKind } from "../../db/database.ts";
import type { DB } from "../../db/schema.ts";
import { VERSION } from "../../version.ts";
import {
  countClientErrorReportsSince,
  deleteClientErrorReportsBefore,
  findClientErrorReport,
  findMeta,
  insertClientErrorReport,
  lockClientErrorReporter,
  pingDatabase,
  upsertMeta,
} from "./platform.queries.ts";
import type { ClientErrorReportRow } from "./platform.table.ts";

export async function checkHealth(db: Kysely<DB>, kind: DatabaseKind): Promise<HealthResponse> {
  try {
    await pingDatabase(db);
  } catch (error) {
    throw new DomainError("DB_UNAVAILABLE", `the ${kind} database does not answer: ${(error as Error).message}`);
  }
  return { status: "ok", database: kind, version: VERSION };
}

export function getClientConfig(config: Config): ClientConfig {
  return {
    version: VERSION,
    defaultLocale: config.defaultLocale,
    locales: [...SUPPORTED_LOCALES],
    timezone: config.timezone,
    map: { ...config.map },
  };
}

export interface RequestMeta {
  requestId: string;
  userAgent: string | undefined;
  /** The address the request came from (as WANGGE_TRUST_PROXY lets the server see it). */
  ip: string;
}

type ReportCtx = Pick<AppContext, "db" | "config" | "crypto" | "now">;

/** A crash report as it is kept: every text with its ID and phone numbers masked, the stack cut short. */
function storableReport(input: ClientErrorReportInput, meta: RequestMeta) {
  const stack = input.stack?.slice(0, CLIENT_ERROR_LIMITS.storedStackChars);
  return {
    app: input.app,
    message: redactPersonalNumbers(input.message),
    stack: stack === undefined ? null : redactPersonalNumbers(stack),
    // The path can hold numbers too (/resident/13877501131/…): decoded, then masked.
    url: redactUrl(stripUrlQuery(input.url)),
    app_version: input.appVersion === undefined ? null : redactPersonalNumbers(input.appVersion),
    user_agent:
      meta.userAgent === undefined
        ? null
        : redactPersonalNumbers(meta.userAgent.slice(0, CLIENT_ERROR_LIMITS.userAgentChars)),
    occurred_at: new Date(input.occurredAt),
  };
}

/**
 * Stores a crash report once per id: a retry (same content) is answered with the first receipt. A
 * different report under an id already used is stored too, under an id derived from its own id and
 * content, and answered like a new one: crash reports are read by no one over the API, so a conflict
 * would only tell an anonymous caller that a report with that id exists.
 *
 * Anyone may send reports, so what they can make the server keep is bounded: everything is masked
 * (storableReport), one address stores at most WANGGE_CLIENT_ERRORS_PER_HOUR reports an hour (counted
 * by a keyed hash of the address, under a lock of its own; a retry costs nothing), and reports are
 * deleted after WANGGE_CLIENT_ERROR_DAYS (purgeClientErrorReports).
 */
export async function reportClientError(
  ctx: ReportCtx,
  input: ClientErrorReportInput,
  meta: RequestMeta,
): Promise<{ report: ClientErrorReportResponse; created: boolean }> {
  const report = storableReport(input, meta);
  const reporter = ctx.crypto.mac(`client-error:${meta.ip}`);
  const now = ctx.now();
  const answer = (row: ClientErrorReportRow, created: boolean) => ({
    created,
    // The id the client gave, whichever it is stored under.
    report: {
      id: input.id,
      app: row.app as ClientErrorReportInput["app"],
      requestId: row.request_id,
      receivedAt: row.received_at.toISOString(),
    },
  });
  const isRetryOf = (row: ClientErrorReportRow) =>
    isSameClientErrorReport(
      {
        app: row.app as ClientErrorReportInput["app"],
        message: row.message,
        url: row.url,
        occurredAt: row.occurred_at.toISOString(),
      },
      { app: report.app, message: report.message, url: report.url, occurredAt: report.occurred_at.toISOString() },
    );
  return ctx.db.transaction().execute(async (trx) => {
    await lockClientErrorReporter(trx, reporter);
    const first = await findClientErrorReport(trx, input.id);
    if (first && isRetryOf(first)) return answer(first, false);
    const id = first ? derivedReportId(input, report.message) : input.id;
    const derived = first ? await findClientErrorReport(trx, id) : undefined;
    // The derived id's own retry, or — should its content hash collide — a new report all the same.
    if (derived) return answer(derived, false);
    const { perHour } = ctx.config.clientErrors;
    if ((await countClientErrorReportsSince(trx, reporter, new Date(now.getTime() - 3_600_000))) >= perHour)
      throw new DomainError("RATE_LIMITED", `at most ${perHour} crash reports an hour are kept from one address`);
    const row = await insertClientErrorReport(trx, {
      id,
      ...report,
      request_id: meta.requestId,
      received_at: now,
      reporter_mac: reporter,
    });
    // Stored at this moment by a sender elsewhere: answered as a retry of that one.
    if (!row) return answer((await findClientErrorReport(trx, id)) as ClientErrorReportRow, false);
    return answer(row, true);
  });
}

/** A UUID (version 8: vendor-specific) from a report's id and content, so its retries land on it too. */
function derivedReportId(input: ClientErrorReportInput, message: string): string {
  const hex = createHash("sha256")
    .update(
      [input.id, input.app, message, stripUrlQuery(input.url), new Date(input.occurredAt).toISOString()].join("\u0000"),
    )
    .digest("hex");
  const variant = ((Number.parseInt(hex[16] as string, 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** Deletes crash reports received more than the retention period (WANGGE_CLIENT_ERROR_DAYS) ago. */
export function purgeClientErrorReports(ctx: ReportCtx): Promise<number> {
  const cutoff = new Date(ctx.now().getTime() - ctx.config.clientErrors.retentionDays * 86_400_000);
  return deleteClientErrorReportsBefore(ctx.db, cutoff);
}

/** The purge at start and then every hour, until stopped (a purge under way finishes first). */
export function startClientErrorPurge(
  ctx: ReportCtx & Pick<AppContext, "log">,
  intervalMs = 3_600_000,
): { stop(): Promise<void> } {
  let running: Promise<unknown> = Promise.resolve();
  const tick = () => {
    running = purgeClientErrorReports(ctx).then(
      (reports) => {
        if (reports > 0) ctx.log.info({ reports }, "crash reports past their retention removed");
      },
      (err: unknown) => ctx.log.warn({ err }, "crash report purge failed; it runs again later"),
    );
  };
  tick();
  const timer = setInterval(tick, intervalMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}

/** Facts about this deployment kept in `app_meta` (e.g. when the demo data was loaded). */
export function findDeploymentFact(db: Kysely<DB>, key: string): Promise<unknown | undefined> {
  return findMeta(db, key);
}

export function recordDeploymentFact(db: Kysely<DB>, key: string, value: unknown, now: Date): Promise<void> {
  return upsertMeta(db, key, value, now);
}

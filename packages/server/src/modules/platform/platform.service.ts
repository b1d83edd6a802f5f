import { createHash } from "node:crypto";
import {
  type ClientConfig,
  type ClientErrorReportInput,
  type ClientErrorReportResponse,
  DomainError,
  type HealthResponse,
  isSameClientErrorReport,
  redactPersonalNumbers,
  SUPPORTED_LOCALES,
  stripUrlQuery,
} from "@wangge/core";
import type { Kysely } from "kysely";
import type { Config } from "../../config.ts";
import type { DatabaseKind } from "../../db/database.ts";
import type { DB } from "../../db/schema.ts";
import { VERSION } from "../../version.ts";
import { findMeta, insertClientErrorReport, pingDatabase, upsertMeta } from "./platform.queries.ts";

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
}

/**
 * Stores a crash report once per id: a retry (same content) is answered with the first receipt. A
 * different report under an id already used is stored too, under an id derived from its own id and
 * content, and answered like a new one: crash reports are read by no one over the API, so a conflict
 * would only tell an anonymous caller that a report with that id exists.
 */
export async function reportClientError(
  db: Kysely<DB>,
  input: ClientErrorReportInput,
  meta: RequestMeta,
): Promise<{ report: ClientErrorReportResponse; created: boolean }> {
  const message = redactPersonalNumbers(input.message);
  const stored = await storeClientError(db, input.id, input, message, meta);
  if (stored.same) return stored.answer;
  const derived = await storeClientError(db, derivedReportId(input, message), input, message, meta);
  // The derived id's own retry, or — should its content hash collide — a new report all the same.
  return derived.answer;
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

async function storeClientError(
  db: Kysely<DB>,
  id: string,
  input: ClientErrorReportInput,
  message: string,
  meta: RequestMeta,
): Promise<{ same: boolean; answer: { report: ClientErrorReportResponse; created: boolean } }> {
  const { row, created } = await insertClientErrorReport(db, {
    id,
    app: input.app,
    message,
    stack: input.stack === undefined ? null : redactPersonalNumbers(input.stack),
    url: stripUrlQuery(input.url),
    app_version: input.appVersion ?? null,
    user_agent: meta.userAgent?.slice(0, 512) ?? null,
    request_id: meta.requestId,
    occurred_at: new Date(input.occurredAt),
  });
  const stored = {
    app: row.app as ClientErrorReportInput["app"],
    message: row.message,
    url: row.url,
    occurredAt: row.occurred_at.toISOString(),
  };
  return {
    same: created || isSameClientErrorReport(stored, { ...input, message }),
    answer: {
      created,
      // The id the client gave, whichever it is stored under.
      report: { id: input.id, app: stored.app, requestId: row.request_id, receivedAt: row.received_at.toISOString() },
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

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

export async function reportClientError(
  db: Kysely<DB>,
  input: ClientErrorReportInput,
  meta: RequestMeta,
): Promise<{ report: ClientErrorReportResponse; created: boolean }> {
  const message = redactPersonalNumbers(input.message);
  const { row, created } = await insertClientErrorReport(db, {
    id: input.id,
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
  if (!created && !isSameClientErrorReport(stored, { ...input, message })) {
    throw new DomainError("CLIENT_ERROR_ID_CONFLICT", `report ${input.id} already exists with different content`, {
      details: { id: input.id },
    });
  }
  return {
    created,
    report: { id: row.id, app: stored.app, requestId: row.request_id, receivedAt: row.received_at.toISOString() },
  };
}

/** Facts about this deployment kept in `app_meta` (e.g. when the demo data was loaded). */
export function findDeploymentFact(db: Kysely<DB>, key: string): Promise<unknown | undefined> {
  return findMeta(db, key);
}

export function recordDeploymentFact(db: Kysely<DB>, key: string, value: unknown, now: Date): Promise<void> {
  return upsertMeta(db, key, value, now);
}

import {
  AUDIT_GENESIS_HASH,
  type AuditContent,
  auditRowHash,
  authorId,
  type ChainVerdict,
  chainStart,
  chainVerdict,
  DomainError,
  type Principal,
  redactPersonalNumbers,
  verifyChain,
} from "@wangge/core";
import type { Kysely, Transaction } from "kysely";
import type { AppContext, RequestMeta } from "../../context.ts";
import { digest } from "../../crypto/digest.ts";
import type { DB } from "../../db/schema.ts";
import {
  type AuditFilter,
  findLastAuditRow,
  insertAuditRows,
  listAuditRows,
  listAuditRowsAscending,
  lockAuditChain,
} from "./audit.queries.ts";
import type { AuditLogRow } from "./audit.table.ts";

/**
 * The audit trail: append-only (the database refuses UPDATE, DELETE and TRUNCATE), hash-chained, and
 * written in the same transaction as the change it records, so a change never lands without its
 * record. Retained forever by the application; exported for archiving.
 */
export interface AuditEntry {
  action: string;
  outcome: "success" | "failure" | "denied";
  actor?: { userId: string | null; username: string | null } | null;
  meta?: RequestMeta | null;
  targetType?: string | null;
  targetId?: string | null;
  areaPath?: string | null;
  reason?: string | null;
  details?: Record<string, unknown>;
}

export function auditAlgorithm(ctx: Pick<AppContext, "config">): "sha256" | "sm3" {
  return ctx.config.crypto === "gm" ? "sm3" : "sha256";
}

/**
 * Text as the database stores it. The driver encodes strings as UTF-8, writing a lone surrogate as
 * U+FFFD; text and jsonb cannot hold NUL at all (the insert would fail, and the change with it). A
 * row's hash must cover what is stored, or `audit verify` fails on a row nobody touched: whatever a
 * route, the CLI or a service passes is put in that form first (the request edge refuses such text
 * from clients, so this only matters for what slips past it).
 */
function storableText(text: string): string {
  return text.toWellFormed().replaceAll("\u0000", "\uFFFD");
}

const storableOrNull = (text: string | null | undefined) => (text == null ? null : storableText(text));

/**
 * Details as jsonb gives them back: JSON's own form (a Date becomes its ISO string, undefined and
 * functions go), every string and property name storable.
 */
function storableDetails(details: Record<string, unknown>): Record<string, unknown> {
  return JSON.parse(JSON.stringify(details), function (this: unknown, _key, value: unknown) {
    if (typeof value === "string") return storableText(value);
    if (value === null || typeof value !== "object" || Array.isArray(value)) return value;
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.every(([k]) => storableText(k) === k)) return value;
    // A name that changes may meet another one: the later wins, as jsonb keeps the last duplicate.
    return Object.fromEntries(entries.map(([k, v]) => [storableText(k), v]));
  }) as Record<string, unknown>;
}

/**
 * The time is read inside the lock that orders the chain, and never earlier than the last row's: a
 * transaction that waited for the lock, or a clock stepped back, cannot put a row before its
 * predecessor in time.
 */
async function appendInTransaction(
  trx: Transaction<DB>,
  algorithm: string,
  clock: () => Date,
  entries: AuditEntry[],
): Promise<number> {
  await lockAuditChain(trx);
  const last = await findLastAuditRow(trx);
  const read = clock();
  const now = last && last.occurred_at > read ? new Date(last.occurred_at) : read;
  let seq = last?.seq ?? 0;
  let prevHash = last?.hash ?? AUDIT_GENESIS_HASH;
  const rows = entries.map((entry) => {
    seq += 1;
    // Exactly what the row will hold (storableText), so the hash is the hash of the stored row.
    const content: AuditContent = {
      seq,
      occurredAt: now.toISOString(),
      // A uuid column gives its value back in lower case.
      actorUserId: entry.actor?.userId?.toLowerCase() ?? null,
      actorUsername: storableOrNull(entry.actor?.username),
      ip: storableOrNull(entry.meta?.ip),
      userAgent: storableOrNull(entry.meta?.userAgent?.slice(0, 512)),
      action: storableText(entry.action),
      targetType: storableOrNull(entry.targetType),
      targetId: storableOrNull(entry.targetId),
      areaPath: storableOrNull(entry.areaPath),
      outcome: entry.outcome,
      // A reason is typed by a person: a number in it is masked like any stored free text.
      reason: entry.reason == null ? null : storableText(redactPersonalNumbers(entry.reason)),
      details: storableDetails({
        ...(entry.details ?? {}),
        ...(entry.meta?.requestId ? { requestId: entry.meta.requestId } : {}),
      }),
    };
    const hash = auditRowHash(digest, algorithm, prevHash, content);
    const row = {
      seq,
      occurred_at: now,
      actor_user_id: content.actorUserId,
      actor_username: content.actorUsername,
      ip: content.ip,
      user_agent: content.userAgent,
      action: content.action,
      target_type: content.targetType,
      target_id: content.targetId,
      area_path: content.areaPath,
      outcome: content.outcome,
      reason: content.reason,
      details: JSON.stringify(content.details),
      hash_alg: algorithm,
      prev_hash: prevHash,
      hash,
    };
    prevHash = hash;
    return row;
  });
  for (let i = 0; i < rows.length; i += 500) await insertAuditRows(trx, rows.slice(i, i + 500));
  return seq;
}

/** Appends one record; joins the caller's transaction when given one, else runs its own. */
export async function recordAudit(
  ctx: Pick<AppContext, "config" | "now">,
  db: Kysely<DB> | Transaction<DB>,
  entry: AuditEntry,
): Promise<number> {
  const algorithm = auditAlgorithm(ctx);
  if (db.isTransaction) return appendInTransaction(db as Transaction<DB>, algorithm, () => ctx.now(), [entry]);
  return db.transaction().execute((trx) => appendInTransaction(trx, algorithm, () => ctx.now(), [entry]));
}

/**
 * Records that an actor was refused an action on a record of an area and gives the AUTH_FORBIDDEN
 * error to throw: a refusal always leaves its trace in the trail.
 */
export async function refusal(
  ctx: Pick<AppContext, "config" | "now" | "db">,
  actor: Principal,
  meta: RequestMeta,
  target: { action: string; type: string; id: string; areaPath: string; reason?: string },
  message: string,
): Promise<DomainError> {
  await recordAudit(ctx, ctx.db, {
    action: target.action,
    outcome: "denied",
    actor: { userId: authorId(actor), username: actor.username },
    meta,
    targetType: target.type,
    targetId: target.id,
    areaPath: target.areaPath,
    ...(target.reason === undefined ? {} : { reason: target.reason }),
  });
  return new DomainError("AUTH_FORBIDDEN", message);
}

/** Appends many records at once (one lock, one read of the chain's end), inside the caller's transaction. */
export async function recordAuditBatch(
  ctx: Pick<AppContext, "config" | "now">,
  trx: Transaction<DB>,
  entries: AuditEntry[],
): Promise<number> {
  if (entries.length === 0) return 0;
  return appendInTransaction(trx, auditAlgorithm(ctx), () => ctx.now(), entries);
}

export function toAuditContent(row: AuditLogRow): AuditContent {
  return {
    seq: Number(row.seq),
    occurredAt: row.occurred_at.toISOString(),
    actorUserId: row.actor_user_id,
    actorUsername: row.actor_username,
    ip: row.ip,
    userAgent: row.user_agent,
    action: row.action,
    targetType: row.target_type,
    targetId: row.target_id,
    areaPath: row.area_path,
    outcome: row.outcome,
    reason: row.reason,
    details: row.details,
  };
}

export async function listAudit(db: Kysely<DB>, filter: AuditFilter, limit: number) {
  const rows = await listAuditRows(db, filter, limit + 1);
  const page = rows.slice(0, limit);
  return { items: page, nextBeforeSeq: rows.length > limit ? Number(page.at(-1)?.seq) : null };
}

/** Walks the whole trail in order, in batches, to its end; names every run of bad rows. */
export async function verifyAuditTrail(db: Kysely<DB>, batchSize = 2000): Promise<ChainVerdict> {
  const walk = chainStart();
  let afterSeq = 0;
  for (;;) {
    const rows = await listAuditRowsAscending(db, afterSeq, batchSize);
    if (rows.length === 0) return chainVerdict(walk);
    verifyChain(
      rows.map((r) => ({ content: toAuditContent(r), algorithm: r.hash_alg, prevHash: r.prev_hash, hash: r.hash })),
      digest,
      walk,
    );
    afterSeq = Number(rows.at(-1)?.seq);
  }
}

/** Every row in order with its hashes, as NDJSON lines, for archiving (a reader can re-verify it). */
export async function* exportAuditTrail(
  db: Kysely<DB>,
  range: { from?: Date; to?: Date } = {},
): AsyncGenerator<string> {
  let afterSeq = 0;
  for (;;) {
    const rows = await listAuditRowsAscending(db, afterSeq, 2000);
    if (rows.length === 0) return;
    for (const row of rows) {
      if (range.from && row.occurred_at < range.from) continue;
      if (range.to && row.occurred_at >= range.to) continue;
      yield `${JSON.stringify({ ...toAuditContent(row), hashAlg: row.hash_alg, prevHash: row.prev_hash, hash: row.hash })}\n`;
    }
    afterSeq = Number(rows.at(-1)?.seq);
  }
}

import { type Kysely, sql, type Transaction } from "kysely";
import type { DB } from "../../db/schema.ts";
import type { AuditLogRow, AuditLogTable } from "./audit.table.ts";

type Db = Kysely<DB> | Transaction<DB>;

/** Any constant: serialises appends so each row links to the one before it. */
const AUDIT_CHAIN_LOCK = 80_421_107;

export async function lockAuditChain(trx: Transaction<DB>): Promise<void> {
  await sql`select pg_advisory_xact_lock(${AUDIT_CHAIN_LOCK})`.execute(trx);
}

export async function findLastAuditRow(db: Db): Promise<Pick<AuditLogRow, "seq" | "hash"> | undefined> {
  return db.selectFrom("audit_log").select(["seq", "hash"]).orderBy("seq", "desc").limit(1).executeTakeFirst();
}

export async function insertAuditRows(
  db: Db,
  rows: (Omit<AuditLogTable, "details"> & { details: string })[],
): Promise<void> {
  await db.insertInto("audit_log").values(rows).execute();
}

export interface AuditFilter {
  from?: Date | undefined;
  to?: Date | undefined;
  actorUserId?: string | undefined;
  actorUsername?: string | undefined;
  action?: string | undefined;
  targetType?: string | undefined;
  targetId?: string | undefined;
  outcome?: "success" | "failure" | "denied" | undefined;
  beforeSeq?: number | undefined;
}

export async function listAuditRows(db: Db, filter: AuditFilter, limit: number): Promise<AuditLogRow[]> {
  let q = db.selectFrom("audit_log").selectAll();
  if (filter.from) q = q.where("occurred_at", ">=", filter.from);
  if (filter.to) q = q.where("occurred_at", "<", filter.to);
  if (filter.actorUserId) q = q.where("actor_user_id", "=", filter.actorUserId);
  if (filter.actorUsername) q = q.where("actor_username", "=", filter.actorUsername);
  if (filter.action) q = q.where("action", "like", `${filter.action.replace(/[%_\\]/g, "\\$&")}%`);
  if (filter.targetType) q = q.where("target_type", "=", filter.targetType);
  if (filter.targetId) q = q.where("target_id", "=", filter.targetId);
  if (filter.outcome) q = q.where("outcome", "=", filter.outcome);
  if (filter.beforeSeq) q = q.where("seq", "<", filter.beforeSeq);
  return q.orderBy("seq", "desc").limit(limit).execute();
}

export async function listAuditRowsAscending(db: Db, afterSeq: number, limit: number): Promise<AuditLogRow[]> {
  return db
    .selectFrom("audit_log")
    .selectAll()
    .where("seq", ">", afterSeq)
    .orderBy("seq", "asc")
    .limit(limit)
    .execute();
}

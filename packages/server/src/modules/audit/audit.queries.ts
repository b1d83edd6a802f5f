import { type Kysely, sql, type Transaction } from "kysely";
import type { DB } from "../../db/schema.ts";
import type { AuditLogRow, AuditLogTable } from "./audit.table.ts";

type Db = Kysely<DB> | Transaction<DB>;

/** Any constant: serialises appends so each row links to the one before it. */
const AUDIT_CHAIN_LOCK = 80_421_107;

export async function lockAuditChain(trx: Transaction<DB>): Promise<void> {
  await sql`select pg_advisory_xact_lock(${AUDIT_CHAIN_LOCK})`.execute(trx);
}

export async function findLastAuditRow(
  db: Db,
): Promise<Pick<AuditLogRow, "seq" | "hash" | "occurred_at" | "hash_alg"> | undefined> {
  return db
    .selectFrom("audit_log")
    .select(["seq", "hash", "occurred_at", "hash_alg"])
    .orderBy("seq", "desc")
    .limit(1)
    .executeTakeFirst();
}

/** Rows with afterSeq < seq ≤ upToSeq (the whole trail without bounds). */
export async function countAuditRows(db: Db, range: { afterSeq?: number; upToSeq?: number } = {}): Promise<number> {
  let q = db.selectFrom("audit_log").select((eb) => eb.fn.countAll<number>().as("n"));
  if (range.afterSeq !== undefined) q = q.where("seq", ">", range.afterSeq);
  if (range.upToSeq !== undefined) q = q.where("seq", "<=", range.upToSeq);
  const row = await q.executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function findAuditHashes(db: Db, seqs: readonly number[]): Promise<Map<number, string>> {
  const found = new Map<number, string>();
  for (let i = 0; i < seqs.length; i += 1000) {
    const rows = await db
      .selectFrom("audit_log")
      .select(["seq", "hash"])
      .where("seq", "in", seqs.slice(i, i + 1000))
      .execute();
    for (const r of rows) found.set(Number(r.seq), r.hash);
  }
  return found;
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

export interface AuditTableGuard {
  role: string;
  superuser: boolean;
  ownsTable: boolean;
  ownsFunction: boolean;
  ownsSchema: boolean;
  /** Both append-only triggers exist and fire (enabled, or enabled always). */
  triggersOn: boolean;
  /** Both fire even with session_replication_role = replica. */
  triggersAlways: boolean;
  tableOwner: string;
}

/**
 * PostgreSQL: what a role (the connected one by default) can do to the audit table's protection. A
 * role that is a member of the table's owner can disable its triggers (ALTER TABLE … DISABLE
 * TRIGGER); of the trigger function's owner, replace the function; of the schema's owner, drop the
 * table; a superuser can do all of it.
 */
export async function findAuditTableGuard(db: Db, role?: string): Promise<AuditTableGuard | undefined> {
  const who = role === undefined ? sql`current_user` : sql`${role}::name`;
  const result = await sql<AuditTableGuard>`
    select ${who} as role,
      coalesce((select rolsuper from pg_roles where rolname = ${who}), false) as superuser,
      pg_has_role(${who}, c.relowner, 'MEMBER') as owns_table,
      coalesce((select bool_or(pg_has_role(${who}, p.proowner, 'MEMBER'))
        from pg_trigger t join pg_proc p on p.oid = t.tgfoid
        where t.tgrelid = c.oid and t.tgname in ('audit_log_no_update', 'audit_log_no_truncate')), false) as owns_function,
      pg_has_role(${who}, n.nspowner, 'MEMBER') as owns_schema,
      (select count(*) = 2 and bool_and(t.tgenabled in ('O', 'A')) from pg_trigger t
        where t.tgrelid = c.oid and t.tgname in ('audit_log_no_update', 'audit_log_no_truncate')) as triggers_on,
      (select count(*) = 2 and bool_and(t.tgenabled = 'A') from pg_trigger t
        where t.tgrelid = c.oid and t.tgname in ('audit_log_no_update', 'audit_log_no_truncate')) as triggers_always,
      pg_get_userbyid(c.relowner) as table_owner
    from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where c.oid = to_regclass('audit_log')`.execute(db);
  const row = result.rows[0] as unknown as Record<string, unknown> | undefined;
  if (!row) return undefined;
  return {
    role: String(row.role),
    superuser: Boolean(row.superuser),
    ownsTable: Boolean(row.owns_table),
    ownsFunction: Boolean(row.owns_function),
    ownsSchema: Boolean(row.owns_schema),
    triggersOn: Boolean(row.triggers_on),
    triggersAlways: Boolean(row.triggers_always),
    tableOwner: String(row.table_owner),
  };
}

export async function roleExists(db: Db, role: string): Promise<boolean> {
  const result = await sql<{ n: number }>`select count(*)::int as n from pg_roles where rolname = ${role}`.execute(db);
  return Number(result.rows[0]?.n) > 0;
}

/**
 * Gives the audit table and its trigger function to `owner`, leaves `app` INSERT and SELECT only, and
 * makes the triggers fire always (also under session_replication_role = replica).
 */
export async function hardenAuditTableSql(trx: Transaction<DB>, owner: string, app: string): Promise<void> {
  const o = sql.id(owner);
  const a = sql.id(app);
  await sql`alter table audit_log owner to ${o}`.execute(trx);
  await sql`alter function audit_log_append_only() owner to ${o}`.execute(trx);
  await sql`alter table audit_log enable always trigger audit_log_no_update`.execute(trx);
  await sql`alter table audit_log enable always trigger audit_log_no_truncate`.execute(trx);
  await sql`revoke all on audit_log from public`.execute(trx);
  await sql`revoke all on audit_log from ${a}`.execute(trx);
  await sql`grant select, insert on audit_log to ${a}`.execute(trx);
}

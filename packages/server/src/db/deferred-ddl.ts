import { type Kysely, type Selectable, sql, type Transaction } from "kysely";
import type { DeferredDdlTable } from "../modules/platform/platform.table.ts";
import type { DB } from "./schema.ts";

/**
 * Loading a large file into an empty table without keeping its secondary indexes and foreign keys
 * up to date row by row, as pg_restore does: they are set aside before the load and built again
 * after it, each in one pass over the table. On PostgreSQL, copying a million people into `person`
 * with its seven secondary indexes and three foreign keys costs about 34 µs of the server's time per
 * row; without them about 6 µs, and building them afterwards about 5 µs.
 *
 * What stays: the primary key and every unique index, so a duplicate is still refused during the
 * load, and look-ups by them stay fast. What goes meanwhile: searches that need the other indexes
 * read the whole table (correct, slower), and the foreign keys are not checked (the loader writes
 * only references it has just looked up or created).
 *
 * The definitions are written to `deferred_ddl` in the transaction that drops them, so if the process
 * stops during the load, the next start (`restoreDeferred`, run before migrations) builds them again.
 * A foreign key comes back NOT VALID first (checked for new rows at once) and is then validated
 * without blocking writes; if some row no longer matches, it stays NOT VALID and is reported.
 */

const IDENTIFIER = /^[a-z_][a-z0-9_]*$/;

export interface RestoreReport {
  indexes: string[];
  foreignKeys: string[];
  /** Foreign keys rebuilt but not validated, because some row does not satisfy them. */
  unvalidated: string[];
}

const LOCK_NOT_AVAILABLE = "55P03";

/**
 * Sets aside `table`'s non-unique indexes and its foreign keys; returns how many (0 when another load
 * already did, there are none, or the table is busy). Takes the table's exclusive lock for the moment
 * it drops them, but waits for it at most `lockTimeoutMs`: while a request for that lock waits, every
 * other reader of the table queues behind it, so behind a long report the load goes on without.
 */
export async function deferIndexes(
  db: Kysely<DB>,
  table: string,
  options: { lockTimeoutMs?: number } = {},
): Promise<number> {
  if (!IDENTIFIER.test(table)) throw new Error(`not a plain table name: ${table}`);
  const timeout = Math.max(1, Math.round(options.lockTimeoutMs ?? 2000));
  try {
    return await db.transaction().execute(async (trx) => {
      await sql.raw(`set local lock_timeout = ${timeout}`).execute(trx);
      // Locked first, so two loads starting together do not both read the catalogue before either drops.
      await sql`lock table ${sql.table(table)} in access exclusive mode`.execute(trx);
      return setAside(trx, table);
    });
  } catch (error) {
    if ((error as { code?: string }).code === LOCK_NOT_AVAILABLE) return 0;
    throw error;
  }
}

async function setAside(trx: Transaction<DB>, table: string): Promise<number> {
  const indexes = await sql<{ schema: string; name: string; definition: string }>`
      select n.nspname as schema, c.relname as name, pg_get_indexdef(c.oid) as definition
      from pg_index i
      join pg_class c on c.oid = i.indexrelid
      join pg_namespace n on n.oid = c.relnamespace
      where i.indrelid = ${table}::regclass and not i.indisunique and not i.indisprimary
        and not exists (select 1 from pg_constraint k where k.conindid = c.oid and k.conrelid = i.indrelid)
      order by c.relname`.execute(trx);
  const keys = await sql<{ name: string; definition: string }>`
      select conname as name, pg_get_constraintdef(oid) as definition
      from pg_constraint where conrelid = ${table}::regclass and contype = 'f'
      order by conname`.execute(trx);
  const rows = [
    ...indexes.rows.map((r) => ({
      table_name: table,
      name: r.name,
      kind: "index" as const,
      definition: r.definition,
    })),
    ...keys.rows.map((r) => ({
      table_name: table,
      name: r.name,
      kind: "foreign_key" as const,
      definition: r.definition,
    })),
  ];
  if (rows.length === 0) return 0;
  await trx.insertInto("deferred_ddl").values(rows).execute();
  for (const r of indexes.rows) await sql`drop index ${sql.id(r.schema, r.name)}`.execute(trx);
  for (const r of keys.rows) await sql`alter table ${sql.table(table)} drop constraint ${sql.id(r.name)}`.execute(trx);
  return rows.length;
}

async function rebuild(trx: Transaction<DB>, row: Selectable<DeferredDdlTable>): Promise<void> {
  if (row.kind === "index") {
    const { rows } = await sql<{ present: boolean }>`
      select exists (select 1 from pg_index i join pg_class c on c.oid = i.indexrelid
        where i.indrelid = ${row.table_name}::regclass and c.relname = ${row.name}) as present`.execute(trx);
    if (!rows[0]?.present) await sql.raw(row.definition).execute(trx);
    return;
  }
  const { rows } = await sql<{ present: boolean }>`
    select exists (select 1 from pg_constraint
      where conrelid = ${row.table_name}::regclass and conname = ${row.name}) as present`.execute(trx);
  const definition = /\bNOT VALID$/.test(row.definition) ? row.definition : `${row.definition} NOT VALID`;
  if (!rows[0]?.present)
    await sql`alter table ${sql.table(row.table_name)} add constraint ${sql.id(row.name)} ${sql.raw(definition)}`.execute(
      trx,
    );
}

async function hasDeferredTable(db: Kysely<DB>): Promise<boolean> {
  const { rows } = await sql<{ present: boolean }>`select to_regclass('deferred_ddl') is not null as present`.execute(
    db,
  );
  return rows[0]?.present === true;
}

/**
 * Builds again what `deferIndexes` set aside (for one table, some, or all): indexes first, the largest
 * table's first, then foreign keys. Each is built and forgotten in one transaction; rows another
 * restorer is rebuilding are skipped, so several restorers share the work.
 */
export async function restoreDeferred(db: Kysely<DB>, tables?: string | readonly string[]): Promise<RestoreReport> {
  const only = typeof tables === "string" ? [tables] : tables;
  const report: RestoreReport = { indexes: [], foreignKeys: [], unvalidated: [] };
  if (!(await hasDeferredTable(db))) return report;
  for (;;) {
    const done = await db.transaction().execute(async (trx) => {
      const row = await trx
        .selectFrom("deferred_ddl")
        .selectAll()
        .$if(only !== undefined, (q) => q.where("table_name", "in", only as string[]))
        // 'index' sorts after 'foreign_key': indexes first. The largest table's first, so that two
        // restorers do not end with one building a big index while the other has nothing left.
        .orderBy("kind", "desc")
        .orderBy(sql`coalesce(pg_total_relation_size(to_regclass(table_name)), 0)`, "desc")
        .orderBy("table_name")
        .orderBy("name")
        .limit(1)
        .forUpdate()
        .skipLocked()
        .executeTakeFirst();
      if (!row) return undefined;
      // A table dropped by hand meanwhile leaves nothing to build on; its row is just forgotten.
      const { rows } = await sql<{
        present: boolean;
      }>`select to_regclass(${row.table_name}) is not null as present`.execute(trx);
      const built = rows[0]?.present === true;
      if (built) await rebuild(trx, row);
      await trx
        .deleteFrom("deferred_ddl")
        .where("table_name", "=", row.table_name)
        .where("name", "=", row.name)
        .execute();
      return built ? row : null;
    });
    if (done === undefined) break;
    if (done === null) continue;
    if (done.kind === "index") {
      report.indexes.push(done.name);
      continue;
    }
    report.foreignKeys.push(done.name);
    // A key that was NOT VALID when set aside comes back as it was.
    if (/\bNOT VALID$/.test(done.definition)) continue;
    // Validating reads the whole table but lets writes go on (SHARE UPDATE EXCLUSIVE).
    try {
      await sql`alter table ${sql.table(done.table_name)} validate constraint ${sql.id(done.name)}`.execute(db);
    } catch (error) {
      if ((error as { code?: string }).code !== "23503") throw error;
      report.unvalidated.push(done.name);
    }
  }
  return report;
}

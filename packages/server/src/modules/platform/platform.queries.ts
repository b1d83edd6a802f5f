import { type Kysely, sql, type Transaction } from "kysely";
import type { DB } from "../../db/schema.ts";
import type { ClientErrorReportRow, NewClientErrorReportRow } from "./platform.table.ts";

type Db = Kysely<DB> | Transaction<DB>;

export async function pingDatabase(db: Db): Promise<void> {
  await sql`select 1`.execute(db);
}

export async function findMeta(db: Db, key: string): Promise<unknown | undefined> {
  const row = await db.selectFrom("app_meta").select("value").where("key", "=", key).executeTakeFirst();
  return row?.value;
}

export async function upsertMeta(db: Db, key: string, value: unknown, now: Date): Promise<void> {
  const json = JSON.stringify(value);
  await db
    .insertInto("app_meta")
    .values({ key, value: json, updated_at: now })
    .onConflict((oc) => oc.column("key").doUpdateSet({ value: json, updated_at: now }))
    .execute();
}

/** Inserts unless the id exists; returns the stored row and whether this call created it. */
export async function insertClientErrorReport(
  db: Db,
  row: NewClientErrorReportRow,
): Promise<{ row: ClientErrorReportRow; created: boolean }> {
  const inserted = await db
    .insertInto("client_error_report")
    .values(row)
    .onConflict((oc) => oc.column("id").doNothing())
    .returningAll()
    .executeTakeFirst();
  if (inserted) return { row: inserted, created: true };
  const existing = await db
    .selectFrom("client_error_report")
    .selectAll()
    .where("id", "=", row.id)
    .executeTakeFirstOrThrow();
  return { row: existing, created: false };
}

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

export async function findClientErrorReport(db: Db, id: string): Promise<ClientErrorReportRow | undefined> {
  return db.selectFrom("client_error_report").selectAll().where("id", "=", id).executeTakeFirst();
}

/** Inserts unless the id exists (undefined then). */
export async function insertClientErrorReport(
  db: Db,
  row: NewClientErrorReportRow,
): Promise<ClientErrorReportRow | undefined> {
  return db
    .insertInto("client_error_report")
    .values(row)
    .onConflict((oc) => oc.column("id").doNothing())
    .returningAll()
    .executeTakeFirst();
}

/** Serialises the reports of one sender (its keyed address hash) until the transaction ends. */
export async function lockClientErrorReporter(db: Transaction<DB>, reporterMac: string): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtext(${`client-error:${reporterMac}`}))`.execute(db);
}

export async function countClientErrorReportsSince(db: Db, reporterMac: string, since: Date): Promise<number> {
  const row = await db
    .selectFrom("client_error_report")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("reporter_mac", "=", reporterMac)
    .where("received_at", ">", since)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Deletes the reports received before `cutoff`; returns how many. */
export async function deleteClientErrorReportsBefore(db: Db, cutoff: Date): Promise<number> {
  const result = await db.deleteFrom("client_error_report").where("received_at", "<", cutoff).executeTakeFirst();
  return Number(result.numDeletedRows);
}

import { type Insertable, type Kysely, sql, type Transaction, type Updateable } from "kysely";
import type { DB } from "../../db/schema.ts";
import type { ImportJobRow, ImportJobTable } from "./registry.table.ts";

type Db = Kysely<DB> | Transaction<DB>;

export async function insertJob(db: Db, row: Insertable<ImportJobTable>): Promise<void> {
  await db.insertInto("import_job").values(row).execute();
}

export async function findJob(db: Db, id: string): Promise<ImportJobRow | undefined> {
  return db.selectFrom("import_job").selectAll().where("id", "=", id).executeTakeFirst();
}

export async function updateJob(db: Db, id: string, set: Updateable<ImportJobTable>): Promise<void> {
  await db.updateTable("import_job").set(set).where("id", "=", id).execute();
}

/** A user's newest jobs. */
export async function listJobsOf(db: Db, userId: string | null, limit: number): Promise<ImportJobRow[]> {
  return db
    .selectFrom("import_job")
    .selectAll()
    .where("created_by", "=", userId)
    .orderBy("created_at", "desc")
    .limit(limit)
    .execute();
}

/** Jobs queued or running (when the server starts: those it stopped in the middle of). */
export async function listUnfinishedJobs(db: Db) {
  return db
    .selectFrom("import_job")
    .select(["id", "file_name", "created_by"])
    .where("status", "in", ["queued", "running"])
    .execute();
}

/** Whether a table an import fills has no row yet (a first load). */
export async function isTableEmpty(db: Db, table: "person" | "place" | "household"): Promise<boolean> {
  return !(await db.selectFrom(table).select("id").limit(1).executeTakeFirst());
}

/**
 * The planner's statistics of the tables an import filled: PGlite has no autovacuum to refresh them.
 * People on one connection, the rest on another: on PostgreSQL the two run at once.
 */
export async function analyzeImportedTables(db: Kysely<DB>): Promise<void> {
  await Promise.all([sql`analyze person`.execute(db), sql`analyze household, place, subject_tag`.execute(db)]);
}

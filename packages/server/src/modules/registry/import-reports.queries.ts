import type { Insertable, Kysely, Transaction } from "kysely";
import type { DB } from "../../db/schema.ts";
import type { ImportRejectionTable } from "./registry.table.ts";

type Db = Kysely<DB> | Transaction<DB>;

export async function insertRejections(db: Db, rows: Insertable<ImportRejectionTable>[]): Promise<void> {
  if (rows.length === 0) return;
  await db
    .insertInto("import_rejection")
    .values(rows)
    .onConflict((oc) => oc.columns(["job_id", "row"]).doNothing())
    .execute();
}

export async function deleteRejectionsOf(db: Db, jobId: string): Promise<void> {
  await db.deleteFrom("import_rejection").where("job_id", "=", jobId).execute();
}

/** A page of a job's rejected rows in file order, after `afterRow`. */
export async function listRejections(db: Db, jobId: string, afterRow: number, limit: number) {
  return db
    .selectFrom("import_rejection")
    .selectAll()
    .where("job_id", "=", jobId)
    .where("row", ">", afterRow)
    .orderBy("row")
    .limit(limit)
    .execute();
}

/**
 * Removes the rejected rows of jobs that ended (or, never ending, began) before `cutoff` and marks
 * their reports gone; returns the jobs purged.
 */
export async function purgeRejectionsBefore(db: Kysely<DB>, cutoff: Date, now: Date): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const jobs = await trx
      .selectFrom("import_job")
      .select("id")
      .where("report_purged_at", "is", null)
      .where((eb) =>
        eb.or([eb("finished_at", "<", cutoff), eb.and([eb("finished_at", "is", null), eb("created_at", "<", cutoff)])]),
      )
      .execute();
    if (jobs.length === 0) return 0;
    const ids = jobs.map((j) => j.id);
    await trx.deleteFrom("import_rejection").where("job_id", "in", ids).execute();
    await trx
      .updateTable("import_job")
      .set({ report_purged_at: now, report_header: null })
      .where("id", "in", ids)
      .execute();
    return ids.length;
  });
}

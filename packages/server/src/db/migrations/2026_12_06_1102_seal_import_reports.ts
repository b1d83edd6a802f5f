import { type Kysely, sql } from "kysely";

/**
 * An import's rejected rows were kept as given, ID and phone numbers in clear, in `import_job.report`
 * (an XLSX) and never removed (issue #16, item 11). They are now one row each in `import_rejection`:
 * the cells and reasons with personal numbers masked (server/src/privacy/free-text.ts), the originals
 * encrypted beside them for the importer's report, and removed after the retention period
 * (WANGGE_IMPORT_REPORT_DAYS). Reports made before this version cannot be sealed here (the
 * key is not in the database): they are dropped — importing the same file again (which changes
 * nothing) gives the report back.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table import_rejection (
      id uuid primary key,
      job_id uuid not null references import_job(id) on delete cascade,
      row integer not null,
      cells text[] not null,
      cells_sealed text,
      reasons text not null,
      reasons_sealed text
    )`.execute(db);
  await sql`create unique index import_rejection_job_row_idx on import_rejection (job_id, row)`.execute(db);
  await sql`
    alter table import_job
      add column report_header text[],
      add column report_purged_at timestamptz`.execute(db);
  await sql`update import_job set report_purged_at = now() where report is not null`.execute(db);
  await sql`update import_job set report = null where report is not null`.execute(db);
  await sql`alter table import_job drop column report`.execute(db);
}

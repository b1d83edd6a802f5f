import { type Kysely, sql } from "kysely";

/**
 * Residents' questions may be asked on any published item, not only a disclosure: a comment names
 * exactly one of a disclosure, a procedure guide or a livelihood project (objections stay on
 * disclosures, the service checks it). Existing comments are disclosures' and keep their column.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table comment alter column disclosure_id drop not null`.execute(db);
  await sql`alter table comment add column procedure_id uuid references procedure(id)`.execute(db);
  await sql`alter table comment add column project_id uuid references project(id)`.execute(db);
  await sql`
    alter table comment add constraint comment_one_subject
    check (num_nonnulls(disclosure_id, procedure_id, project_id) = 1)`.execute(db);
  await sql`
    alter table comment add constraint comment_objection_on_disclosure
    check (kind = 'question' or disclosure_id is not null)`.execute(db);
  await sql`create index comment_procedure_idx on comment (procedure_id, created_at) where procedure_id is not null`.execute(
    db,
  );
  await sql`create index comment_project_idx on comment (project_id, created_at) where project_id is not null`.execute(
    db,
  );
}

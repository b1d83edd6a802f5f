import { type Kysely, sql } from "kysely";

/**
 * Every completion acceptance (验收) of a livelihood project as a row of its own: a failed one stays in
 * the public record with its rectification items when the next one is recorded. The one acceptance a
 * project held until now moves here with all its data (it signed by no listed role: the list starts
 * empty); the project keeps only the latest result, which its stage and its lock are read from.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table project_acceptance (
      id uuid primary key,
      project_id uuid not null references project(id),
      accepted_on date not null,
      accepted_by text not null,
      result text not null check (result in ('passed', 'failed')),
      note text not null default '',
      rectifications jsonb not null default '[]',
      signatories jsonb not null default '[]',
      document_file_id uuid references project_file(id),
      recorded_at timestamptz not null,
      recorded_by uuid
    )`.execute(db);
  await sql`create index project_acceptance_idx on project_acceptance (project_id, accepted_on, recorded_at)`.execute(
    db,
  );
  await sql`
    insert into project_acceptance
      (id, project_id, accepted_on, accepted_by, result, note, document_file_id, recorded_at, recorded_by)
    select gen_random_uuid(), id, accepted_on, coalesce(accepted_by, ''), acceptance_result,
           coalesce(acceptance_note, ''), acceptance_file_id, coalesce(acceptance_recorded_at, updated_at),
           acceptance_recorded_by
      from project
     where acceptance_result is not null and accepted_on is not null`.execute(db);
  for (const column of [
    "accepted_on",
    "accepted_by",
    "acceptance_note",
    "acceptance_file_id",
    "acceptance_recorded_at",
    "acceptance_recorded_by",
  ])
    await sql`alter table project drop column ${sql.ref(column)}`.execute(db);
}

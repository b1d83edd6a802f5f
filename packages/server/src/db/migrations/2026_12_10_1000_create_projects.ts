import { type Kysely, sql } from "kysely";

/**
 * Livelihood projects (民生项目) of a village or township: the current content (budget in integer fen,
 * funding source, contractor, dates), every published version kept with the reason of its correction,
 * milestones with planned and actual dates, progress photos and the acceptance document (stored once by
 * digest, location metadata removed, like disclosures' files), and the completion acceptance (验收).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table project (
      id uuid primary key,
      area_id uuid not null references area(id),
      area_path text not null,
      title text not null,
      title_search text not null,
      body text not null default '',
      budget_fen bigint not null check (budget_fen > 0),
      funding_source text not null,
      contractor text not null default '',
      start_on date,
      planned_end_on date,
      published_version integer,
      first_published_at timestamptz,
      last_published_at timestamptz,
      accepted_on date,
      accepted_by text,
      acceptance_result text check (acceptance_result in ('passed', 'failed')),
      acceptance_note text,
      acceptance_file_id uuid,
      acceptance_recorded_at timestamptz,
      acceptance_recorded_by uuid,
      created_by uuid,
      created_at timestamptz not null,
      updated_at timestamptz not null
    )`.execute(db);
  // A village's published projects, newest first; staff lists under their areas.
  await sql`create index project_area_idx on project (area_path text_pattern_ops, updated_at desc)`.execute(db);
  await sql`
    create table project_version (
      project_id uuid not null references project(id),
      version integer not null,
      title text not null,
      body text not null,
      budget_fen bigint not null,
      funding_source text not null,
      contractor text not null,
      start_on date,
      planned_end_on date,
      reason text,
      published_at timestamptz not null,
      published_by uuid,
      published_by_name text,
      primary key (project_id, version)
    )`.execute(db);
  await sql`
    create table project_milestone (
      id uuid primary key,
      project_id uuid not null references project(id),
      position integer not null,
      title text not null,
      planned_on date not null,
      actual_on date,
      status text not null check (status in ('planned', 'in_progress', 'done')),
      note text not null default '',
      created_at timestamptz not null,
      updated_at timestamptz not null,
      check (status <> 'done' or actual_on is not null)
    )`.execute(db);
  await sql`create index project_milestone_idx on project_milestone (project_id, position)`.execute(db);
  await sql`
    create table project_file (
      id uuid primary key,
      project_id uuid not null references project(id),
      purpose text not null check (purpose in ('photo', 'acceptance')),
      milestone_id uuid references project_milestone(id),
      file_name text not null,
      caption text not null default '',
      content_type text not null,
      size integer not null,
      sha256 text not null,
      uploaded_by uuid,
      created_at timestamptz not null
    )`.execute(db);
  await sql`create index project_file_idx on project_file (project_id, created_at)`.execute(db);
}

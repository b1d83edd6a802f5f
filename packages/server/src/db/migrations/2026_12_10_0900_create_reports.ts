import { type Kysely, sql } from "kysely";

/**
 * Reports written by the system (日报、周分析、月研判), issue #20 item 3.
 * - `report`: one per kind, area and period — the unique key is what makes a report exactly once,
 *   whichever process (the schedule in any of several servers, or a user on demand) writes it first;
 *   an insert that loses the race does nothing and the first report stands. `content` holds the
 *   sections and their figures as they were when it was written (an archive, not recomputed).
 * - `report_judgement`: the official's judgement and measures (研判意见) on a monthly report, one row
 *   per version (never updated), the text masked with the original sealed (privacy/free-text.ts).
 * - the `report_sweep` lease: one process at a time writes the scheduled reports.
 * - `report.write` (writing the judgement) for the officials of cities, counties and townships on
 *   deployments whose roles already exist (a fresh one gets it from the default roles).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table report (
      id uuid primary key,
      kind text not null check (kind in ('daily', 'weekly', 'monthly')),
      area_id uuid not null references area(id),
      area_path text not null,
      period_from date not null,
      period_to date not null,
      content jsonb not null,
      trigger text not null check (trigger in ('schedule', 'demand')),
      generated_by uuid,
      generated_at timestamptz not null,
      unique (kind, area_id, period_from, period_to),
      check (period_from <= period_to)
    )`.execute(db);
  await sql`create index report_area_path_idx on report (area_path text_pattern_ops, period_to desc)`.execute(db);
  await sql`create index report_period_idx on report (period_to desc, kind)`.execute(db);

  await sql`
    create table report_judgement (
      id uuid primary key,
      report_id uuid not null references report(id),
      version integer not null check (version >= 1),
      text text not null,
      text_sealed text,
      written_by uuid,
      written_by_name text not null,
      written_at timestamptz not null,
      unique (report_id, version)
    )`.execute(db);

  await sql`insert into job_lease (name) values ('report_sweep') on conflict do nothing`.execute(db);

  await sql`
    insert into role_permission (role_key, permission)
    select key, 'report.write' from role where key in ('city_official', 'county_official', 'township_official')
    on conflict do nothing`.execute(db);
}

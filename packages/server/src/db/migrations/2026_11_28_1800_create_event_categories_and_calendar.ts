import { type Kysely, sql } from "kysely";

/**
 * Event categories as data (the tree, each with the level that may close it, working-time deadlines
 * per level, a priority and Open311-typed extra fields) and the working calendar admins keep per
 * year: public holidays on weekdays and make-up working days (调休) on weekends.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table event_category (
      key text primary key,
      parent_key text references event_category(key),
      name_zh text not null,
      name_en text not null,
      close_level text not null,
      deadlines jsonb not null,
      priority text not null,
      attributes jsonb not null default '[]',
      active boolean not null default true,
      updated_at timestamptz not null default now(),
      updated_by uuid
    )`.execute(db);
  await sql`
    create table work_calendar_day (
      day date primary key,
      kind text not null check (kind in ('holiday', 'workday')),
      note text,
      updated_at timestamptz not null default now(),
      updated_by uuid
    )`.execute(db);
}

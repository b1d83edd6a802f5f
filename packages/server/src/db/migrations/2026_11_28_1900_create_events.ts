import { type Kysely, sql } from "kysely";

/**
 * Events (事件): what was reported, where (the grid found by routing, or the area chosen), at which
 * handling level it is now, its state, its working-time deadline (null while suspended, when the
 * remaining working minutes are kept instead), and the level where it was settled. Every action is
 * a row of its timeline. Human-facing numbers (GX-450802-20261128-0007) count per county and day.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table event (
      id uuid primary key,
      number text not null unique,
      category_key text not null references event_category(key),
      title text not null,
      description text not null,
      lng double precision,
      lat double precision,
      area_id uuid not null references area(id),
      area_path text not null,
      level text not null,
      state text not null,
      state_before_suspension text,
      priority text not null,
      source text not null,
      reporter_user_id uuid,
      reporter_name text,
      assignee_user_id uuid,
      due_at timestamptz,
      remaining_minutes integer,
      supervised boolean not null default false,
      resolved_level text,
      attributes jsonb not null default '{}',
      created_at timestamptz not null,
      updated_at timestamptz not null,
      closed_at timestamptz
    )`.execute(db);
  await sql`create index event_area_path_idx on event (area_path text_pattern_ops)`.execute(db);
  await sql`create index event_due_idx on event (due_at) where due_at is not null`.execute(db);
  await sql`create index event_assignee_idx on event (assignee_user_id) where assignee_user_id is not null`.execute(db);
  await sql`create index event_reporter_idx on event (reporter_user_id) where reporter_user_id is not null`.execute(db);
  await sql`
    create table event_step (
      id uuid primary key,
      event_id uuid not null references event(id),
      action text not null,
      from_state text,
      to_state text not null,
      level text not null,
      area_path text not null,
      actor_user_id uuid,
      actor_name text,
      note text,
      lng double precision,
      lat double precision,
      at timestamptz not null
    )`.execute(db);
  await sql`create index event_step_event_idx on event_step (event_id, at)`.execute(db);
  await sql`
    create table event_counter (
      scope text primary key,
      n integer not null
    )`.execute(db);
}

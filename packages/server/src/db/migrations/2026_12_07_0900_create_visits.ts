import { type Kysely, sql } from "kysely";

/**
 * Door-knocking visits (敲门入户), their plans and the daily close-out (日尽结), issue #18.
 * - Plans: a care or service tag's rhythm is its `visit_every_days`; its checklist `visit_checklist`
 *   (null: core's default for the tag). `visit_plan` holds the plans that are no tag's — "every household
 *   yearly" — once an official edits them (no row: core's default).
 * - `visit` keeps the phone's time (`visited_at`) beside the server's (`received_at`), the household's
 *   area at the time, free text masked with the original sealed (`*_sealed`, see privacy/free-text.ts).
 * - `visit_last`: the day each person or household was last met, kept as visits arrive, so a due list
 *   is a join, not a scan of every visit.
 * - `close_out`: one per worker and day, locked once written; corrections are rows of their own.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table tag_definition add column visit_checklist jsonb`.execute(db);
  await sql`
    create table visit_plan (
      key text primary key,
      every_days integer not null check (every_days between 1 and 730),
      checklist jsonb not null,
      updated_at timestamptz not null default now(),
      updated_by uuid
    )`.execute(db);

  await sql`
    create table visit (
      id uuid primary key,
      household_id uuid not null references household(id),
      area_path text not null,
      kind text not null check (kind in ('routine', 'care', 'verification', 'follow_up')),
      outcome text not null check (outcome in ('visited', 'nobody_home', 'refused', 'moved_away')),
      event_id uuid references event(id),
      checklist jsonb not null default '[]',
      note text,
      note_sealed text,
      visited_at timestamptz not null,
      received_at timestamptz not null,
      lng double precision,
      lat double precision,
      distance_meters double precision,
      photo_sha256 text,
      photo_type text,
      recorded_by uuid,
      recorded_by_name text
    )`.execute(db);
  await sql`create index visit_household_idx on visit (household_id, visited_at desc)`.execute(db);
  await sql`create index visit_area_path_idx on visit (area_path text_pattern_ops, visited_at)`.execute(db);
  await sql`create index visit_recorded_by_idx on visit (recorded_by, visited_at)`.execute(db);
  await sql`create index visit_photo_idx on visit (photo_sha256) where photo_sha256 is not null`.execute(db);
  await sql`create index visit_event_idx on visit (event_id) where event_id is not null`.execute(db);

  await sql`
    create table visit_person (
      visit_id uuid not null references visit(id),
      person_id uuid not null references person(id),
      primary key (visit_id, person_id)
    )`.execute(db);
  await sql`create index visit_person_person_idx on visit_person (person_id)`.execute(db);

  await sql`
    create table visit_need (
      id uuid primary key,
      visit_id uuid not null references visit(id),
      position integer not null,
      text text not null,
      text_sealed text,
      event_id uuid references event(id),
      lead_household_id uuid references household(id),
      handed_at timestamptz,
      handed_by uuid
    )`.execute(db);
  await sql`create index visit_need_visit_idx on visit_need (visit_id, position)`.execute(db);

  await sql`
    create table visit_last (
      subject_id uuid primary key,
      subject_type text not null check (subject_type in ('person', 'household')),
      last_visited_on date not null,
      last_visit_id uuid not null
    )`.execute(db);

  await sql`
    create table close_out (
      id uuid primary key,
      user_id uuid not null references app_user(id),
      day date not null,
      area_paths text[] not null,
      summary jsonb not null,
      note text,
      note_sealed text,
      confirmed_at timestamptz not null,
      confirmed_by_name text
    )`.execute(db);
  await sql`create unique index close_out_user_day_idx on close_out (user_id, day)`.execute(db);
  await sql`
    create table close_out_area (
      close_out_id uuid not null references close_out(id),
      day date not null,
      area_path text not null,
      primary key (close_out_id, area_path)
    )`.execute(db);
  await sql`create index close_out_area_day_idx on close_out_area (day, area_path text_pattern_ops)`.execute(db);
  await sql`
    create table close_out_carry_over (
      id uuid primary key,
      close_out_id uuid not null references close_out(id),
      event_id uuid not null references event(id),
      event_number text not null,
      reason text not null,
      note text,
      note_sealed text
    )`.execute(db);
  await sql`create index close_out_carry_over_idx on close_out_carry_over (close_out_id)`.execute(db);
  await sql`
    create table close_out_correction (
      id uuid primary key,
      close_out_id uuid not null references close_out(id),
      note text not null,
      note_sealed text,
      at timestamptz not null,
      by_user uuid,
      by_name text
    )`.execute(db);
  await sql`create index close_out_correction_idx on close_out_correction (close_out_id, at)`.execute(db);
}

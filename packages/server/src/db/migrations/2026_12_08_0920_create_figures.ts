import { type Kysely, sql } from "kysely";

/**
 * The figures of the command centre (issue #20): `figure_day` holds, per area (every level on the
 * path of where a matter arose, from the grid up to the province), per day (China time) and per
 * event category ('' for visits and close-outs), counters that the writes of events, disputes,
 * visits and close-outs increment in their own transactions (modules/figures). A query for any area
 * and period sums a few rows of it instead of scanning events.
 *
 * Existing data is counted once at the next start (`figure_rebuild` asks for it; the start-up pass
 * rebuilds the table from the raw tables under a lock and removes the request), as `wangge figures
 * rebuild` does on demand.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table figure_day (
      area_code text not null,
      day date not null,
      category_key text not null,
      reported integer not null default 0,
      accepted integer not null default 0,
      settled integer not null default 0,
      settled_grid integer not null default 0,
      settled_village integer not null default 0,
      settled_above integer not null default 0,
      settled_on_time integer not null default 0,
      settled_late integer not null default 0,
      escalated integer not null default 0,
      overdue integer not null default 0,
      returned integer not null default 0,
      reopened integer not null default 0,
      satisfied integer not null default 0,
      basically_satisfied integer not null default 0,
      unsatisfied integer not null default 0,
      disputes_simple integer not null default 0,
      disputes_general integer not null default 0,
      disputes_major integer not null default 0,
      agreements integer not null default 0,
      visits integer not null default 0,
      visits_met integer not null default 0,
      close_outs integer not null default 0,
      primary key (area_code, day, category_key)
    )`.execute(db);
  await sql`create table figure_rebuild (requested_at timestamptz not null default now())`.execute(db);
  await sql`insert into figure_rebuild default values`.execute(db);
  // The list behind a figure: steps of one kind in a period (accepted, settled, returned … in the period).
  await sql`create index event_step_action_at_idx on event_step (action, at)`.execute(db);
  await sql`create index event_created_at_idx on event (created_at)`.execute(db);
  // The 工作台's map: open matters per child area, and which of them are past their deadline.
  await sql`
    create index event_open_path_idx on event (area_path text_pattern_ops, due_at)
    where state in ('reported', 'accepted', 'assigned', 'in_progress', 'returned')`.execute(db);
}

import { type Kysely, sql } from "kysely";

/**
 * Reports counted by the database (issue #20, the cost the roll-ups add to intake): the report writer
 * added a report's "reported" figure to figure_day in a statement of its own — built in the server from
 * every area on the report's path, sent, parsed and planned for each group of reports. A statement
 * trigger on `event` now adds it from the inserted rows themselves, in the insert's transaction, as
 * `open_matter_day` is kept: one plan the database keeps, no round trip, and every insert of an event
 * counts (a report, an import), whatever code wrote it. Nothing is counted twice: the writer no longer
 * adds it, and existing figures are unchanged.
 *
 * Counted as the figures' rules say (db/event-figure-facts.ts): under every area on the path where the
 * matter arose (origin_path, else area_path), on the day it was reported (China time), in its
 * category; an event inserted as merged into another counts nowhere.
 *
 * Upgrade every server process of a deployment together (README, Running on PostgreSQL): a process of
 * the version before, still writing beside this schema, adds the figure itself and the trigger again.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create function figure_day_reported() returns trigger language plpgsql as $fn$
    begin
      insert into figure_day as f (area_code, day, category_key, reported)
      select code, ((n.created_at at time zone 'UTC') + interval '8 hours')::date, n.category_key, count(*)::integer
      from new_rows n
        cross join lateral unnest(string_to_array(trim(both '/' from coalesce(n.origin_path, n.area_path)), '/')) as code
      where n.merged_into is null
      group by 1, 2, 3
      -- In key order, by bytes as the server's other writes of figure_day sort (addFigureRows): two
      -- transactions lock shared rows (a county's, the province's) in the same order, whatever the
      -- database's collation.
      order by code collate "C", 2, n.category_key collate "C"
      on conflict (area_code, day, category_key) do update set reported = f.reported + excluded.reported;
      return null;
    end
    $fn$`.execute(db);
  await sql`create trigger event_figure_reported after insert on event referencing new table as new_rows
    for each statement execute function figure_day_reported()`.execute(db);
}

import { type Kysely, sql } from "kysely";

/**
 * Open matters kept per area and deadline day (issue #20, measures): the 工作台's map and the big
 * screen's colours count the open matters under an area and how many are past their deadline. Counted
 * from the events, that scans every open matter of a province (50,000) on each read. `open_matter_day`
 * holds, per area (every level on the path where a matter now is, grid up to province) and deadline
 * day (China time; 'infinity' for a matter without one), how many open matters there are; a read sums
 * the rows of an area, and "overdue" is exact: the days before today, plus the matters due earlier
 * today (an index range of today's deadlines).
 *
 * Kept by the database itself: statement triggers on `event` add what each insert, update or delete
 * changed (state, area, deadline, merge) — whatever code path writes an event, in its transaction. The
 * existing matters are counted here, under the trigger's lock on `event` (no write slips between);
 * `wangge figures rebuild` counts them again.
 */
const OPEN = sql.raw(`('reported', 'accepted', 'assigned', 'in_progress', 'returned')`);

/** The change of one statement: -1 for each old row that was open, +1 for each new one. */
function keepFunction(name: string, sources: ("old_rows" | "new_rows")[]) {
  const rowsOf = (source: "old_rows" | "new_rows") =>
    sql`select area_path, ${sql.raw(dueDay("due_at"))} as due_day, ${sql.raw(source === "old_rows" ? "-1" : "1")} as n
      from ${sql.raw(source)} where state in ${OPEN} and merged_into is null`;
  const changed = sql.join(sources.map(rowsOf), sql` union all `);
  const sums = sql`sums as (
      select code, c.due_day, sum(c.n)::integer as n
      from (${changed}) c cross join lateral unnest(string_to_array(trim(both '/' from c.area_path), '/')) as code
      group by code, c.due_day having sum(c.n) <> 0)`;
  return sql`
    create function ${sql.raw(name)}() returns trigger language plpgsql as $fn$
    declare
      zero_codes text[];
      zero_days date[];
    begin
      with ${sums}, added as (
        insert into open_matter_day as o (area_code, due_day, open)
        select code, due_day, n from sums order by code, due_day
        on conflict (area_code, due_day) do update set open = o.open + excluded.open
        returning o.area_code, o.due_day, o.open)
      select array_agg(area_code), array_agg(due_day) into zero_codes, zero_days from added where open = 0;
      -- Rows down to nothing go (an area's past deadline days would pile up otherwise).
      if zero_codes is not null then
        delete from open_matter_day o using unnest(zero_codes, zero_days) as z(code, day)
        where o.area_code = z.code and o.due_day = z.day and o.open = 0;
      end if;
      return null;
    end
    $fn$`;
}

const dueDay = (column: string) =>
  `coalesce(((${column} at time zone 'UTC') + interval '8 hours')::date, 'infinity'::date)`;

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table open_matter_day (
      area_code text not null,
      due_day date not null,
      open integer not null,
      primary key (area_code, due_day)
    )`.execute(db);
  await keepFunction("open_matter_day_insert", ["new_rows"]).execute(db);
  await keepFunction("open_matter_day_update", ["old_rows", "new_rows"]).execute(db);
  await keepFunction("open_matter_day_delete", ["old_rows"]).execute(db);
  await sql`create trigger event_open_matter_insert after insert on event referencing new table as new_rows
    for each statement execute function open_matter_day_insert()`.execute(db);
  await sql`create trigger event_open_matter_update after update on event
    referencing old table as old_rows new table as new_rows
    for each statement execute function open_matter_day_update()`.execute(db);
  await sql`create trigger event_open_matter_delete after delete on event referencing old table as old_rows
    for each statement execute function open_matter_day_delete()`.execute(db);
  // Creating the triggers locked out writes to `event` until this transaction ends: the count is exact.
  await sql`
    insert into open_matter_day (area_code, due_day, open)
    select code, ${sql.raw(dueDay("e.due_at"))}, count(*)
    from event e cross join lateral unnest(string_to_array(trim(both '/' from e.area_path), '/')) as code
    where e.state in ${OPEN} and e.merged_into is null
    group by 1, 2`.execute(db);
  // Today's deadlines (the part of "overdue" that moves during the day), open matters only.
  await sql`create index event_open_due_idx on event (due_at) where state in ${OPEN} and merged_into is null`.execute(
    db,
  );
}

import { type Kysely, sql } from "kysely";

/**
 * The grids closed out on a day as a kept figure (issue #20, the big screen at province level): the
 * screen's "yesterday's close-outs: X of Y grids" expanded every close-out of the day into the grids
 * it covers and counted them (0.8–1.7 s at a province's 115,000 grids). Now:
 * - `close_out_grid` (day, grid): the grids covered on a day, each once, written with the close-out
 *   (insert … on conflict do nothing: only a grid not yet covered that day counts, also when two
 *   close-outs covering it commit in parallel);
 * - `figure_day.grids_closed`: per area (every level on the grid's path) and day, how many grids
 *   were closed out — the screen reads one row;
 * - `area_grid_count`: the live grids under each area (itself too, for a grid), kept by statement
 *   triggers on `area` as grids are added, abolished, restored or removed — whatever code path writes
 *   an area, in its transaction (counting them from an index took 50–170 ms at a province);
 * - a partial index on the abolished grids' paths (few): a grid closed out and since abolished leaves
 *   "closed" with them.
 * Existing close-outs are expanded here by the rules of db/close-out-grid-coverage.ts (copied: a
 * migration does not change when the code does), and the figures are counted again at the next
 * start (figure_rebuild asks for it).
 */
/** The change of one statement to `area`: -1 for each old row that was a live grid, +1 for each new one. */
function keepFunction(name: string, sources: ("old_rows" | "new_rows")[]) {
  const rowsOf = (source: "old_rows" | "new_rows") =>
    sql`select path, ${sql.raw(source === "old_rows" ? "-1" : "1")} as n
      from ${sql.raw(source)} where level = 'grid' and abolished_at is null`;
  const changed = sql.join(sources.map(rowsOf), sql` union all `);
  return sql`
    create function ${sql.raw(name)}() returns trigger language plpgsql as $fn$
    begin
      insert into area_grid_count as k (area_code, grids)
      select code, sum(c.n)::integer
      from (${changed}) c cross join lateral unnest(string_to_array(trim(both '/' from c.path), '/')) as code
      group by code having sum(c.n) <> 0
      order by code
      on conflict (area_code) do update set grids = k.grids + excluded.grids;
      return null;
    end
    $fn$`;
}

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table close_out_grid (
      day date not null,
      grid_code text not null,
      primary key (day, grid_code)
    )`.execute(db);
  await sql`alter table figure_day add column grids_closed integer not null default 0`.execute(db);
  await sql`
    create table area_grid_count (
      area_code text primary key,
      grids integer not null
    )`.execute(db);
  await keepFunction("area_grid_count_insert", ["new_rows"]).execute(db);
  await keepFunction("area_grid_count_update", ["old_rows", "new_rows"]).execute(db);
  await keepFunction("area_grid_count_delete", ["old_rows"]).execute(db);
  await sql`create trigger area_grid_count_insert after insert on area referencing new table as new_rows
    for each statement execute function area_grid_count_insert()`.execute(db);
  await sql`create trigger area_grid_count_update after update on area
    referencing old table as old_rows new table as new_rows
    for each statement execute function area_grid_count_update()`.execute(db);
  await sql`create trigger area_grid_count_delete after delete on area referencing old table as old_rows
    for each statement execute function area_grid_count_delete()`.execute(db);
  // Creating the triggers locked out writes to `area` until this transaction ends: the count is exact.
  await sql`
    insert into area_grid_count (area_code, grids)
    select u.code, count(*) from area a cross join lateral unnest(string_to_array(trim(both '/' from a.path), '/')) as u(code)
    where a.level = 'grid' and a.abolished_at is null
    group by u.code`.execute(db);
  await sql`create index area_abolished_grid_path_idx on area (path text_pattern_ops)
    where level = 'grid' and abolished_at is not null`.execute(db);
  await sql`
    insert into close_out_grid (day, grid_code)
    select ca.day, a.code
    from close_out_area ca join area a on a.path = ca.area_path
    where a.level = 'grid'
    union
    select ca.day, g.code
    from close_out_area ca join area a on a.path = ca.area_path join area g on g.id = a.parent_id
    where a.level = 'microgrid'
    union
    select ca.day, g.code
    from close_out_area ca join close_out c on c.id = ca.close_out_id join area a on a.path = ca.area_path
      cross join lateral (
        select g.code from area g
        where g.path ~>=~ a.path and g.path ~<~ (a.path || '~') and g.level = 'grid'
          and g.created_at <= c.confirmed_at and (g.abolished_at is null or g.abolished_at > c.confirmed_at)
        offset 0) g
    where a.level not in ('grid', 'microgrid')`.execute(db);
  await sql`insert into figure_rebuild default values`.execute(db);
}

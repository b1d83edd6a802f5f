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
 * - two partial indexes on the grids' paths: the live grids under an area counted from the index
 *   alone, and the abolished ones (few) to take a grid closed out and since abolished out of "closed".
 * Existing close-outs are expanded here by the rules of db/close-out-grid-coverage.ts (copied: a
 * migration does not change when the code does), and the figures are counted again at the next
 * start (figure_rebuild asks for it).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table close_out_grid (
      day date not null,
      grid_code text not null,
      primary key (day, grid_code)
    )`.execute(db);
  await sql`alter table figure_day add column grids_closed integer not null default 0`.execute(db);
  await sql`create index area_live_grid_path_idx on area (path text_pattern_ops)
    where level = 'grid' and abolished_at is null`.execute(db);
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
      join area g on g.path ~>=~ a.path and g.path ~<~ (a.path || '~') and g.level = 'grid'
    where a.level not in ('grid', 'microgrid')
      and g.created_at <= c.confirmed_at and (g.abolished_at is null or g.abolished_at > c.confirmed_at)`.execute(db);
  await sql`insert into figure_rebuild default values`.execute(db);
}

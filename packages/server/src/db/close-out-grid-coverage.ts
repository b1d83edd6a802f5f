import { type RawBuilder, sql } from "kysely";

/**
 * Which grids a close-out covers — the one definition behind the grids closed out recorded as each
 * close-out commits (`close_out_grid`, and from it the figure grids_closed, modules/visits; migration
 * 2026_12_12_0900 holds a copy for the close-outs made before). The record, not this, is what a rebuild
 * of the figures reads: coverage decided again from today's areas would move a past day.
 *
 * One row per day and grid (distinct), from the close-out areas `where` picks (aliases `ca` for
 * close_out_area, `c` for its close_out):
 * - a close-out of a grid covers that grid; of a microgrid, the grid it belongs to;
 * - a close-out of a village or community, or of any area above (a township official closing out
 *   their township), covers every grid under it that stood when the close-out was confirmed: created
 *   by then and not abolished by then. A grid added under the village later, or one abolished before,
 *   is not covered (a rebuild counting history again must not move a past day's figure).
 * Paths are ranges (~>=~ / ~<~ on the text_pattern_ops index), not LIKE with a pattern from another
 * row, in a lateral subquery kept apart (offset 0): a range look-up per close-out area whatever the
 * planner's row estimates (as a join it scanned every grid for each village when the statistics were
 * behind: 53 s for a close-out of 1,600 villages at a province).
 */
export function closeOutGridCoverage(
  where: RawBuilder<boolean>,
): RawBuilder<{ day: string; grid_code: string; grid_path: string }> {
  return sql`
    select ca.day, a.code as grid_code, a.path as grid_path
    from close_out_area ca join close_out c on c.id = ca.close_out_id join area a on a.path = ca.area_path
    where a.level = 'grid' and ${where}
    union
    select ca.day, g.code, g.path
    from close_out_area ca join close_out c on c.id = ca.close_out_id join area a on a.path = ca.area_path
      join area g on g.id = a.parent_id
    where a.level = 'microgrid' and ${where}
    union
    select ca.day, g.code, g.path
    from close_out_area ca join close_out c on c.id = ca.close_out_id join area a on a.path = ca.area_path
      cross join lateral (
        select g.code, g.path from area g
        where g.path ~>=~ a.path and g.path ~<~ (a.path || '~') and g.level = 'grid'
          and g.created_at <= c.confirmed_at and (g.abolished_at is null or g.abolished_at > c.confirmed_at)
        offset 0) g
    where a.level not in ('grid', 'microgrid') and ${where}`;
}

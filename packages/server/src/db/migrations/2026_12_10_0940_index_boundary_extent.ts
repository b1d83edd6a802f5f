import { type Kysely, sql } from "kysely";

/**
 * The offline base map (issue #20 item 6) asks, for every tile it cuts, which current boundaries meet
 * the tile's box, and every few seconds whether any area changed (the latest updated_at). Without
 * indexes both scan every boundary and area — 115,000 grids in a province — on each tile. A GiST index
 * over each current boundary's extent (PostgreSQL's own box type: no PostGIS) answers a deep zoom's
 * small box; the divisions by level (a few thousand, grids left out) a shallow zoom's wide one, where
 * only the upper levels are drawn; a btree on updated_at the revision.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create index area_boundary_extent_idx on area_boundary
    using gist (box(point(min_lng, min_lat), point(max_lng, max_lat))) where valid_to is null`.execute(db);
  await sql`create index area_division_level_idx on area (level)
    where level in ('province', 'city', 'county', 'township', 'village') and abolished_at is null`.execute(db);
  await sql`create index area_updated_at_idx on area (updated_at)`.execute(db);
}

import { type Kysely, sql } from "kysely";

/**
 * Every server process asks every five seconds whether any boundary changed (the latest valid_from or
 * valid_to): with these two indexes that is two index look-ups instead of a scan of every boundary
 * (115,000 of them in a province), which stalled the embedded database's single thread each time.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create index area_boundary_valid_from_idx on area_boundary (valid_from)`.execute(db);
  await sql`create index area_boundary_valid_to_idx on area_boundary (valid_to) where valid_to is not null`.execute(db);
}

import { type Kysely, sql } from "kysely";

/**
 * A close-out for an earlier day lists the events its grid held open at the end of that day (#18),
 * read from the events' steps (each step keeps the state, level and area the event had after it):
 * the steps taken under an area are found by this index.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create index event_step_area_idx on event_step (area_path text_pattern_ops, at)`.execute(db);
}

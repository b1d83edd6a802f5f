import { type Kysely, sql } from "kysely";

/**
 * The big screen's newest matters (issue #20): the newest events under an area, by (created_at, id)
 * descending. At a province nearly every event is under the path, and with an index on created_at
 * alone PostgreSQL sorted them all (a parallel scan of every event and a sort spilling to disk, ~80 ms
 * with 50,000 events); an index on (created_at, id) read backwards gives them in the list's order, and
 * the walk stops at the twelfth under the path (0.2 ms). For a township's few events the path index
 * still serves (the planner picks by the path's share of the events).
 *
 * The two indexes on created_at alone (event_created_idx and event_created_at_idx, the same index made
 * twice) go: the new one serves every range on created_at they served, and a report writes one index
 * fewer, not one more.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create index event_created_id_idx on event (created_at, id)`.execute(db);
  await sql`drop index event_created_idx`.execute(db);
  await sql`drop index event_created_at_idx`.execute(db);
}

import { type Kysely, sql } from "kysely";

/**
 * A report made on a phone without a network arrived with the server's arrival time (#18): the event
 * now keeps when it was seen or reported (`occurred_at`, the reporting device's time, bounded) beside
 * when it reached the system (`created_at`, from which deadlines and escalation count). Events
 * reported before this version had no other time than their arrival, which they keep as both. Open311
 * answers and searches requests by this time (GeoReport's requested_datetime): the public index
 * follows it.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table event add column occurred_at timestamptz`.execute(db);
  await sql`update event set occurred_at = created_at`.execute(db);
  await sql`alter table event alter column occurred_at set not null`.execute(db);
  await sql`create index event_public_occurred_idx on event (occurred_at desc) where is_public`.execute(db);
}

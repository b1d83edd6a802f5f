import { type Kysely, sql } from "kysely";

/**
 * Escalation must never stop. `overdue_at` is when the sweep found an event's deadline passed where
 * no area above can take it (the top level): the event keeps its past deadline — it stays in the
 * overdue box — and is put under supervision (督办); the column is cleared whenever the deadline
 * changes. The sweep reads only open, unflagged events in deadline order (the first index), and
 * gives a fresh deadline to an open event that has none (the second index: rows left without a
 * clock by earlier versions — returned after resolution, or overdue at the top).
 */
const OPEN = sql.raw("('reported', 'accepted', 'assigned', 'in_progress', 'returned')");

export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table event add column overdue_at timestamptz`.execute(db);
  await sql`create index event_sweep_idx on event (due_at, id) where overdue_at is null and state in ${OPEN}`.execute(
    db,
  );
  await sql`create index event_clockless_idx on event (id) where due_at is null and state in ${OPEN}`.execute(db);
}

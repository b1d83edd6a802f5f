import { type Kysely, sql } from "kysely";

/**
 * Searches of the registry by an exact ID or phone number, one row each, so that a user's searches in
 * the last minutes can be counted whichever server process answered them (a tight limit per user:
 * guessing numbers through search must not scale). Rows older than the window are removed as new ones
 * come; the searches themselves are in the audit trail.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table person_lookup (
      id uuid primary key,
      user_id uuid not null,
      at timestamptz not null
    )`.execute(db);
  await sql`create index person_lookup_user_idx on person_lookup (user_id, at)`.execute(db);
}

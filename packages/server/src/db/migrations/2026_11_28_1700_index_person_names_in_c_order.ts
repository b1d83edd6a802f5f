import { type Kysely, sql } from "kysely";

/**
 * Name, pinyin and initials prefixes answered in index order whatever the database's collation:
 * btree indexes in the "C" collation (byte order) with the id as tiebreaker, which serve both
 * `LIKE 'x%'` and `ORDER BY … COLLATE "C", id LIMIT n` — a search stops at its first page instead
 * of sorting every match. They replace the pattern-ops indexes, which cannot give that order.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`drop index if exists person_name_prefix_idx`.execute(db);
  await sql`drop index if exists person_name_pinyin_idx`.execute(db);
  await sql`drop index if exists person_name_initials_idx`.execute(db);
  await sql`create index person_name_c_idx on person ((name collate "C"), id)`.execute(db);
  await sql`create index person_name_pinyin_c_idx on person ((name_pinyin collate "C"), id)`.execute(db);
  await sql`create index person_name_initials_c_idx on person ((name_initials collate "C"), id)`.execute(db);
}

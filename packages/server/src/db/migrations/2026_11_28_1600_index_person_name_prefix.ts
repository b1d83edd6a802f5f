import { type Kysely, sql } from "kysely";

/**
 * A one-character name search is a surname search (韦, 黄…): answered from this index in name order,
 * stopping at the first page, instead of collecting every name that contains the character.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create index person_name_prefix_idx on person (name text_pattern_ops)`.execute(db);
}

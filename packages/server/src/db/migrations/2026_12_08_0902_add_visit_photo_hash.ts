import { type Kysely, sql } from "kysely";

/**
 * A visit's photo used again on another visit was found only when it was the same file (#18): saved
 * again at another quality or resized, its digest differs. The photo's perceptual hash (a 64-bit
 * dHash, modules/visits/photo-hash.ts) is kept beside the digest; near-identical photos differ in a
 * few of its bits. Photos stored before this version have none (their digest still finds copies).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table visit add column photo_dhash bigint`.execute(db);
}

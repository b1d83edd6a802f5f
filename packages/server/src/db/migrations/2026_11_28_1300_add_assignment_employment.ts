import { type Kysely, sql } from "kysely";

/** Grid workers are full-time (专职) or part-time (兼职); the post records which. */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable("assignment")
    .addColumn("employment", "text", (c) => c.check(sql`employment in ('full_time','part_time')`))
    .execute();
}

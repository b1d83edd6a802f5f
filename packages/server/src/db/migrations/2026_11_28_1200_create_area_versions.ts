import type { Kysely } from "kysely";

/**
 * Past states of an area: a rename, a change of kind or a move to another parent closes the old state
 * here (from when it held until when it changed), while the area row keeps the current one. With
 * boundary versions, an area can be shown as it was on any date.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("area_version")
    .addColumn("id", "uuid", (c) => c.primaryKey())
    .addColumn("area_id", "uuid", (c) => c.notNull().references("area.id"))
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("kind", "text")
    .addColumn("path", "text", (c) => c.notNull())
    .addColumn("valid_from", "timestamptz", (c) => c.notNull())
    .addColumn("valid_to", "timestamptz", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("area_version_area_idx").on("area_version").columns(["area_id", "valid_to"]).execute();
}

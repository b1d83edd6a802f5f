import { type Kysely, sql } from "kysely";

/**
 * Where grids came from and went: a split links the old grid to each new part, a merge links each
 * old grid to the merged one. The old grids stay (abolished, with their closed boundaries), so every
 * record attributed to them keeps its area, and an area's page can show its predecessors and successors.
 * `change_id` is the client's id for the change: a retried split or merge answers what was done.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("area_lineage")
    .addColumn("id", "uuid", (c) => c.primaryKey())
    .addColumn("change_id", "uuid", (c) => c.notNull())
    .addColumn("from_area_id", "uuid", (c) => c.notNull().references("area.id"))
    .addColumn("to_area_id", "uuid", (c) => c.notNull().references("area.id"))
    .addColumn("change", "text", (c) => c.notNull().check(sql`change in ('split', 'merge')`))
    .addColumn("reason", "text", (c) => c.notNull())
    .addColumn("changed_at", "timestamptz", (c) => c.notNull())
    .addColumn("changed_by", "uuid")
    .execute();
  await db.schema.createIndex("area_lineage_change_idx").on("area_lineage").column("change_id").execute();
  await db.schema.createIndex("area_lineage_from_idx").on("area_lineage").column("from_area_id").execute();
  await db.schema.createIndex("area_lineage_to_idx").on("area_lineage").column("to_area_id").execute();
}

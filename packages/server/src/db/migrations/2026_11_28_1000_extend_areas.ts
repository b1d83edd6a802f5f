import { type Kysely, sql } from "kysely";

/**
 * Areas become the real hierarchy: grid kinds, where a row came from (the statistics bureau's division
 * list or a local decision), when a division was abolished, and boundaries kept as effective-dated
 * versions — a redrawn grid closes its old boundary and opens a new one, so "as of" questions have answers.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable("area")
    .addColumn("kind", "text", (c) => c.check(sql`kind in ('community','rural','border','coastal','dedicated')`))
    .addColumn("source", "text", (c) => c.notNull().defaultTo("local").check(sql`source in ('nbs','local')`))
    .addColumn("abolished_at", "timestamptz")
    .addColumn("updated_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable("area_boundary")
    .addColumn("id", "uuid", (c) => c.primaryKey())
    .addColumn("area_id", "uuid", (c) => c.notNull().references("area.id"))
    .addColumn("geometry", "jsonb", (c) => c.notNull())
    .addColumn("min_lng", "double precision", (c) => c.notNull())
    .addColumn("min_lat", "double precision", (c) => c.notNull())
    .addColumn("max_lng", "double precision", (c) => c.notNull())
    .addColumn("max_lat", "double precision", (c) => c.notNull())
    .addColumn("label_lng", "double precision", (c) => c.notNull())
    .addColumn("label_lat", "double precision", (c) => c.notNull())
    .addColumn("area_m2", "double precision", (c) => c.notNull())
    .addColumn("valid_from", "timestamptz", (c) => c.notNull())
    .addColumn("valid_to", "timestamptz")
    .addColumn("created_by", "uuid")
    .execute();
  await sql`create unique index area_boundary_current_idx on area_boundary (area_id) where valid_to is null`.execute(
    db,
  );
  await db.schema
    .createIndex("area_boundary_period_idx")
    .on("area_boundary")
    .columns(["area_id", "valid_from"])
    .execute();
}

import { type Kysely, sql } from "kysely";

/** Police beats (警格) and their links to the grids they overlap, with the share of each grid covered. */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("police_beat")
    .addColumn("id", "uuid", (c) => c.primaryKey())
    .addColumn("code", "text", (c) => c.notNull().unique())
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("station", "text", (c) => c.notNull())
    .addColumn("officer_user_id", "uuid", (c) => c.references("app_user.id"))
    .addColumn("geometry", "jsonb", (c) => c.notNull())
    .addColumn("min_lng", "double precision", (c) => c.notNull())
    .addColumn("min_lat", "double precision", (c) => c.notNull())
    .addColumn("max_lng", "double precision", (c) => c.notNull())
    .addColumn("max_lat", "double precision", (c) => c.notNull())
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("updated_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createTable("grid_beat")
    .addColumn("grid_area_id", "uuid", (c) => c.notNull().references("area.id"))
    .addColumn("beat_id", "uuid", (c) => c.notNull().references("police_beat.id").onDelete("cascade"))
    .addColumn("share", "double precision", (c) => c.notNull())
    .addPrimaryKeyConstraint("grid_beat_pk", ["grid_area_id", "beat_id"])
    .execute();
  await db.schema.createIndex("grid_beat_beat_idx").on("grid_beat").column("beat_id").execute();
}

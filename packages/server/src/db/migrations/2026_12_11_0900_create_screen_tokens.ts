import { type Kysely, sql } from "kysely";

/**
 * Read-only big-screen links (kiosk tokens): a wall shows one area's screen with no account and no
 * session that could run out. Only the SHA-256 of the secret is kept. Issuing them is screen.manage,
 * which the default admin and city, county and township official roles get; roles are seeded only
 * when missing, so existing deployments get the permission here.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("screen_token")
    .addColumn("id", "uuid", (c) => c.primaryKey())
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("area_id", "uuid", (c) => c.notNull().references("area.id"))
    .addColumn("token_hash", "text", (c) => c.notNull().unique())
    .addColumn("prefix", "text", (c) => c.notNull())
    .addColumn("created_by", "uuid", (c) => c.references("app_user.id"))
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("expires_at", "timestamptz")
    .addColumn("last_used_at", "timestamptz")
    .addColumn("revoked_at", "timestamptz")
    .addColumn("revoked_by", "uuid", (c) => c.references("app_user.id"))
    .execute();
  await db.schema.createIndex("screen_token_area_idx").on("screen_token").columns(["area_id", "created_at"]).execute();
  await sql`
    insert into role_permission (role_key, permission)
    select key, 'screen.manage' from role
    where key in ('admin', 'city_official', 'county_official', 'township_official')
    on conflict do nothing`.execute(db);
}

import { type Kysely, sql } from "kysely";

/** Platform tables: key–value facts about this deployment, and crash reports sent by the web apps. */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("app_meta")
    .addColumn("key", "text", (c) => c.primaryKey())
    .addColumn("value", "jsonb", (c) => c.notNull())
    .addColumn("updated_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable("client_error_report")
    .addColumn("id", "uuid", (c) => c.primaryKey())
    .addColumn("app", "text", (c) => c.notNull())
    .addColumn("message", "text", (c) => c.notNull())
    .addColumn("stack", "text")
    .addColumn("url", "text", (c) => c.notNull())
    .addColumn("app_version", "text")
    .addColumn("user_agent", "text")
    .addColumn("request_id", "text", (c) => c.notNull())
    .addColumn("occurred_at", "timestamptz", (c) => c.notNull())
    .addColumn("received_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createIndex("client_error_report_received_at_idx")
    .on("client_error_report")
    .column("received_at")
    .execute();
}

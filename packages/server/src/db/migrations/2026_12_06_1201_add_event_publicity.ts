import { type Kysely, sql } from "kysely";

/**
 * Open311 published every report of a public category to anyone (issue #16, item 12). An event is
 * now public only when its reporter agreed (the resident app asks), staff marked it public, or it
 * came from an Open311 client whose key publishes its requests (the GeoReport convention, the
 * default for a key). Requests Open311 clients made before this version stay public, as they were
 * made under that convention; every other existing report is private until someone marks it public.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table event add column is_public boolean not null default false`.execute(db);
  await sql`
    update event set is_public = true
    where source = 'open311' and category_key not like 'dispute.%' and category_key <> 'hazard.public_order'`.execute(
    db,
  );
  await sql`create index event_public_idx on event (created_at desc) where is_public`.execute(db);
  await sql`alter table open311_key add column requests_public boolean not null default true`.execute(db);
}

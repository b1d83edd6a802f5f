import { type Kysely, sql } from "kysely";

/**
 * Disclosures get a township's review (审核) and a setting of which kinds need it: the township
 * official reviews (disclosure.review), the administrator chooses the kinds (disclosure.configure).
 * Roles are seeded only when missing, so deployments that have them get the permissions here.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    insert into role_permission (role_key, permission)
    select key, 'disclosure.review' from role where key = 'township_official'
    on conflict do nothing`.execute(db);
  await sql`
    insert into role_permission (role_key, permission)
    select key, 'disclosure.configure' from role where key = 'admin'
    on conflict do nothing`.execute(db);
}

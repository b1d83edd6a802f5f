import { type Kysely, sql } from "kysely";

/**
 * Livelihood projects are run by officials (project.manage, in the default official roles). Roles are
 * seeded only when missing, so deployments that already have them get the permission here.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    insert into role_permission (role_key, permission)
    select key, 'project.manage' from role
    where key in ('city_official', 'county_official', 'township_official', 'village_official')
    on conflict do nothing`.execute(db);
}

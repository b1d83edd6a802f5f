import { type Kysely, sql } from "kysely";

/**
 * Risk early warning's permissions on deployments whose roles were seeded before it: officials at
 * every level read and handle alerts (risk.read, risk.handle); county and township officials tune
 * the rules, and the admin keeps the rules, playbooks and sensitive dates (risk.configure). A fresh
 * deployment gets the same from core's default roles. Roles an admin removed stay removed.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    insert into role_permission (role_key, permission)
    select key, p.permission from role
    cross join (values ('risk.read'), ('risk.handle')) as p(permission)
    where key in ('city_official', 'county_official', 'township_official', 'village_official')
    on conflict do nothing`.execute(db);
  await sql`
    insert into role_permission (role_key, permission)
    select key, 'risk.configure' from role where key in ('admin', 'county_official', 'township_official')
    on conflict do nothing`.execute(db);
}

import { type Kysely, sql } from "kysely";

/**
 * The default auditor role was seeded without area.read, although an audit role may hold it (core's
 * AUDIT_ROLE_PERMISSIONS: the trail names areas, the accounts page lists them): an auditor's screens
 * asked for areas and were refused. Roles are seeded only when missing, so a deployment that already
 * has the auditor role gets the permission here; a fresh one gets it from the defaults.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    insert into role_permission (role_key, permission)
    select key, 'area.read' from role where key = 'auditor'
    on conflict do nothing`.execute(db);
}

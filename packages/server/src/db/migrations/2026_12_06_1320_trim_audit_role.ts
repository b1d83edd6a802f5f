import { type Kysely, sql } from "kysely";

/**
 * The auditor could give their own role any permission but the administrative ones — person.reveal
 * among them — and the admin could not take it back (issue #16, red-team item 5). From now on the
 * auditor role holds only reading and exporting the trail and reading accounts and areas (core's
 * AUDIT_ROLE_PERMISSIONS, as it stands at this version), and no other role an audit permission. A
 * deployment where the auditor already took more loses it here; the principal's permissions are
 * filtered the same way when read, so this only makes the stored sets say what is in force.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    delete from role_permission
    where role_key = 'auditor' and permission not in ('audit.read', 'audit.export', 'user.read', 'area.read')`.execute(
    db,
  );
  await sql`
    delete from role_permission
    where role_key <> 'auditor' and permission in ('audit.read', 'audit.export')`.execute(db);
}

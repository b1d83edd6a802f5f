import { type Kysely, sql } from "kysely";

/**
 * Reports list matters by their titles (the daily report every matter), and reading one now needs
 * event.read over its area as well as report.read (core's reportReadScope). The default system
 * administrator held report.read without event.read: it opened every daily report with every title,
 * though 三员分立 keeps the administrator out of the matters. The default role no longer carries it;
 * roles are seeded only when missing, so a deployment that already has the admin role loses it here
 * (a grant migration in reverse). Other roles are left as their operators made them: any one holding
 * report.read without event.read reads no report, by the rule.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`delete from role_permission where role_key = 'admin' and permission = 'report.read'`.execute(db);
}

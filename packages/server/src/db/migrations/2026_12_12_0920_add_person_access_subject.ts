import { type Kysely, sql } from "kysely";

/**
 * A row of a person's access log that concerns one resident account alone: a handler reading in
 * clear a matter that account reported (event reveal). It is shown to that account only — not to
 * whoever links the record later, and never in the registry's log of the record, where staff reading
 * the person would learn that they reported something, when, and why it was read.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table person_access add column subject_user_id uuid`.execute(db);
}

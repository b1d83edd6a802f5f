import { type Kysely, sql } from "kysely";

/**
 * The event figures now count each event once per figure (the first acceptance, return, reopening,
 * escalation, settlement) and nothing of a duplicate merged into another, so that each figure equals
 * the events list behind it. The kept figures are counted again from the raw tables at the next start
 * (figure_rebuild asks for it; see modules/figures/figures-rebuild.service.ts).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`insert into figure_rebuild default values`.execute(db);
}

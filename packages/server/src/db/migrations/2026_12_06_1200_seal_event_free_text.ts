import { type Kysely, sql } from "kysely";

/**
 * Free text of events may carry ID and phone numbers people typed: descriptions, titles, addresses,
 * notes on the timeline, feedback, attachment names, a dispute's parties, sessions, agreement and
 * follow-ups (issue #16, item 11). Each such column now holds the text with the numbers masked and a
 * sibling `<column>_sealed` the original, encrypted (server/src/privacy/free-text.ts; null when
 * nothing was masked). SQL cannot encrypt (the key is not in the database), so the rows written
 * before this version are sealed by the server at its next start, in batches
 * (modules/events/free-text-sealing.service.ts): `free_text_sealing` lists the columns still to
 * go, with how far the pass got; a column leaves the list when it is done.
 */
const SEALED: Record<string, string[]> = {
  event: ["title", "description", "address", "contact_name", "consent_note", "feedback", "attributes"],
  event_step: ["note"],
  event_attachment: ["file_name"],
  dispute_party: ["name", "address"],
  mediation_session: ["place", "mediators", "attendees", "record"],
  mediation_agreement: ["committee", "facts", "matters", "mediator_name", "obligations"],
  dispute_followup: ["result", "note"],
};

/** Columns only masked: copies of text sealed elsewhere, or text meant for others (notifications). */
const MASKED_ONLY: Record<string, string[]> = {
  event: ["reporter_name", "co_handlers"],
  notification: ["title", "body"],
};

export async function up(db: Kysely<any>): Promise<void> {
  for (const [table, columns] of Object.entries(SEALED))
    await sql`alter table ${sql.table(table)} ${sql.join(
      columns.map((c) => sql`add column ${sql.ref(`${c}_sealed`)} text`),
    )}`.execute(db);
  await sql`
    create table free_text_sealing (
      target text primary key,
      after_id uuid
    )`.execute(db);
  const targets = [...Object.entries(SEALED), ...Object.entries(MASKED_ONLY)].flatMap(([table, columns]) =>
    columns.map((c) => `${table}.${c}`),
  );
  await sql`insert into free_text_sealing (target) values ${sql.join(targets.map((t) => sql`(${t})`))}`.execute(db);
}

import { type Kysely, sql } from "kysely";
import type { DB } from "../db/schema.ts";
import type { FieldCrypto } from "./field-crypto.ts";

/**
 * Re-encrypts every stored personal value that was written under an older key (after `wangge keys
 * rotate`), in small batches while the product keeps serving. Each row is updated only if it still
 * holds the value that was read (compare-and-set), so a concurrent edit is never overwritten; such a
 * row is simply picked up again in the next round. Blind indexes do not change (they derive from the
 * pinned index root).
 */
export const ENCRYPTED_COLUMNS = [
  ["app_user", "phone_enc"],
  ["app_user", "totp_secret_enc"],
  ["person", "id_number_enc"],
  ["person", "phone_enc"],
  ["organisation", "contact_phone_enc"],
  ["event", "contact_phone_enc"],
  ["event", "contact_email_enc"],
  ["intake_device", "secret_enc"],
  ["dispute_party", "phone_enc"],
  ["dispute_party", "id_number_enc"],
  ["import_rejection", "cells_sealed"],
  ["import_rejection", "reasons_sealed"],
  // Free text of events (modules/events/event-free-text.ts SEALED_TEXT).
  ["event", "title_sealed"],
  ["event", "description_sealed"],
  ["event", "address_sealed"],
  ["event", "contact_name_sealed"],
  ["event", "consent_note_sealed"],
  ["event", "feedback_sealed"],
  ["event", "attributes_sealed"],
  ["event_step", "note_sealed"],
  ["event_attachment", "file_name_sealed"],
  // Free text of visits and close-outs (modules/visits).
  ["visit", "note_sealed"],
  ["visit_need", "text_sealed"],
  ["close_out", "note_sealed"],
  ["close_out_carry_over", "note_sealed"],
  ["close_out_correction", "note_sealed"],
  ["dispute_party", "name_sealed"],
  ["dispute_party", "address_sealed"],
  ["mediation_session", "place_sealed"],
  ["mediation_session", "mediators_sealed"],
  ["mediation_session", "attendees_sealed"],
  ["mediation_session", "record_sealed"],
  ["mediation_agreement", "committee_sealed"],
  ["mediation_agreement", "facts_sealed"],
  ["mediation_agreement", "matters_sealed"],
  ["mediation_agreement", "mediator_name_sealed"],
  ["mediation_agreement", "obligations_sealed"],
  ["dispute_followup", "result_sealed"],
  ["dispute_followup", "note_sealed"],
  // Subsidy payments (modules/subsidies): the payee's ID number, a confirmation's reason.
  ["subsidy_payment", "id_number_enc"],
  ["subsidy_payment", "confirm_reason_sealed"],
  // Free text of disclosures and residents' questions and objections (modules/disclosures).
  ["disclosure_version", "title_sealed"],
  ["disclosure_version", "body_sealed"],
  ["disclosure_version", "correction_reason_sealed"],
  ["disclosure_version", "finance_lines_sealed"],
  ["comment", "text_sealed"],
  ["comment", "reply_sealed"],
  // Notes of risk alerts and their playbook tasks (modules/risk).
  ["alert", "ack_note_sealed"],
  ["alert", "close_note_sealed"],
  ["alert_task", "note_sealed"],
  // The judgement (研判意见) on monthly reports (modules/reports).
  ["report_judgement", "text_sealed"],
] as const;

const BATCH = 500;

export async function reencryptAll(
  db: Kysely<DB>,
  crypto: FieldCrypto,
  onProgress: (done: number) => void = () => {},
): Promise<{ reencrypted: number; byColumn: Record<string, number> }> {
  const byColumn: Record<string, number> = {};
  let total = 0;
  for (const [table, column] of ENCRYPTED_COLUMNS) {
    let count = 0;
    for (;;) {
      const current = `${crypto.algorithm === "gm" ? "g1" : "v1"}:${crypto.keyId}:%`;
      const rows = await sql<{ id: string; value: string }>`
        select id::text as id, ${sql.ref(column)} as value from ${sql.table(table)}
        where ${sql.ref(column)} is not null and ${sql.ref(column)} not like ${current}
        limit ${BATCH}`.execute(db);
      if (rows.rows.length === 0) break;
      const values = sql.join(
        rows.rows.map((r) => sql`(${r.id}::uuid, ${r.value}, ${crypto.encrypt(crypto.decrypt(r.value))})`),
      );
      const updated = await sql`
        update ${sql.table(table)} as t set ${sql.ref(column)} = v.fresh
        from (values ${values}) as v(id, old, fresh)
        where t.id = v.id and t.${sql.ref(column)} = v.old`.execute(db);
      const n = Number(updated.numAffectedRows ?? 0);
      count += n;
      total += n;
      onProgress(total);
      if (n === 0) break;
    }
    byColumn[`${table}.${column}`] = count;
  }
  return { reencrypted: total, byColumn };
}

/** How many stored values are still under an older key. */
export async function countStale(db: Kysely<DB>, crypto: FieldCrypto): Promise<number> {
  const current = `${crypto.algorithm === "gm" ? "g1" : "v1"}:${crypto.keyId}:%`;
  let stale = 0;
  for (const [table, column] of ENCRYPTED_COLUMNS) {
    const row = await sql<{ n: string }>`
      select count(*)::text as n from ${sql.table(table)}
      where ${sql.ref(column)} is not null and ${sql.ref(column)} not like ${current}`.execute(db);
    stale += Number(row.rows[0]?.n ?? 0);
  }
  return stale;
}

import type { Insertable, Kysely, Transaction } from "kysely";
import type { DB } from "../../db/schema.ts";
import type {
  DisputeFollowupTable,
  DisputePartyTable,
  MediationAgreementTable,
  MediationSessionTable,
  Obligation,
} from "./events.table.ts";

/**
 * The statements on the mediation record of a dispute event: the dispute, its parties, sessions,
 * agreement and follow-ups. Every read and write of their free text (names, addresses, records,
 * facts, results, notes) goes through this file.
 */
type Db = Kysely<DB> | Transaction<DB>;

export async function findDispute(db: Db, eventId: string) {
  return db.selectFrom("dispute").selectAll().where("event_id", "=", eventId).executeTakeFirst();
}

/** Creates the dispute record unless it exists; whether it created it. */
export async function insertDisputeIfMissing(db: Db, eventId: string, riskGrade: string, at: Date): Promise<boolean> {
  const res = await db
    .insertInto("dispute")
    .values({
      event_id: eventId,
      risk_grade: riskGrade,
      mediator_user_id: null,
      mediator_name: null,
      performance: null,
      created_at: at,
      updated_at: at,
    })
    .onConflict((oc) => oc.column("event_id").doNothing())
    .executeTakeFirst();
  return Number(res.numInsertedOrUpdatedRows ?? 0) > 0;
}

/** A dispute's risk grade, its row locked until the transaction ends (a regrade moves the figures once). */
export async function lockRiskGrade(db: Db, eventId: string): Promise<string | undefined> {
  const row = await db
    .selectFrom("dispute")
    .select("risk_grade")
    .where("event_id", "=", eventId)
    .forUpdate()
    .executeTakeFirst();
  return row?.risk_grade;
}

export async function updateDisputeRow(
  db: Db,
  eventId: string,
  values: {
    risk_grade?: string;
    mediator_user_id?: string | null;
    mediator_name?: string | null;
    performance?: string;
    updated_at: Date;
  },
): Promise<void> {
  await db.updateTable("dispute").set(values).where("event_id", "=", eventId).execute();
}

// ---- parties -----------------------------------------------------------------------------------------

export async function listParties(db: Db, eventId: string) {
  return db
    .selectFrom("dispute_party")
    .selectAll()
    .where("event_id", "=", eventId)
    .orderBy("ord")
    .orderBy("created_at")
    .execute();
}

export async function findParty(db: Db, id: string) {
  return db.selectFrom("dispute_party").selectAll().where("id", "=", id).executeTakeFirst();
}

export async function countParties(db: Db, eventId: string): Promise<number> {
  const row = await db
    .selectFrom("dispute_party")
    .select((eb) => eb.fn.countAll<string>().as("n"))
    .where("event_id", "=", eventId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function insertParty(db: Db, row: Insertable<DisputePartyTable>): Promise<void> {
  await db.insertInto("dispute_party").values(row).execute();
}

/** Removes a party of the dispute; false if it has none with that id. */
export async function deleteParty(db: Db, eventId: string, partyId: string): Promise<boolean> {
  const r = await db
    .deleteFrom("dispute_party")
    .where("id", "=", partyId)
    .where("event_id", "=", eventId)
    .executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

export async function listPartyRoles(db: Db, eventId: string): Promise<string[]> {
  return (await db.selectFrom("dispute_party").select("role").where("event_id", "=", eventId).execute()).map(
    (r) => r.role,
  );
}

// ---- sessions, agreement, follow-ups -----------------------------------------------------------------

export async function listSessions(db: Db, eventId: string) {
  return db.selectFrom("mediation_session").selectAll().where("event_id", "=", eventId).orderBy("held_at").execute();
}

export async function findSession(db: Db, id: string) {
  return db.selectFrom("mediation_session").selectAll().where("id", "=", id).executeTakeFirst();
}

export async function insertSession(db: Db, row: Insertable<MediationSessionTable>): Promise<void> {
  await db.insertInto("mediation_session").values(row).execute();
}

export async function findAgreement(db: Db, eventId: string) {
  return db.selectFrom("mediation_agreement").selectAll().where("event_id", "=", eventId).executeTakeFirst();
}

/** An agreement's text as stored: masked, each original sealed beside it (event-free-text.ts). */
export interface AgreementValues {
  committee: string;
  committee_sealed: string | null;
  facts: string;
  facts_sealed: string | null;
  matters: string;
  matters_sealed: string | null;
  obligations: Obligation[];
  obligations_sealed: string | null;
  signed_on: string;
  mediator_name: string;
  mediator_name_sealed: string | null;
}

export async function updateAgreement(db: Db, id: string, values: AgreementValues): Promise<void> {
  await db
    .updateTable("mediation_agreement")
    .set({ ...values, obligations: JSON.stringify(values.obligations) })
    .where("id", "=", id)
    .execute();
}

export async function insertAgreement(
  db: Db,
  row: Omit<Insertable<MediationAgreementTable>, keyof AgreementValues> & AgreementValues,
): Promise<void> {
  await db
    .insertInto("mediation_agreement")
    .values({ ...row, obligations: JSON.stringify(row.obligations) })
    .execute();
}

export async function listFollowups(db: Db, eventId: string) {
  return db.selectFrom("dispute_followup").selectAll().where("event_id", "=", eventId).orderBy("at").execute();
}

export async function findFollowup(db: Db, id: string) {
  return db.selectFrom("dispute_followup").selectAll().where("id", "=", id).executeTakeFirst();
}

export async function insertFollowup(db: Db, row: Insertable<DisputeFollowupTable>): Promise<void> {
  await db.insertInto("dispute_followup").values(row).execute();
}

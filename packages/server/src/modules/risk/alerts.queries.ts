import type { Insertable, Kysely, Transaction } from "kysely";
import { sql } from "kysely";
import type { DB } from "../../db/schema.ts";
import type { AlertExplanationJson, AlertTable, AlertTaskTable } from "./risk.table.ts";

/**
 * The statements on alerts, the records behind them, their tasks, and the notifications that take
 * them to the responsible staff. Free text (closing and task notes) is written here already masked,
 * its original sealed by the service.
 */
type Db = Kysely<DB> | Transaction<DB>;

export interface NewAlert {
  id: string;
  rule_id: string;
  kind: string;
  dedup_key: string;
  area_id: string;
  area_path: string;
  title: string;
  explanation: AlertExplanationJson;
  raised_at: Date;
}

/** Raises an alert unless one has its dedup key; the id raised, or undefined when it exists already. */
export async function insertAlert(db: Db, a: NewAlert): Promise<string | undefined> {
  const row: Insertable<AlertTable> = {
    ...a,
    explanation: JSON.stringify(a.explanation),
    state: "open",
    updated_at: a.raised_at,
  };
  const r = await db
    .insertInto("alert")
    .values(row)
    .onConflict((oc) => oc.column("dedup_key").doNothing())
    .returning("id")
    .executeTakeFirst();
  return r?.id;
}

export async function findAlertByKey(db: Db, dedupKey: string) {
  return db
    .selectFrom("alert")
    .select(["id", "state", "area_path"])
    .where("dedup_key", "=", dedupKey)
    .executeTakeFirst();
}

/** Adds records behind an alert (those it has already are kept); how many were new. */
export async function insertAlertRecords(
  db: Db,
  alertId: string,
  records: { type: string; id: string; at: Date | null }[],
): Promise<number> {
  if (records.length === 0) return 0;
  const r = await db
    .insertInto("alert_record")
    .values(records.map((x) => ({ alert_id: alertId, record_type: x.type, record_id: x.id, at: x.at })))
    .onConflict((oc) => oc.columns(["alert_id", "record_type", "record_id"]).doNothing())
    .executeTakeFirst();
  return Number(r.numInsertedOrUpdatedRows ?? 0);
}

export async function updateExplanation(db: Db, alertId: string, explanation: AlertExplanationJson, at: Date) {
  await db
    .updateTable("alert")
    .set({ explanation: JSON.stringify(explanation), updated_at: at })
    .where("id", "=", alertId)
    .execute();
}

const alertColumns = (db: Db) =>
  db
    .selectFrom("alert as al")
    .innerJoin("area as a", "a.id", "al.area_id")
    .leftJoin("playbook as p", "p.id", "al.playbook_id")
    .selectAll("al")
    .select(["a.code as area_code", "a.name as area_name", "p.name as playbook_name"])
    .select((eb) =>
      eb
        .selectFrom("alert_record as ar")
        .whereRef("ar.alert_id", "=", "al.id")
        .select(sql<string>`count(*)`.as("n"))
        .as("record_count"),
    );

export async function findAlert(db: Db, id: string) {
  return alertColumns(db).where("al.id", "=", id).executeTakeFirst();
}

export async function lockAlert(db: Transaction<DB>, id: string) {
  return db.selectFrom("alert").selectAll().where("id", "=", id).forUpdate().executeTakeFirst();
}

export interface AlertFilter {
  prefixes: string[] | null;
  states: string[];
  ruleId?: string | undefined;
  limit: number;
  offset: number;
}

const under = (prefixes: string[] | null) =>
  prefixes === null
    ? sql<boolean>`true`
    : prefixes.length === 0
      ? sql<boolean>`false`
      : sql<boolean>`(${sql.join(
          prefixes.map((p) => sql`al.area_path like ${`${p}%`}`),
          sql` or `,
        )})`;

export async function listAlerts(db: Db, f: AlertFilter) {
  let q = alertColumns(db).where(under(f.prefixes)).where("al.state", "in", f.states);
  if (f.ruleId) q = q.where("al.rule_id", "=", f.ruleId);
  return q.orderBy("al.raised_at", "desc").orderBy("al.id").limit(f.limit).offset(f.offset).execute();
}

export async function countAlerts(db: Db, f: Omit<AlertFilter, "limit" | "offset">): Promise<number> {
  let q = db
    .selectFrom("alert as al")
    .select(sql<string>`count(*)`.as("n"))
    .where(under(f.prefixes))
    .where("al.state", "in", f.states);
  if (f.ruleId) q = q.where("al.rule_id", "=", f.ruleId);
  return Number((await q.executeTakeFirstOrThrow()).n);
}

export async function updateAlertState(
  db: Db,
  id: string,
  values: {
    state?: string;
    acknowledged_at?: Date;
    acknowledged_by?: string | null;
    acknowledged_by_name?: string;
    ack_note?: string | null;
    ack_note_sealed?: string | null;
    closed_at?: Date;
    closed_by?: string | null;
    closed_by_name?: string;
    close_note?: string | null;
    close_note_sealed?: string | null;
    playbook_id?: string;
    updated_at: Date;
  },
) {
  await db.updateTable("alert").set(values).where("id", "=", id).execute();
}

// ---- the records behind alerts -----------------------------------------------------------------------

export async function listAlertRecords(db: Db, alertId: string, limit: number) {
  return db
    .selectFrom("alert_record")
    .selectAll()
    .where("alert_id", "=", alertId)
    .orderBy("at")
    .orderBy("record_id")
    .limit(limit)
    .execute();
}

export async function listEventsByIds(db: Db, ids: string[]) {
  if (ids.length === 0) return [];
  return db
    .selectFrom("event")
    .select(["id", "number", "category_key", "title", "state", "area_path", "created_at"])
    .where("id", "in", ids)
    .execute();
}

export async function listPeopleByIds(db: Db, ids: string[]) {
  if (ids.length === 0) return [];
  return db.selectFrom("person").select(["id", "name", "area_path"]).where("id", "in", ids).execute();
}

export async function listHouseholdsByIds(db: Db, ids: string[]) {
  if (ids.length === 0) return [];
  return db
    .selectFrom("household as h")
    .leftJoin("person as p", "p.id", "h.head_person_id")
    .select(["h.id", "h.area_path", "p.name as head_name"])
    .where("h.id", "in", ids)
    .execute();
}

// ---- tasks -------------------------------------------------------------------------------------------

export async function insertTasks(db: Db, rows: Insertable<AlertTaskTable>[]): Promise<void> {
  if (rows.length > 0) await db.insertInto("alert_task").values(rows).execute();
}

export async function listTasksOf(db: Db, alertIds: string[]) {
  if (alertIds.length === 0) return [];
  return db.selectFrom("alert_task").selectAll().where("alert_id", "in", alertIds).orderBy("ord").execute();
}

export async function findTask(db: Db, id: string) {
  return db.selectFrom("alert_task").selectAll().where("id", "=", id).executeTakeFirst();
}

export async function countOpenTasks(db: Db, alertId: string): Promise<number> {
  const r = await db
    .selectFrom("alert_task")
    .select(sql<string>`count(*)`.as("n"))
    .where("alert_id", "=", alertId)
    .where("state", "=", "open")
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

/** Finishes an open task; false when it was no longer open (a parallel retry). */
export async function finishTask(
  db: Db,
  id: string,
  values: {
    state: string;
    done_at: Date;
    done_by: string;
    done_by_name: string;
    note: string | null;
    note_sealed: string | null;
  },
): Promise<boolean> {
  const r = await db
    .updateTable("alert_task")
    .set(values)
    .where("id", "=", id)
    .where("state", "=", "open")
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

// ---- notifications -----------------------------------------------------------------------------------

/** Tells staff of an alert in their inbox (the notifications every app reads). Title and body are masked text. */
export async function insertAlertNotifications(
  db: Db,
  rows: { id: string; user_id: string; title: string; body: string; created_at: Date }[],
  kind: "alert" | "alert_task" = "alert",
): Promise<void> {
  if (rows.length === 0) return;
  await db
    .insertInto("notification")
    .values(rows.map((r) => ({ ...r, event_id: null, kind, read_at: null })))
    .execute();
}

/** The parties of some disputes who are one of `keys` (their identity), with where each dispute is. */
export async function listPartiesByKeys(db: Db, eventIds: string[], keys: string[]) {
  if (eventIds.length === 0 || keys.length === 0) return [];
  return db
    .selectFrom("dispute_party as dp")
    .innerJoin("event as e", "e.id", "dp.event_id")
    .select(["dp.identity_key", "dp.name", "e.area_path"])
    .where("dp.event_id", "in", eventIds)
    .where("dp.identity_key", "in", keys)
    .orderBy("e.created_at")
    .orderBy("dp.ord")
    .execute();
}

import { type Kysely, sql, type Transaction } from "kysely";
import type { DB } from "../../db/schema.ts";
import type { EventCategoryRow } from "./events.table.ts";

/** The statements on event categories and the working calendar. */
type Db = Kysely<DB> | Transaction<DB>;

export interface CategoryValues {
  name_zh: string;
  name_en: string;
  close_level: string;
  deadlines: Record<string, number>;
  priority: string;
  attributes: unknown[];
}

export async function insertCategoryIfMissing(
  db: Db,
  row: CategoryValues & { key: string; parent_key: string | null },
): Promise<void> {
  await db
    .insertInto("event_category")
    .values({ ...row, deadlines: JSON.stringify(row.deadlines), attributes: JSON.stringify(row.attributes) })
    .onConflict((oc) => oc.column("key").doNothing())
    .execute();
}

export async function listCategoryRows(db: Db, options: { activeOnly?: boolean } = {}): Promise<EventCategoryRow[]> {
  let q = db.selectFrom("event_category").selectAll().orderBy("key");
  if (options.activeOnly) q = q.where("active", "=", true);
  return q.execute();
}

export async function updateCategoryRow(
  db: Db,
  key: string,
  values: CategoryValues & { active: boolean; updated_at: Date; updated_by: string | null },
): Promise<void> {
  await db
    .updateTable("event_category")
    .set({ ...values, deadlines: JSON.stringify(values.deadlines), attributes: JSON.stringify(values.attributes) })
    .where("key", "=", key)
    .execute();
}

// ---- working calendar --------------------------------------------------------------------------------

export interface CalendarDayRow {
  day: string;
  kind: "holiday" | "workday";
  note: string | null;
}

export async function hasCalendarDays(db: Db): Promise<boolean> {
  return (await db.selectFrom("work_calendar_day").select("day").limit(1).execute()).length > 0;
}

export async function insertCalendarDays(
  db: Db,
  days: (CalendarDayRow & { updated_at?: Date; updated_by?: string | null })[],
  options: { ignoreExisting?: boolean } = {},
): Promise<void> {
  if (days.length === 0) return;
  let q = db.insertInto("work_calendar_day").values(days);
  if (options.ignoreExisting) q = q.onConflict((oc) => oc.column("day").doNothing());
  await q.execute();
}

export async function listCalendarDays(db: Db, from: string, to: string): Promise<CalendarDayRow[]> {
  return db
    .selectFrom("work_calendar_day")
    .select(["day", "kind", "note"])
    .where("day", ">=", from)
    .where("day", "<=", to)
    .orderBy("day")
    .execute();
}

export async function deleteCalendarDays(db: Db, from: string, to: string): Promise<void> {
  await db.deleteFrom("work_calendar_day").where("day", ">=", from).where("day", "<=", to).execute();
}

/** Every holiday and make-up working day, as ISO dates. */
export async function listAllCalendarDays(db: Db): Promise<{ day: string; kind: string }[]> {
  const rows = await sql<{ day: string; kind: string }>`select day::text as day, kind from work_calendar_day`.execute(
    db,
  );
  return rows.rows;
}

import { type Kysely, sql, type Transaction } from "kysely";
import type { DB } from "../../db/schema.ts";
import type { NewVisitRow, VisitNeedRow, VisitRow } from "./visits.table.ts";

type Db = Kysely<DB> | Transaction<DB>;

// ---- plans -----------------------------------------------------------------------------------------

/** Care and service tag definitions: the plans that come from tags. */
export async function listTagPlanRows(db: Db) {
  return db
    .selectFrom("tag_definition")
    .select(["key", "category", "name_zh", "name_en", "visit_every_days", "visit_checklist"])
    .where("category", "in", ["care", "service"])
    .where("active", "=", true)
    .orderBy("created_at")
    .orderBy("key")
    .execute();
}

export async function findPlanRow(db: Db, key: string) {
  return db.selectFrom("visit_plan").selectAll().where("key", "=", key).executeTakeFirst();
}

export async function upsertPlanRow(
  db: Db,
  row: { key: string; every_days: number; checklist: string; updated_at: Date; updated_by: string | null },
) {
  await db
    .insertInto("visit_plan")
    .values(row)
    .onConflict((oc) =>
      oc.column("key").doUpdateSet({
        every_days: row.every_days,
        checklist: row.checklist,
        updated_at: row.updated_at,
        updated_by: row.updated_by,
      }),
    )
    .execute();
}

export async function updateTagPlan(db: Db, key: string, everyDays: number | null, checklist: string) {
  await db
    .updateTable("tag_definition")
    .set({ visit_every_days: everyDays, visit_checklist: checklist })
    .where("key", "=", key)
    .execute();
}

// ---- visits ----------------------------------------------------------------------------------------

export async function findVisit(db: Db, id: string): Promise<VisitRow | undefined> {
  return db.selectFrom("visit").selectAll().where("id", "=", id).executeTakeFirst();
}

/** Inserts the visit unless its id exists (a retry, perhaps in parallel); true when this call wrote it. */
export async function insertVisitIfNew(db: Db, row: NewVisitRow): Promise<boolean> {
  const res = await db
    .insertInto("visit")
    .values(row)
    .onConflict((oc) => oc.column("id").doNothing())
    .executeTakeFirst();
  return Number(res.numInsertedOrUpdatedRows ?? 0) > 0;
}

export async function insertVisitPeople(db: Db, visitId: string, personIds: string[]) {
  if (personIds.length === 0) return;
  await db
    .insertInto("visit_person")
    .values(personIds.map((person_id) => ({ visit_id: visitId, person_id })))
    .execute();
}

export async function insertNeeds(db: Db, rows: import("kysely").Insertable<DB["visit_need"]>[]) {
  if (rows.length > 0) await db.insertInto("visit_need").values(rows).execute();
}

/** The day each subject was last met, moved forward only (a late-arriving older visit changes nothing). */
export async function recordLastVisits(
  db: Db,
  visitId: string,
  day: string,
  subjects: { id: string; type: "person" | "household" }[],
) {
  if (subjects.length === 0) return;
  await db
    .insertInto("visit_last")
    .values(
      subjects.map((s) => ({ subject_id: s.id, subject_type: s.type, last_visited_on: day, last_visit_id: visitId })),
    )
    .onConflict((oc) =>
      oc
        .column("subject_id")
        .doUpdateSet({ last_visited_on: day, last_visit_id: visitId })
        .where("visit_last.last_visited_on", "<", day),
    )
    .execute();
}

/** Sets the visit's photo unless it has one (two uploads at once: the first wins); true when this call set it. */
export async function setVisitPhoto(
  db: Db,
  id: string,
  photo: { sha256: string; type: string; dhash: string | null },
): Promise<boolean> {
  const res = await db
    .updateTable("visit")
    .set({ photo_sha256: photo.sha256, photo_type: photo.type, photo_dhash: photo.dhash })
    .where("id", "=", id)
    .where("photo_sha256", "is", null)
    .executeTakeFirst();
  return Number(res.numUpdatedRows) > 0;
}

export async function listVisits(
  db: Db,
  filter: {
    householdId?: string | undefined;
    personId?: string | undefined;
    prefixes: string[] | null;
    /** Visited at or after / before these instants. */
    from?: Date | undefined;
    before?: Date | undefined;
    /** Only visits where someone was met (outcome visited), or only those where no one was. */
    met?: boolean | undefined;
    limit: number;
    offset?: number;
  },
): Promise<VisitRow[]> {
  let q = db.selectFrom("visit").selectAll("visit");
  if (filter.from) q = q.where("visit.visited_at", ">=", filter.from);
  if (filter.before) q = q.where("visit.visited_at", "<", filter.before);
  if (filter.met !== undefined) q = q.where("visit.outcome", filter.met ? "=" : "<>", "visited");
  if (filter.householdId) q = q.where("visit.household_id", "=", filter.householdId);
  if (filter.personId)
    q = q.where(({ exists, selectFrom }) =>
      exists(
        selectFrom("visit_person")
          .select("visit_person.visit_id")
          .whereRef("visit_person.visit_id", "=", "visit.id")
          .where("visit_person.person_id", "=", filter.personId as string),
      ),
    );
  const prefixes = filter.prefixes;
  if (prefixes !== null)
    q = q.where((eb) =>
      prefixes.length === 0 ? sql<boolean>`false` : eb.or(prefixes.map((p) => eb("visit.area_path", "like", `${p}%`))),
    );
  return q
    .orderBy("visit.visited_at", "desc")
    .orderBy("visit.id", "desc")
    .limit(filter.limit)
    .offset(filter.offset ?? 0)
    .execute();
}

export async function listPeopleOfVisits(db: Db, visitIds: string[]) {
  if (visitIds.length === 0) return [];
  return db
    .selectFrom("visit_person")
    .innerJoin("person", "person.id", "visit_person.person_id")
    .select(["visit_person.visit_id", "person.id", "person.name"])
    .where("visit_person.visit_id", "in", visitIds)
    .orderBy("person.name")
    .execute();
}

export async function listNeedsOfVisits(db: Db, visitIds: string[]): Promise<VisitNeedRow[]> {
  if (visitIds.length === 0) return [];
  return db.selectFrom("visit_need").selectAll().where("visit_id", "in", visitIds).orderBy("position").execute();
}

export async function findNeedForUpdate(db: Transaction<DB>, visitId: string, needId: string) {
  return db
    .selectFrom("visit_need")
    .selectAll()
    .where("id", "=", needId)
    .where("visit_id", "=", visitId)
    .forUpdate()
    .executeTakeFirst();
}

export async function handNeed(
  db: Db,
  needId: string,
  set: { event_id?: string; lead_household_id?: string; handed_at: Date; handed_by: string | null },
) {
  await db.updateTable("visit_need").set(set).where("id", "=", needId).execute();
}

export async function findAddressOfHousehold(db: Db, householdId: string) {
  return db
    .selectFrom("household")
    .leftJoin("place", "place.id", "household.place_id")
    .select(["household.id", "household.area_path", "place.address", "place.lng", "place.lat"])
    .where("household.id", "=", householdId)
    .executeTakeFirst();
}

export async function findPeopleOf(db: Db, ids: string[]) {
  if (ids.length === 0) return [];
  return db.selectFrom("person").select(["id", "household_id", "name", "area_path"]).where("id", "in", ids).execute();
}

/** Active tags of the people and the household with a rhythm, for the visit's checklist. */
export async function listRhythmTagKeys(db: Db, subjectIds: string[], today: string): Promise<string[]> {
  if (subjectIds.length === 0) return [];
  const rows = await db
    .selectFrom("subject_tag")
    .select("tag_key")
    .distinct()
    .where("subject_id", "in", subjectIds)
    .where("valid_from", "<=", today)
    .where((eb) => eb.or([eb("valid_to", "is", null), eb("valid_to", ">=", today)]))
    .execute();
  return rows.map((r) => r.tag_key);
}

export async function findCurrentLeadHousehold(db: Db, householdId: string) {
  return db
    .selectFrom("lead_household_link")
    .innerJoin("household", "household.id", "lead_household_link.lead_household_id")
    .select(["household.id", "household.area_path"])
    .where("lead_household_link.household_id", "=", householdId)
    .where("lead_household_link.valid_to", "is", null)
    .executeTakeFirst();
}

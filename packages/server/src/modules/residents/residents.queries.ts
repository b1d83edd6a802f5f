import { type Kysely, sql, type Transaction } from "kysely";
import type { DB } from "../../db/schema.ts";

type Db = Kysely<DB> | Transaction<DB>;

/** Serialises link attempts of one account and, separately, of one ID number (lock order: account, number). */
export async function lockLinkAttempts(db: Transaction<DB>, userId: string, idIndex: string): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtext(${`resident_link:user:${userId}`}))`.execute(db);
  await sql`select pg_advisory_xact_lock(hashtext(${`resident_link:id:${idIndex}`}))`.execute(db);
}

/** The times of failed attempts since `since`, newest first: by the account, or for the ID number. */
export async function listFailedAttempts(
  db: Db,
  by: { userId: string } | { idIndex: string },
  since: Date,
): Promise<Date[]> {
  const rows = await db
    .selectFrom("resident_link_attempt")
    .select("at")
    .where("succeeded", "=", false)
    .where("at", ">", since)
    .$call((q) => ("userId" in by ? q.where("user_id", "=", by.userId) : q.where("id_index", "=", by.idIndex)))
    .orderBy("at", "desc")
    .limit(50)
    .execute();
  return rows.map((r) => r.at);
}

export async function insertLinkAttempt(
  db: Db,
  row: { id: string; user_id: string; id_index: string; succeeded: boolean; at: Date },
): Promise<void> {
  await db.insertInto("resident_link_attempt").values(row).execute();
}

export async function findPeopleByIdIndex(db: Db, idIndex: string) {
  return db
    .selectFrom("person")
    .select(["id", "name", "area_path"])
    .where("id_number_bidx", "=", idIndex)
    .orderBy("id")
    .execute();
}

export async function findLinkOfUser(db: Db, userId: string) {
  return db
    .selectFrom("resident_link as l")
    .innerJoin("person as p", "p.id", "l.person_id")
    .leftJoin("area as a", "a.id", "p.area_id")
    .select([
      "l.person_id",
      "l.linked_at",
      "p.name",
      "p.id_number_masked",
      "p.id_number_bidx",
      "p.household_id",
      "p.area_path",
      "a.name as area_name",
    ])
    .where("l.user_id", "=", userId)
    .executeTakeFirst();
}

export async function findLinkOfPerson(db: Db, personId: string) {
  return db.selectFrom("resident_link").selectAll().where("person_id", "=", personId).executeTakeFirst();
}

/** Links an account to a record; false when either is already linked (a parallel attempt won). */
export async function insertLink(db: Db, row: { user_id: string; person_id: string; linked_at: Date }) {
  const done = await db
    .insertInto("resident_link")
    .values(row)
    .onConflict((oc) => oc.doNothing())
    .executeTakeFirst();
  return Number(done.numInsertedOrUpdatedRows ?? 0) > 0;
}

export async function deleteLink(db: Db, userId: string) {
  const done = await db.deleteFrom("resident_link").where("user_id", "=", userId).executeTakeFirst();
  return Number(done.numDeletedRows) > 0;
}

export async function findHousehold(db: Db, householdId: string) {
  return db
    .selectFrom("household as h")
    .leftJoin("place as pl", "pl.id", "h.place_id")
    .leftJoin("area as a", "a.id", "h.area_id")
    .select(["h.id", "pl.address", "a.name as area_name"])
    .where("h.id", "=", householdId)
    .executeTakeFirst();
}

export async function listHouseholdMembers(db: Db, householdId: string) {
  return db
    .selectFrom("person")
    .select(["id", "name", "relationship", "id_number_bidx"])
    .where("household_id", "=", householdId)
    .orderBy("created_at")
    .orderBy("id")
    .execute();
}

/** The record's access log as one linked account reads it: the record's rows and the rows for that account alone. */
export async function listAccessOf(db: Db, personId: string, userId: string, limit: number) {
  return db
    .selectFrom("person_access as x")
    .leftJoin("app_user as u", "u.id", "x.user_id")
    .select(["x.at", "x.action", "x.fields", "x.reason", "x.user_id", "x.actor_posts", "u.display_name"])
    .where("x.person_id", "=", personId)
    .where((eb) => eb.or([eb("x.subject_user_id", "is", null), eb("x.subject_user_id", "=", userId)]))
    .orderBy("x.at", "desc")
    .orderBy("x.id", "desc")
    .limit(limit)
    .execute();
}

/** Current posts of accounts (for access rows written before posts were kept with them). */
export async function listPostsOf(db: Db, userIds: string[]) {
  if (userIds.length === 0) return [];
  return db
    .selectFrom("assignment as s")
    .leftJoin("area as a", "a.id", "s.area_id")
    .select(["s.user_id", "s.role_key", "s.area_path", "a.name as area_name"])
    .where("s.user_id", "in", userIds)
    .execute();
}

export async function listRoleNames(db: Db) {
  return db.selectFrom("role").select(["key", "name_zh", "name_en"]).execute();
}

import { type Expression, type ExpressionBuilder, type Kysely, type SqlBool, sql, type Transaction } from "kysely";
import { type CopyData, encodeObjects } from "../../db/bulk.ts";
import type { DB } from "../../db/schema.ts";
import type {
  HouseholdRow,
  HouseholdTable,
  NewPersonRow,
  OrganisationTable,
  PersonRow,
  PersonTable,
  PlaceRow,
  PlaceTable,
  SubjectTagRow,
  TagDefinitionRow,
} from "./registry.table.ts";

type Db = Kysely<DB> | Transaction<DB>;
type Insert<T> = import("kysely").Insertable<T>;
type Update<T> = import("kysely").Updateable<T>;

/** `area_path` under one of the prefixes (null: everywhere). */
export function underPaths<T extends "person" | "household" | "place" | "organisation" | "subject_tag">(
  eb: ExpressionBuilder<DB, T>,
  column: string,
  prefixes: string[] | null,
): Expression<SqlBool> {
  if (prefixes === null) return sql<boolean>`true`;
  if (prefixes.length === 0) return sql<boolean>`false`;
  return eb.or(prefixes.map((p) => eb(sql.ref(column), "like", `${p}%`)));
}

// ---- people ----------------------------------------------------------------------------------------

export async function findPerson(db: Db, id: string): Promise<PersonRow | undefined> {
  return db.selectFrom("person").selectAll().where("id", "=", id).executeTakeFirst();
}

export async function findPersonByIdIndex(db: Db, bidx: string): Promise<PersonRow | undefined> {
  return db.selectFrom("person").selectAll().where("id_number_bidx", "=", bidx).executeTakeFirst();
}

/** One array parameter instead of one per value: a batch of a thousand is one short statement. */
const anyOf = (values: readonly string[], type: "text" | "uuid" = "text") =>
  sql<string>`any(${sql.val(values)}::${sql.raw(type)}[])`;

export async function findPeopleByIdIndexes(db: Db, bidxs: string[]): Promise<PersonRow[]> {
  if (bidxs.length === 0) return [];
  return db.selectFrom("person").selectAll().where("id_number_bidx", "=", anyOf(bidxs)).execute();
}

export async function insertPeople(db: Db, rows: NewPersonRow[]): Promise<void> {
  if (rows.length > 0) await db.insertInto("person").values(rows).execute();
}

/** Rows of one shape (built by one object literal) encoded for COPY into a table. */
const encodeRows = <T extends object>(table: keyof DB & string, rows: T[]): CopyData => encodeObjects(table, rows);

export const peopleCopy = (rows: NewPersonRow[]) => encodeRows("person", rows);
export const placesCopy = (rows: Insert<PlaceTable>[]) => encodeRows("place", rows);
export const householdsCopy = (rows: Insert<HouseholdTable>[]) => encodeRows("household", rows);
export const tagsCopy = (rows: Insert<DB["subject_tag"]>[]) => encodeRows("subject_tag", rows);
export const attributionsCopy = (rows: Insert<DB["area_attribution"]>[]) => encodeRows("area_attribution", rows);

export async function updatePerson(db: Db, id: string, update: Update<PersonTable>): Promise<void> {
  await db.updateTable("person").set(update).where("id", "=", id).execute();
}

export interface PersonFilter {
  prefixes: string[] | null;
  nameChars?: string[];
  nameLike?: string;
  /** Names starting with this (a surname search), in name order from the prefix index. */
  namePrefix?: string;
  pinyinPrefix?: string;
  idIndex?: string;
  phoneIndex?: string;
  /** People with any of these tags, valid today. */
  tagKeys?: string[];
  today: string;
  householdId?: string;
  addressChars?: string[];
  addressLike?: string;
  limit: number;
  /** Rows to skip (the API's `offset`); pages further on are read with `after`. */
  offset?: number;
  /** The last row of the previous page (keyset pagination): where this page starts. */
  after?: PersonCursor;
}

/**
 * Where a person stands in a search's one order: `rank` 0, then 1 (a pinyin search lists initials
 * matches, then the full-pinyin matches that are not also initials matches), then the sort key (the
 * initials, the pinyin or the name) and the id.
 */
export interface PersonCursor {
  rank: 0 | 1;
  key: string;
  id: string;
}

/** The order a filter's results come in: which column sorts them, in which collation. */
function orderOf(f: PersonFilter): { column: "name" | "name_initials" | "name_pinyin"; c: boolean } {
  if (f.pinyinPrefix) return { column: "name_initials", c: true };
  if (f.namePrefix) return { column: "name", c: true };
  return { column: "name", c: false };
}

/** The cursor of a row of this filter's results (for the next page). */
export function cursorOf(f: PersonFilter, row: PersonRow): PersonCursor {
  if (f.pinyinPrefix && !row.name_initials.startsWith(f.pinyinPrefix))
    return { rank: 1, key: row.name_pinyin, id: row.id };
  return { rank: 0, key: row[orderOf(f).column], id: row.id };
}

/**
 * One ordered, keyset-paginated query whatever the search. A pinyin prefix matches initials (`zs`)
 * or the full pinyin (`zhangs`): the two are one statement — each half read in its own "C"-ordered
 * index from the cursor on, at most a page each, then merged by (rank, key, id) — so every page
 * continues exactly where the last one ended (two queries offset separately skipped people).
 */
export async function searchPeople(db: Db, f: PersonFilter): Promise<PersonRow[]> {
  const take = f.limit + (f.offset ?? 0);
  if (f.pinyinPrefix) {
    const prefix = f.pinyinPrefix;
    const halves: Expression<unknown>[] = [];
    if (!f.after || f.after.rank === 0)
      halves.push(
        keysetPage(personSearch(db, f), "name_initials", true, f.after, take)
          .where(sql`person.name_initials collate "C"`, "like", `${prefix}%`)
          .select([sql<number>`0`.as("search_rank"), sql<string>`person.name_initials`.as("search_key")]),
      );
    // A one-letter prefix of the pinyin is one of the initials too: that half would be empty.
    if (prefix.length > 1)
      halves.push(
        keysetPage(personSearch(db, f), "name_pinyin", true, f.after?.rank === 1 ? f.after : undefined, take)
          .where(sql`person.name_pinyin collate "C"`, "like", `${prefix}%`)
          .where(sql`person.name_initials collate "C"`, "not like", `${prefix}%`)
          .select([sql<number>`1`.as("search_rank"), sql<string>`person.name_pinyin`.as("search_key")]),
      );
    const union = sql.join(
      halves.map((h) => sql`(${h})`),
      sql` union all `,
    );
    const rows = await sql<PersonRow & { search_rank: number; search_key: string }>`
      select * from (${union}) as found
      order by search_rank, search_key collate "C", id
      limit ${f.limit} offset ${f.offset ?? 0}`.execute(db);
    return rows.rows.map(({ search_rank: _r, search_key: _k, ...row }) => row as PersonRow);
  }
  const { column, c } = orderOf(f);
  return keysetPage(personSearch(db, f), column, c, f.after, f.limit)
    .offset(f.offset ?? 0)
    .execute();
}

/** A page in (column, id) order from the cursor on. */
function keysetPage(
  q: ReturnType<typeof personSearch>,
  column: "name" | "name_initials" | "name_pinyin",
  c: boolean,
  after: PersonCursor | undefined,
  limit: number,
) {
  const key = c ? sql`${sql.ref(`person.${column}`)} collate "C"` : sql.ref(`person.${column}`);
  return q
    .$if(Boolean(after), (w) => w.where(sql<boolean>`(${key}, person.id) > (${after?.key}, ${after?.id}::uuid)`))
    .orderBy(key)
    .orderBy("person.id")
    .limit(limit);
}

/** People matching every filter but the pinyin prefix (its two halves add their own condition). */
function personSearch(db: Db, f: PersonFilter) {
  let q = db
    .selectFrom("person")
    .selectAll("person")
    .where((eb) => underPaths(eb, "person.area_path", f.prefixes));
  if (f.idIndex) q = q.where("id_number_bidx", "=", f.idIndex);
  if (f.phoneIndex) q = q.where("phone_bidx", "=", f.phoneIndex);
  if (f.householdId) q = q.where("household_id", "=", f.householdId);
  if (f.namePrefix) q = q.where(sql`person.name collate "C"`, "like", `${f.namePrefix}%`);
  if (f.nameChars?.length) q = q.where("name_chars", "@>", sql<string[]>`${sql.val(f.nameChars)}::text[]`);
  if (f.nameLike) q = q.where("name", "like", `%${f.nameLike}%`);
  if (f.tagKeys) {
    const keys = f.tagKeys;
    q = q.where((eb) =>
      eb.exists(
        eb
          .selectFrom("subject_tag as t")
          .select("t.id")
          .whereRef("t.subject_id", "=", "person.id")
          .where("t.tag_key", "in", keys)
          .where("t.valid_from", "<=", f.today)
          .where((w) => w.or([w("t.valid_to", "is", null), w("t.valid_to", ">=", f.today)])),
      ),
    );
  }
  if (f.addressChars?.length || f.addressLike) {
    const chars = f.addressChars ?? [];
    const like = f.addressLike;
    q = q.where("person.place_id", "in", (eb) =>
      eb
        .selectFrom("place")
        .select("place.id")
        .$if(chars.length > 0, (w) => w.where("place.address_chars", "@>", sql<string[]>`${sql.val(chars)}::text[]`))
        .$if(Boolean(like), (w) => w.where("place.address", "like", `%${like}%`)),
    );
  }
  return q;
}

/** How many people a filter finds (up to `cap`). */
export const countPeople = (db: Db, f: PersonFilter, cap: number) => countMatches(db, f, cap);

/** How many people a filter finds outside some prefixes (null: everywhere allowed, so none), up to `cap`. */
export async function countPeopleOutside(
  db: Db,
  f: PersonFilter,
  allowed: string[] | null,
  cap: number,
): Promise<number> {
  return allowed === null ? 0 : countMatches(db, f, cap, allowed);
}

async function countMatches(db: Db, f: PersonFilter, cap: number, outside?: string[]): Promise<number> {
  const prefix = f.pinyinPrefix;
  const found = personSearch(db, f)
    .clearSelect()
    .select("person.id")
    .$if(Boolean(prefix), (q) =>
      q.where((eb) =>
        eb.or([
          eb(sql`person.name_initials collate "C"`, "like", `${prefix}%`),
          eb(sql`person.name_pinyin collate "C"`, "like", `${prefix}%`),
        ]),
      ),
    )
    .$if(outside !== undefined, (q) => q.where((eb) => eb.not(underPaths(eb, "person.area_path", outside ?? []))))
    .limit(cap);
  const row = await db
    .selectFrom(found.as("o"))
    .select((eb) => eb.fn.countAll<string>().as("n"))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

// ---- searches by number -------------------------------------------------------------------------

/** Serialises one user's searches by number (a transaction-scoped advisory lock on their id). */
export async function lockLookupsOf(db: Transaction<DB>, userId: string): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtext(${`person_lookup:${userId}`}))`.execute(db);
}

export async function countRecentLookups(db: Db, userId: string, since: Date): Promise<number> {
  const row = await db
    .selectFrom("person_lookup")
    .select((eb) => eb.fn.countAll<string>().as("n"))
    .where("user_id", "=", userId)
    .where("at", ">", since)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Records a search by number (or `count` of them) and forgets the user's searches older than the window. */
export async function recordLookup(db: Db, userId: string, at: Date, since: Date, count = 1): Promise<void> {
  await db.deleteFrom("person_lookup").where("user_id", "=", userId).where("at", "<=", since).execute();
  if (count > 0)
    await db
      .insertInto("person_lookup")
      .values(Array.from({ length: count }, () => ({ id: crypto.randomUUID(), user_id: userId, at })))
      .execute();
}

/** People carrying a tag in force under a path: the per-county count of the benchmark. */
export async function countTagged(db: Db, tagKey: string, path: string, today: string): Promise<number> {
  const row = await db
    .selectFrom("subject_tag")
    .select((eb) => eb.fn.count<string>("subject_id").distinct().as("n"))
    .where("tag_key", "=", tagKey)
    .where("area_path", "like", `${path}%`)
    .where("valid_from", "<=", today)
    .where((w) => w.or([w("valid_to", "is", null), w("valid_to", ">=", today)]))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

// ---- attribution -------------------------------------------------------------------------------

export async function openAttribution(db: Db, rows: Insert<DB["area_attribution"]>[]): Promise<void> {
  if (rows.length > 0) await db.insertInto("area_attribution").values(rows).execute();
}

/**
 * Ends the current attribution of a record. Imported people carry no attribution row until they
 * first move (a million rows saved): then the period since their registration is written, closed.
 */
export async function closeAttribution(
  db: Db,
  subject: {
    id: string;
    type: "place" | "household" | "person" | "organisation";
    areaId: string | null;
    areaPath: string;
    since: Date;
  },
  at: Date,
  changedBy: string | null,
): Promise<void> {
  const closed = await db
    .updateTable("area_attribution")
    .set({ valid_to: at })
    .where("subject_id", "=", subject.id)
    .where("valid_to", "is", null)
    .executeTakeFirst();
  const any = await db
    .selectFrom("area_attribution")
    .select("id")
    .where("subject_id", "=", subject.id)
    .executeTakeFirst();
  if (Number(closed.numUpdatedRows) === 0 && !any)
    await db
      .insertInto("area_attribution")
      .values({
        id: crypto.randomUUID(),
        subject_type: subject.type,
        subject_id: subject.id,
        area_id: subject.areaId,
        area_path: subject.areaPath,
        valid_from: subject.since,
        valid_to: at,
        reason: "registered",
        changed_by: changedBy,
      })
      .execute();
}

export async function listAttributions(db: Db, subjectId: string) {
  return db
    .selectFrom("area_attribution as h")
    .leftJoin("area as a", "a.id", "h.area_id")
    .select(["h.area_path", "a.code", "a.name", "h.valid_from", "h.valid_to", "h.reason"])
    .where("h.subject_id", "=", subjectId)
    .orderBy("h.valid_from", "desc")
    .execute();
}

// ---- households and places --------------------------------------------------------------------

export async function findHousehold(db: Db, id: string): Promise<HouseholdRow | undefined> {
  return db.selectFrom("household").selectAll().where("id", "=", id).executeTakeFirst();
}

/** The party members among a household's members (a lead household needs one). */
export async function listPartyMembersOf(db: Db, householdId: string): Promise<{ id: string }[]> {
  return db
    .selectFrom("person")
    .select("id")
    .where("household_id", "=", householdId)
    .where("party_member", "=", true)
    .execute();
}

export async function findHouseholdsByRef(db: Db, refs: string[]): Promise<HouseholdRow[]> {
  if (refs.length === 0) return [];
  return db.selectFrom("household").selectAll().where("ref", "=", anyOf(refs)).execute();
}

export async function insertHouseholds(db: Db, rows: Insert<HouseholdTable>[]): Promise<void> {
  if (rows.length > 0) await db.insertInto("household").values(rows).execute();
}

export async function updateHousehold(db: Db, id: string, update: Update<HouseholdTable>): Promise<void> {
  await db.updateTable("household").set(update).where("id", "=", id).execute();
}

export async function searchHouseholds(
  db: Db,
  f: {
    prefixes: string[] | null;
    addressChars?: string[];
    addressLike?: string;
    placeId?: string;
    limit: number;
    offset: number;
  },
) {
  let q = db
    .selectFrom("household")
    .leftJoin("place", "place.id", "household.place_id")
    .selectAll("household")
    .select(["place.address"])
    .select((eb) => [
      eb
        .selectFrom("person")
        .select("person.name")
        .whereRef("person.id", "=", "household.head_person_id")
        .as("head_name"),
      eb
        .selectFrom("person")
        .select((c) => c.fn.countAll<string>().as("n"))
        .whereRef("person.household_id", "=", "household.id")
        .as("member_count"),
    ])
    .where((eb) => underPaths(eb, "household.area_path", f.prefixes));
  if (f.placeId) q = q.where("household.place_id", "=", f.placeId);
  if (f.addressChars?.length)
    q = q.where("place.address_chars", "@>", sql<string[]>`${sql.val(f.addressChars)}::text[]`);
  if (f.addressLike) q = q.where("place.address", "like", `%${f.addressLike}%`);
  return q.orderBy("place.address").orderBy("household.id").limit(f.limit).offset(f.offset).execute();
}

export async function findPlace(db: Db, id: string): Promise<PlaceRow | undefined> {
  return db.selectFrom("place").selectAll().where("id", "=", id).executeTakeFirst();
}

/**
 * Places by (village, address), any number at once: the pairs travel as two arrays joined to the
 * unique index, one statement whatever their number (an `or` of a thousand pairs was a new statement
 * to compile and plan for every length).
 */
export async function findPlacesByAddress(db: Db, keys: { division: string; address: string }[]): Promise<PlaceRow[]> {
  if (keys.length === 0) return [];
  const divisions = sql.val(keys.map((k) => k.division));
  const addresses = sql.val(keys.map((k) => k.address));
  const found = await sql<PlaceRow>`
    select place.* from place
    join unnest(${divisions}::text[], ${addresses}::text[]) as k(division, address)
      on place.division_code = k.division and place.address = k.address`.execute(db);
  return found.rows;
}

export async function insertPlaces(db: Db, rows: Insert<PlaceTable>[]): Promise<void> {
  if (rows.length > 0)
    await db
      .insertInto("place")
      .values(rows)
      .onConflict((oc) => oc.doNothing())
      .execute();
}

export async function searchPlaces(
  db: Db,
  f: { prefixes: string[] | null; addressChars?: string[]; addressLike?: string; limit: number; offset: number },
) {
  let q = db
    .selectFrom("place")
    .selectAll()
    .where((eb) => underPaths(eb, "place.area_path", f.prefixes));
  if (f.addressChars?.length) q = q.where("address_chars", "@>", sql<string[]>`${sql.val(f.addressChars)}::text[]`);
  if (f.addressLike) q = q.where("address", "like", `%${f.addressLike}%`);
  return q.orderBy("address").limit(f.limit).offset(f.offset).execute();
}

// ---- organisations ----------------------------------------------------------------------------

export async function findOrganisation(db: Db, id: string) {
  return db.selectFrom("organisation").selectAll().where("id", "=", id).executeTakeFirst();
}

export async function insertOrganisation(db: Db, row: Insert<OrganisationTable>): Promise<void> {
  await db.insertInto("organisation").values(row).execute();
}

export async function searchOrganisations(
  db: Db,
  f: {
    prefixes: string[] | null;
    nameChars?: string[];
    nameLike?: string;
    kind?: string;
    limit: number;
    offset: number;
  },
) {
  let q = db
    .selectFrom("organisation")
    .selectAll()
    .where((eb) => underPaths(eb, "organisation.area_path", f.prefixes));
  if (f.kind) q = q.where("kind", "=", f.kind);
  if (f.nameChars?.length) q = q.where("name_chars", "@>", sql<string[]>`${sql.val(f.nameChars)}::text[]`);
  if (f.nameLike) q = q.where("name", "like", `%${f.nameLike}%`);
  return q.orderBy("name").limit(f.limit).offset(f.offset).execute();
}

// ---- tags -------------------------------------------------------------------------------------

export async function listTagDefinitions(db: Db): Promise<TagDefinitionRow[]> {
  return db
    .selectFrom("tag_definition")
    .selectAll()
    .where("active", "=", true)
    .orderBy("category")
    .orderBy("key")
    .execute();
}

export async function upsertTagDefinitions(db: Db, rows: Insert<DB["tag_definition"]>[]): Promise<void> {
  if (rows.length === 0) return;
  await db
    .insertInto("tag_definition")
    .values(rows)
    .onConflict((oc) => oc.column("key").doNothing())
    .execute();
}

export async function listTagsOf(db: Db, subjectIds: string[]): Promise<SubjectTagRow[]> {
  if (subjectIds.length === 0) return [];
  return db
    .selectFrom("subject_tag")
    .selectAll()
    .where("subject_id", "=", anyOf(subjectIds, "uuid"))
    .orderBy("valid_from")
    .execute();
}

export async function insertTags(db: Db, rows: Insert<DB["subject_tag"]>[]): Promise<void> {
  if (rows.length > 0) await db.insertInto("subject_tag").values(rows).execute();
}

export async function findTag(db: Db, id: string): Promise<SubjectTagRow | undefined> {
  return db.selectFrom("subject_tag").selectAll().where("id", "=", id).executeTakeFirst();
}

export async function endTag(db: Db, id: string, validTo: string): Promise<void> {
  await db.updateTable("subject_tag").set({ valid_to: validTo }).where("id", "=", id).execute();
}

export async function retagPath(db: Db, subjectId: string, path: string): Promise<void> {
  await db.updateTable("subject_tag").set({ area_path: path }).where("subject_id", "=", subjectId).execute();
}

// ---- lead households --------------------------------------------------------------------------

export async function listLeadLinks(db: Db, householdId: string) {
  return db
    .selectFrom("lead_household_link as l")
    .innerJoin("household as h", "h.id", "l.household_id")
    .leftJoin("place as p", "p.id", "h.place_id")
    .select(["l.id", "l.lead_household_id", "l.household_id", "p.address", "l.valid_from"])
    .where("l.valid_to", "is", null)
    .where((eb) => eb.or([eb("l.lead_household_id", "=", householdId), eb("l.household_id", "=", householdId)]))
    .execute();
}

/**
 * Current lead links whose lead household lies under `areaPath`, with both ends' places, for the map;
 * only links whose looked-after household lies under one of `visible` (null = everywhere).
 */
export async function listLeadLayer(db: Db, areaPath: string, visible: string[] | null, limit: number) {
  return db
    .selectFrom("lead_household_link as l")
    .innerJoin("household as lh", "lh.id", "l.lead_household_id")
    .innerJoin("household as h", "h.id", "l.household_id")
    .leftJoin("place as lp", "lp.id", "lh.place_id")
    .leftJoin("place as p", "p.id", "h.place_id")
    .select([
      "l.lead_household_id",
      "l.household_id",
      "lp.lng as lead_lng",
      "lp.lat as lead_lat",
      "lp.address as lead_address",
      "p.lng",
      "p.lat",
      "p.address",
    ])
    .where("l.valid_to", "is", null)
    .where("lh.area_path", "like", `${areaPath}%`)
    .$if(visible !== null, (q) =>
      q.where((eb) => eb.or((visible ?? []).map((prefix) => eb("h.area_path", "like", `${prefix}%`)))),
    )
    .limit(limit)
    .execute();
}

export async function closeLeadLinks(db: Db, leadHouseholdId: string, at: Date): Promise<void> {
  await db
    .updateTable("lead_household_link")
    .set({ valid_to: at })
    .where("lead_household_id", "=", leadHouseholdId)
    .where("valid_to", "is", null)
    .execute();
}

export async function closeLinksOfHouseholds(db: Db, householdIds: string[], at: Date): Promise<void> {
  if (householdIds.length === 0) return;
  await db
    .updateTable("lead_household_link")
    .set({ valid_to: at })
    .where("household_id", "in", householdIds)
    .where("valid_to", "is", null)
    .execute();
}

export async function insertLeadLinks(db: Db, rows: Insert<DB["lead_household_link"]>[]): Promise<void> {
  if (rows.length > 0) await db.insertInto("lead_household_link").values(rows).execute();
}

// ---- access log -------------------------------------------------------------------------------

export async function logAccess(db: Db, rows: Insert<DB["person_access"]>[]): Promise<void> {
  if (rows.length > 0) await db.insertInto("person_access").values(rows).execute();
}

export async function listAccess(db: Db, personId: string, limit: number) {
  return (
    db
      .selectFrom("person_access")
      .selectAll()
      .where("person_id", "=", personId)
      // Rows for one resident account alone (a matter it reported, read in clear) are not the record's.
      .where("subject_user_id", "is", null)
      .orderBy("at", "desc")
      .limit(limit)
      .execute()
  );
}

import { type Kysely, sql, type Transaction } from "kysely";
import type { DB } from "../../db/schema.ts";
import type { NoticeRow } from "./notices.table.ts";

/**
 * The statements of notices: the notice, whom it reached (resolved once, when it is sent, so a later
 * move does not rewrite who was told), the inboxes and their read receipts, and delivery counts.
 * Area paths hold only [0-9A-Za-z/], so a path is its own LIKE prefix.
 */
type Db = Kysely<DB> | Transaction<DB>;

export async function findNotice(db: Db, id: string): Promise<NoticeRow | undefined> {
  return db.selectFrom("notice").selectAll().where("id", "=", id).executeTakeFirst();
}

/** Inserts the notice unless its id is taken; false if it was (a retry, or a clash). */
export async function insertNoticeIfNew(db: Db, row: NoticeRow): Promise<boolean> {
  const inserted = await db
    .insertInto("notice")
    .values(row)
    .onConflict((oc) => oc.column("id").doNothing())
    .returning("id")
    .executeTakeFirst();
  return inserted !== undefined;
}

/** Whether the tag exists and what kind it is (sensitive tags never target a notice). */
export async function findTagCategory(db: Db, key: string): Promise<string | undefined> {
  const row = await db
    .selectFrom("tag_definition")
    .select("category")
    .where("key", "=", key)
    .where("active", "=", true)
    .executeTakeFirst();
  return row?.category;
}

/**
 * The households a notice is for — under its area and, with a tag, those where the household or a
 * member holds it today — each with whether someone there uses the resident app (a resident account
 * whose phone is a member's registered phone).
 */
export async function insertNoticeHouseholds(
  db: Db,
  notice: { id: string; areaPath: string; tagKey: string | null },
  today: string,
): Promise<void> {
  const tagged = notice.tagKey
    ? sql`and (
        exists (select 1 from subject_tag t where t.subject_type = 'household' and t.subject_id = h.id
                and t.tag_key = ${notice.tagKey} and t.valid_from <= ${today}
                and (t.valid_to is null or t.valid_to >= ${today}))
        or exists (select 1 from person p join subject_tag t on t.subject_type = 'person' and t.subject_id = p.id
                where p.household_id = h.id and t.tag_key = ${notice.tagKey} and t.valid_from <= ${today}
                and (t.valid_to is null or t.valid_to >= ${today})))`
    : sql``;
  await sql`
    insert into notice_household (notice_id, household_id, area_path, has_app_user)
    select ${notice.id}, h.id, h.area_path, exists (
      select 1 from person p
      join app_user u on u.phone_bidx = p.phone_bidx and u.status = 'active'
      join assignment a on a.user_id = u.id and a.role_key = 'resident'
      where p.household_id = h.id and p.phone_bidx is not null) or exists (
      select 1 from person p
      join resident_link l on l.person_id = p.id
      join app_user u on u.id = l.user_id and u.status = 'active'
      where p.household_id = h.id)
    from household h
    where h.area_path like ${`${notice.areaPath}%`} ${tagged}
    on conflict do nothing`.execute(db);
}

/**
 * The residents a notice reaches: those of its households (linked to a member's record — residents/ —
 * or signing in with a member's registered phone); and, for a
 * notice to everyone of an area, the residents who follow a village under it.
 */
export async function insertResidentRecipients(
  db: Db,
  notice: { id: string; areaPath: string; tagKey: string | null },
): Promise<void> {
  const followers = notice.tagKey
    ? sql``
    : sql`union select v.user_id from resident_village v join app_user u on u.id = v.user_id and u.status = 'active'
          where v.area_path like ${`${notice.areaPath}%`}`;
  await sql`
    insert into notice_recipient (notice_id, user_id, kind)
    select ${notice.id}, r.user_id, 'resident' from (
      select u.id as user_id from notice_household nh
      join person p on p.household_id = nh.household_id and p.phone_bidx is not null
      join app_user u on u.phone_bidx = p.phone_bidx and u.status = 'active'
      join assignment a on a.user_id = u.id and a.role_key = 'resident'
      where nh.notice_id = ${notice.id}
      union select l.user_id from notice_household nh
      join person p on p.household_id = nh.household_id
      join resident_link l on l.person_id = p.id
      join app_user u on u.id = l.user_id and u.status = 'active'
      where nh.notice_id = ${notice.id}
      ${followers}
    ) r
    on conflict do nothing`.execute(db);
}

/** The grid workers and grid heads posted under the notice's area (the field app's inbox). */
export async function insertWorkerRecipients(db: Db, notice: { id: string; areaPath: string }): Promise<void> {
  await sql`
    insert into notice_recipient (notice_id, user_id, kind)
    select distinct ${notice.id}::uuid, a.user_id, 'worker' from assignment a
    join app_user u on u.id = a.user_id and u.status = 'active'
    where a.role_key in ('grid_worker', 'grid_head') and a.area_path like ${`${notice.areaPath}%`}
    on conflict do nothing`.execute(db);
}

export interface DeliveryCounts {
  residents: number;
  residentsRead: number;
  workers: number;
  workersRead: number;
  loudspeakers: number;
  loudspeakersFetched: number;
  loudspeakersPlayed: number;
  loudspeakersFailed: number;
  households: number;
  householdsWithApp: number;
  householdsLoudspeakerOnly: number;
}

/** What became of each notice: recipients and reads, loudspeakers, households (loudspeaker-only ones have a loudspeaker). */
export async function deliveryCounts(db: Db, ids: string[]): Promise<Map<string, DeliveryCounts>> {
  const out = new Map<string, DeliveryCounts>();
  if (ids.length === 0) return out;
  for (const id of ids)
    out.set(id, {
      residents: 0,
      residentsRead: 0,
      workers: 0,
      workersRead: 0,
      loudspeakers: 0,
      loudspeakersFetched: 0,
      loudspeakersPlayed: 0,
      loudspeakersFailed: 0,
      households: 0,
      householdsWithApp: 0,
      householdsLoudspeakerOnly: 0,
    });
  const recipients = await db
    .selectFrom("notice_recipient")
    .select((eb) => ["notice_id", "kind", eb.fn.countAll<string>().as("n"), eb.fn.count<string>("read_at").as("read")])
    .where("notice_id", "in", ids)
    .groupBy(["notice_id", "kind"])
    .execute();
  for (const r of recipients) {
    const c = out.get(r.notice_id);
    if (!c) continue;
    if (r.kind === "resident") {
      c.residents = Number(r.n);
      c.residentsRead = Number(r.read);
    } else {
      c.workers = Number(r.n);
      c.workersRead = Number(r.read);
    }
  }
  const items = await db
    .selectFrom("broadcast_item")
    .select((eb) => ["notice_id", "state", eb.fn.countAll<string>().as("n")])
    .where("notice_id", "in", ids)
    .groupBy(["notice_id", "state"])
    .execute();
  for (const r of items) {
    const c = out.get(r.notice_id);
    if (!c) continue;
    const n = Number(r.n);
    c.loudspeakers += n;
    if (r.state !== "queued") c.loudspeakersFetched += n;
    if (r.state === "played") c.loudspeakersPlayed += n;
    if (r.state === "failed") c.loudspeakersFailed += n;
  }
  const households = await db
    .selectFrom("notice_household")
    .select((eb) => ["notice_id", "has_app_user", eb.fn.countAll<string>().as("n")])
    .where("notice_id", "in", ids)
    .groupBy(["notice_id", "has_app_user"])
    .execute();
  for (const r of households) {
    const c = out.get(r.notice_id);
    if (!c) continue;
    c.households += Number(r.n);
    if (r.has_app_user) c.householdsWithApp += Number(r.n);
    else c.householdsLoudspeakerOnly += Number(r.n);
  }
  return out;
}

/** Notices sent to areas under any of `prefixes` (all with null: the whole deployment), newest first. */
export async function listNoticeRows(
  db: Db,
  prefixes: string[] | null,
  query: { limit: number; before?: Date | undefined },
): Promise<(NoticeRow & { area_name: string })[]> {
  let q = db
    .selectFrom("notice as n")
    .innerJoin("area as a", "a.id", "n.area_id")
    .selectAll("n")
    .select("a.name as area_name");
  if (prefixes) {
    if (prefixes.length === 0) return [];
    q = q.where((eb) => eb.or(prefixes.map((p) => eb("n.area_path", "like", `${p}%`))));
  }
  if (query.before) q = q.where("n.sent_at", "<", query.before);
  return q.orderBy("n.sent_at", "desc").orderBy("n.id", "desc").limit(query.limit).execute();
}

export async function areaNameOf(db: Db, id: string): Promise<string> {
  return (await db.selectFrom("area").select("name").where("id", "=", id).executeTakeFirst())?.name ?? "";
}

/** A user's received notices: unread urgent ones first, then newest first. */
export async function inboxRows(db: Db, userId: string, limit: number) {
  return db
    .selectFrom("notice_recipient as r")
    .innerJoin("notice as n", "n.id", "r.notice_id")
    .innerJoin("area as a", "a.id", "n.area_id")
    .select(["n.id", "n.title", "n.body", "n.urgent", "n.sent_at", "r.read_at", "a.name as area_name"])
    .where("r.user_id", "=", userId)
    .orderBy(sql`(n.urgent and r.read_at is null)`, "desc")
    .orderBy("n.sent_at", "desc")
    .limit(limit)
    .execute();
}

export async function countUnread(db: Db, userId: string): Promise<number> {
  const row = await db
    .selectFrom("notice_recipient")
    .select((eb) => eb.fn.countAll<string>().as("n"))
    .where("user_id", "=", userId)
    .where("read_at", "is", null)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function findReceipt(db: Db, noticeId: string, userId: string) {
  return db
    .selectFrom("notice_recipient")
    .selectAll()
    .where("notice_id", "=", noticeId)
    .where("user_id", "=", userId)
    .executeTakeFirst();
}

/** Marks it read for this user (the first read is the one kept). */
export async function markRead(db: Db, noticeId: string, userId: string, at: Date): Promise<void> {
  await db
    .updateTable("notice_recipient")
    .set({ read_at: at })
    .where("notice_id", "=", noticeId)
    .where("user_id", "=", userId)
    .where("read_at", "is", null)
    .execute();
}

/** Each recipient of a notice with their read time, for its sender (names, never phones). */
export async function receiptRows(db: Db, noticeId: string) {
  return db
    .selectFrom("notice_recipient as r")
    .innerJoin("app_user as u", "u.id", "r.user_id")
    .select(["r.user_id", "r.kind", "r.read_at", "u.display_name"])
    .where("r.notice_id", "=", noticeId)
    .orderBy("r.kind")
    .orderBy("u.display_name")
    .limit(2000)
    .execute();
}

export async function findResidentVillage(db: Db, userId: string) {
  return db
    .selectFrom("resident_village as v")
    .innerJoin("area as a", "a.id", "v.area_id")
    .select(["a.code", "a.name"])
    .where("v.user_id", "=", userId)
    .executeTakeFirst();
}

export async function upsertResidentVillage(
  db: Db,
  row: { user_id: string; area_id: string; area_path: string; chosen_at: Date },
): Promise<void> {
  await db
    .insertInto("resident_village")
    .values(row)
    .onConflict((oc) =>
      oc.column("user_id").doUpdateSet({ area_id: row.area_id, area_path: row.area_path, chosen_at: row.chosen_at }),
    )
    .execute();
}

/** Villages and communities, with their township, for the resident's choice (searchable by name). */
export async function villageOptions(db: Db, q: string | undefined, limit: number) {
  let query = db
    .selectFrom("area as a")
    .leftJoin("area as p", "p.id", "a.parent_id")
    .select(["a.code", "a.name", "p.name as parent_name"])
    .where("a.level", "=", "village")
    .where("a.abolished_at", "is", null);
  if (q) query = query.where("a.name", "like", `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
  return query.orderBy("a.path").limit(limit).execute();
}

/**
 * Households under `prefixes` that a notice was for and that have no app user: whether a loudspeaker
 * whose area holds them (or lies in theirs) reported playing it.
 */
export async function loudspeakerOnlyHouseholds(db: Db, noticeId: string, prefixes: string[] | null) {
  if (prefixes && prefixes.length === 0) return [];
  let q = db
    .selectFrom("notice_household as nh")
    .innerJoin("household as h", "h.id", "nh.household_id")
    .leftJoin("place as pl", "pl.id", "h.place_id")
    .leftJoin("person as hp", "hp.id", "h.head_person_id")
    .select([
      "h.id",
      "nh.area_path",
      "pl.address",
      "hp.name as head_name",
      sql<boolean>`exists (
        select 1 from broadcast_item b join intake_device d on d.id = b.device_id
        join area da on da.code = d.area_code
        where b.notice_id = nh.notice_id and b.state = 'played'
          and (nh.area_path like da.path || '%' or da.path like nh.area_path || '%'))`.as("played"),
    ])
    .where("nh.notice_id", "=", noticeId)
    .where("nh.has_app_user", "=", false);
  if (prefixes) q = q.where((eb) => eb.or(prefixes.map((p) => eb("nh.area_path", "like", `${p}%`))));
  return q.orderBy("pl.address").limit(1000).execute();
}

import { type Kysely, sql, type Transaction } from "kysely";
import type { DB } from "../../db/schema.ts";
import type {
  EventAttachmentRow,
  EventRow,
  EventStepRow,
  EventUpdate,
  NewEventStepRow,
  NewNotificationRow,
  NotificationRow,
} from "./events.table.ts";

/**
 * The statements on events, their timelines, followers, notifications and attachments. Permissions
 * are decided by the services: a query is given the area path prefixes it may read and applies them.
 * Every read and write of an event's free text (title, description, address, step notes) goes
 * through this file.
 */
type Db = Kysely<DB> | Transaction<DB>;

// ---- events ------------------------------------------------------------------------------------------

export async function findEvent(db: Db, id: string): Promise<EventRow | undefined> {
  return db.selectFrom("event").selectAll().where("id", "=", id).executeTakeFirst();
}

export async function listEventsByIds(db: Db, ids: string[]): Promise<EventRow[]> {
  if (ids.length === 0) return [];
  return db.selectFrom("event").selectAll().where("id", "in", ids).execute();
}

/** Inserts reported events (numbered) in one statement. */
export async function insertEvents(db: Db, rows: EventRow[]): Promise<void> {
  await db
    .insertInto("event")
    .values(
      rows.map((row) => ({
        ...row,
        attributes: JSON.stringify(row.attributes),
        co_handlers: JSON.stringify(row.co_handlers),
      })),
    )
    .execute();
}

/**
 * Compare-and-set: changes the event only if it is still in the state and at the level it was read
 * in; undefined when someone else moved it meanwhile.
 */
export async function updateEventIfUnchanged(
  db: Db,
  id: string,
  expected: { state: string; level: string },
  update: EventUpdate,
): Promise<EventRow | undefined> {
  return db
    .updateTable("event")
    .set(update)
    .where("id", "=", id)
    .where("state", "=", expected.state)
    .where("level", "=", expected.level)
    .returningAll()
    .executeTakeFirst();
}

/** Records the reporter's verdict unless one was recorded already; false if it was. */
export async function setFeedbackOnce(
  db: Db,
  id: string,
  values: { satisfaction: string; feedback: string | null; at: Date },
): Promise<boolean> {
  const changed = await db
    .updateTable("event")
    .set({
      satisfaction: values.satisfaction,
      feedback: values.feedback,
      feedback_at: values.at,
      updated_at: values.at,
    })
    .where("id", "=", id)
    .where("feedback_at", "is", null)
    .executeTakeFirst();
  return Number(changed.numUpdatedRows) > 0;
}

/** Area path prefixes a reader may see, or every area. */
export type PathScope = { isGlobal: true } | { isGlobal: false; prefixes: string[] };

export interface InboxFilter {
  /** Only what this user reported (then `scope` is not applied); null matches nothing. */
  reporterUserId?: string | null | undefined;
  scope: PathScope;
  openOnly: boolean;
  assigneeUserId?: string | null | undefined;
  dueBefore?: Date | undefined;
  dueFrom?: Date | undefined;
  state?: string | undefined;
  /** The category or any below it. */
  categoryKey?: string | undefined;
  level?: string | undefined;
  supervised?: boolean | undefined;
  /** An event number, or text in the title or description. */
  text?: string | undefined;
  limit: number;
  offset: number;
}

/** A work inbox: supervised first, then by deadline, newest first. */
export async function listInbox(db: Db, f: InboxFilter): Promise<EventRow[]> {
  let q = db.selectFrom("event").selectAll();
  if (f.reporterUserId !== undefined) {
    if (f.reporterUserId === null) return [];
    q = q.where("reporter_user_id", "=", f.reporterUserId);
  } else {
    const scope = f.scope;
    if (!scope.isGlobal) {
      if (scope.prefixes.length === 0) return [];
      q = q.where((eb) => eb.or(scope.prefixes.map((p) => eb("area_path", "like", `${p}%`))));
    }
    if (f.openOnly) q = q.where("state", "not in", ["closed", "cancelled"]);
    if (f.assigneeUserId === null) return [];
    if (f.assigneeUserId !== undefined) q = q.where("assignee_user_id", "=", f.assigneeUserId);
    if (f.dueBefore) q = q.where("due_at", "<", f.dueBefore);
    if (f.dueFrom) q = q.where("due_at", ">=", f.dueFrom);
  }
  if (f.state) q = q.where("state", "=", f.state);
  const categoryKey = f.categoryKey;
  if (categoryKey)
    q = q.where((eb) => eb.or([eb("category_key", "=", categoryKey), eb("category_key", "like", `${categoryKey}.%`)]));
  if (f.level) q = q.where("level", "=", f.level);
  if (f.supervised !== undefined) q = q.where("supervised", "=", f.supervised);
  const text = f.text;
  if (text) {
    const like = `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    q = q.where((eb) => eb.or([eb("number", "=", text), eb("title", "like", like), eb("description", "like", like)]));
  }
  return q
    .where("merged_into", "is", null)
    .orderBy("supervised", "desc")
    .orderBy("due_at")
    .orderBy("created_at", "desc")
    .limit(f.limit)
    .offset(f.offset)
    .execute();
}

/** Open events of a category reported since a time near a point (a box) or in an area: duplicate candidates. */
export async function listDuplicateCandidates(
  db: Db,
  f: {
    scope: PathScope;
    categoryKey: string;
    since: Date;
    box?: { minLat: number; maxLat: number; minLng: number; maxLng: number } | undefined;
    areaPath?: string | undefined;
    excludeId?: string | undefined;
  },
) {
  let q = db
    .selectFrom("event")
    .select(["id", "number", "title", "description", "lng", "lat", "state", "area_path", "created_at"])
    .where("category_key", "=", f.categoryKey)
    .where("created_at", ">=", f.since)
    .where("merged_into", "is", null)
    .where("state", "not in", ["closed", "cancelled", "merged"]);
  const scope = f.scope;
  if (!scope.isGlobal) {
    if (scope.prefixes.length === 0) return [];
    q = q.where((eb) => eb.or(scope.prefixes.map((p) => eb("area_path", "like", `${p}%`))));
  }
  if (f.box)
    q = q
      .where("lat", ">=", f.box.minLat)
      .where("lat", "<=", f.box.maxLat)
      .where("lng", ">=", f.box.minLng)
      .where("lng", "<=", f.box.maxLng);
  if (f.areaPath) q = q.where("area_path", "like", `${f.areaPath}%`);
  if (f.excludeId) q = q.where("id", "!=", f.excludeId);
  return q.orderBy("created_at", "desc").limit(200).execute();
}

/** Settled and still open events first routed under the prefixes (created in the period), by settled level. */
export async function countByResolvedLevel(
  db: Db,
  prefixes: string[],
  period: { from?: Date | undefined; to?: Date | undefined },
): Promise<{ resolvedLevel: string | null; n: number }[]> {
  if (prefixes.length === 0) return [];
  let q = db
    .selectFrom("event")
    .select(["resolved_level", (eb) => eb.fn.countAll<string>().as("n")])
    .where("merged_into", "is", null)
    .where("state", "!=", "cancelled")
    .where((eb) => eb.or(prefixes.map((p) => eb("origin_path", "like", `${p}%`))));
  if (period.from) q = q.where("created_at", ">=", period.from);
  if (period.to) q = q.where("created_at", "<", period.to);
  const rows = await q.groupBy("resolved_level").execute();
  return rows.map((r) => ({ resolvedLevel: r.resolved_level, n: Number(r.n) }));
}

// ---- the escalation sweep ----------------------------------------------------------------------------

/** Events in the given states whose deadline has passed, earliest first. */
export async function listOverdueEvents(db: Db, now: Date, states: readonly string[], limit: number) {
  return db
    .selectFrom("event")
    .selectAll()
    .where("due_at", "<=", now)
    .where("state", "in", [...states])
    .orderBy("due_at")
    .limit(limit)
    .execute();
}

export interface OverdueMove {
  id: string;
  oldLevel: string;
  oldDueAt: Date | null;
  level: string;
  areaId: string;
  areaPath: string;
  dueAt: Date | null;
  /** Moved to another level (unassigned); otherwise only its deadline changes. */
  escalate: boolean;
}

/**
 * One compare-and-set for a batch: each event moves only if it is still at the level and deadline
 * it was read with (a row another process moved meanwhile is left alone). Returns the ids moved.
 */
export async function moveOverdueEvents(db: Db, moves: OverdueMove[], now: Date): Promise<Set<string>> {
  if (moves.length === 0) return new Set();
  const values = sql.join(
    moves.map(
      (m) =>
        sql`(${m.id}::uuid, ${m.oldLevel}, ${m.oldDueAt}::timestamptz, ${m.level}, ${m.areaId}::uuid, ${m.areaPath}, ${m.dueAt}::timestamptz, ${m.escalate}::boolean)`,
    ),
  );
  const updated = await sql<{ id: string }>`
    update event as e set
      level = v.new_level, area_id = v.new_area_id, area_path = v.new_path, due_at = v.new_due,
      assignee_user_id = case when v.escalate then null else e.assignee_user_id end, updated_at = ${now}
    from (values ${values}) as v(id, old_level, old_due, new_level, new_area_id, new_path, new_due, escalate)
    where e.id = v.id and e.level = v.old_level and e.due_at = v.old_due
    returning e.id`.execute(db);
  return new Set(updated.rows.map((r) => r.id));
}

// ---- numbers -----------------------------------------------------------------------------------------

/** Adds `counts[scope]` to each scope's counter in one statement; returns each counter after. */
export async function addToCounters(db: Db, counts: Map<string, number>): Promise<Map<string, number>> {
  if (counts.size === 0) return new Map();
  const values = sql.join([...counts].map(([scope, k]) => sql`(${scope}, ${k}::int)`));
  const result = await sql<{ scope: string; n: number }>`
    insert into event_counter (scope, n) values ${values}
    on conflict (scope) do update set n = event_counter.n + excluded.n
    returning scope, n`.execute(db);
  return new Map(result.rows.map((r) => [r.scope, Number(r.n)]));
}

// ---- timeline ----------------------------------------------------------------------------------------

export async function insertSteps(db: Db, steps: NewEventStepRow[]): Promise<void> {
  if (steps.length === 0) return;
  await db.insertInto("event_step").values(steps).execute();
}

export async function listSteps(db: Db, eventId: string): Promise<EventStepRow[]> {
  return db.selectFrom("event_step").selectAll().where("event_id", "=", eventId).orderBy("at").orderBy("id").execute();
}

// ---- followers and notifications ---------------------------------------------------------------------

export async function addFollowers(
  db: Db,
  rows: { event_id: string; user_id: string; reason: string; created_at: Date }[],
): Promise<void> {
  if (rows.length === 0) return;
  await db
    .insertInto("event_follower")
    .values(rows)
    .onConflict((oc) => oc.columns(["event_id", "user_id"]).doNothing())
    .execute();
}

export async function listFollowers(db: Db, eventIds: string[]): Promise<{ event_id: string; user_id: string }[]> {
  if (eventIds.length === 0) return [];
  return db.selectFrom("event_follower").select(["event_id", "user_id"]).where("event_id", "in", eventIds).execute();
}

export async function insertNotifications(db: Db, rows: NewNotificationRow[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 500)
    await db
      .insertInto("notification")
      .values(rows.slice(i, i + 500))
      .execute();
}

export async function listNotificationsOf(
  db: Db,
  userId: string,
  options: { unreadOnly: boolean; limit: number },
): Promise<NotificationRow[]> {
  let q = db.selectFrom("notification").selectAll().where("user_id", "=", userId);
  if (options.unreadOnly) q = q.where("read_at", "is", null);
  return q.orderBy("created_at", "desc").orderBy("id", "desc").limit(options.limit).execute();
}

export async function countUnreadNotifications(db: Db, userId: string): Promise<number> {
  const row = await db
    .selectFrom("notification")
    .select((eb) => eb.fn.countAll<string>().as("n"))
    .where("user_id", "=", userId)
    .where("read_at", "is", null)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Marks the user's unread notifications read (those given, or all); returns how many. */
export async function markNotificationsReadOf(
  db: Db,
  userId: string,
  ids: string[] | undefined,
  at: Date,
): Promise<number> {
  if (ids?.length === 0) return 0;
  let q = db
    .updateTable("notification")
    .set({ read_at: at })
    .where("user_id", "=", userId)
    .where("read_at", "is", null);
  if (ids) q = q.where("id", "in", ids);
  const r = await q.executeTakeFirst();
  return Number(r.numUpdatedRows);
}

// ---- attachments -------------------------------------------------------------------------------------

export async function findAttachment(db: Db, id: string): Promise<EventAttachmentRow | undefined> {
  return db.selectFrom("event_attachment").selectAll().where("id", "=", id).executeTakeFirst();
}

export async function findAttachmentOfEvent(
  db: Db,
  eventId: string,
  id: string,
): Promise<EventAttachmentRow | undefined> {
  return db
    .selectFrom("event_attachment")
    .selectAll()
    .where("id", "=", id)
    .where("event_id", "=", eventId)
    .executeTakeFirst();
}

export async function insertAttachment(db: Db, row: EventAttachmentRow): Promise<void> {
  await db.insertInto("event_attachment").values(row).execute();
}

export async function listAttachmentsOf(db: Db, eventId: string): Promise<EventAttachmentRow[]> {
  return db
    .selectFrom("event_attachment")
    .selectAll()
    .where("event_id", "=", eventId)
    .orderBy("created_at")
    .orderBy("id")
    .execute();
}

/** An attachment with the category of its event. */
export async function findAttachmentWithCategory(db: Db, id: string) {
  return db
    .selectFrom("event_attachment")
    .innerJoin("event", "event.id", "event_attachment.event_id")
    .selectAll("event_attachment")
    .select("event.category_key")
    .where("event_attachment.id", "=", id)
    .executeTakeFirst();
}

/** The photos of the events, newest first. */
export async function listPhotosOf(db: Db, eventIds: string[]) {
  if (eventIds.length === 0) return [];
  return db
    .selectFrom("event_attachment")
    .select(["id", "event_id", "content_type"])
    .where("event_id", "in", eventIds)
    .where("content_type", "like", "image/%")
    .orderBy("created_at", "desc")
    .execute();
}

// ---- Open311 reads -----------------------------------------------------------------------------------

/** Events by their numbers (at most 1000), newest first. */
export async function listEventsByNumbers(db: Db, numbers: string[]): Promise<EventRow[]> {
  if (numbers.length === 0) return [];
  return db
    .selectFrom("event")
    .selectAll()
    .where("number", "in", numbers.slice(0, 1000))
    .orderBy("created_at", "desc")
    .limit(1000)
    .execute();
}

/** Public reports (no disputes, no public-order matters, not merged) of a period, newest first. */
export async function listPublicEvents(
  db: Db,
  f: {
    from: Date;
    to?: Date | undefined;
    categoryKeys?: string[] | undefined;
    states?: { in: readonly string[] } | { notIn: readonly string[] } | undefined;
  },
): Promise<EventRow[]> {
  let q = db.selectFrom("event").selectAll().where("created_at", ">=", f.from);
  if (f.to) q = q.where("created_at", "<=", f.to);
  if (f.categoryKeys) q = q.where("category_key", "in", f.categoryKeys);
  q = q
    .where("category_key", "not like", "dispute.%")
    .where("category_key", "!=", "hazard.public_order")
    .where("merged_into", "is", null);
  const states = f.states;
  if (states)
    q = "in" in states ? q.where("state", "in", [...states.in]) : q.where("state", "not in", [...states.notIn]);
  return q.orderBy("created_at", "desc").limit(1000).execute();
}

export async function findEventByOpen311Token(db: Db, token: string) {
  return db
    .selectFrom("event")
    .select(["number", "open311_token"])
    .where("open311_token", "=", token)
    .executeTakeFirst();
}

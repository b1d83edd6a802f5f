import { type EventFigure, FIGURE_COLUMNS } from "@wangge/core";
import { type Kysely, type RawBuilder, sql, type Transaction } from "kysely";
import { eventFigureFacts } from "../../db/event-figure-facts.ts";
import type { DB } from "../../db/schema.ts";
import type {
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
 * Every read and write of an event's free text (title, description, address, contact name, consent
 * note, step notes, feedback, co-handling notes, notifications) goes through this file.
 */
type Db = Kysely<DB> | Transaction<DB>;

// ---- events ------------------------------------------------------------------------------------------

export async function findEvent(db: Db, id: string): Promise<EventRow | undefined> {
  return db.selectFrom("event").selectAll().where("id", "=", id).executeTakeFirst();
}

/** Which of these ids events already hold, in lower case (a report sent again; asked once per group of reports). */
export async function listTakenEventIds(db: Db, ids: readonly string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await db.selectFrom("event").select("id").where("id", "in", ids).execute();
  return new Set(rows.map((r) => r.id.toLowerCase()));
}

/** The registry record a resident account is linked to (its reporter's "who looked at my record"), if any. */
export async function findLinkedPersonOf(db: Db, userId: string): Promise<string | undefined> {
  const row = await db.selectFrom("resident_link").select("person_id").where("user_id", "=", userId).executeTakeFirst();
  return row?.person_id;
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
  // A new deadline (or none) ends the flag the sweep set when the old one passed at the top.
  return db
    .updateTable("event")
    .set(update.due_at !== undefined ? { ...update, overdue_at: null } : update)
    .where("id", "=", id)
    .where("state", "=", expected.state)
    .where("level", "=", expected.level)
    .returningAll()
    .executeTakeFirst();
}

/** Shows the event on Open311 or takes it off; undefined if it already was so (nothing changed). */
export async function setEventPublic(db: Db, id: string, isPublic: boolean, at: Date): Promise<EventRow | undefined> {
  return db
    .updateTable("event")
    .set({ is_public: isPublic, updated_at: at })
    .where("id", "=", id)
    .where("is_public", "=", !isPublic)
    .returningAll()
    .executeTakeFirst();
}

/** Records the reporter's verdict unless one was recorded already; false if it was. */
export async function setFeedbackOnce(
  db: Db,
  id: string,
  values: { satisfaction: string; feedback: string | null; feedback_sealed: string | null; at: Date },
): Promise<boolean> {
  const changed = await db
    .updateTable("event")
    .set({
      satisfaction: values.satisfaction,
      feedback: values.feedback,
      feedback_sealed: values.feedback_sealed,
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
  /** Any of these states. */
  states?: readonly string[] | undefined;
  /** The category or any below it. */
  categoryKey?: string | undefined;
  level?: string | undefined;
  supervised?: boolean | undefined;
  /** An event number, or text in the title or description. */
  text?: string | undefined;
  /** Only events now in this area or below (a path). */
  areaPath?: string | undefined;
  /** Only the events behind a figure: arisen under `originPath`, the figure's change in [from, to). */
  figure?: { figure: EventFigure; originPath: string; from: Date; to: Date } | undefined;
  limit: number;
  offset: number;
}

/** A work inbox: supervised first, then by deadline, newest first. */
export async function listInbox(db: Db, f: InboxFilter): Promise<EventRow[]> {
  let q = db.selectFrom("event as e").selectAll();
  if (f.reporterUserId !== undefined) {
    if (f.reporterUserId === null) return [];
    q = q.where("reporter_user_id", "=", f.reporterUserId);
  } else {
    const scope = f.scope;
    if (!scope.isGlobal) {
      if (scope.prefixes.length === 0) return [];
      // Behind a figure: the events that arose in the areas the reader sees (wherever they are now).
      const column = f.figure ? sql<string>`coalesce(e.origin_path, e.area_path)` : sql<string>`e.area_path`;
      q = q.where((eb) => eb.or(scope.prefixes.map((p) => eb(column, "like", `${p}%`))));
    }
    if (f.openOnly) q = q.where("state", "not in", ["closed", "cancelled"]);
    if (f.assigneeUserId === null) return [];
    if (f.assigneeUserId !== undefined) q = q.where("assignee_user_id", "=", f.assigneeUserId);
    if (f.dueBefore) q = q.where("due_at", "<", f.dueBefore);
    if (f.dueFrom) q = q.where("due_at", ">=", f.dueFrom);
  }
  if (f.states) q = q.where("state", "in", f.states);
  const categoryKey = f.categoryKey;
  if (categoryKey)
    q = q.where((eb) => eb.or([eb("category_key", "=", categoryKey), eb("category_key", "like", `${categoryKey}.%`)]));
  if (f.level) q = q.where("level", "=", f.level);
  if (f.areaPath) q = q.where("area_path", "like", `${f.areaPath}%`);
  const figure = f.figure;
  if (figure)
    q = q
      .where(sql<boolean>`coalesce(e.origin_path, e.area_path) like ${`${figure.originPath}%`}`)
      .where(eventFigureCondition(figure.figure, figure.from, figure.to));
  if (f.supervised !== undefined) q = q.where("supervised", "=", f.supervised);
  const text = f.text;
  if (text) {
    const like = `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    // The address too: a report's hotspot address opens the matters reported there.
    q = q.where((eb) =>
      eb.or([
        eb("number", "=", text),
        eb("title", "like", like),
        eb("description", "like", like),
        eb("address", "like", like),
      ]),
    );
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

/** An open event whose deadline has passed, with its deadline exactly as stored (the sweep's cursor). */
export type OverdueRow = EventRow & { due_key: string };

/**
 * Open events not yet flagged overdue whose deadline has passed, in deadline order, after a cursor:
 * the sweep walks past rows it cannot move instead of reading them again.
 */
export async function listOverdueEvents(
  db: Db,
  f: { now: Date; states: readonly string[]; after?: { dueKey: string; id: string } | undefined; limit: number },
): Promise<OverdueRow[]> {
  let q = db
    .selectFrom("event")
    .selectAll()
    .select(sql<string>`due_at::text`.as("due_key"))
    .where("due_at", "<=", f.now)
    .where("overdue_at", "is", null)
    .where("state", "in", [...f.states]);
  const after = f.after;
  if (after) q = q.where(sql<boolean>`(due_at, id) > (${after.dueKey}::timestamptz, ${after.id}::uuid)`);
  return q.orderBy("due_at").orderBy("id").limit(f.limit).execute() as Promise<OverdueRow[]>;
}

export interface OverdueMove {
  id: string;
  oldLevel: string;
  oldPath: string;
  /** Up to another level's area, unassigned, with that level's deadline; otherwise flagged overdue in place. */
  escalate: boolean;
  level: string;
  areaId: string;
  areaPath: string;
  dueAt: Date | null;
}

/**
 * One compare-and-set for a batch. An event moves only if it is still open, at the level and area it
 * was read in, overdue and not flagged — so of several processes sweeping at once one moves it, and
 * one a person acted on meanwhile is left alone. Its stored deadline is never compared (a deadline
 * written elsewhere, to the microsecond, must not make a row unmovable). Escalated: new level, area,
 * deadline, no assignee. Flagged: overdue_at set and supervised, the past deadline kept. Returns the
 * ids changed.
 */
export async function moveOverdueEvents(
  db: Db,
  moves: OverdueMove[],
  f: { now: Date; states: readonly string[] },
): Promise<Set<string>> {
  if (moves.length === 0) return new Set();
  const values = sql.join(
    moves.map(
      (m) =>
        sql`(${m.id}::uuid, ${m.oldLevel}, ${m.oldPath}, ${m.escalate}::boolean, ${m.level}, ${m.areaId}::uuid, ${m.areaPath}, ${m.dueAt}::timestamptz)`,
    ),
  );
  const states = sql.join(f.states.map((s) => sql`${s}`));
  const updated = await sql<{ id: string }>`
    update event as e set
      level = v.new_level, area_id = v.new_area_id, area_path = v.new_path,
      due_at = case when v.escalate then v.new_due else e.due_at end,
      assignee_user_id = case when v.escalate then null else e.assignee_user_id end,
      overdue_at = case when v.escalate then null else ${f.now}::timestamptz end,
      supervised = e.supervised or not v.escalate,
      updated_at = ${f.now}
    from (values ${values}) as v(id, old_level, old_path, escalate, new_level, new_area_id, new_path, new_due)
    where e.id = v.id and e.level = v.old_level and e.area_path = v.old_path
      and e.due_at <= ${f.now} and e.overdue_at is null and e.state in (${states})
    returning e.id`.execute(db);
  return new Set(updated.rows.map((r) => r.id));
}

/** Open events without a deadline (left so by earlier versions), after a cursor, by id. */
export async function listClocklessEvents(
  db: Db,
  f: { states: readonly string[]; afterId?: string | undefined; limit: number },
): Promise<EventRow[]> {
  let q = db
    .selectFrom("event")
    .selectAll()
    .where("due_at", "is", null)
    .where("state", "in", [...f.states]);
  if (f.afterId) q = q.where("id", ">", f.afterId);
  return q.orderBy("id").limit(f.limit).execute();
}

/** Gives open events without a deadline the deadline planned for each (unless they got one meanwhile). */
export async function restartClocks(
  db: Db,
  deadlines: { id: string; dueAt: Date }[],
  f: { now: Date; states: readonly string[] },
): Promise<Set<string>> {
  if (deadlines.length === 0) return new Set();
  const values = sql.join(deadlines.map((d) => sql`(${d.id}::uuid, ${d.dueAt}::timestamptz)`));
  const states = sql.join(f.states.map((s) => sql`${s}`));
  const updated = await sql<{ id: string }>`
    update event as e set due_at = v.due, overdue_at = null, updated_at = ${f.now}
    from (values ${values}) as v(id, due)
    where e.id = v.id and e.due_at is null and e.state in (${states})
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

/** A step as written: its note masked, the original sealed (event-free-text.ts sealNote). */
export type StepToInsert = Omit<NewEventStepRow, "note" | "note_sealed"> & {
  note: string | null;
  note_sealed: string | null;
};

export async function insertSteps(db: Db, steps: StepToInsert[]): Promise<void> {
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

// ---- Open311 reads -----------------------------------------------------------------------------------

/** Public events (see listPublicEvents) by their numbers (at most 1000), newest first; the others are left out. */
export async function listPublicEventsByNumbers(db: Db, numbers: string[]): Promise<EventRow[]> {
  if (numbers.length === 0) return [];
  return db
    .selectFrom("event")
    .selectAll()
    .where("number", "in", numbers.slice(0, 1000))
    .where("is_public", "=", true)
    .where("category_key", "not like", "dispute.%")
    .where("category_key", "!=", "hazard.public_order")
    .orderBy("created_at", "desc")
    .limit(1000)
    .execute();
}

/**
 * Public reports (marked public — by the reporter's consent, staff or an Open311 key that publishes —,
 * never disputes or public-order matters, not merged) made in a period (their time of occurrence,
 * Open311's requested_datetime), newest first.
 */
export async function listPublicEvents(
  db: Db,
  f: {
    from: Date;
    to?: Date | undefined;
    categoryKeys?: string[] | undefined;
    states?: { in: readonly string[] } | { notIn: readonly string[] } | undefined;
  },
): Promise<EventRow[]> {
  let q = db.selectFrom("event").selectAll().where("is_public", "=", true).where("occurred_at", ">=", f.from);
  if (f.to) q = q.where("occurred_at", "<=", f.to);
  if (f.categoryKeys) q = q.where("category_key", "in", f.categoryKeys);
  q = q
    .where("category_key", "not like", "dispute.%")
    .where("category_key", "!=", "hazard.public_order")
    .where("merged_into", "is", null);
  const states = f.states;
  if (states)
    q = "in" in states ? q.where("state", "in", [...states.in]) : q.where("state", "not in", [...states.notIn]);
  return q.orderBy("occurred_at", "desc").limit(1000).execute();
}

export async function findEventByOpen311Token(db: Db, token: string) {
  return db
    .selectFrom("event")
    .select(["number", "open311_token"])
    .where("open311_token", "=", token)
    .executeTakeFirst();
}

/**
 * The events behind an event figure (alias `e`): those whose fact of the figure (the same facts the
 * figures count, db/event-figure-facts.ts) happened in [from, to). Each event counts once per figure.
 */
export function eventFigureCondition(figure: EventFigure, from: Date, to: Date): RawBuilder<boolean> {
  return sql<boolean>`exists (
    select 1 from (${eventFigureFacts(sql<boolean>`ev.id = e.id`)}) f
    where f.k = ${FIGURE_COLUMNS[figure]} and f.at >= ${from} and f.at < ${to})`;
}

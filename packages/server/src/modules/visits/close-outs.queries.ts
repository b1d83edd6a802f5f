import { codeOfPath, OPEN_STATES } from "@wangge/core";
import { type Kysely, sql, type Transaction } from "kysely";
import { closeOutGridCoverage } from "../../db/close-out-grid-coverage.ts";
import type { DB } from "../../db/schema.ts";
import type { CloseOutRow } from "./visits.table.ts";

type Db = Kysely<DB> | Transaction<DB>;

function under(column: string, prefixes: string[]) {
  if (prefixes.length === 0) return sql<boolean>`false`;
  return sql<boolean>`(${sql.join(
    prefixes.map((p) => sql`${sql.ref(column)} like ${`${p}%`}`),
    sql` or `,
  )})`;
}

/**
 * What a worker's day held, read from the events and visits (nothing typed): events that arrived in
 * their areas, events settled (resolved or closed) and handed on (escalated, dispatched), the events
 * their grid still holds open, and the visits they recorded.
 */
export async function countDayEvents(db: Db, prefixes: string[], from: Date, to: Date) {
  const res = await sql<{ received: string | number; settled: string | number; handed_on: string | number }>`
    select
      (select count(*) from event e where ${under("e.area_path", prefixes)}
        and e.created_at >= ${from} and e.created_at < ${to}) as received,
      (select count(distinct s.event_id) from event_step s where ${under("s.area_path", prefixes)}
        and s.action in ('resolve', 'close') and s.at >= ${from} and s.at < ${to}) as settled,
      (select count(distinct s.event_id) from event_step s where ${under("s.area_path", prefixes)}
        and s.action in ('escalate', 'dispatch') and s.at >= ${from} and s.at < ${to}) as handed_on`.execute(db);
  const r = res.rows[0];
  return { received: Number(r?.received ?? 0), settled: Number(r?.settled ?? 0), handedOn: Number(r?.handed_on ?? 0) };
}

/**
 * Open events held where the worker works: under each of their areas, at that area's handling level
 * (a grid's events at the grid level; a village official's at the village level) — what a close-out
 * carries over.
 */
export async function listOpenHeldEvents(db: Db, held: { path: string; level: string }[]) {
  if (held.length === 0) return [];
  return db
    .selectFrom("event")
    .select(["id", "number", "category_key", "title", "state"])
    .where((eb) => eb.or(held.map((h) => eb.and([eb("area_path", "like", `${h.path}%`), eb("level", "=", h.level)]))))
    .where("state", "in", [...OPEN_STATES])
    .where("merged_into", "is", null)
    .orderBy("created_at")
    .limit(500)
    .execute();
}

/**
 * The events held open where the worker works as they stood at a moment (the end of an earlier day),
 * from the events' steps: each step keeps the state, level and area the event had after it, so the
 * last step before the moment says where the event was and whether it was open. An event reported
 * later, or settled, escalated or merged before the moment, is not among them.
 */
export async function listHeldEventsAsOf(db: Db, held: { path: string; level: string }[], at: Date) {
  if (held.length === 0) return [];
  const open = sql.join(OPEN_STATES.map((s) => sql`${s}`));
  const res = await sql<{ id: string; number: string; category_key: string; title: string; state: string }>`
    select e.id, e.number, e.category_key, e.title, last.to_state as state
    from event e
    join lateral (
      select s.to_state, s.level, s.area_path from event_step s
      where s.event_id = e.id and s.at < ${at}
      order by s.at desc, s.id desc limit 1
    ) last on true
    where e.id in (
      select s.event_id from event_step s where ${under(
        "s.area_path",
        held.map((h) => h.path),
      )} and s.at < ${at}
    )
      and e.created_at < ${at}
      and last.to_state in (${open})
      and (${sql.join(
        held.map((h) => sql`(last.area_path like ${`${h.path}%`} and last.level = ${h.level})`),
        sql` or `,
      )})
    order by e.created_at
    limit 500`.execute(db);
  return res.rows;
}

/** The levels of areas by their paths. */
export async function listAreaLevels(db: Db, paths: string[]) {
  if (paths.length === 0) return [];
  return db.selectFrom("area").select(["path", "level"]).where("path", "in", paths).execute();
}

export async function countDayVisits(db: Db, userId: string, from: Date, to: Date) {
  const r = await db
    .selectFrom("visit")
    .select([
      (eb) => eb.fn.countAll<string>().as("recorded"),
      sql<string>`count(*) filter (where outcome = 'visited')`.as("done"),
    ])
    .where("recorded_by", "=", userId)
    .where("visited_at", ">=", from)
    .where("visited_at", "<", to)
    .executeTakeFirst();
  return { recorded: Number(r?.recorded ?? 0), done: Number(r?.done ?? 0) };
}

export async function findCloseOut(db: Db, id: string): Promise<CloseOutRow | undefined> {
  return db.selectFrom("close_out").selectAll().where("id", "=", id).executeTakeFirst();
}

export async function findCloseOutOfDay(db: Db, userId: string, day: string): Promise<CloseOutRow | undefined> {
  return db.selectFrom("close_out").selectAll().where("user_id", "=", userId).where("day", "=", day).executeTakeFirst();
}

/** Writes the close-out unless the worker's day (or the id) is taken; true when this call wrote it. */
export async function insertCloseOutIfNew(db: Db, row: import("kysely").Insertable<DB["close_out"]>) {
  const res = await db
    .insertInto("close_out")
    .values(row)
    .onConflict((oc) => oc.doNothing())
    .executeTakeFirst();
  return Number(res.numInsertedOrUpdatedRows ?? 0) > 0;
}

export async function insertCloseOutParts(
  db: Db,
  areas: import("kysely").Insertable<DB["close_out_area"]>[],
  carryOvers: import("kysely").Insertable<DB["close_out_carry_over"]>[],
) {
  if (areas.length > 0) await db.insertInto("close_out_area").values(areas).execute();
  if (carryOvers.length > 0) await db.insertInto("close_out_carry_over").values(carryOvers).execute();
}

export async function listCarryOvers(db: Db, closeOutIds: string[]) {
  if (closeOutIds.length === 0) return [];
  return db.selectFrom("close_out_carry_over").selectAll().where("close_out_id", "in", closeOutIds).execute();
}

export async function listCorrections(db: Db, closeOutId: string) {
  return db
    .selectFrom("close_out_correction")
    .selectAll()
    .where("close_out_id", "=", closeOutId)
    .orderBy("at")
    .execute();
}

export async function insertCorrectionIfNew(db: Db, row: import("kysely").Insertable<DB["close_out_correction"]>) {
  const res = await db
    .insertInto("close_out_correction")
    .values(row)
    .onConflict((oc) => oc.column("id").doNothing())
    .executeTakeFirst();
  return Number(res.numInsertedOrUpdatedRows ?? 0) > 0;
}

export async function findCorrection(db: Db, id: string) {
  return db.selectFrom("close_out_correction").selectAll().where("id", "=", id).executeTakeFirst();
}

/** The deployment's root areas (an area-less reader's default). */
export async function listRootAreaCodes(db: Db): Promise<string[]> {
  const rows = await db
    .selectFrom("area")
    .select("code")
    .where("parent_id", "is", null)
    .where("abolished_at", "is", null)
    .orderBy("code")
    .execute();
  return rows.map((r) => r.code);
}

/** Grids under an area (not abolished), for the close-out status. */
export async function listGridsUnder(db: Db, path: string) {
  return db
    .selectFrom("area")
    .select(["code", "name", "path"])
    .where("path", "like", `${path}%`)
    .where("level", "=", "grid")
    .where("abolished_at", "is", null)
    .orderBy("path")
    .limit(5000)
    .execute();
}

/** Close-outs of a day for areas under the path, or (`exact`) for exactly these areas. */
export async function listCloseOutsOfDay(db: Db, day: string, path: string | { exact: string[] }) {
  if (typeof path !== "string" && path.exact.length === 0) return [];
  return db
    .selectFrom("close_out_area")
    .innerJoin("close_out", "close_out.id", "close_out_area.close_out_id")
    .select([
      "close_out_area.area_path",
      "close_out.id",
      "close_out.confirmed_at",
      "close_out.confirmed_by_name",
      "close_out.summary",
    ])
    .where("close_out_area.day", "=", day)
    .where((eb) =>
      typeof path === "string"
        ? eb("close_out_area.area_path", "like", `${path}%`)
        : eb("close_out_area.area_path", "in", path.exact),
    )
    .execute();
}

// ---- signals --------------------------------------------------------------------------------------

export async function listVisitsForSignals(
  db: Db,
  prefixes: string[] | null,
  from: Date,
  to: Date,
  limit: number,
  nearBits: number,
) {
  return db
    .selectFrom("visit")
    .leftJoin("household", "household.id", "visit.household_id")
    .leftJoin("place", "place.id", "household.place_id")
    .select([
      "visit.id",
      "visit.household_id",
      "visit.area_path",
      "visit.visited_at",
      "visit.recorded_by",
      "visit.recorded_by_name",
      "visit.distance_meters",
      "visit.photo_sha256",
      "place.address",
      sql<string | null>`(select v2.id::text from visit v2 where v2.photo_sha256 = visit.photo_sha256
        and v2.id <> visit.id order by v2.visited_at limit 1)`.as("photo_also_on"),
      // The same picture saved again or resized: its perceptual hash a few bits away, among the visits
      // the reader sees (a scan of those with a photo: no index serves a Hamming distance).
      sql<string | null>`(case when visit.photo_dhash is null then null else (select v2.id::text from visit v2
        where v2.photo_dhash is not null and v2.id <> visit.id
          and (v2.photo_sha256 is distinct from visit.photo_sha256)
          and ${
            prefixes === null
              ? sql`true`
              : prefixes.length === 0
                ? sql`false`
                : sql`(${sql.join(
                    prefixes.map((p) => sql`v2.area_path like ${`${p}%`}`),
                    sql` or `,
                  )})`
          }
          and bit_count((v2.photo_dhash # visit.photo_dhash)::bit(64)) <= ${nearBits}
        order by v2.visited_at limit 1) end)`.as("photo_like"),
    ])
    .where((eb) =>
      prefixes === null
        ? sql<boolean>`true`
        : prefixes.length === 0
          ? sql<boolean>`false`
          : eb.or(prefixes.map((p) => eb("visit.area_path", "like", `${p}%`))),
    )
    .where("visit.visited_at", ">=", from)
    .where("visit.visited_at", "<", to)
    .orderBy("visit.visited_at")
    .limit(limit)
    .execute();
}

/**
 * Records the grids a close-out (just written, in this transaction) covers on its day —
 * db/close-out-grid-coverage.ts — and returns the paths of those no close-out of the day had covered
 * yet: each adds 1 to the figure grids_closed. In grid order, so parallel close-outs covering the
 * same grids wait on each other in one order (never a deadlock); a grid another transaction covers
 * at the same moment is counted by the one that commits first (on conflict do nothing waits for it).
 */
export async function recordCloseOutGrids(db: Db, closeOutId: string): Promise<string[]> {
  const res = await sql<{ grid_path: string }>`
    with covered as (${closeOutGridCoverage(sql<boolean>`ca.close_out_id = ${closeOutId}::uuid`)}),
    added as (
      insert into close_out_grid (day, grid_code)
      select day, grid_code from covered order by grid_code
      on conflict do nothing
      returning grid_code)
    select c.grid_path from covered c join added using (grid_code)`.execute(db);
  return res.rows.map((r) => r.grid_path);
}

/**
 * How many live grids lie under `path` and how many of them were closed out on `day`, exact at any
 * size (listGridsUnder stops at 5,000), each from a kept count — a few index look-ups, whatever the
 * size of the area:
 * - grids: area_grid_count (kept by triggers on `area`);
 * - closed: the kept figure grids_closed of the area and day (every grid a close-out of the day
 *   covered, each once — also by close-outs of areas above `path`: they count for the grids under it),
 *   less the grids among them abolished since (a partial index of abolished grids, few): the figure
 *   keeps counting what happened that day, the screen counts only grids that still exist, so closed
 *   never exceeds grids. A grid restored since counts again (it is live and was covered); one added
 *   since under a village that closed out that day was not covered (db/close-out-grid-coverage.ts).
 */
export async function countClosedOutGrids(db: Db, path: string, day: string) {
  const code = codeOfPath(path) ?? path;
  const res = await sql<{ grids: string | number; kept: string | number; gone: string | number }>`
    select
      (select coalesce(sum(grids), 0) from area_grid_count where area_code = ${code}) as grids,
      (select coalesce(sum(grids_closed), 0) from figure_day where area_code = ${code} and day = ${day}::date) as kept,
      (select count(*) from area g join close_out_grid cg on cg.day = ${day}::date and cg.grid_code = g.code
        where g.path ~>=~ ${path} and g.path ~<~ ${`${path}~`} and g.level = 'grid' and g.abolished_at is not null) as gone`.execute(
    db,
  );
  const row = res.rows[0];
  return { grids: Number(row?.grids ?? 0), closed: Number(row?.kept ?? 0) - Number(row?.gone ?? 0) };
}

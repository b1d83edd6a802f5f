import { OPEN_STATES } from "@wangge/core";
import { type Kysely, sql, type Transaction } from "kysely";
import type { DB } from "../../db/schema.ts";

/**
 * Open matters now, kept per area and deadline day in open_matter_day (triggers on `event` keep it:
 * migration 2026_12_11_0940), and what the reads add to them: the matters due earlier today.
 */
type Db = Kysely<DB> | Transaction<DB>;

const OPEN = sql.join(OPEN_STATES.map((s) => sql.lit(s)));

/** The start of a China day (the deadline days of open_matter_day are China's). */
export const chinaDayStart = (day: string) => new Date(`${day}T00:00:00+08:00`);

/**
 * Open matters now under an area (kept per area and deadline day in open_matter_day), and how many of
 * them were due before `today` — those due earlier today are added by `countOpenDueToday`.
 */
export async function sumOpenMatters(db: Db, code: string, today: string): Promise<{ open: number; overdue: number }> {
  const res = await sql<{ open: number | null; overdue: number | null }>`
    select sum(open)::integer as open, (sum(open) filter (where due_day < ${today}::date))::integer as overdue
    from open_matter_day where area_code = ${code}`.execute(db);
  const row = res.rows[0];
  return { open: Number(row?.open ?? 0), overdue: Number(row?.overdue ?? 0) };
}

/**
 * The live children of an area, whether each has live children of its own, and the open matters under
 * each (kept counts: in total and due before `today`), in code order.
 */
export async function listChildrenWithOpenMatters(db: Db, parentId: string, today: string) {
  const res = await sql<{
    id: string;
    code: string;
    name: string;
    level: string;
    has_children: boolean;
    open: number | null;
    overdue: number | null;
  }>`
    select a.id, a.code, a.name, a.level,
      exists (select 1 from area c where c.parent_id = a.id and c.abolished_at is null) as has_children,
      o.open, o.overdue
    from area a
    left join lateral (
      select sum(open)::integer as open, (sum(open) filter (where due_day < ${today}::date))::integer as overdue
      from open_matter_day where area_code = a.code) o on true
    where a.parent_id = ${parentId}::uuid and a.abolished_at is null
    order by a.code`.execute(db);
  return res.rows.map((r) => ({
    id: r.id,
    code: r.code,
    name: r.name,
    level: r.level,
    hasChildren: r.has_children,
    open: Number(r.open ?? 0),
    overdue: Number(r.overdue ?? 0),
  }));
}

/**
 * Open matters under a path that fell due today before `now` (the part of "overdue" that moves during
 * the day; the days before are kept), per area path — an index range of today's deadlines.
 */
export async function countOpenDueToday(
  db: Db,
  path: string,
  today: string,
  now: Date,
): Promise<{ areaPath: string; n: number }[]> {
  const from = chinaDayStart(today);
  if (now <= from) return [];
  const res = await sql<{ area_path: string; n: string | number }>`
    select area_path, count(*) as n from event
    where due_at >= ${from} and due_at < ${now} and state in (${OPEN}) and merged_into is null
      and area_path like ${`${likePrefix(path)}%`}
    group by area_path`.execute(db);
  return res.rows.map((r) => ({ areaPath: r.area_path, n: Number(r.n) }));
}

/**
 * Open matters under a path, per area path where each is now, and how many of them are past their
 * deadline (to the minute): read from the events themselves, for an area with few open matters.
 */
export async function countOpenByAreaPath(
  db: Db,
  path: string,
  now: Date,
): Promise<{ areaPath: string; open: number; overdue: number }[]> {
  const res = await sql<{ area_path: string; open: string | number; overdue: string | number }>`
    select area_path, count(*) as open, count(*) filter (where due_at < ${now}) as overdue
    from event
    where area_path like ${`${likePrefix(path)}%`} and state in (${OPEN}) and merged_into is null
    group by area_path`.execute(db);
  return res.rows.map((r) => ({ areaPath: r.area_path, open: Number(r.open), overdue: Number(r.overdue) }));
}

const likePrefix = (path: string) => path.replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * Open matters counted from the events (what the kept counts are held to in tests, and what a
 * recount writes): per area on each matter's path and deadline day.
 */
function rawOpenMatters() {
  return sql`
    select code as area_code,
      coalesce(((e.due_at at time zone 'UTC') + interval '8 hours')::date, 'infinity'::date) as due_day,
      count(*)::integer as open
    from event e cross join lateral unnest(string_to_array(trim(both '/' from e.area_path), '/')) as code
    where e.state in (${OPEN}) and e.merged_into is null
    group by 1, 2`;
}

/** The open matters kept and counted from the events, row by row ("area day" → count), for tests. */
export async function listOpenMatterRows(db: Db): Promise<{ kept: Map<string, number>; raw: Map<string, number> }> {
  const kept = await sql<{ area_code: string; due_day: string; open: number }>`
    select area_code, due_day::text as due_day, open from open_matter_day`.execute(db);
  const raw = await sql<{ area_code: string; due_day: string; open: number }>`
    select area_code, due_day::text as due_day, open from (${rawOpenMatters()}) r`.execute(db);
  const map = (rows: { area_code: string; due_day: string; open: number }[]) =>
    new Map(rows.map((r) => [`${r.area_code} ${r.due_day}`, Number(r.open)]));
  return { kept: map(kept.rows), raw: map(raw.rows) };
}

/**
 * Counts the open matters again from the events. `event` is locked against writes first (they wait;
 * none is lost or counted twice); call it in a transaction of its own (it must not hold other locks).
 */
export async function recountOpenMatters(trx: Transaction<DB>): Promise<number> {
  await sql`lock table event in share mode`.execute(trx);
  await sql`delete from open_matter_day`.execute(trx);
  const res = await sql`insert into open_matter_day (area_code, due_day, open) ${rawOpenMatters()}`.execute(trx);
  return Number(res.numAffectedRows ?? 0);
}

/**
 * An area and the live areas under it, level by level (breadth first), at most `limit` of them, each
 * with its kept open matters (everything under it: in total and due before `today`) — one statement:
 * the walk stops once `limit` areas are read (a province's 115,000 grids are never read for its map).
 */
export async function listAreasUnderWithOpenMatters(db: Db, areaId: string, limit: number, today: string) {
  const res = await sql<{
    id: string;
    code: string;
    path: string;
    parent_id: string | null;
    depth: number;
    open: number | null;
    overdue: number | null;
  }>`
    with recursive walk (id, code, path, parent_id, depth) as (
      select id, code, path, null::uuid, 0 from area where id = ${areaId}::uuid
      union all
      select c.id, c.code, c.path, c.parent_id, w.depth + 1
      from walk w join area c on c.parent_id = w.id and c.abolished_at is null
    ), listed as (select * from walk limit ${limit})
    select l.id, l.code, l.path, l.parent_id, l.depth, s.open, s.overdue
    from listed l
    cross join lateral (
      select sum(open)::integer as open, (sum(open) filter (where due_day < ${today}::date))::integer as overdue
      from open_matter_day where area_code = l.code) s`.execute(db);
  return res.rows.map((r) => ({
    id: r.id,
    code: r.code,
    path: r.path,
    parent: r.parent_id,
    depth: Number(r.depth),
    open: Number(r.open ?? 0),
    overdue: Number(r.overdue ?? 0),
  }));
}

import { FIGURE_COLUMNS, FIGURES, type Figure, type FigureCounts, zeroFigures } from "@wangge/core";
import { type Kysely, type RawBuilder, sql, type Transaction } from "kysely";
import { eventFigureFacts } from "../../db/event-figure-facts.ts";
import type { DB } from "../../db/schema.ts";

type Db = Kysely<DB> | Transaction<DB>;

/** One row's increments: area code, day (ISO, China time), category ('' for visits and close-outs). */
export interface FigureIncrement {
  areaCode: string;
  day: string;
  categoryKey: string;
  counts: Partial<FigureCounts>;
}

const COLUMNS = FIGURES.map((f) => FIGURE_COLUMNS[f]);

/**
 * Adds increments (negative ones too) in one statement: INSERT … ON CONFLICT DO UPDATE SET
 * n = figure_day.n + excluded.n, so parallel writers on the same area, day and category never lose
 * one. Rows are written in key order, so two transactions lock shared rows in the same order (no
 * deadlock); the caller merges increments of one key (a statement may not touch a row twice).
 */
export async function addFigureRows(db: Db, rows: FigureIncrement[]): Promise<void> {
  if (rows.length === 0) return;
  const sorted = [...rows].sort((a, b) =>
    a.areaCode === b.areaCode
      ? a.day === b.day
        ? a.categoryKey < b.categoryKey
          ? -1
          : 1
        : a.day < b.day
          ? -1
          : 1
      : a.areaCode < b.areaCode
        ? -1
        : 1,
  );
  // One array per column, unnested in the same order: the statement's text is the same for any number
  // of rows (a close-out of a county covers thousands of grids) — a statement of values would pass 28
  // parameters a row (at most 65,535 in a statement), and be built, sent and planned anew each time.
  const values = arrayValues(sorted);
  await sql`
    insert into figure_day (area_code, day, category_key, ${sql.join(COLUMNS.map((c) => sql.ref(c)))})
    ${values}
    on conflict (area_code, day, category_key) do update set
    ${sql.join(COLUMNS.map((c) => sql`${sql.ref(c)} = figure_day.${sql.ref(c)} + excluded.${sql.ref(c)}`))}`.execute(
    db,
  );
}

function arrayValues(sorted: FigureIncrement[]): RawBuilder<unknown> {
  const columns = [
    sql`${sql.val(sorted.map((r) => r.areaCode))}::text[]`,
    sql`${sql.val(sorted.map((r) => r.day))}::date[]`,
    sql`${sql.val(sorted.map((r) => r.categoryKey))}::text[]`,
    ...FIGURES.map((f) => sql`${sql.val(sorted.map((r) => r.counts[f] ?? 0))}::integer[]`),
  ];
  const names = ["area_code", "day", "category_key", ...COLUMNS];
  return sql`select ${sql.join(names.map((c) => sql.ref(`u.${c}`)))}
    from unnest(${sql.join(columns)}) with ordinality as u(${sql.join(names.map((c) => sql.ref(c)))}, n)
    order by u.n`;
}

const sums = sql.join(COLUMNS.map((c) => sql`coalesce(sum(${sql.ref(c)}), 0)::integer as ${sql.ref(c)}`));

function countsOf(row: Record<string, unknown>): FigureCounts {
  const out = zeroFigures();
  for (const f of FIGURES) out[f] = Number(row[FIGURE_COLUMNS[f]] ?? 0);
  return out;
}

function categoryFilter(categoryKey: string | undefined): RawBuilder<boolean> {
  if (!categoryKey) return sql<boolean>`true`;
  return sql<boolean>`(category_key = ${categoryKey} or category_key like ${`${categoryKey.replace(/[\\%_]/g, (c) => `\\${c}`)}.%`})`;
}

/**
 * The children of an area (abolished ones too: past figures stay with them) with their figures over a
 * period, in one statement: each child's rows are one range of figure_day's key (area, day, category).
 * `rows` says whether a child has any row in the period (an abolished one shows only then).
 */
export async function sumFiguresOfChildren(
  db: Db,
  parentId: string,
  period: { from: string; to: string; categoryKey?: string | undefined },
): Promise<{ code: string; name: string; level: string; abolished: boolean; rows: number; counts: FigureCounts }[]> {
  const res = await sql<
    Record<string, unknown> & { code: string; name: string; level: string; abolished: boolean; n_rows: number }
  >`
    select c.code, c.name, c.level, c.abolished_at is not null as abolished, s.*
    from area c
    cross join lateral (
      select count(*)::integer as n_rows, ${sums} from figure_day
      where area_code = c.code and day >= ${period.from}::date and day <= ${period.to}::date
        and ${categoryFilter(period.categoryKey)}) s
    where c.parent_id = ${parentId}::uuid
    order by c.code`.execute(db);
  return res.rows.map((r) => ({
    code: r.code,
    name: r.name,
    level: r.level,
    abolished: r.abolished,
    rows: Number(r.n_rows),
    counts: countsOf(r),
  }));
}

/**
 * The figures of one area over a period and over the period it is compared with, in one statement:
 * two rows at most (a period without rows has none), one sum per figure — half the expressions of a
 * FILTER per period, which PostgreSQL plans anew on every call. Each day is matched against both
 * periods, not split at the period's start: the other period need not end just before it (last
 * month's same days) and may even overlap it (a long period against last week's). The outer bounds
 * keep the (area_code, day) index in use.
 */
export async function sumFiguresWithPrevious(
  db: Db,
  code: string,
  period: { from: string; to: string; categoryKey?: string | undefined },
  previous: { from: string; to: string },
): Promise<{ now: FigureCounts; previous: FigureCounts }> {
  // ISO dates sort as text.
  const [first] = [previous.from, period.from].sort();
  const [, last] = [previous.to, period.to].sort();
  const res = await sql<Record<string, unknown> & { is_now: boolean }>`
    select p.is_now, ${sums}
    from figure_day
    join (values (true, ${period.from}::date, ${period.to}::date), (false, ${previous.from}::date, ${previous.to}::date))
      as p (is_now, first_day, last_day) on day >= p.first_day and day <= p.last_day
    where area_code = ${code} and day >= ${first}::date and day <= ${last}::date
      and ${categoryFilter(period.categoryKey)}
    group by 1`.execute(db);
  const pick = (isNow: boolean) => {
    const row = res.rows.find((r) => r.is_now === isNow);
    return row ? countsOf(row) : zeroFigures();
  };
  return { now: pick(true), previous: pick(false) };
}

/** The figures of one area over a period, per day or per category. */
export async function sumFiguresOfAreaBy(
  db: Db,
  code: string,
  by: "day" | "category",
  period: { from: string; to: string; categoryKey?: string | undefined },
): Promise<{ key: string; counts: FigureCounts }[]> {
  const key = by === "day" ? sql`day::text` : sql`category_key`;
  const res = await sql<Record<string, unknown> & { key: string }>`
    select ${key} as key, ${sums} from figure_day
    where area_code = ${code} and day >= ${period.from}::date and day <= ${period.to}::date
      and ${categoryFilter(period.categoryKey)}
    group by 1 order by 1`.execute(db);
  return res.rows.map((r) => ({ key: r.key, counts: countsOf(r) }));
}

/** One fact of the figures: what an event (or visit, close-out) counted in, when and where. */
export interface FigureFact {
  path: string;
  at: Date;
  categoryKey: string;
  /** The figure's column (figure_day). */
  column: string;
}

/** The facts the timeline steps made (the figures a step that was just written adds). */
export async function listStepFigureFacts(db: Db, stepIds: readonly string[]): Promise<FigureFact[]> {
  if (stepIds.length === 0) return [];
  const ids = sql.join(stepIds.map((id) => sql`${id}::uuid`));
  const res = await sql<{ path: string; at: Date; category_key: string; k: string }>`
    select f.path, f.at, f.category_key, f.k
    from (${eventFigureFacts(sql<boolean>`ev.id in (select event_id from event_step where id in (${ids}))`)}) f
    where f.step_id in (${ids})`.execute(db);
  return res.rows.map((r) => ({ path: r.path, at: new Date(r.at), categoryKey: r.category_key, column: r.k }));
}

/** Every fact of one event, merged or not (what a merge takes out of the figures). */
export async function listEventFigureFacts(db: Db, eventId: string): Promise<FigureFact[]> {
  const res = await sql<{ path: string; at: Date; category_key: string; k: string }>`
    select f.path, f.at, f.category_key, f.k
    from (${eventFigureFacts(sql<boolean>`ev.id = ${eventId}::uuid`, { includeMerged: true })}) f`.execute(db);
  return res.rows.map((r) => ({ path: r.path, at: new Date(r.at), categoryKey: r.category_key, column: r.k }));
}

const cnDay = (at: RawBuilder<unknown>) => sql`((${at} at time zone 'UTC') + interval '8 hours')::date`;

/**
 * Every figure counted from the raw tables (the events' facts, visits, close-outs and the grids each
 * covered when confirmed) by the same rules the writes follow: the rebuild's source, and what the tests
 * hold the kept figures to.
 */
function rawFigures() {
  const pivot = sql.join(COLUMNS.map((c) => sql`(count(*) filter (where f.k = ${c}))::integer as ${sql.ref(c)}`));
  return sql`
    with facts (path, day, cat, k) as (
      select e.path, ${cnDay(sql`e.at`)}, e.category_key, e.k from (${eventFigureFacts(sql<boolean>`true`)}) e
      union all
      select v.area_path, ${cnDay(sql`v.visited_at`)}, '', 'visits' from visit v
      union all
      select v.area_path, ${cnDay(sql`v.visited_at`)}, '', 'visits_met' from visit v where v.outcome = 'visited'
      union all
      select c.area_path, c.day, '', 'close_outs' from close_out_area c
      union all
      select g.path, cg.day, '', 'grids_closed' from close_out_grid cg join area g on g.code = cg.grid_code
    )
    select code as area_code, f.day, f.cat as category_key, ${pivot}
    from facts f cross join lateral unnest(string_to_array(trim(both '/' from f.path), '/')) as code
    group by code, f.day, f.cat`;
}

/** The figures counted from the raw tables, row by row (tests compare them with the kept ones). */
export async function listRawFigures(
  db: Db,
): Promise<(FigureCounts & { areaCode: string; day: string; categoryKey: string })[]> {
  const res = await sql<Record<string, unknown> & { area_code: string; day: string; category_key: string }>`
    select r.*, r.day::text as day_text from (${rawFigures()}) r`.execute(db);
  return res.rows.map((r) => ({
    areaCode: r.area_code,
    day: String(r.day_text),
    categoryKey: r.category_key,
    ...countsOf(r),
  }));
}

/** The kept figures, row by row, without rows of zeros. */
export async function listKeptFigures(
  db: Db,
): Promise<(FigureCounts & { areaCode: string; day: string; categoryKey: string })[]> {
  const res = await sql<Record<string, unknown> & { area_code: string; day_text: string; category_key: string }>`
    select f.*, f.day::text as day_text from figure_day f`.execute(db);
  return res.rows
    .map((r) => ({ areaCode: r.area_code, day: r.day_text, categoryKey: r.category_key, ...countsOf(r) }))
    .filter((r) => FIGURES.some((f: Figure) => r[f] !== 0));
}

/**
 * Counts every figure again from the raw tables. The grids closed out per day are read from
 * close_out_grid, the record of which grids each close-out covered when it was confirmed: counting
 * the coverage again from today's areas would move a past day (a grid abolished before a village's
 * close-out and restored since would count as closed out that day). The table is locked first: writes
 * that keep the figures wait, and each lands either in what the rebuild reads (committed before) or on
 * top of it (after), never both or neither. Returns the rows written.
 */
export async function rebuildFigureRows(trx: Transaction<DB>): Promise<number>;
export async function rebuildFigureRows(
  trx: Transaction<DB>,
  options: { onlyIfRequested: true },
): Promise<number | undefined>;
export async function rebuildFigureRows(
  trx: Transaction<DB>,
  options: { onlyIfRequested?: boolean } = {},
): Promise<number | undefined> {
  await sql`lock table figure_day in exclusive mode`.execute(trx);
  if (options.onlyIfRequested && !(await rebuildRequested(trx))) return undefined;
  await sql`delete from figure_day`.execute(trx);
  const res = await sql`
    insert into figure_day (area_code, day, category_key, ${sql.join(COLUMNS.map((c) => sql.ref(c)))})
    select area_code, day, category_key, ${sql.join(COLUMNS.map((c) => sql.ref(c)))} from (${rawFigures()}) r`.execute(
    trx,
  );
  await sql`delete from figure_rebuild`.execute(trx);
  return Number(res.numAffectedRows ?? 0);
}

/** Counts the live grids under each area again (area_grid_count), with writes to `area` held off. */
export async function recountAreaGrids(trx: Transaction<DB>): Promise<number> {
  await sql`lock table area in share mode`.execute(trx);
  await sql`delete from area_grid_count`.execute(trx);
  const res = await sql`
    insert into area_grid_count (area_code, grids)
    select u.code, count(*) from area a cross join lateral unnest(string_to_array(trim(both '/' from a.path), '/')) as u(code)
    where a.level = 'grid' and a.abolished_at is null
    group by u.code`.execute(trx);
  return Number(res.numAffectedRows ?? 0);
}

/** Whether a migration asked for the figures to be counted from the raw tables. */
export async function rebuildRequested(db: Db): Promise<boolean> {
  const row = await db.selectFrom("figure_rebuild").select("requested_at").limit(1).executeTakeFirst();
  return row !== undefined;
}

/** An area by code (any, abolished too) and the areas on its path above it, ordered by path, in one statement. */
export async function findAreaWithAncestors(db: Db, code: string) {
  const rows = await db
    .selectFrom("area as t")
    .innerJoin("area as a", (j) => j.on(sql<boolean>`a.code = any(string_to_array(trim(both '/' from t.path), '/'))`))
    .selectAll("a")
    .where("t.code", "=", code)
    .orderBy("a.path")
    .execute();
  const area = rows.find((r) => r.code === code);
  return area ? { area, path: rows } : undefined;
}

/** Areas by code, ordered by path (a breadcrumb). */
export async function listAreasByCodes(db: Db, codes: readonly string[]) {
  if (codes.length === 0) return [];
  return db.selectFrom("area").selectAll().where("code", "in", codes).orderBy("path").execute();
}

/** The live areas at these paths (a reader's own areas), by path; the live roots for a global reader. */
export async function listAreasAtPaths(db: Db, paths: readonly string[] | "roots") {
  let q = db.selectFrom("area").selectAll().where("abolished_at", "is", null);
  if (paths === "roots") q = q.where("parent_id", "is", null);
  else if (paths.length === 0) return [];
  else q = q.where("path", "in", paths);
  return q.orderBy("path").execute();
}

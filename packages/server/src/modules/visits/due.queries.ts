import { OVERDUE_MIN_DAYS, OVERDUE_RHYTHM_DIVISOR, type VisitStatus } from "@wangge/core";
import { type Kysely, type RawBuilder, sql, type Transaction } from "kysely";
import type { DB } from "../../db/schema.ts";

type Db = Kysely<DB> | Transaction<DB>;

/**
 * Who is due for a visit, derived from the registry in one statement: every person with a care or
 * service tag in force that has a rhythm, and every household (its plan, or a household tag's rhythm
 * if shorter), each with the day it was last met (`visit_last`). Status as core's `visitStatus`
 * (visit-plans.ts): due on the last visit + rhythm (never met: the day the rule began to apply),
 * overdue past OVERDUE_* of the rhythm. Sensitive tags never make anyone due: a due list would tell
 * who carries one.
 */
export interface SubjectFilter {
  /** Area path prefixes (null: everywhere). */
  prefixes: string[] | null;
  today: string;
  householdEveryDays: number;
  timeZone: string;
}

function under(column: RawBuilder<unknown>, prefixes: string[] | null) {
  if (prefixes === null) return sql`true`;
  if (prefixes.length === 0) return sql`false`;
  return sql`(${sql.join(
    prefixes.map((p) => sql`${column} like ${`${p}%`}`),
    sql` or `,
  )})`;
}

/**
 * The statement's common part: a CTE `subjects` (materialised once: the list and its counts both read
 * it) with rhythm, status, due day and place. Tags are grouped per subject on their own (only tags
 * with a rhythm), then joined to people and households by hash, not per row: a county's list is
 * ~100,000 subjects.
 */
function subjectsCte(f: SubjectFilter) {
  const today = sql`${f.today}::date`;
  const rhythmTags = (subjectType: "person" | "household") => sql`
      select st.subject_id, min(td.visit_every_days) as every_days, min(st.valid_from) as since,
        array_agg(td.key) as tags, bool_or(td.category = 'care') as is_care
      from subject_tag st join tag_definition td on td.key = st.tag_key
      where st.subject_type = ${subjectType} and td.category in ('care', 'service') and td.active
        and td.visit_every_days is not null
        and st.valid_from <= ${today} and (st.valid_to is null or st.valid_to >= ${today})
        and ${under(sql.ref("st.area_path"), f.prefixes)}
      group by st.subject_id`;
  return sql`
    with person_tags as (${rhythmTags("person")}),
    household_tags as (${rhythmTags("household")}),
    subjects_raw as (
      select 'person'::text as subject_type, p.id as subject_id, p.id as person_id, p.household_id,
        p.area_path, p.name, pt.every_days, pt.since, pt.tags, pt.is_care, h.place_id
      from person_tags pt join person p on p.id = pt.subject_id join household h on h.id = p.household_id
      union all
      select 'household'::text, h.id, null::uuid, h.id, h.area_path, null::text,
        least(${f.householdEveryDays}::int, ht.every_days),
        least((h.created_at at time zone ${f.timeZone})::date, ht.since),
        coalesce(ht.tags, '{}'), coalesce(ht.is_care, false), h.place_id
      from household h left join household_tags ht on ht.subject_id = h.id
      where ${under(sql.ref("h.area_path"), f.prefixes)}
    ),
    dated as (
      select r.*, vl.last_visited_on,
        case when vl.last_visited_on is null then r.since else vl.last_visited_on + r.every_days end as due_on
      from subjects_raw r left join visit_last vl on vl.subject_id = r.subject_id
    ),
    subjects as materialized (
      select d.*,
        case when d.due_on > ${today} then 'done'
          when ${today} > d.due_on + greatest(${OVERDUE_MIN_DAYS}::int,
            ceil(d.every_days::numeric / ${OVERDUE_RHYTHM_DIVISOR})::int) then 'overdue'
          else 'due' end as status
      from dated d
    )`;
}

export interface DueRow {
  subject_type: "person" | "household";
  subject_id: string;
  person_id: string | null;
  household_id: string;
  area_path: string;
  name: string | null;
  every_days: number;
  tags: string[];
  last_visited_on: string | null;
  due_on: string;
  status: VisitStatus;
  address: string | null;
  lng: number | null;
  lat: number | null;
  n_overdue: string | number;
  n_due: string | number;
  n_done: string | number;
  n_listed: string | number;
}

export interface DueFilter extends SubjectFilter {
  statuses: VisitStatus[];
  near: { lng: number; lat: number } | null;
  limit: number;
  offset: number;
}

export async function listDue(db: Db, f: DueFilter): Promise<DueRow[]> {
  return (await dueStatement(f).execute(db)).rows;
}

/** The due list's statement (the benchmark explains it). */
export function dueStatement(f: DueFilter) {
  const statuses = sql.join(f.statuses.map((s) => sql`${s}`));
  // Nearest first on a local flat projection (good to metres within a county); else by address. A plain
  // ORDER BY with LIMIT (no window between them) lets PostgreSQL keep only the page while sorting.
  const near = f.near;
  const orderOf = (lng: string, lat: string, address: string, s: string) =>
    near
      ? sql`((${sql.ref(lng)} - ${near.lng}) * ${Math.cos((near.lat * Math.PI) / 180)}) ^ 2 + (${sql.ref(lat)} - ${near.lat}) ^ 2 asc nulls last, ${sql.ref(address)} collate "C" asc nulls last, ${sql.ref(`${s}.subject_type`)} desc, ${sql.ref(`${s}.subject_id`)}`
      : sql`${sql.ref(address)} collate "C" asc nulls last, ${sql.ref(`${s}.subject_type`)} desc, ${sql.ref(`${s}.subject_id`)}`;
  return sql<DueRow>`
    ${subjectsCte(f)},
    counts as (
      select count(*) filter (where status = 'overdue') as n_overdue,
        count(*) filter (where status = 'due') as n_due,
        count(*) filter (where status = 'done') as n_done,
        count(*) filter (where status in (${statuses})) as n_listed
      from subjects
    ),
    page as (
      select s.subject_type, s.subject_id, s.person_id, s.household_id, s.area_path, s.name, s.every_days,
        s.tags, s.last_visited_on, s.due_on, s.status, pl.address, pl.lng, pl.lat
      from subjects s left join place pl on pl.id = s.place_id
      where s.status in (${statuses})
      order by ${orderOf("pl.lng", "pl.lat", "pl.address", "s")}
      limit ${f.limit} offset ${f.offset}
    )
    -- The counts ride on every row, and on one row of nulls when the page is empty.
    select p.subject_type, p.subject_id, p.person_id, p.household_id, p.area_path,
      coalesce(p.name, hp.name) as name, p.every_days, p.tags, p.last_visited_on, p.due_on, p.status,
      p.address, p.lng, p.lat, c.n_overdue, c.n_due, c.n_done, c.n_listed
    from counts c
    left join page p on true
    left join household h on p.name is null and h.id = p.household_id
    left join person hp on hp.id = h.head_person_id
    order by ${orderOf("p.lng", "p.lat", "p.address", "p")}`;
}

/** Counts per status (for a page past the end, where the window counts have no row to ride on). */
export async function countDue(db: Db, f: SubjectFilter) {
  const res = await sql<{ status: VisitStatus; n: string | number }>`
    ${subjectsCte(f)}
    select status, count(*) as n from subjects group by status`.execute(db);
  return res.rows;
}

export interface CoverageRow {
  child: string | null;
  is_total: boolean;
  subjects: string | number;
  done: string | number;
  due: string | number;
  overdue: string | number;
  care_subjects: string | number;
  care_never_visited: string | number;
  households: string | number;
  households_not_seen: string | number;
}

/** Coverage of an area, per child area (the path segment after `parentPath`) and in total (child null). */
export async function coverage(db: Db, f: SubjectFilter & { parentPath: string; yearStart: string }) {
  const res = await sql<CoverageRow>`
    ${subjectsCte(f)}
    select child, grouping(child) = 1 as is_total,
      count(*) as subjects,
      count(*) filter (where status = 'done') as done,
      count(*) filter (where status = 'due') as due,
      count(*) filter (where status = 'overdue') as overdue,
      count(*) filter (where subject_type = 'person' and is_care) as care_subjects,
      count(*) filter (where subject_type = 'person' and is_care and last_visited_on is null) as care_never_visited,
      count(*) filter (where subject_type = 'household') as households,
      count(*) filter (where subject_type = 'household'
        and (last_visited_on is null or last_visited_on < ${f.yearStart}::date)) as households_not_seen
    from (select *, nullif(split_part(substr(area_path, ${f.parentPath.length + 1}), '/', 1), '') as child
      from subjects) x
    group by grouping sets ((child), ())`.execute(db);
  return res.rows;
}

/** Households (with their place) and members under the prefixes, for a worker's phone: no numbers. */
/** Newest households first (ids are UUIDv7), from below `before` on: a phone's sync resumes there. */
export async function listHouseholdsForField(
  db: Db,
  prefixes: string[] | null,
  before: string | undefined,
  limit: number,
) {
  const res = await sql<{
    id: string;
    address: string | null;
    lng: number | null;
    lat: number | null;
  }>`
    select h.id, pl.address, pl.lng, pl.lat from household h left join place pl on pl.id = h.place_id
    where ${under(sql.ref("h.area_path"), prefixes)} ${before ? sql`and h.id < ${before}::uuid` : sql``}
    order by h.id desc limit ${limit}`.execute(db);
  return res.rows;
}

export async function listMembersForField(db: Db, householdIds: string[], today: string) {
  if (householdIds.length === 0) return [];
  const res = await sql<{ id: string; household_id: string; name: string; birth_date: string | null; tags: string[] }>`
    select p.id, p.household_id, p.name, p.birth_date,
      coalesce(array_agg(distinct td.key) filter (where td.key is not null), '{}') as tags
    from person p
    left join subject_tag st on st.subject_id = p.id and st.valid_from <= ${today}::date
      and (st.valid_to is null or st.valid_to >= ${today}::date)
    left join tag_definition td on td.key = st.tag_key and td.category in ('care', 'service')
    where p.household_id = any(${householdIds}::uuid[])
    group by p.id
    order by p.name`.execute(db);
  return res.rows;
}

export interface OnTimeRow {
  child: string | null;
  is_total: boolean;
  fell_due: string | number;
  on_time: string | number;
}

/**
 * Visits done on time, as history: every time a subject fell due within the period — the day its rule
 * began to apply (or a rhythm after a visit before it, if later), then each met visit's day plus the
 * rhythm, and again a rhythm later while nobody came — judged done on time when someone was met by the last day before it counted as overdue (core's
 * overdueAfterDays), late when met later or not yet met past that day. A due day whose grace has not
 * run out and was not met yet is not judged. Per child area and in total, like `coverage`.
 */
export async function onTimeCoverage(db: Db, f: SubjectFilter & { parentPath: string; from: string; to: string }) {
  const to = sql`${f.to}::date`;
  const from = sql`${f.from}::date`;
  const today = sql`${f.today}::date`;
  const visited = sql`((v.visited_at at time zone ${f.timeZone})::date)`;
  // Met by the period's last day, in China time: before the next day's midnight there (the index's terms).
  const toEnd = sql`((${f.to}::date + 1)::timestamp at time zone ${f.timeZone})`;
  // Each subject's last met day before its rule began and first one since, aggregated once and joined
  // (per-subject subqueries over the visit days were quadratic: a township's history took over a second).
  const res = await sql<OnTimeRow>`
    ${subjectsCte(f)},
    visit_days as (
      select s.subject_id, ${visited} as day
      from subjects s join visit v on v.household_id = s.subject_id
      where s.subject_type = 'household' and v.outcome = 'visited' and v.visited_at < ${toEnd}
      union
      select s.subject_id, ${visited}
      from subjects s join visit_person vp on vp.person_id = s.subject_id join visit v on v.id = vp.visit_id
      where s.subject_type = 'person' and v.outcome = 'visited' and v.visited_at < ${toEnd}
    ),
    bounds as (
      select vd.subject_id, max(vd.day) filter (where vd.day < s.since) as before_since,
        min(vd.day) filter (where vd.day >= s.since) as next_day
      from visit_days vd join subjects s on s.subject_id = vd.subject_id
      group by vd.subject_id
    ),
    segments as (
      select s.subject_id, s.area_path, s.every_days,
        greatest(s.since, b.before_since + s.every_days) as first_due, b.next_day
      from subjects s left join bounds b on b.subject_id = s.subject_id
      union all
      select s.subject_id, s.area_path, s.every_days, vd.day + s.every_days,
        lead(vd.day) over (partition by vd.subject_id order by vd.day)
      from visit_days vd join subjects s on s.subject_id = vd.subject_id
      where vd.day >= s.since
    ),
    occurrences as (
      select sg.area_path, sg.first_due + k * sg.every_days as due_on, sg.next_day,
        greatest(${OVERDUE_MIN_DAYS}::int, ceil(sg.every_days::numeric / ${OVERDUE_RHYTHM_DIVISOR})::int) as grace
      from segments sg
      cross join lateral generate_series(0, (least(coalesce(sg.next_day, ${to}), ${to}) - sg.first_due) / sg.every_days) k
      where sg.first_due <= least(coalesce(sg.next_day, ${to}), ${to})
    ),
    judged as (
      select area_path, next_day is not null and next_day <= due_on + grace as on_time
      from occurrences
      where due_on >= ${from} and due_on <= ${to}
        and ((next_day is not null and next_day <= due_on + grace) or due_on + grace < least(coalesce(next_day, ${today}), ${today}))
    )
    select child, grouping(child) = 1 as is_total, count(*) as fell_due, count(*) filter (where on_time) as on_time
    from (select *, nullif(split_part(substr(area_path, ${f.parentPath.length + 1}), '/', 1), '') as child
      from judged) x
    group by grouping sets ((child), ())`.execute(db);
  return res.rows;
}

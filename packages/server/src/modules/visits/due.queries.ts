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

/** The statement's common part: a CTE `subjects` with status, due day, address and position. */
function subjectsCte(f: SubjectFilter) {
  const today = sql`${f.today}::date`;
  return sql`
    with tagged as (
      select st.subject_type, st.subject_id, td.key, td.category, td.visit_every_days, st.valid_from
      from subject_tag st join tag_definition td on td.key = st.tag_key
      where td.category in ('care', 'service') and td.active and td.visit_every_days is not null
        and st.valid_from <= ${today} and (st.valid_to is null or st.valid_to >= ${today})
        and ${under(sql.ref("st.area_path"), f.prefixes)}
    ),
    person_subjects as (
      select 'person'::text as subject_type, p.id as subject_id, p.id as person_id, p.household_id,
        p.area_path, p.name, min(t.visit_every_days) as every_days, min(t.valid_from) as since,
        array_agg(distinct t.key order by t.key) as tags, bool_or(t.category = 'care') as is_care
      from tagged t join person p on p.id = t.subject_id
      where t.subject_type = 'person' and p.household_id is not null
      group by p.id
    ),
    household_subjects as (
      select 'household'::text as subject_type, h.id as subject_id, null::uuid as person_id, h.id as household_id,
        h.area_path, null::text as name,
        least(${f.householdEveryDays}::int, min(t.visit_every_days)) as every_days,
        least((h.created_at at time zone ${f.timeZone})::date, min(t.valid_from)) as since,
        coalesce(array_agg(distinct t.key order by t.key) filter (where t.key is not null), '{}') as tags,
        coalesce(bool_or(t.category = 'care'), false) as is_care
      from household h left join tagged t on t.subject_type = 'household' and t.subject_id = h.id
      where ${under(sql.ref("h.area_path"), f.prefixes)}
      group by h.id
    ),
    subjects_raw as (
      select s.*, vl.last_visited_on,
        case when vl.last_visited_on is null then s.since else vl.last_visited_on + s.every_days end as due_on
      from (select * from person_subjects union all select * from household_subjects) s
      left join visit_last vl on vl.subject_id = s.subject_id
    ),
    subjects as (
      select r.*,
        case when r.due_on > ${today} then 'done'
          when ${today} > r.due_on + greatest(${OVERDUE_MIN_DAYS}::int,
            ceil(r.every_days::numeric / ${OVERDUE_RHYTHM_DIVISOR})::int) then 'overdue'
          else 'due' end as status
      from subjects_raw r
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

export async function listDue(
  db: Db,
  f: SubjectFilter & {
    statuses: VisitStatus[];
    near: { lng: number; lat: number } | null;
    limit: number;
    offset: number;
  },
): Promise<DueRow[]> {
  const statuses = sql.join(f.statuses.map((s) => sql`${s}`));
  // Nearest first on a local flat projection (good to metres within a county); else by address.
  const order = f.near
    ? sql`(((pl.lng - ${f.near.lng}) * ${Math.cos((f.near.lat * Math.PI) / 180)}) ^ 2 + (pl.lat - ${f.near.lat}) ^ 2) asc nulls last, pl.address asc nulls last`
    : sql`pl.address asc nulls last`;
  const res = await sql<DueRow>`
    ${subjectsCte(f)},
    counted as (
      select s.*,
        count(*) filter (where s.status = 'overdue') over () as n_overdue,
        count(*) filter (where s.status = 'due') over () as n_due,
        count(*) filter (where s.status = 'done') over () as n_done,
        count(*) filter (where s.status in (${statuses})) over () as n_listed
      from subjects s
    )
    select c.subject_type, c.subject_id, c.person_id, c.household_id, c.area_path,
      coalesce(c.name, hp.name) as name, c.every_days, c.tags, c.last_visited_on, c.due_on, c.status,
      pl.address, pl.lng, pl.lat, c.n_overdue, c.n_due, c.n_done, c.n_listed
    from counted c
    join household h on h.id = c.household_id
    left join place pl on pl.id = h.place_id
    left join person hp on c.name is null and hp.id = h.head_person_id
    where c.status in (${statuses})
    order by ${order}, c.subject_type desc, c.subject_id
    limit ${f.limit} offset ${f.offset}`.execute(db);
  return res.rows;
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
export async function listHouseholdsForField(db: Db, prefixes: string[] | null, limit: number) {
  const res = await sql<{
    id: string;
    address: string | null;
    lng: number | null;
    lat: number | null;
  }>`
    select h.id, pl.address, pl.lng, pl.lat from household h left join place pl on pl.id = h.place_id
    where ${under(sql.ref("h.area_path"), prefixes)}
    order by pl.address nulls last, h.id limit ${limit}`.execute(db);
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

import { type Kysely, sql } from "kysely";
import { chinaDate, systemPrincipal } from "../packages/core/src/index.ts";
import type { DB } from "../packages/server/src/db/schema.ts";
import { ensureDefaultTags } from "../packages/server/src/modules/registry/tags.service.ts";
import { dueStatement } from "../packages/server/src/modules/visits/due.queries.ts";
import { dueList, visitCoverage } from "../packages/server/src/modules/visits/due.service.ts";
import { countyAreas, eachBenchEngine, insertAreas, timeRepeatedMs } from "./support.ts";

/**
 * The due lists of door-knocking visits at a county's scale, on PGlite and PostgreSQL:
 * - a county of 20 townships, 100 villages and G grids (default 1,000), 67 households per grid with
 *   three people each (201,000 people), 30 people per grid with a care or service tag (30,000), and
 *   the day each was last met (`visit_last`: about 60% of the tagged and half the households, some
 *   long ago) with the visits behind it (the tagged met also one, two and three months before) —
 *   loaded straight into the tables with generate_series;
 * - a township's coverage with its on-time share as history (due days of the last 90 days judged);
 * - the due list of the whole county (first page of 100, by address, with the counts per status) and
 *   of one grid (all of it, nearest first from a point), each through the service the route calls.
 * Goals (issue #18): county < 1 s and one grid < 50 ms on PostgreSQL; both printed for PGlite.
 * Usage: npm run bench -- visits [grids=1000]
 */
async function loadCounty(db: Kysely<DB>, gridCount: number, today: string) {
  const { areas, county, grids } = countyAreas(gridCount);
  await insertAreas(db, areas);
  await sql`create temp table bench_grid (n int, path text, village text, cx float8, cy float8)`.execute(db);
  for (let i = 0; i < grids.length; i += 1000)
    await sql`insert into bench_grid values ${sql.join(
      grids.slice(i, i + 1000).map((g, k) => {
        const n = i + k;
        return sql`(${n}, ${g.path}, ${g.village}, ${109.4 + (n % 40) * 0.02}, ${23.0 + Math.floor(n / 40) * 0.02})`;
      }),
    )}`.execute(db);
  const uuid = (prefix: string, expr: string) => sql.raw(`('${prefix}' || lpad(to_hex(${expr}), 12, '0'))::uuid`);
  await sql`
    insert into place (id, area_path, division_code, road, house_number, address, lng, lat)
    select ${uuid("00000000-0000-4000-8000-", "g.n * 100 + s")}, g.path, g.village, '村道' || g.n, s::text,
      '村道' || g.n || '号' || s, g.cx + (s % 10) * 0.001, g.cy + (s / 10) * 0.001
    from bench_grid g, generate_series(1, 67) s`.execute(db);
  await sql`insert into household (id, place_id, kind, area_path) select id, id, 'family', area_path from place`.execute(
    db,
  );
  await sql`
    insert into person (id, household_id, name, area_path)
    select ${uuid("00000000-0000-4000-9000-", "g.n * 1000 + s * 10 + k")}, ${uuid("00000000-0000-4000-8000-", "g.n * 100 + s")},
      '居民' || g.n || '-' || s || '-' || k, g.path
    from bench_grid g, generate_series(1, 67) s, generate_series(1, 3) k`.execute(db);
  await sql`update household h set head_person_id = p.id from person p
    where p.household_id = h.id and p.name like '%-1'`.execute(db);
  // 30 tagged people per grid: the first member of households 1–30, on five care and service rhythms.
  await sql`
    insert into subject_tag (id, subject_type, subject_id, tag_key, area_path, valid_from)
    select gen_random_uuid(), 'person', ${uuid("00000000-0000-4000-9000-", "g.n * 1000 + s * 10 + 1")},
      (array['elderly_alone', 'left_behind_child', 'minimum_subsistence', 'disabled', 'veteran'])[1 + s % 5],
      g.path, ${today}::date - ((g.n * 7 + s * 13) % 400)
    from bench_grid g, generate_series(1, 30) s`.execute(db);
  // Last met: about 60% of the tagged (within 0–59 days) and half the households (within 0–499 days).
  await sql`
    insert into visit_last (subject_id, subject_type, last_visited_on, last_visit_id)
    select subject_id, 'person', ${today}::date - ((hashtext(subject_id::text) & 65535) % 60), gen_random_uuid()
    from subject_tag where (hashtext(subject_id::text) & 65535) % 10 < 6`.execute(db);
  await sql`
    insert into visit_last (subject_id, subject_type, last_visited_on, last_visit_id)
    select id, 'household', ${today}::date - ((hashtext(id::text) & 65535) % 500), gen_random_uuid()
    from household where (hashtext(id::text) & 65535) % 2 = 0`.execute(db);
  // The visits behind those days (the on-time history reads them): each last visit, and for the tagged
  // people met three earlier ones a month apart, each visit naming the person it met.
  await sql`
    insert into visit (id, household_id, area_path, kind, outcome, visited_at, received_at)
    select vl.last_visit_id, h.id, h.area_path, 'routine', 'visited',
      (vl.last_visited_on + time '10:00') at time zone 'Asia/Shanghai', (vl.last_visited_on + time '10:00') at time zone 'Asia/Shanghai'
    from visit_last vl join household h on h.id = vl.subject_id where vl.subject_type = 'household'`.execute(db);
  await sql`
    create temp table bench_care_visit as
    select gen_random_uuid() as id, p.id as person_id, p.household_id, p.area_path,
      ((vl.last_visited_on - k * 30) + time '15:00') at time zone 'Asia/Shanghai' as at,
      case when k = 0 then vl.last_visit_id end as last_id
    from visit_last vl join person p on p.id = vl.subject_id, generate_series(0, 3) k
    where vl.subject_type = 'person'`.execute(db);
  await sql`
    insert into visit (id, household_id, area_path, kind, outcome, visited_at, received_at)
    select coalesce(last_id, id), household_id, area_path, 'care', 'visited', at, at from bench_care_visit`.execute(db);
  await sql`insert into visit_person (visit_id, person_id) select coalesce(last_id, id), person_id from bench_care_visit`.execute(
    db,
  );
  await sql`analyze`.execute(db);
  const counts = await sql<{ people: string; households: string; tagged: string; visits: string }>`
    select (select count(*) from person) as people, (select count(*) from household) as households,
      (select count(*) from subject_tag) as tagged, (select count(*) from visit) as visits`.execute(db);
  const c = counts.rows[0];
  return {
    county: county.code,
    grid: (grids[Math.floor(gridCount / 2)] as (typeof grids)[number]).code,
    gridPoint: {
      lng: 109.4 + (Math.floor(gridCount / 2) % 40) * 0.02,
      lat: 23.0 + Math.floor(gridCount / 2 / 40) * 0.02,
    },
    people: Number(c?.people),
    households: Number(c?.households),
    tagged: Number(c?.tagged),
    visits: Number(c?.visits),
  };
}

function inline(text: string, parameters: readonly unknown[]): string {
  return text.replace(/\$(\d+)/g, (_, i) => {
    const v = parameters[Number(i) - 1];
    return typeof v === "number" ? String(v) : `'${String(v).replaceAll("'", "''")}'`;
  });
}

export async function run(args: string[]): Promise<Record<string, number>> {
  const gridCount = Number(args[0] ?? 1000);
  const figures: Record<string, number> = { grids: gridCount };
  const rows: Record<string, unknown>[] = [];
  await eachBenchEngine(
    "visits",
    async (e, ctx) => {
      await ensureDefaultTags(ctx.db);
      const today = chinaDate(new Date());
      let t = performance.now();
      const county = await loadCounty(ctx.db, gridCount, today);
      const loadS = Math.round((performance.now() - t) / 100) / 10;
      const actor = systemPrincipal();
      if (process.env.BENCH_VISITS_EXPLAIN) {
        // The plan of the county's list, to see where its time goes.
        const { sql: text, parameters } = dueStatement({
          prefixes: ["/450802/"],
          today,
          householdEveryDays: 365,
          timeZone: "Asia/Shanghai",
          statuses: ["overdue", "due"],
          near: null,
          limit: 100,
          offset: 0,
        }).compile(ctx.db);
        const plan = await sql.raw(`explain (analyze, buffers) ${inline(text, parameters)}`).execute(ctx.db);
        console.error((plan.rows as { "QUERY PLAN": string }[]).map((r) => r["QUERY PLAN"]).join("\n"));
      }
      let countyList: Awaited<ReturnType<typeof dueList>> | undefined;
      const countyMs = await timeRepeatedMs(5, async () => {
        countyList = await dueList(ctx, actor, {
          areaCode: county.county,
          status: "overdue,due",
          limit: 100,
          offset: 0,
        });
      });
      let gridList: Awaited<ReturnType<typeof dueList>> | undefined;
      const gridMs = await timeRepeatedMs(20, async () => {
        gridList = await dueList(ctx, actor, {
          areaCode: county.grid,
          status: "overdue,due",
          ...county.gridPoint,
          limit: 1000,
          offset: 0,
        });
      });
      // Coverage of a township and its villages, with the on-time share as history (the last 90 days).
      const township = `${county.county}001`;
      let coverage: Awaited<ReturnType<typeof visitCoverage>> | undefined;
      const coverageMs = await timeRepeatedMs(3, async () => {
        coverage = await visitCoverage(ctx, actor, { areaCode: township });
      });
      t = performance.now();
      Object.assign(figures, {
        [`${e}_township_coverage_ms`]: coverageMs.p50,
        [`${e}_township_fell_due`]: coverage?.area.fellDue ?? 0,
        [`${e}_people`]: county.people,
        [`${e}_households`]: county.households,
        [`${e}_tagged`]: county.tagged,
        [`${e}_visits`]: county.visits,
        [`${e}_load_s`]: loadS,
        [`${e}_county_due_ms`]: countyMs.p50,
        [`${e}_county_due_max_ms`]: countyMs.max,
        [`${e}_county_overdue_or_due`]: countyList?.total ?? 0,
        [`${e}_grid_due_ms`]: gridMs.p50,
        [`${e}_grid_due_max_ms`]: gridMs.max,
        [`${e}_grid_overdue_or_due`]: gridList?.total ?? 0,
      });
      rows.push(
        {
          engine: e,
          measure: "people / households / tagged / visits (load s)",
          value: `${county.people} / ${county.households} / ${county.tagged} / ${county.visits} (${loadS})`,
        },
        {
          engine: e,
          measure: `county due list, first 100 of ${countyList?.total} + counts: p50 / max ms`,
          value: `${countyMs.p50} / ${countyMs.max}`,
        },
        {
          engine: e,
          measure: `one grid's due list, nearest first (${gridList?.total} items): p50 / max ms`,
          value: `${gridMs.p50} / ${gridMs.max}`,
        },
        {
          engine: e,
          measure: `a township's coverage with on-time history, 90 days (${coverage?.area.subjects} subjects): p50 / max ms`,
          value: `${coverageMs.p50} / ${coverageMs.max}`,
        },
      );
    },
    { only: process.env.BENCH_VISITS_ENGINES === "postgres" ? "postgres" : undefined },
  );
  console.table(rows);
  return figures;
}

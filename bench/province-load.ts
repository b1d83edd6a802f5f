import { type Kysely, sql } from "kysely";
import { addDays } from "../packages/core/src/index.ts";
import type { DB } from "../packages/server/src/db/schema.ts";
import { ensureDefaultCategories } from "../packages/server/src/modules/events/categories.service.ts";

/**
 * A province for the command-centre benchmarks (figures, screen, screen close-outs): 14 cities, 112
 * counties, 1,232 townships, 16,016 villages and 115,000 grids; the kept figures (figure_day) of E
 * synthetic events over two years in 20 categories and V visits, built in SQL as the writes would have
 * left them; and O open events in the event table (10% past their deadline).
 */
export const CATEGORIES = [
  "dispute.neighbour",
  "dispute.marriage_family",
  "dispute.housing_homestead",
  "dispute.contract",
  "dispute.labour",
  "dispute.land_forest",
  "dispute.consumer",
  "dispute.property_management",
  "dispute.other",
  "hazard.safety",
  "hazard.public_order",
  "request.livelihood",
  "environment.sanitation",
  "facility.damaged",
  "dispute.damages",
  "dispute.traffic_accident",
  "dispute.environment",
  "dispute.medical",
  "dispute.production_business",
  "dispute.land_acquisition",
];

export async function loadAreas(db: Kysely<DB>) {
  await sql`insert into area (id, code, name, level, parent_id, path, source)
    values (gen_random_uuid(), '45', '广西壮族自治区', 'province', null, '/45/', 'nbs')`.execute(db);
  const level = async (child: string, parent: string, per: number, width: number, name: string, sep = "") =>
    sql`insert into area (id, code, name, level, parent_id, path, source)
      select gen_random_uuid(), p.code || ${sep} || lpad(s::text, ${width}, '0'), ${name} || p.code || '-' || s, ${child},
        p.id, p.path || p.code || ${sep} || lpad(s::text, ${width}, '0') || '/', 'nbs'
      from area p, generate_series(1, ${per}) s where p.level = ${parent}`.execute(db);
  await level("city", "province", 14, 2, "市");
  await level("county", "city", 8, 2, "县");
  await level("township", "county", 11, 3, "镇");
  await level("village", "township", 13, 3, "村");
  // 115,000 grids: seven in every village, an eighth in the first 2,888.
  await sql`insert into area (id, code, name, level, parent_id, path, source)
    select gen_random_uuid(), v.code || 'G' || lpad(s::text, 2, '0'), '网格' || v.code || '-' || s, 'grid', v.id,
      v.path || v.code || 'G' || lpad(s::text, 2, '0') || '/', 'local'
    from (select a.*, row_number() over (order by code) as n from area a where level = 'village') v,
      generate_series(1, 8) s
    where s <= 7 or v.n <= 2888`.execute(db);
  await sql`create table bench_grid as select row_number() over (order by code) - 1 as n, code, path, id from area where level = 'grid'`.execute(
    db,
  );
  await sql`create unique index on bench_grid (n)`.execute(db);
  const counts = await sql<{ level: string; n: string }>`select level, count(*) as n from area group by level`.execute(
    db,
  );
  return Object.fromEntries(counts.rows.map((r) => [r.level, Number(r.n)]));
}

/** The kept figures of `events` synthetic events and `visits` visits over two years up to `today`. */
export async function loadFigures(db: Kysely<DB>, events: number, visits: number, today: string) {
  const first = addDays(today, -729);
  await sql`create table bench_cat as select n - 1 as n, key from unnest(${sql.raw(
    `array[${CATEGORIES.map((c) => `'${c}'`).join(",")}]`,
  )}::text[]) with ordinality as c(key, n)`.execute(db);
  await sql`
    create table bench_event as
    select g.path, ${first}::date + (i % 730) as day, c.key as cat, (hashtext(i::text) & 1023) as h
    from generate_series(1, ${events}) i
    join bench_grid g on g.n = (i::bigint * 7919) % 115000
    join bench_cat c on c.n = (i * 31) % 20`.execute(db);
  await sql`
    insert into figure_day (area_code, day, category_key, reported, accepted, settled, settled_grid, settled_village,
      settled_above, settled_on_time, settled_late, escalated, overdue, returned, reopened, satisfied,
      basically_satisfied, unsatisfied)
    select code, day, cat, count(*),
      count(*) filter (where h < 950),
      count(*) filter (where h < 850),
      count(*) filter (where h < 500),
      count(*) filter (where h >= 500 and h < 720),
      count(*) filter (where h >= 720 and h < 850),
      count(*) filter (where h < 780),
      count(*) filter (where h >= 780 and h < 850),
      count(*) filter (where h >= 720 and h < 850),
      count(*) filter (where h >= 780 and h < 900),
      count(*) filter (where h >= 900 and h < 960),
      count(*) filter (where h >= 960 and h < 980),
      count(*) filter (where h < 400),
      count(*) filter (where h >= 400 and h < 520),
      count(*) filter (where h >= 520 and h < 560)
    from bench_event, unnest(string_to_array(trim(both '/' from path), '/')) as code
    group by code, day, cat`.execute(db);
  await sql`
    insert into figure_day (area_code, day, category_key, visits, visits_met)
    select code, day, '', count(*), count(*) filter (where (i % 10) < 8)
    from (select g.path, ${first}::date + (i % 730) as day, i
          from generate_series(1, ${visits}) i join bench_grid g on g.n = (i::bigint * 104729) % 115000) v,
      unnest(string_to_array(trim(both '/' from path), '/')) as code
    group by code, day`.execute(db);
  await sql`drop table bench_event`.execute(db);
  const rows = await sql<{ n: string }>`select count(*) as n from figure_day`.execute(db);
  return Number(rows.rows[0]?.n);
}

/** Open events now (the map's colours count them), 10% of them past their deadline. */
export async function loadOpenEvents(db: Kysely<DB>, open: number) {
  await sql`
    insert into event (id, number, category_key, title, description, area_id, area_path, origin_path, level, state,
      priority, source, due_at, occurred_at, created_at, updated_at)
    select gen_random_uuid(), 'GX-BENCH-' || i, c.key, '待办事项', '待办事项', g.id, g.path, g.path, 'grid',
      (array['reported', 'accepted', 'assigned', 'in_progress'])[1 + i % 4], 'normal', 'field',
      now() + case when i % 10 = 0 then interval '-1 day' else interval '2 days' end, now(), now(), now()
    from generate_series(1, ${open}) i
    join bench_grid g on g.n = (i::bigint * 15485863) % 115000
    join bench_cat c on c.n = i % 20`.execute(db);
}

/**
 * The command centre's province, as the figures and screen benches load it: the categories, the areas,
 * the kept figures of `events` and `visits` up to `today`, `open` open events, analysed. Returns the
 * table row the benches print and the seconds it took.
 */
export async function loadCommandCentre(
  db: Kysely<DB>,
  sizes: { events: number; visits: number; open: number; today: string },
): Promise<{ grids: number; figureRows: number; loadS: number; summary: string }> {
  await ensureDefaultCategories(db);
  const t = performance.now();
  const areas = await loadAreas(db);
  const figureRows = await loadFigures(db, sizes.events, sizes.visits, sizes.today);
  await loadOpenEvents(db, sizes.open);
  await sql`analyze`.execute(db);
  const loadS = Math.round((performance.now() - t) / 100) / 10;
  return {
    grids: areas.grid ?? 0,
    figureRows,
    loadS,
    summary: `${areas.grid} / ${figureRows} / ${sizes.open} (${loadS})`,
  };
}

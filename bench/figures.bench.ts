import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { type Kysely, sql, type Transaction } from "kysely";
import { addDays, chinaDate, systemPrincipal, weekStart } from "../packages/core/src/index.ts";
import { createContext } from "../packages/server/src/app.ts";
import { loadConfig } from "../packages/server/src/config.ts";
import { createFieldCrypto } from "../packages/server/src/crypto/field-crypto.ts";
import { openDatabase } from "../packages/server/src/db/database.ts";
import { migrateToLatest } from "../packages/server/src/db/migrate.ts";
import type { DB } from "../packages/server/src/db/schema.ts";
import { uuidv7 } from "../packages/server/src/ids.ts";
import { findArea } from "../packages/server/src/modules/areas/areas.service.ts";
import { ensureDefaultCategories } from "../packages/server/src/modules/events/categories.service.ts";
import { addFigures, addStepFigures } from "../packages/server/src/modules/figures/figure-updates.ts";
import { getFigures } from "../packages/server/src/modules/figures/figures.service.ts";
import { openMatters } from "../packages/server/src/modules/figures/open-matters.service.ts";
import { composeReport } from "../packages/server/src/modules/reports/report-content.service.ts";
import { writeReport } from "../packages/server/src/modules/reports/reports.service.ts";
import { postgresForBench } from "./support.ts";

/**
 * The command centre's figures at a province's scale, on PGlite and PostgreSQL:
 * - a province of 14 cities, 112 counties, 1,232 townships, 16,016 villages and 115,000 grids;
 * - the kept figures (figure_day) of E events (default 2,000,000) over two years in 20 categories at
 *   random grids — reported, accepted, settled (in the grid, the community or above; on time or
 *   late), escalated, returned, reopened, verdicts — and V visits (default 1,000,000), written as
 *   the writes would have left them (one row per area on the grid's path, day and category), built
 *   in SQL from a table of the synthetic events;
 * - O open events (default 50,000, 10% past their deadline) in the event table, which the map's
 *   colours count (from open_matter_day, which triggers on event keep per area and deadline day);
 * - the 工作台's reads at the province, a county and a grid: today's figures, this week's by child
 *   area, and the open matters of the children (the three requests the home makes), p50 / p95; and a
 *   year's figures by child;
 * - the cost the figures add to a report: the one upsert of its areas' rows (six levels) in its own
 *   transaction, on rows that exist (a busy day) — per report, and reports per second alone; and to
 *   an action (an acceptance): its step's facts read back and upserted; and the open matters kept per
 *   area and deadline day to a change of state (settle, reopen: the triggers on event).
 * - a county's monthly report (月研判) written from those figures: the county and its townships this
 *   month and the month before, their alerts (goal: under 5 s) — composed three times, then stored.
 * The raw events behind 2,000,000 rows of history are not loaded (the figures are built from their
 * synthetic description; the rebuild from raw tables is tested, not benchmarked, here).
 * Goal (issue #20): each level under 20 ms on PostgreSQL.
 * Usage: npm run bench -- figures [events=2000000] [visits=1000000] [openEvents=50000]
 */
const CATEGORIES = [
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

export async function timed(times: number, f: () => Promise<unknown>) {
  for (let i = 0; i < 3; i++) await f();
  const ms: number[] = [];
  for (let i = 0; i < times; i++) {
    const t = performance.now();
    await f();
    ms.push(performance.now() - t);
  }
  ms.sort((a, b) => a - b);
  const at = (q: number) => Math.round((ms[Math.min(ms.length - 1, Math.floor(ms.length * q))] ?? 0) * 10) / 10;
  return { p50: at(0.5), p95: at(0.95) };
}

export async function run(args: string[]): Promise<Record<string, number>> {
  const events = Number(args[0] ?? 2_000_000);
  const visits = Number(args[1] ?? 1_000_000);
  const open = Number(args[2] ?? 50_000);
  const figures: Record<string, number> = { events, visits, open_events: open };
  const rows: Record<string, unknown>[] = [];
  const dir = mkdtempSync(path.join(tmpdir(), "wangge-bench-figures-"));
  const pg = process.env.BENCH_FIGURES_ENGINES === "pglite" ? undefined : await postgresForBench();
  try {
    const engines: { name: "pglite" | "postgres"; env: Record<string, string> }[] = [];
    if (process.env.BENCH_FIGURES_ENGINES !== "postgres")
      engines.push({ name: "pglite", env: { WANGGE_DATA_DIR: path.join(dir, "pglite") } });
    if (pg) engines.push({ name: "postgres", env: { DATABASE_URL: pg.url, WANGGE_DATA_DIR: path.join(dir, "pg") } });
    for (const engine of engines) {
      const e = engine.name;
      const config = loadConfig({ ...engine.env, WANGGE_WEB_DIST: "/nonexistent" });
      const database = await openDatabase(config.database);
      try {
        const ctx = createContext({ config, database, crypto: createFieldCrypto(randomBytes(32)) });
        await migrateToLatest(ctx.db);
        await ensureDefaultCategories(ctx.db);
        const today = chinaDate(new Date());
        let t = performance.now();
        const areas = await loadAreas(ctx.db);
        const rowCount = await loadFigures(ctx.db, events, visits, today);
        await loadOpenEvents(ctx.db, open);
        await sql`analyze`.execute(ctx.db);
        const loadS = Math.round((performance.now() - t) / 100) / 10;
        rows.push({
          engine: e,
          measure: `grids / figure rows / open events (load s)`,
          value: `${areas.grid} / ${rowCount} / ${open} (${loadS})`,
        });
        Object.assign(figures, { [`${e}_grids`]: areas.grid, [`${e}_figure_rows`]: rowCount, [`${e}_load_s`]: loadS });

        const actor = systemPrincipal();
        const grid = await sql<{ code: string }>`select code from bench_grid where n = 57000`.execute(ctx.db);
        const levels = { province: "45", county: "450304", grid: grid.rows[0]?.code as string };
        const monday = weekStart(today);
        for (const [level, area] of Object.entries(levels)) {
          let reported = 0;
          const home = await timed(40, async () => {
            const [d, w] = await Promise.all([
              getFigures(ctx, actor, { area, from: today, to: today }),
              getFigures(ctx, actor, { area, from: monday, to: today, by: "child" }),
              openMatters(ctx, actor, { area }),
            ]);
            reported = d.counts.reported + w.counts.reported;
          });
          const year = await timed(20, () =>
            getFigures(ctx, actor, { area, from: addDays(today, -364), to: today, by: "child" }),
          );
          Object.assign(figures, {
            [`${e}_${level}_home_p50_ms`]: home.p50,
            [`${e}_${level}_home_p95_ms`]: home.p95,
            [`${e}_${level}_year_by_child_p95_ms`]: year.p95,
          });
          rows.push(
            {
              engine: e,
              measure: `${level} ${area}: 工作台 (today + week by child + open by child), p50 / p95 ms`,
              value: `${home.p50} / ${home.p95} (reported ${reported})`,
            },
            { engine: e, measure: `${level}: a year by child, p50 / p95 ms`, value: `${year.p50} / ${year.p95}` },
          );
        }

        // The cost a report adds: its one upsert of six rows (grid … province), in its own transaction.
        const gridPaths = await sql<{ path: string }>`select path from bench_grid where n % 997 = 0`.execute(ctx.db);
        const paths = gridPaths.rows.map((r) => r.path);
        const n = e === "pglite" ? 1000 : 2000;
        t = performance.now();
        for (let i = 0; i < n; i++)
          await ctx.db.transaction().execute((trx) =>
            addFigures(trx, [
              {
                path: paths[i % paths.length] as string,
                at: new Date(),
                categoryKey: CATEGORIES[i % 20] as string,
                counts: { reported: 1 },
              },
            ]),
          );
        const perReport = (performance.now() - t) / n;
        t = performance.now();
        for (let i = 0; i < n; i++) await ctx.db.transaction().execute((trx) => sql`select 1`.execute(trx));
        const emptyTx = (performance.now() - t) / n;
        const addedMs = Math.round((perReport - emptyTx) * 100) / 100;
        Object.assign(figures, {
          [`${e}_report_upsert_ms`]: addedMs,
          [`${e}_upserts_per_s`]: Math.round(1000 / perReport),
        });
        rows.push({
          engine: e,
          measure: "a report's figures: one upsert of 6 rows, ms added to its transaction (alone: per s)",
          value: `${addedMs} (${Math.round(1000 / perReport)}/s)`,
        });

        // The cost the figures add to an action (an acceptance): the facts its step made read back
        // (db/event-figure-facts.ts: the event's first acceptance counts, a later one does not) and
        // upserted, in the transaction that writes the step — against writing the step alone.
        const openRows = await sql<{ id: string; area_path: string }>`
          select id, area_path from event order by number limit ${n}`.execute(ctx.db);
        const accept = (trx: Transaction<DB>, i: number) => {
          const ev = openRows.rows[i % openRows.rows.length] as { id: string; area_path: string };
          const id = uuidv7(Date.now());
          return sql`insert into event_step (id, event_id, action, from_state, to_state, level, area_path, at)
            values (${id}, ${ev.id}, 'accept', 'reported', 'accepted', 'grid', ${ev.area_path}, now())`
            .execute(trx)
            .then(() => id);
        };
        t = performance.now();
        for (let i = 0; i < n; i++) await ctx.db.transaction().execute((trx) => accept(trx, i));
        const stepAlone = (performance.now() - t) / n;
        t = performance.now();
        for (let i = 0; i < n; i++)
          await ctx.db.transaction().execute(async (trx) => addStepFigures(trx, [await accept(trx, n + i)]));
        const stepWithFigures = (performance.now() - t) / n;
        const actionMs = Math.round((stepWithFigures - stepAlone) * 100) / 100;
        Object.assign(figures, { [`${e}_action_figures_ms`]: actionMs });
        rows.push({
          engine: e,
          measure: "an action's figures: its step's facts read and upserted, ms added to its transaction",
          value: `${actionMs}`,
        });

        // The cost the open matters kept per area and deadline day (triggers on event) add to a change
        // of state: settling an open matter and reopening it (each updates six rows of open_matter_day),
        // each in its own transaction — against the same with the triggers off.
        const settleAndReopen = async (i: number) => {
          const ev = openRows.rows[i % openRows.rows.length] as { id: string };
          await ctx.db
            .transaction()
            .execute((trx) => sql`update event set state = 'resolved' where id = ${ev.id}::uuid`.execute(trx));
          await ctx.db
            .transaction()
            .execute((trx) => sql`update event set state = 'reported' where id = ${ev.id}::uuid`.execute(trx));
        };
        const m = Math.min(n, 500);
        await sql`alter table event disable trigger event_open_matter_update`.execute(ctx.db);
        t = performance.now();
        for (let i = 0; i < m; i++) await settleAndReopen(i);
        const changeAlone = (performance.now() - t) / (2 * m);
        await sql`alter table event enable trigger event_open_matter_update`.execute(ctx.db);
        t = performance.now();
        for (let i = 0; i < m; i++) await settleAndReopen(i);
        const changeKept = (performance.now() - t) / (2 * m);
        const openMs = Math.round((changeKept - changeAlone) * 100) / 100;
        Object.assign(figures, { [`${e}_state_change_open_matters_ms`]: openMs });
        rows.push({
          engine: e,
          measure: "a change of state (settle, reopen): open matters kept per area and deadline day, ms added",
          value: `${openMs} (${Math.round(changeAlone * 100) / 100} ms without)`,
        });

        // A county's monthly report: composed from the figures (three times), then written and stored once.
        const county = await findArea(ctx.db, levels.county);
        if (county) {
          const lastMonth = {
            from: `${addDays(`${today.slice(0, 8)}01`, -1).slice(0, 8)}01`,
            to: addDays(`${today.slice(0, 8)}01`, -1),
          };
          const compose = await timed(3, () => composeReport(ctx, "monthly", county, lastMonth));
          t = performance.now();
          await writeReport(ctx, {
            id: crypto.randomUUID(),
            kind: "monthly",
            area: county,
            period: lastMonth,
            trigger: "demand",
            by: null,
          });
          const writeMs = Math.round(performance.now() - t);
          Object.assign(figures, {
            [`${e}_county_monthly_report_p95_ms`]: compose.p95,
            [`${e}_county_monthly_report_write_ms`]: writeMs,
          });
          rows.push({
            engine: e,
            measure: `county ${levels.county}: monthly report ${lastMonth.from}..${lastMonth.to} composed p50 / p95 ms (written and stored ms)`,
            value: `${compose.p50} / ${compose.p95} (${writeMs})`,
          });
        }
      } finally {
        await database.close();
      }
    }
  } finally {
    pg?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  console.table(rows);
  return figures;
}

import { sql, type Transaction } from "kysely";
import { addDays, chinaDate, systemPrincipal, weekStart } from "../packages/core/src/index.ts";
import type { DB } from "../packages/server/src/db/schema.ts";
import { uuidv7 } from "../packages/server/src/ids.ts";
import { findArea } from "../packages/server/src/modules/areas/areas.service.ts";
import { addStepFigures } from "../packages/server/src/modules/figures/figure-updates.ts";
import { getFigures } from "../packages/server/src/modules/figures/figures.service.ts";
import { openMatters } from "../packages/server/src/modules/figures/open-matters.service.ts";
import { composeReport } from "../packages/server/src/modules/reports/report-content.service.ts";
import { writeReport } from "../packages/server/src/modules/reports/reports.service.ts";
import { CATEGORIES, loadCommandCentre } from "./province-load.ts";
import { type BenchEngine, eachBenchEngine, timeRepeatedMs } from "./support.ts";

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
 * - the cost the figures add to a report: the trigger that counts it on its areas' rows (six levels,
 *   rows that exist: a busy day), on the event's insert in its own transaction; and to
 *   an action (an acceptance): its step's facts read back and upserted; and the open matters kept per
 *   area and deadline day to a change of state (settle, reopen: the triggers on event).
 * - a county's monthly report (月研判) written from those figures: the county and its townships this
 *   month and the month before, their alerts (goal: under 5 s) — composed three times, then stored.
 * The raw events behind 2,000,000 rows of history are not loaded (the figures are built from their
 * synthetic description; the rebuild from raw tables is tested, not benchmarked, here).
 * Goal (issue #20): each level under 20 ms on PostgreSQL.
 * Usage: npm run bench -- figures [events=2000000] [visits=1000000] [openEvents=50000]
 */
/** Runs of each level's 工作台: a p95 of 40 runs was the second-slowest run, one pause of the collector. */
const HOME_RUNS = 200;

export async function run(args: string[]): Promise<Record<string, number>> {
  const events = Number(args[0] ?? 2_000_000);
  const visits = Number(args[1] ?? 1_000_000);
  const open = Number(args[2] ?? 50_000);
  const figures: Record<string, number> = { events, visits, open_events: open };
  const rows: Record<string, unknown>[] = [];
  const only = process.env.BENCH_FIGURES_ENGINES as BenchEngine | undefined;
  await eachBenchEngine(
    "figures",
    async (e, ctx) => {
      const today = chinaDate(new Date());
      const loaded = await loadCommandCentre(ctx.db, { events, visits, open, today });
      rows.push({ engine: e, measure: "grids / figure rows / open events (load s)", value: loaded.summary });
      let t = performance.now();
      Object.assign(figures, {
        [`${e}_grids`]: loaded.grids,
        [`${e}_figure_rows`]: loaded.figureRows,
        [`${e}_load_s`]: loaded.loadS,
      });

      const actor = systemPrincipal();
      const grid = await sql<{ code: string }>`select code from bench_grid where n = 57000`.execute(ctx.db);
      const levels = { province: "45", county: "450304", grid: grid.rows[0]?.code as string };
      const monday = weekStart(today);
      for (const [level, area] of Object.entries(levels)) {
        let reported = 0;
        const home = await timeRepeatedMs(HOME_RUNS, async () => {
          const [d, w] = await Promise.all([
            getFigures(ctx, actor, { area, from: today, to: today }),
            // As the 工作台 asks: this week so far against the same days of last week.
            getFigures(ctx, actor, { area, from: monday, to: today, by: "child", compare: "lastWeek" }),
            openMatters(ctx, actor, { area }),
          ]);
          reported = d.counts.reported + w.counts.reported;
        });
        const year = await timeRepeatedMs(20, () =>
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
            measure: `${level} ${area}: 工作台 (today + week by child + open by child), p50 / p95 ms of ${HOME_RUNS}`,
            value: `${home.p50} / ${home.p95} (reported ${reported})`,
          },
          { engine: e, measure: `${level}: a year by child, p50 / p95 ms`, value: `${year.p50} / ${year.p95}` },
        );
      }

      // The cost the figures add to a report: the trigger that counts it (migration 2026_12_13_0900:
      // "reported" on its six areas, grid … province) on the insert of the event, in its own transaction
      // — against the same insert with that trigger switched off, in alternating rounds.
      const gridRows = await sql<{ id: string; path: string }>`
          select id, path from bench_grid where n % 997 = 0`.execute(ctx.db);
      const n = e === "pglite" ? 1000 : 2000;
      let inserted = 0;
      const insertReports = async (count: number) => {
        const started = performance.now();
        for (let i = 0; i < count; i++, inserted++) {
          const g = gridRows.rows[inserted % gridRows.rows.length] as { id: string; path: string };
          await ctx.db.transaction().execute((trx) =>
            sql`insert into event (id, number, category_key, title, description, area_id, area_path, origin_path,
                level, state, priority, source, due_at, occurred_at, created_at, updated_at)
              values (gen_random_uuid(), ${`GX-BENCH-R-${inserted}`}, ${CATEGORIES[inserted % 20] as string}, '上报',
                '上报', ${g.id}::uuid, ${g.path}, ${g.path}, 'grid', 'reported', 'normal', 'field',
                now() + interval '2 days', now(), now(), now())`.execute(trx),
          );
        }
        return performance.now() - started;
      };
      let withMs = 0;
      let withoutMs = 0;
      for (let round = 0; round < 4; round++) {
        withMs += await insertReports(n / 4);
        await sql`alter table event disable trigger event_figure_reported`.execute(ctx.db);
        try {
          withoutMs += await insertReports(n / 4);
        } finally {
          await sql`alter table event enable trigger event_figure_reported`.execute(ctx.db);
        }
      }
      const perReport = withMs / n;
      const addedMs = Math.round((perReport - withoutMs / n) * 100) / 100;
      Object.assign(figures, {
        [`${e}_report_figures_ms`]: addedMs,
        [`${e}_report_insert_ms`]: Math.round(perReport * 100) / 100,
      });
      rows.push({
        engine: e,
        measure: "a report's figures: ms its trigger adds to the event's insert (the insert with it, ms)",
        value: `${addedMs} (${Math.round(perReport * 100) / 100})`,
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
        const compose = await timeRepeatedMs(3, () => composeReport(ctx, "monthly", county, lastMonth));
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
    },
    { only },
  );
  console.table(rows);
  return figures;
}

import { chinaDate, systemPrincipal } from "../packages/core/src/index.ts";
import { screenOverview } from "../packages/server/src/modules/screen/screen.service.ts";
import { loadCommandCentre } from "./province-load.ts";
import { type BenchEngine, eachBenchEngine, timeRepeatedMs } from "./support.ts";

/**
 * The big screen's one request (GET /screen/overview) at a province's scale, on PGlite and PostgreSQL:
 * the figures bench's province (115,000 grids), its kept figures of E events over two years and V
 * visits, and O open events in the event table; then the overview of the province, a county and a
 * township, p50 / p95 — what every wall asks after each change it is told of and every minute.
 * The engines and the timing are bench/support.ts's; the province is the figures bench's loaders.
 * Usage: npm run bench -- screen [events=500000] [visits=200000] [openEvents=50000]
 * (BENCH_SCREEN_ENGINES=pglite or postgres runs one engine.)
 */
export async function run(args: string[]): Promise<Record<string, number>> {
  const events = Number(args[0] ?? 500_000);
  const visits = Number(args[1] ?? 200_000);
  const open = Number(args[2] ?? 50_000);
  const figures: Record<string, number> = { events, visits, open_events: open };
  const rows: Record<string, unknown>[] = [];
  const only = process.env.BENCH_SCREEN_ENGINES as BenchEngine | undefined;
  await eachBenchEngine(
    "screen",
    async (e, ctx) => {
      const today = chinaDate(new Date());
      const loaded = await loadCommandCentre(ctx.db, { events, visits, open, today });
      rows.push({ engine: e, measure: "grids / figure rows / open events (load s)", value: loaded.summary });
      const actor = systemPrincipal();
      const levels = { province: "45", county: "450304", township: "450304003" };
      for (const [level, area] of Object.entries(levels)) {
        let seen = "";
        const overview = await timeRepeatedMs(30, async () => {
          const o = await screenOverview(ctx, actor, { area });
          seen = `reported ${o.month.counts.reported}, open ${o.open.open}, areas ${o.open.areas.length}`;
        });
        Object.assign(figures, {
          [`${e}_${level}_overview_p50_ms`]: overview.p50,
          [`${e}_${level}_overview_p95_ms`]: overview.p95,
        });
        rows.push({
          engine: e,
          measure: `${level} ${area}: GET /screen/overview, p50 / p95 ms`,
          value: `${overview.p50} / ${overview.p95} (${seen})`,
        });
      }
    },
    { only },
  );
  console.table(rows);
  return figures;
}

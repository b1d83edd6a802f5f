import { sql } from "kysely";
import { addDays, chinaDate, systemPrincipal } from "../packages/core/src/index.ts";
import { uuidv7 } from "../packages/server/src/ids.ts";
import { createUser } from "../packages/server/src/modules/users/users.service.ts";
import { countClosedOutGrids } from "../packages/server/src/modules/visits/close-outs.queries.ts";
import { keepCloseOutFigures } from "../packages/server/src/modules/visits/close-outs.service.ts";
import { loadAreas } from "./province-load.ts";
import { eachBenchEngine, timeRepeatedMs } from "./support.ts";

/**
 * The big screen's "close-outs yesterday" at a province's scale, on PGlite and PostgreSQL: the
 * figures bench's province (115,000 grids under 14 cities, 112 counties, 1,232 townships and 16,016
 * villages), yesterday's close-outs naming 60% of the grids one by one and every tenth village as a
 * whole; then the count (grids under the area, grids closed out) at the province, a city, a county
 * and a township, p50 / p95 — exact at any size, where the grid list it replaced stopped at 5,000;
 * read from kept counts (the figure grids_closed, the live grids per area), so the confirmation pays:
 * the bench's own close-out kept once, then a grid's and a village's close-out written and kept.
 * Usage: npm run bench -- screen-close-outs
 */
export async function run(): Promise<Record<string, number>> {
  const figures: Record<string, number> = {};
  const rows: Record<string, unknown>[] = [];
  await eachBenchEngine("screen-close-outs", async (e, ctx) => {
    const t = performance.now();
    const areas = await loadAreas(ctx.db);
    const day = chinaDate(new Date(), -1);
    const { user } = await createUser(
      ctx,
      systemPrincipal(),
      { requestId: "bench", ip: null, userAgent: null },
      { id: uuidv7(), username: `bench.closer.${e}`, displayName: "韦志强", password: "bench passphrase 2026" },
    );
    const closeOut = uuidv7();
    await sql`insert into close_out (id, user_id, day, area_paths, summary, confirmed_at, confirmed_by_name)
      values (${closeOut}, ${user.id}, ${day}, '{}', '{"events":{"stillOpen":[]}}', now(), '韦志强')`.execute(ctx.db);
    await sql`insert into close_out_area (close_out_id, day, area_path)
      select ${closeOut}, ${day}, path from bench_grid where n % 5 < 3`.execute(ctx.db);
    await sql`insert into close_out_area (close_out_id, day, area_path)
      select ${closeOut}, ${day}, path from (select path, row_number() over (order by code) as n from area where level = 'village') v
      where v.n % 10 = 0`.execute(ctx.db);
    // What the close-out's confirmation does with it (close-outs.service.ts): the grids it covers
    // recorded once each, and the figures of every area on their paths moved.
    const keepStart = performance.now();
    await ctx.db.transaction().execute((trx) => keepCloseOutFigures(trx, closeOut, day, []));
    const keepS = Math.round((performance.now() - keepStart) / 100) / 10;
    await sql`analyze`.execute(ctx.db);
    rows.push({
      engine: e,
      measure: "grids / load s",
      value: `${areas.grid} / ${Math.round((performance.now() - t) / 100) / 10}`,
    });
    rows.push({ engine: e, measure: "the bench's close-out (70,000 grids) kept s", value: keepS });
    // A worker's close-out of their grid, and a village official's of their village (each on a day of
    // its own, the bench's one user closing out once a day), as the confirmation writes and keeps
    // them, p50 / p95.
    const { grids: gridPaths, villages } = await pickCloserAreas(ctx.db);
    let n = 0;
    for (const [kind, paths] of [
      ["grid", gridPaths],
      ["village", villages],
    ] as const) {
      const ms = await timeRepeatedMs(20, async () => {
        const path = paths[n % paths.length] as string;
        const id = uuidv7();
        const other = addDays(day, -100 - n++);
        await ctx.db.transaction().execute(async (trx) => {
          await sql`insert into close_out (id, user_id, day, area_paths, summary, confirmed_at, confirmed_by_name)
            values (${id}, ${user.id}, ${other}, array[${path}], '{"events":{"stillOpen":[]}}', now(), '韦志强')`.execute(
            trx,
          );
          await sql`insert into close_out_area (close_out_id, day, area_path) values (${id}, ${other}, ${path})`.execute(
            trx,
          );
          await keepCloseOutFigures(trx, id, other, [path]);
        });
      });
      figures[`${e}_${kind}_close_out_keep_p50_ms`] = ms.p50;
      figures[`${e}_${kind}_close_out_keep_p95_ms`] = ms.p95;
      rows.push({ engine: e, measure: `a ${kind}'s close-out kept p50 / p95 ms`, value: `${ms.p50} / ${ms.p95}` });
    }
    const levels = {
      province: "/45/",
      city: "/45/4501/",
      county: "/45/4501/450101/",
      township: "/45/4501/450101/450101001/",
    };
    for (const [level, path] of Object.entries(levels)) {
      let seen = { grids: 0, closed: 0 };
      const ms = await timeRepeatedMs(20, async () => {
        seen = await countClosedOutGrids(ctx.db, path, day);
      });
      figures[`${e}_${level}_close_out_count_p50_ms`] = ms.p50;
      figures[`${e}_${level}_close_out_count_p95_ms`] = ms.p95;
      rows.push({
        engine: e,
        measure: `${level}: close-out count p50 / p95 ms`,
        value: `${ms.p50} / ${ms.p95} (${seen.closed} of ${seen.grids} grids)`,
      });
    }
  });
  console.table(rows);
  return figures;
}

/** 20 grids and 20 villages spread over the province (by code), for the close-outs kept one by one. */
async function pickCloserAreas(db: Parameters<typeof countClosedOutGrids>[0]) {
  const pick = async (level: string) =>
    (
      await sql<{ path: string }>`select path from (select path, row_number() over (order by code) as n from area
        where level = ${level}) a where a.n % 997 = 1 order by path limit 20`.execute(db)
    ).rows.map((r) => r.path);
  return { grids: await pick("grid"), villages: await pick("village") };
}

import type { AppContext } from "../../context.ts";
import { rebuildFigureRows, rebuildRequested, recountAreaGrids } from "./figures.queries.ts";
import { recountOpenMatters } from "./open-matters.queries.ts";

/**
 * Counting the figures again from the raw tables (and the open matters and live grids kept per area from the events and areas): once after the migration that brought them (at
 * start, for the data written before), and on demand (`wangge figures rebuild`). Safe while the
 * server writes: the table is locked for the count (see rebuildFigureRows).
 */
export async function rebuildFigures(
  ctx: Pick<AppContext, "db">,
): Promise<{ rows: number; openRows: number; gridRows: number }> {
  const rows = await ctx.db.transaction().execute((trx) => rebuildFigureRows(trx));
  // The open matters kept per area and deadline day (triggers keep them; this counts them again), in a
  // transaction of its own: it locks `event`, which must not wait behind the figures' lock.
  const openRows = await ctx.db.transaction().execute((trx) => recountOpenMatters(trx));
  // The live grids kept per area (triggers on `area` keep them), likewise in a transaction of its own.
  const gridRows = await ctx.db.transaction().execute((trx) => recountAreaGrids(trx));
  return { rows, openRows, gridRows };
}

/** At start: counts the figures when a migration asked for it (several processes: each waits on the lock; the first one counts). */
export async function rebuildFiguresIfRequested(ctx: Pick<AppContext, "db">): Promise<{ rows: number } | undefined> {
  if (!(await rebuildRequested(ctx.db))) return undefined;
  return ctx.db.transaction().execute(async (trx) => {
    // Checked again under the lock: another process may have counted them meanwhile.
    const rows = await rebuildFigureRows(trx, { onlyIfRequested: true });
    return rows === undefined ? undefined : { rows };
  });
}

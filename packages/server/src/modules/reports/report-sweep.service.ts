import { chinaDate, periodsDue, REPORT_KINDS, type ReportKind, SCHEDULED_REPORT_LEVELS } from "@wangge/core";
import type { AppContext } from "../../context.ts";
import { uuidv7 } from "../../ids.ts";
import { listExistingKeys, listScheduledAreas, releaseLease, takeLease } from "./reports.queries.ts";
import { workingDays, writeReport } from "./reports.service.ts";

/**
 * The schedule of reports: after midnight (China time) the daily report of the working day just
 * over (Monday's takes in the weekend), on Monday the week's, on the 1st the month's — for every
 * township and county. Durable: it reads only the database (which periods are over, which reports
 * exist), so after a restart the next sweep writes what is missing, catching up the last few
 * periods. Exactly once: the sweep runs under the `report_sweep` lease (one process at a time,
 * expiring if its holder dies), and a report's kind, area and period are unique besides, so even
 * two sweeps racing store one report each.
 */
const LEASE = "report_sweep";
const LEASE_MS = 10 * 60_000;
const holderId = `${process.pid}:${uuidv7()}`;

/** Periods a sweep looks back on per kind (a server down over a long weekend still writes them). */
export const CATCH_UP: Record<ReportKind, number> = { daily: 5, weekly: 2, monthly: 1 };

/**
 * Writes every scheduled report that is due and missing. Returns how many this sweep wrote, or null
 * when another process holds the lease. A report that fails is logged; the next sweep tries again.
 */
export async function sweepReports(ctx: AppContext, holder = holderId): Promise<number | null> {
  if (!(await takeLease(ctx.db, LEASE, holder, ctx.now(), LEASE_MS))) return null;
  try {
    const today = chinaDate(ctx.now());
    const isWorking = await workingDays(ctx);
    const areas = await listScheduledAreas(ctx.db, SCHEDULED_REPORT_LEVELS);
    let written = 0;
    for (const kind of REPORT_KINDS) {
      for (const period of periodsDue(kind, today, isWorking, CATCH_UP[kind])) {
        const existing = await listExistingKeys(ctx.db, kind, period.from, period.to);
        for (const area of areas) {
          if (existing.has(area.id)) continue;
          try {
            const r = await writeReport(ctx, { id: uuidv7(), kind, area, period, trigger: "schedule", by: null });
            if (r.created) written++;
          } catch (err) {
            ctx.log.warn(
              { err, kind, area: area.code, period },
              "a scheduled report could not be written; the next sweep tries again",
            );
          }
          // Keep the lease while a long catch-up runs.
          await takeLease(ctx.db, LEASE, holder, ctx.now(), LEASE_MS);
        }
      }
    }
    return written;
  } finally {
    await releaseLease(ctx.db, LEASE, holder);
  }
}

/** Sweeps a minute after the start, then `intervalMs` after each sweep ends (default every 10 minutes); stop() waits for a sweep under way. */
export function startReportTimer(
  ctx: AppContext,
  options: { intervalMs?: number; firstDelayMs?: number } = {},
): { stop: () => Promise<void> } {
  const intervalMs = options.intervalMs ?? 10 * 60_000;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> | undefined;
  const run = () => {
    timer = undefined;
    running = sweepReports(ctx)
      .then(
        (n) => {
          if (n) ctx.log.info({ written: n }, "scheduled reports written");
        },
        (err) => ctx.log.warn({ err }, "report sweep failed; it runs again shortly"),
      )
      .finally(() => {
        running = undefined;
        if (!stopped) {
          timer = setTimeout(run, intervalMs);
          timer.unref();
        }
      });
  };
  // The first sweep waits a little: a server starting (or restarting) answers requests first.
  timer = setTimeout(run, options.firstDelayMs ?? 60_000);
  timer.unref();
  return {
    stop: async () => {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}

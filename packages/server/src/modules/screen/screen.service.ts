import {
  addDays,
  chinaDate,
  type FigureCounts,
  type Principal,
  principalScope,
  SCREEN_LIST_LENGTH,
  SCREEN_TREND_DAYS,
  type ScreenOverview,
  screenReader,
} from "@wangge/core";
import type { AppContext } from "../../context.ts";
import { MAP_FEATURE_LIMIT, mapOfScope } from "../areas/area-map.service.ts";
import { figureArea, getFigures } from "../figures/figures.service.ts";
import { openMattersOnMap } from "../figures/open-matters.service.ts";
import { listAlertsOf } from "../risk/alerts.service.ts";
import { closeOutCounts } from "../visits/close-outs.service.ts";
import { listCategoryNames, listLatestCloseOuts, listLatestEvents } from "./screen.queries.ts";

/**
 * The big screen of a command centre: for the area it is bound to (or any area under it), this
 * month's headline figures against last month's same days, the last 30 days by day, the month by
 * category, the open matters per area for the map, open risk alerts, yesterday's close-outs and the
 * newest matters. It reads through the console's services as `screenReader` (only the areas of the
 * posts that may open the screen, only reading); an area outside them is not found. What it answers
 * names areas and categories, never people and never what residents wrote: a wall is public.
 */
export async function screenOverview(
  ctx: AppContext,
  principal: Principal,
  query: { area?: string | undefined },
): Promise<ScreenOverview> {
  const reader = screenReader(principal);
  const now = ctx.now();
  const today = chinaDate(now);
  const monthStart = `${today.slice(0, 8)}01`;
  const trendFrom = addDays(today, -(SCREEN_TREND_DAYS - 1));
  // The area is checked here (404 outside the screen's areas); the rest reads it by code.
  const bound = await figureArea(ctx, reader, query.area);
  const { path, code } = bound;
  const month = await getFigures(ctx, reader, {
    area: code,
    from: monthStart,
    to: today,
    by: "category",
    compare: "lastMonth",
  });
  const area = month.area;
  const yesterday = chinaDate(now, -1);
  const [trend, categories, open, alerts, closeOutGrids, closeOuts, latest] = await Promise.all([
    getFigures(ctx, reader, { area: area.code, from: trendFrom, to: today, by: "day" }),
    listCategoryNames(ctx.db),
    openMattersOnMap(ctx, bound, now, MAP_FEATURE_LIMIT),
    listAlertsOf(ctx, reader, { state: "active", areaCode: area.code, limit: SCREEN_LIST_LENGTH, offset: 0 }),
    closeOutCounts(ctx, reader, { areaCode: area.code, day: yesterday }),
    listLatestCloseOuts(ctx.db, path, SCREEN_LIST_LENGTH),
    listLatestEvents(ctx.db, path, SCREEN_LIST_LENGTH),
  ]);
  const names = new Map(categories.map((c) => [c.key, c]));
  const nameOf = (key: string) => {
    const c = names.get(key);
    return { zh: c?.name_zh ?? key, en: c?.name_en ?? key };
  };
  const topOf = (key: string) => {
    let c = names.get(key);
    for (let hops = 0; c?.parent_key && hops < 10; hops++) c = names.get(c.parent_key);
    return c?.key ?? key;
  };
  const byTop = new Map<string, number>();
  for (const row of month.rows) {
    if (row.key === "" || row.counts.reported === 0) continue; // visits and close-outs carry no category
    const top = topOf(row.key);
    byTop.set(top, (byTop.get(top) ?? 0) + row.counts.reported);
  }
  const byDay = new Map(trend.rows.map((r) => [r.key, r.counts] as const));
  const zero = { reported: 0, settled: 0, overdue: 0 } as Pick<FigureCounts, "reported" | "settled" | "overdue">;
  return {
    area,
    areas: reader.assignments
      .filter((a) => a.areaCode !== null && a.areaName !== null)
      .map((a) => ({ code: a.areaCode as string, name: a.areaName as string })),
    asOf: now.toISOString(),
    month: {
      from: month.from,
      to: month.to,
      counts: month.counts,
      rates: month.rates,
      previous: month.previous,
    },
    trend: Array.from({ length: SCREEN_TREND_DAYS }, (_, i) => {
      const day = addDays(trendFrom, i);
      const c = byDay.get(day) ?? zero;
      return { day, reported: c.reported, settled: c.settled, overdue: c.overdue };
    }),
    categories: [...byTop]
      .map(([key, reported]) => ({ key, names: nameOf(key), reported }))
      .sort((a, b) => b.reported - a.reported || a.key.localeCompare(b.key)),
    open,
    alerts: {
      total: alerts.total,
      items: alerts.items.map((a) => ({
        id: a.id,
        kind: a.kind,
        state: a.state as "open" | "acknowledged",
        areaCode: a.areaCode,
        areaName: a.areaName,
        raisedAt: a.raisedAt,
        recordCount: a.recordCount,
      })),
    },
    closeOuts: {
      day: yesterday,
      grids: closeOutGrids.grids,
      closed: closeOutGrids.closed,
      latest: closeOuts.map((c) => ({
        id: c.id,
        day: String(c.day),
        areaCode: c.area_code,
        areaName: c.area_name,
        confirmedAt: c.confirmed_at.toISOString(),
        stillOpen: Number(c.still_open ?? 0),
      })),
    },
    latest: latest.map((e) => ({
      id: e.id,
      number: e.number,
      category: { key: e.category_key, names: nameOf(e.category_key) },
      areaCode: e.area_code,
      areaName: e.area_name,
      state: e.state,
      level: e.level as ScreenOverview["latest"][number]["level"],
      reportedAt: e.created_at.toISOString(),
      updatedAt: e.updated_at.toISOString(),
    })),
  };
}

/** The map the screen draws: the boundaries of its areas down to the grids (as GET /areas/mine for its posts). */
export async function screenMap(ctx: AppContext, principal: Principal) {
  return mapOfScope(ctx.db, screenScope(principal));
}

/** Whether a principal may still watch the screen (a stream asks again every so often). */
export function screenScope(principal: Principal) {
  return principalScope(screenReader(principal), "event.read");
}

import { chinaDate, type Principal } from "@wangge/core";
import type { AppContext } from "../../context.ts";
import type { AreaRow } from "../areas/areas.table.ts";
import { brief, figureAreaAndTrail } from "./figures.service.ts";
import {
  countOpenByAreaPath,
  countOpenDueToday,
  listAreasUnderWithOpenMatters,
  listChildrenWithOpenMatters,
  sumOpenMatters,
} from "./open-matters.queries.ts";

/**
 * Open matters now in an area and in each of its live children, and how many of them are past their
 * deadline: the kept counts per area and deadline day (open_matter_day, kept by the database as events
 * change), the days before today summed, plus the matters due earlier today read by their deadline.
 */
export async function openMatters(ctx: AppContext, actor: Principal, query: { area?: string | undefined }) {
  const { area, trail } = await figureAreaAndTrail(ctx, actor, query.area);
  const now = ctx.now();
  const today = chinaDate(now);
  const [own, children, dueToday] = await Promise.all([
    sumOpenMatters(ctx.db, area.code, today),
    listChildrenWithOpenMatters(ctx.db, area.id, today),
    countOpenDueToday(ctx.db, area.path, today, now),
  ]);
  const byChild = new Map(children.map((c) => [c.code, { ...c }]));
  let overdue = own.overdue;
  for (const d of dueToday) {
    overdue += d.n;
    const child = byChild.get(d.areaPath.slice(area.path.length).split("/")[0] ?? "");
    if (child) child.overdue += d.n;
  }
  return {
    area: brief(area),
    trail,
    open: own.open,
    overdue,
    children: [...byChild.values()].map((c) => ({
      ...brief(c as Pick<AreaRow, "code" | "name" | "level">),
      open: c.open,
      overdue: c.overdue,
      hasChildren: c.hasChildren,
    })),
  };
}

/**
 * Open matters under an area for a map: one row per area drawn, from the area down to the deepest level
 * whose areas (with those above) stay within `limit` — the map's own cap on the boundaries it draws
 * (GET /areas/mine), so every shape it draws has its count. A row of the deepest level counts all under
 * it; a row above counts only what sits on that area itself (or under an abolished child), so a shape
 * sums the rows whose path passes through it. Rows without open matters are left out. From the kept
 * counts (a few thousand areas at most), plus the matters due earlier today read by deadline. An
 * area with no more open matters than `limit` (a township's, most counties') is read from its events
 * instead, one row per area where matters are — fewer rows than `limit`, and cheaper than walking
 * every area down to the grids.
 */
export async function openMattersOnMap(
  ctx: AppContext,
  area: Pick<AreaRow, "id" | "code" | "path">,
  now: Date,
  limit: number,
): Promise<{ open: number; overdue: number; areas: { code: string; path: string; open: number; overdue: number }[] }> {
  const today = chinaDate(now);
  const kept = await sumOpenMatters(ctx.db, area.code, today);
  if (kept.open <= limit) {
    const rows = await countOpenByAreaPath(ctx.db, area.path, now);
    return {
      open: rows.reduce((n, r) => n + r.open, 0),
      overdue: rows.reduce((n, r) => n + r.overdue, 0),
      areas: rows.map((r) => ({
        code: r.areaPath.split("/").filter(Boolean).at(-1) ?? "",
        path: r.areaPath,
        open: r.open,
        overdue: r.overdue,
      })),
    };
  }
  const [walked, dueToday] = await Promise.all([
    // One more than the cap: if the walk was cut, its last level is partial and is left out.
    listAreasUnderWithOpenMatters(ctx.db, area.id, limit + 1, today),
    countOpenDueToday(ctx.db, area.path, today, now),
  ]);
  const cut = walked.length > limit ? Math.max(...walked.map((w) => w.depth)) : Number.POSITIVE_INFINITY;
  const listed = walked.filter((w) => w.depth < cut || w.depth === 0);
  const byId = new Map(listed.map((l) => [l.id, l]));
  const byCode = new Map(listed.map((l) => [l.code, l]));
  // What sits on each area itself: all under it, less what is under its listed children.
  const own = new Map(listed.map((l) => [l.code, { open: l.open, overdue: l.overdue }]));
  for (const l of listed) {
    const row = l.parent ? own.get(byId.get(l.parent)?.code ?? "") : undefined;
    if (row) {
      row.open -= l.open;
      row.overdue -= l.overdue;
    }
  }
  // Matters due earlier today: on the deepest listed area of their path.
  let dueNow = 0;
  for (const d of dueToday) {
    const code = d.areaPath
      .split("/")
      .filter(Boolean)
      .reverse()
      .find((c) => byCode.has(c));
    const row = code ? own.get(code) : undefined;
    if (row) row.overdue += d.n;
    dueNow += d.n;
  }
  const total = listed.find((l) => l.depth === 0) ?? { open: 0, overdue: 0 };
  return {
    open: total.open,
    overdue: total.overdue + dueNow,
    areas: listed
      .map((l) => ({ code: l.code, path: l.path, ...(own.get(l.code) ?? { open: 0, overdue: 0 }) }))
      .filter((r) => r.open > 0),
  };
}

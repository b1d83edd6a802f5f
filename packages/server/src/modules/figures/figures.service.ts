import {
  comparisonPeriod,
  type DataScope,
  DomainError,
  type FigureComparison,
  type FigureCounts,
  fieldIssue,
  figureRates,
  MAX_FIGURE_PERIOD_DAYS,
  type Principal,
  periodDays,
  principalScope,
} from "@wangge/core";
import type { AppContext } from "../../context.ts";
import type { AreaRow } from "../areas/areas.table.ts";
import {
  findAreaWithAncestors,
  listAreasAtPaths,
  listAreasByCodes,
  sumFiguresOfAreaBy,
  sumFiguresOfChildren,
  sumFiguresWithPrevious,
} from "./figures.queries.ts";

/**
 * The figures as officials read them: any area they see (their areas and everything below; any other
 * area is not found, never a hint that it exists), any period, with the period of equal length before
 * it for the change, broken down by day, category or child area — summed from the kept figures, never
 * counted from the events.
 */
export interface FiguresQuery {
  area?: string | undefined;
  from: string;
  to: string;
  category?: string | undefined;
  by?: "day" | "category" | "child" | undefined;
  /** What `previous` is (default: the period of equal length just before). */
  compare?: FigureComparison | undefined;
}

const visible = (scope: DataScope, path: string) => scope.isGlobal || scope.view.some((p) => path.startsWith(p));

const notFound = (message: string) =>
  new DomainError("AREA_NOT_FOUND", message, { errors: [fieldIssue("querystring.area", "FIELD_UNKNOWN_AREA")] });

/** The area asked for, within the reader's view; without one, the reader's first area (a global reader: the root). */
export async function figureArea(ctx: AppContext, actor: Principal, code: string | undefined): Promise<AreaRow> {
  return (await figureAreaAndTrail(ctx, actor, code)).area;
}

/**
 * The area asked for (as figureArea) and the breadcrumb of a drill-down — from the highest area the
 * reader sees down to it — read together (one statement when the area is named).
 */
export async function figureAreaAndTrail(ctx: AppContext, actor: Principal, code: string | undefined) {
  const scope = principalScope(actor, "event.read");
  let area: AreaRow | undefined;
  let above: AreaRow[];
  if (code) {
    const found = await findAreaWithAncestors(ctx.db, code);
    if (!found || !visible(scope, found.area.path)) throw notFound(`no area ${code} in your scope`);
    area = found.area;
    above = found.path;
  } else {
    [area] = await listAreasAtPaths(ctx.db, scope.isGlobal ? "roots" : scope.view);
    if (!area) throw notFound("you hold no post in an area");
    above = await listAreasByCodes(ctx.db, area.path.split("/").filter(Boolean));
  }
  const at = area;
  const trail = above.filter((r) => visible(scope, r.path) && at.path.startsWith(r.path)).map(brief);
  return { area: at, trail };
}

export const brief = (a: Pick<AreaRow, "code" | "name" | "level">) => ({ code: a.code, name: a.name, level: a.level });

function checkPeriod(from: string, to: string) {
  const days = periodDays(from, to);
  if (!(days >= 1 && days <= MAX_FIGURE_PERIOD_DAYS))
    throw new DomainError("VALIDATION_FAILED", "the period is not valid", {
      errors: [fieldIssue("querystring.to", "FIGURE_FIELD_PERIOD", { days: String(MAX_FIGURE_PERIOD_DAYS) })],
    });
}

/** The breakdown asked for: each child area (an abolished one only where it has figures), day or category. */
async function figureRows(
  ctx: AppContext,
  area: AreaRow,
  by: FiguresQuery["by"],
  period: { from: string; to: string; categoryKey?: string | undefined },
): Promise<{ key: string; name: string | null; level: string | null; counts: FigureCounts }[]> {
  if (by === "child")
    return (await sumFiguresOfChildren(ctx.db, area.id, period))
      .filter((c) => !c.abolished || c.rows > 0)
      .map((c) => ({ key: c.code, name: c.name, level: c.level, counts: c.counts }));
  if (!by) return [];
  return (await sumFiguresOfAreaBy(ctx.db, area.code, by, period)).map((r) => ({
    key: r.key,
    name: null,
    level: null,
    counts: r.counts,
  }));
}

export async function getFigures(ctx: AppContext, actor: Principal, query: FiguresQuery) {
  checkPeriod(query.from, query.to);
  const { area, trail } = await figureAreaAndTrail(ctx, actor, query.area);
  const period = { from: query.from, to: query.to, categoryKey: query.category };
  const compare = query.compare ?? "preceding";
  const before = comparisonPeriod(query.from, query.to, compare);
  const [{ now: counts, previous: previousCounts }, rows] = await Promise.all([
    sumFiguresWithPrevious(ctx.db, area.code, period, before),
    figureRows(ctx, area, query.by, period),
  ]);
  return {
    area: brief(area),
    trail,
    from: query.from,
    to: query.to,
    category: query.category ?? null,
    counts,
    rates: figureRates(counts),
    previous: { ...before, compare, counts: previousCounts, rates: figureRates(previousCounts) },
    by: query.by ?? null,
    rows,
  };
}

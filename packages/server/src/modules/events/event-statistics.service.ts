import { type HandlingLevel, type Principal, principalScope } from "@wangge/core";
import type { AppContext } from "../../context.ts";
import { getAreaInScope } from "../areas/areas.service.ts";
import { countByResolvedLevel } from "./events.queries.ts";

/**
 * Where events were settled: of the events first routed inside an area (and settled in the period),
 * how many were settled in the grid, in the village or community, and above — "small matters stay
 * in the grid, big matters stay in the community".
 */
export async function settledShare(
  ctx: AppContext,
  actor: Principal,
  query: { areaCode?: string | undefined; from?: string | undefined; to?: string | undefined },
) {
  const scope = principalScope(actor, "event.read");
  let prefixes: string[];
  if (query.areaCode) {
    const area = await getAreaInScope(ctx.db, query.areaCode, scope);
    prefixes = [area.path];
  } else prefixes = scope.isGlobal ? [""] : scope.view;
  const byLevel: Record<HandlingLevel, number> = { grid: 0, village: 0, township: 0, county: 0, city: 0 };
  let open = 0;
  const counts = await countByResolvedLevel(ctx.db, prefixes, {
    from: query.from ? new Date(`${query.from}T00:00:00+08:00`) : undefined,
    to: query.to ? new Date(new Date(`${query.to}T00:00:00+08:00`).getTime() + 86_400_000) : undefined,
  });
  for (const r of counts) {
    if (r.resolvedLevel && r.resolvedLevel in byLevel) byLevel[r.resolvedLevel as HandlingLevel] += r.n;
    else open += r.n;
  }
  const settled = Object.values(byLevel).reduce((a, b) => a + b, 0);
  const share = (n: number) => (settled === 0 ? 0 : Math.round((n / settled) * 1000) / 10);
  const above = byLevel.township + byLevel.county + byLevel.city;
  return {
    areaCode: query.areaCode ?? null,
    from: query.from ?? null,
    to: query.to ?? null,
    settled,
    open,
    byLevel,
    sharePercent: { grid: share(byLevel.grid), village: share(byLevel.village), above: share(above) },
  };
}

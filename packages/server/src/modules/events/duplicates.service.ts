import {
  DUPLICATE_MIN_SIMILARITY,
  DUPLICATE_RADIUS_M,
  DUPLICATE_WINDOW_DAYS,
  distanceMeters,
  duplicateScore,
  type Principal,
  principalScope,
  redactPersonalNumbers,
  textSimilarity,
} from "@wangge/core";
import type { AppContext } from "../../context.ts";
import { getAreaInScope } from "../areas/areas.service.ts";
import { listDuplicateCandidates } from "./events.queries.ts";

export interface DuplicateQuery {
  categoryKey: string;
  description: string;
  lng?: number | undefined;
  lat?: number | undefined;
  areaCode?: string | undefined;
  excludeId?: string | undefined;
}

/**
 * Open events that are likely the same matter as the one about to be reported: the same category,
 * reported in the last week, within 300 m (or in the same area when there is no point), with
 * similar text — among the events the asker may read. Best first, at most five. Descriptions are
 * stored with personal numbers masked, so the text asked about is compared masked too (and only
 * masked text is answered).
 */
export async function findLikelyDuplicates(ctx: AppContext, actor: Principal, query: DuplicateQuery) {
  const scope = principalScope(actor, "event.read");
  if (!scope.isGlobal && scope.view.length === 0) return [];
  const since = new Date(ctx.now().getTime() - DUPLICATE_WINDOW_DAYS * 86_400_000);
  const point = query.lng !== undefined && query.lat !== undefined;
  let box: { minLat: number; maxLat: number; minLng: number; maxLng: number } | undefined;
  let areaPath: string | undefined;
  if (point) {
    // A box around the point first (indexable, cheap), the exact distance after.
    const dLat = DUPLICATE_RADIUS_M / 111_320;
    const dLng = dLat / Math.cos(((query.lat as number) * Math.PI) / 180);
    box = {
      minLat: (query.lat as number) - dLat,
      maxLat: (query.lat as number) + dLat,
      minLng: (query.lng as number) - dLng,
      maxLng: (query.lng as number) + dLng,
    };
  } else if (query.areaCode) {
    const area = await getAreaInScope(ctx.db, query.areaCode, scope).catch(() => undefined);
    if (!area) return [];
    areaPath = area.path;
  } else return [];
  const description = redactPersonalNumbers(query.description);
  const rows = await listDuplicateCandidates(ctx.db, {
    scope: scope.isGlobal ? { isGlobal: true } : { isGlobal: false, prefixes: scope.view },
    categoryKey: query.categoryKey,
    since,
    box,
    areaPath,
    excludeId: query.excludeId,
  });
  return rows
    .map((r) => {
      const distance =
        point && r.lng !== null && r.lat !== null
          ? Math.round(distanceMeters(query.lng as number, query.lat as number, r.lng, r.lat))
          : null;
      const similarity = textSimilarity(description, r.description);
      return {
        id: r.id,
        number: r.number,
        title: r.title,
        description: r.description.slice(0, 200),
        state: r.state,
        createdAt: r.created_at.toISOString(),
        distanceM: distance,
        similarity: Math.round(similarity * 100) / 100,
        score: Math.round(duplicateScore(similarity, distance) * 100) / 100,
      };
    })
    .filter(
      (c) => (c.distanceM === null || c.distanceM <= DUPLICATE_RADIUS_M) && c.similarity >= DUPLICATE_MIN_SIMILARITY,
    )
    .sort((a, b) => b.score - a.score)
    .slice(0, 5);
}

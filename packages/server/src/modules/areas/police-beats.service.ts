import {
  authorId,
  bboxOf,
  type DataScope,
  DomainError,
  type FieldIssue,
  fieldIssue,
  overlapShare,
  type PolygonalGeometry,
  type Principal,
  principalScope,
  validateBoundary,
} from "@wangge/core";
import type { Kysely, Transaction } from "kysely";
import type { AppContext, RequestMeta } from "../../context.ts";
import type { DB } from "../../db/schema.ts";
import { uuidv7 } from "../../ids.ts";
import { recordAudit, refusal } from "../audit/audit.service.ts";
import { getAreaInScope } from "./areas.service.ts";
import {
  listBeatOfficersOfGrid,
  listBeatsInBox,
  listBeatsOfGrid,
  listGridShapesInBox,
  replaceBeatLinks,
  replaceGridLinks,
  upsertBeat,
} from "./police-beats.queries.ts";

/**
 * Police beats (警格) — grid–beat fusion (网格+警格): each beat is imported with its police station and
 * community officer, and linked to every grid it overlaps with the share of the grid it covers, so a
 * grid knows its beat and its officer.
 */
const MIN_SHARE = 0.01;

export interface BeatImportOptions {
  codeProperty: string;
  nameProperty: string;
  stationProperty: string;
  officerProperty?: string | undefined;
  allOrNothing: boolean;
}

export type BeatOutcome =
  | { index: number; code: string; outcome: "created" | "updated" | "accepted"; grids: number }
  | { index: number; code: string | null; outcome: "rejected"; errors: FieldIssue[] };

async function linkBeat(trx: Transaction<DB>, beatId: string, geometry: PolygonalGeometry): Promise<number> {
  const [minLng, minLat, maxLng, maxLat] = bboxOf(geometry);
  const candidates = await listGridShapesInBox(trx, { minLng, minLat, maxLng, maxLat });
  const links = candidates
    .map((g) => ({
      gridAreaId: g.id,
      share: Math.round(overlapShare(g.geometry as PolygonalGeometry, geometry) * 1000) / 1000,
    }))
    .filter((l) => l.share >= MIN_SHARE);
  await replaceBeatLinks(trx, beatId, links);
  return links.length;
}

export async function importBeats(
  ctx: AppContext,
  actor: Principal,
  meta: RequestMeta,
  collection: unknown,
  options: BeatImportOptions,
) {
  // A beat links to grids wherever it lies, and a code names one beat for the whole deployment: only a
  // deployment-wide area manager imports them (an area manager's work scope cannot hold them).
  if (!principalScope(actor, "area.manage").isGlobal)
    throw await refusal(
      ctx,
      actor,
      meta,
      { action: "police_beat.import", type: "police_beat", id: "import", areaPath: "/" },
      "police beats are imported by a deployment-wide area manager",
    );
  const fc = collection as { type?: unknown; features?: unknown };
  if (fc?.type !== "FeatureCollection" || !Array.isArray(fc.features)) {
    throw new DomainError("VALIDATION_FAILED", "the file is not a GeoJSON FeatureCollection", {
      errors: [fieldIssue("type", "GEO_NOT_FEATURE_COLLECTION")],
    });
  }
  const planned: {
    index: number;
    code: string;
    name: string;
    station: string;
    officerId: string | null;
    geometry: PolygonalGeometry;
  }[] = [];
  const outcomes: BeatOutcome[] = [];
  for (const [index, raw] of (fc.features as unknown[]).entries()) {
    const feature = raw as { properties?: Record<string, unknown> | null; geometry?: unknown };
    const props = feature?.properties ?? {};
    const at = (p: string) => `features.${index}.${p}`;
    const text = (key: string | undefined) => (key && props[key] != null ? String(props[key]).trim() : "");
    const code = text(options.codeProperty);
    const errors: FieldIssue[] = [];
    if (!/^[0-9A-Za-z-]{2,32}$/.test(code))
      errors.push(fieldIssue(at(`properties.${options.codeProperty}`), "GEO_BEAT_CODE_REQUIRED"));
    if (!text(options.nameProperty))
      errors.push(fieldIssue(at(`properties.${options.nameProperty}`), "FIELD_NAME_REQUIRED"));
    if (!text(options.stationProperty))
      errors.push(fieldIssue(at(`properties.${options.stationProperty}`), "GEO_STATION_REQUIRED"));
    let officerId: string | null = null;
    const officer = text(options.officerProperty);
    if (officer) {
      const user = await ctx.db
        .selectFrom("app_user")
        .select("id")
        .where("username", "=", officer.toLowerCase())
        .executeTakeFirst();
      if (!user)
        errors.push(fieldIssue(at(`properties.${options.officerProperty}`), "FIELD_NO_USER", { username: officer }));
      officerId = user?.id ?? null;
    }
    errors.push(...validateBoundary(feature?.geometry, at("geometry")));
    if (errors.length > 0) outcomes.push({ index, code: code || null, outcome: "rejected", errors });
    else
      planned.push({
        index,
        code,
        name: text(options.nameProperty),
        station: text(options.stationProperty),
        officerId,
        geometry: feature.geometry as PolygonalGeometry,
      });
  }
  if (options.allOrNothing && outcomes.length > 0) {
    const accepted = planned.map((p) => ({ index: p.index, code: p.code, outcome: "accepted" as const, grids: 0 }));
    return { applied: false, features: [...outcomes, ...accepted].sort((a, b) => a.index - b.index) };
  }
  const now = ctx.now();
  const written = await ctx.db.transaction().execute(async (trx) => {
    const results: BeatOutcome[] = [];
    for (const p of planned) {
      const [minLng, minLat, maxLng, maxLat] = bboxOf(p.geometry);
      const { id, inserted } = await upsertBeat(
        trx,
        {
          id: uuidv7(now.getTime()),
          code: p.code,
          name: p.name,
          station: p.station,
          officer_user_id: p.officerId,
          geometry: JSON.stringify(p.geometry),
          min_lng: minLng,
          min_lat: minLat,
          max_lng: maxLng,
          max_lat: maxLat,
        },
        now,
      );
      results.push({
        index: p.index,
        code: p.code,
        outcome: inserted ? "created" : "updated",
        grids: await linkBeat(trx, id, p.geometry),
      });
    }
    await recordAudit(ctx, trx, {
      action: "area.beats.import",
      outcome: "success",
      actor: { userId: authorId(actor), username: actor.username },
      meta,
      targetType: "police_beat",
      details: { imported: results.length, rejected: outcomes.length },
    });
    return results;
  });
  return { applied: true, features: [...outcomes, ...written].sort((a, b) => a.index - b.index) };
}

/** The beats a grid overlaps, largest share first, with their station and community officer. */
/** Who polices a grid: the officers of the beats it overlaps (for notifying them of events routed there). */
export async function beatOfficersOf(db: Kysely<DB> | Transaction<DB>, gridAreaId: string) {
  return listBeatOfficersOfGrid(db, gridAreaId);
}

export async function beatsOfArea(ctx: AppContext, code: string, scope: DataScope) {
  const area = await getAreaInScope(ctx.db, code, scope);
  return (await listBeatsOfGrid(ctx.db, area.id)).map((b) => ({
    code: b.code,
    name: b.name,
    station: b.station,
    share: b.share,
    officer: b.officer_name,
  }));
}

/** After a grid is drawn or redrawn: which beats it overlaps now, and by how much. */
export async function relinkGrid(trx: Transaction<DB>, gridAreaId: string, geometry: PolygonalGeometry): Promise<void> {
  const [minLng, minLat, maxLng, maxLat] = bboxOf(geometry);
  const beats = await listBeatsInBox(trx, { minLng, minLat, maxLng, maxLat });
  const links = beats
    .map((b) => ({
      beatId: b.id,
      share: Math.round(overlapShare(geometry, b.geometry as PolygonalGeometry) * 1000) / 1000,
    }))
    .filter((l) => l.share >= MIN_SHARE);
  await replaceGridLinks(trx, gridAreaId, links);
}

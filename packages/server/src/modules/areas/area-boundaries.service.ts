import { EventEmitter } from "node:events";
import {
  AREA_CODE_PATTERN,
  AreaIndex,
  authorId,
  bboxOf,
  canView,
  canWork,
  childPath,
  type DataScope,
  DomainError,
  type FieldIssue,
  fieldIssue,
  GRID_KINDS,
  type GridKind,
  geometryAreaM2,
  type IndexedArea,
  labelPoint,
  levelIndex,
  type PolygonalGeometry,
  type Principal,
  parentCodeOf,
  parentPathOf,
  shareInside,
  siblingOverlaps,
  uncovered,
  validateBoundary,
} from "@wangge/core";
import type { Kysely, Transaction } from "kysely";
import type { AppContext, RequestMeta } from "../../context.ts";
import type { DB } from "../../db/schema.ts";
import { uuidv7 } from "../../ids.ts";
import { recordAudit } from "../audit/audit.service.ts";
import {
  closeBoundary,
  findAreaByCode,
  findCurrentBoundary,
  insertAreaIfMissing,
  insertBoundary,
  listBoundariesAt,
  listBoundaryHistory,
  listPastVersions,
  listSubtreeBoundaries,
  listSubtreeShapes,
  maxBoundaryRevision,
  recordPastVersion,
} from "./areas.queries.ts";
import { getAreaInScope, getAreaToWork } from "./areas.service.ts";
import type { AreaRow } from "./areas.table.ts";
import { relinkGrid } from "./police-beats.service.ts";

/**
 * Boundaries: validated, effective-dated (a redraw closes the old version and opens a new one), imported
 * from GeoJSON with a per-feature report, exported per subtree, and indexed in memory for locate.
 */

/** A grid must lie at least this much inside its parent's boundary. */
const MIN_SHARE_INSIDE_PARENT = 0.5;

const boundaryEvents = new EventEmitter();

/** Tells every locate index of this process to rebuild (other processes poll the revision). */
export function notifyBoundariesChanged(): void {
  boundaryEvents.emit("changed");
}

/** Calls `listener` whenever this process changes a boundary; returns the unsubscribe. */
export function onBoundariesChanged(listener: () => void): () => void {
  boundaryEvents.on("changed", listener);
  return () => boundaryEvents.off("changed", listener);
}

async function checkGeometry(
  db: Kysely<DB> | Transaction<DB>,
  geometry: unknown,
  parent: AreaRow | undefined,
  path: string,
): Promise<FieldIssue[]> {
  const issues = validateBoundary(geometry, path);
  if (issues.length > 0 || !parent) return issues;
  const parentBoundary = await findCurrentBoundary(db, parent.id);
  if (parentBoundary) {
    const share = shareInside(geometry as PolygonalGeometry, parentBoundary.geometry as PolygonalGeometry);
    if (share < MIN_SHARE_INSIDE_PARENT) {
      return [
        fieldIssue(path, "GEO_OUTSIDE_PARENT", { parent: parent.code, percent: String(Math.round(share * 100)) }),
      ];
    }
  }
  return [];
}

export async function writeBoundary(
  trx: Transaction<DB>,
  area: AreaRow,
  geometry: PolygonalGeometry,
  at: Date,
  actor: Principal,
): Promise<"unchanged" | "redrawn" | "drawn"> {
  const current = await findCurrentBoundary(trx, area.id);
  if (current && JSON.stringify(current.geometry) === JSON.stringify(geometry)) return "unchanged";
  if (current) await closeBoundary(trx, current.id, at);
  const [minLng, minLat, maxLng, maxLat] = bboxOf(geometry);
  const [labelLng, labelLat] = labelPoint(geometry);
  await insertBoundary(trx, {
    id: uuidv7(at.getTime()),
    area_id: area.id,
    geometry: JSON.stringify(geometry),
    min_lng: minLng,
    min_lat: minLat,
    max_lng: maxLng,
    max_lat: maxLat,
    label_lng: labelLng,
    label_lat: labelLat,
    area_m2: geometryAreaM2(geometry),
    valid_from: at,
    valid_to: null,
    created_by: authorId(actor),
  });
  if (area.level === "grid" || area.level === "microgrid") await relinkGrid(trx, area.id, geometry);
  return current ? "redrawn" : "drawn";
}

/** Draws or redraws one area's boundary; the previous version stays in its history. */
export async function setBoundary(
  ctx: AppContext,
  actor: Principal,
  meta: RequestMeta,
  code: string,
  geometry: unknown,
  scope: DataScope,
) {
  const area = await getAreaToWork(ctx, actor, meta, code, scope, "area.boundary");
  const parentCode = parentCodeOf(area.path);
  const parent = parentCode ? await findAreaByCode(ctx.db, parentCode) : undefined;
  const issues = await checkGeometry(ctx.db, geometry, parent, "body.geometry");
  if (issues.length > 0)
    throw new DomainError("AREA_BOUNDARY_INVALID", "the boundary is not valid", { errors: issues });
  const now = ctx.now();
  const outcome = await ctx.db.transaction().execute(async (trx) => {
    const result = await writeBoundary(trx, area, geometry as PolygonalGeometry, now, actor);
    if (result !== "unchanged") {
      await recordAudit(ctx, trx, {
        action: `area.boundary.${result}`,
        outcome: "success",
        actor: { userId: authorId(actor), username: actor.username },
        meta,
        targetType: "area",
        targetId: code,
        areaPath: area.path,
      });
    }
    return result;
  });
  if (outcome !== "unchanged") boundaryEvents.emit("changed");
  return { code, outcome };
}

export interface BoundaryImportOptions {
  parentCodeProperty: string;
  codeProperty: string;
  nameProperty: string;
  kindProperty?: string | undefined;
  allOrNothing: boolean;
}

export type FeatureOutcome =
  | { index: number; code: string; outcome: "created" | "updated" | "unchanged" | "accepted" }
  | { index: number; code: string | null; outcome: "rejected"; errors: FieldIssue[] };

export interface BoundaryImportReport {
  applied: boolean;
  created: number;
  updated: number;
  unchanged: number;
  rejected: number;
  features: FeatureOutcome[];
}

interface PlannedFeature {
  index: number;
  code: string;
  name: string;
  kind: GridKind | null;
  level: AreaRow["level"];
  parent: AreaRow;
  geometry: PolygonalGeometry;
}

function childLevel(parent: AreaRow): AreaRow["level"] | undefined {
  if (parent.level === "grid") return "microgrid";
  if (levelIndex(parent.level) >= levelIndex("county") && levelIndex(parent.level) <= levelIndex("village"))
    return "grid";
  return undefined;
}

/**
 * Imports grids (or micro-grids) from a GeoJSON FeatureCollection. Each feature is checked on its own
 * and reported by index: created, updated (renamed or redrawn), unchanged, or rejected with reasons.
 * Every accepted feature is written whole; with `allOrNothing`, one rejection writes nothing at all.
 */
export async function importBoundaries(
  ctx: AppContext,
  actor: Principal,
  meta: RequestMeta,
  collection: unknown,
  options: BoundaryImportOptions,
  scope: DataScope,
): Promise<BoundaryImportReport> {
  const fc = collection as { type?: unknown; features?: unknown };
  if (fc?.type !== "FeatureCollection" || !Array.isArray(fc.features)) {
    throw new DomainError("VALIDATION_FAILED", "the file is not a GeoJSON FeatureCollection", {
      errors: [fieldIssue("type", "GEO_NOT_FEATURE_COLLECTION")],
    });
  }
  const planned: PlannedFeature[] = [];
  const outcomes: FeatureOutcome[] = [];
  const seen = new Set<string>();
  for (const [index, raw] of (fc.features as unknown[]).entries()) {
    const feature = raw as { type?: unknown; properties?: Record<string, unknown> | null; geometry?: unknown };
    const props = feature?.properties ?? {};
    const errors: FieldIssue[] = [];
    const at = (p: string) => `features.${index}.${p}`;
    const code = props[options.codeProperty] == null ? null : String(props[options.codeProperty]).trim();
    const name = props[options.nameProperty] == null ? "" : String(props[options.nameProperty]).trim();
    const parentCode =
      props[options.parentCodeProperty] == null ? null : String(props[options.parentCodeProperty]).trim();
    const kindValue = options.kindProperty ? props[options.kindProperty] : undefined;
    if (feature?.type !== "Feature") errors.push(fieldIssue(at("type"), "GEO_NOT_FEATURE"));
    if (!code || !AREA_CODE_PATTERN.test(code))
      errors.push(fieldIssue(at(`properties.${options.codeProperty}`), "GEO_CODE_FORM"));
    else if (seen.has(code))
      errors.push(fieldIssue(at(`properties.${options.codeProperty}`), "GEO_CODE_TWICE_IN_FILE", { code }));
    if (!name) errors.push(fieldIssue(at(`properties.${options.nameProperty}`), "FIELD_NAME_REQUIRED"));
    if (kindValue != null && !(GRID_KINDS as readonly string[]).includes(String(kindValue))) {
      errors.push(
        fieldIssue(at(`properties.${options.kindProperty}`), "GEO_GRID_KIND", { kinds: GRID_KINDS.join(", ") }),
      );
    }
    let parent: AreaRow | undefined;
    if (!parentCode) errors.push(fieldIssue(at(`properties.${options.parentCodeProperty}`), "GEO_PARENT_REQUIRED"));
    else {
      parent = await findAreaByCode(ctx.db, parentCode);
      if (!parent || parent.abolished_at || !canView(scope, parent.path)) {
        errors.push(fieldIssue(at(`properties.${options.parentCodeProperty}`), "FIELD_NO_AREA", { code: parentCode }));
        parent = undefined;
      } else if (!childLevel(parent)) {
        errors.push(
          fieldIssue(at(`properties.${options.parentCodeProperty}`), "GEO_GRID_UNDER_LEVEL", {
            level: { code: `AREA_LEVEL_${parent.level}` },
          }),
        );
      }
    }
    if (code && parent) {
      const existing = await findAreaByCode(ctx.db, code);
      if (existing && existing.parent_id !== parent.id) {
        errors.push(fieldIssue(at(`properties.${options.codeProperty}`), "GEO_CODE_OTHER_PARENT", { code }));
      } else if (!canWork(scope, existing?.path ?? childPath(parent.path, code))) {
        // Drawing a grid is work on the grid: an official who views the village works only on its own area.
        errors.push(
          fieldIssue(at(`properties.${options.parentCodeProperty}`), "GEO_NOT_YOUR_AREA", { code: String(parentCode) }),
        );
      }
    }
    errors.push(...(await checkGeometry(ctx.db, feature?.geometry, parent, at("geometry"))));
    if (code) seen.add(code);
    if (errors.length > 0 || !parent || !code) {
      outcomes.push({ index, code, outcome: "rejected", errors });
      continue;
    }
    planned.push({
      index,
      code,
      name,
      kind: kindValue == null ? null : (String(kindValue) as GridKind),
      level: childLevel(parent) as AreaRow["level"],
      parent,
      geometry: feature.geometry as PolygonalGeometry,
    });
  }

  const rejected = outcomes.length;
  if (options.allOrNothing && rejected > 0) {
    // Nothing is written: the valid features are reported as accepted, to be imported once the rest are fixed.
    const accepted = planned.map((p) => ({ index: p.index, code: p.code, outcome: "accepted" as const }));
    return summarize(
      false,
      [...outcomes, ...accepted].sort((a, b) => a.index - b.index),
    );
  }
  const now = ctx.now();
  const written = await ctx.db.transaction().execute(async (trx) => {
    const results: FeatureOutcome[] = [];
    for (const p of planned) {
      const existing = await findAreaByCode(trx, p.code);
      if (!existing) {
        await insertAreaIfMissing(trx, {
          id: uuidv7(now.getTime()),
          code: p.code,
          name: p.name,
          level: p.level,
          kind: p.kind,
          parent_id: p.parent.id,
          path: `${p.parent.path}${p.code}/`,
          source: "local",
          created_at: now,
          updated_at: now,
        });
      } else if (existing.name !== p.name || existing.kind !== p.kind || existing.abolished_at) {
        if (existing.name !== p.name || existing.kind !== p.kind) await recordPastVersion(trx, existing, now);
        await trx
          .updateTable("area")
          .set({ name: p.name, kind: p.kind, abolished_at: null, updated_at: now })
          .where("id", "=", existing.id)
          .execute();
      }
      const area = (await findAreaByCode(trx, p.code)) as AreaRow;
      const drawn = await writeBoundary(trx, area, p.geometry, now, actor);
      const renamed = existing && (existing.name !== p.name || existing.kind !== p.kind);
      results.push({
        index: p.index,
        code: p.code,
        outcome: !existing ? "created" : renamed || drawn !== "unchanged" ? "updated" : "unchanged",
      });
    }
    await recordAudit(ctx, trx, {
      action: "area.boundaries.import",
      outcome: "success",
      actor: { userId: authorId(actor), username: actor.username },
      meta,
      targetType: "area",
      details: {
        created: results.filter((r) => r.outcome === "created").length,
        updated: results.filter((r) => r.outcome === "updated").length,
        rejected,
      },
    });
    return results;
  });
  if (written.some((r) => r.outcome !== "unchanged")) boundaryEvents.emit("changed");
  return summarize(
    true,
    [...outcomes, ...written].sort((a, b) => a.index - b.index),
  );
}

function summarize(applied: boolean, features: FeatureOutcome[]): BoundaryImportReport {
  const count = (o: FeatureOutcome["outcome"]) => features.filter((f) => f.outcome === o).length;
  return {
    applied,
    created: count("created"),
    updated: count("updated"),
    unchanged: count("unchanged"),
    rejected: count("rejected"),
    features,
  };
}

/** Past names and kinds of an area, newest first (the current state is the area itself). */
export async function areaVersions(ctx: AppContext, code: string, scope: DataScope) {
  const area = await getAreaInScope(ctx.db, code, scope);
  return (await listPastVersions(ctx.db, area.id)).map((v) => ({
    name: v.name,
    kind: v.kind,
    parentCode: parentCodeOf(v.path),
    validFrom: v.valid_from.toISOString(),
    validTo: v.valid_to.toISOString(),
  }));
}

export async function boundaryHistory(ctx: AppContext, code: string, scope: DataScope) {
  const area = await getAreaInScope(ctx.db, code, scope);
  return (await listBoundaryHistory(ctx.db, area.id)).map((b) => ({
    validFrom: b.valid_from.toISOString(),
    validTo: b.valid_to?.toISOString() ?? null,
    areaM2: Math.round(b.area_m2),
    geometry: b.geometry as PolygonalGeometry,
  }));
}

/** The area and everything under it as a FeatureCollection (current boundaries, WGS-84). */
export async function exportSubtree(ctx: AppContext, code: string, scope: DataScope) {
  const area = await getAreaInScope(ctx.db, code, scope);
  const rows = await listSubtreeBoundaries(ctx.db, area.path);
  return {
    type: "FeatureCollection" as const,
    features: rows.map((r) => ({
      type: "Feature" as const,
      id: r.code,
      properties: { code: r.code, name: r.name, level: r.level, kind: r.kind },
      geometry: r.geometry as PolygonalGeometry,
    })),
  };
}

// ---- Locate ----------------------------------------------------------------------------------------

function toIndexed(rows: Awaited<ReturnType<typeof listBoundariesAt>>): IndexedArea[] {
  return rows.map((r) => ({
    code: r.code,
    depth: levelIndex(r.level),
    geometry: r.geometry as PolygonalGeometry,
    bbox: [r.min_lng, r.min_lat, r.max_lng, r.max_lat],
    areaM2: r.area_m2,
  }));
}

/**
 * The current index, per server process. Rebuilt at once when this process changes a boundary, and
 * within a few seconds when another process does (it polls the latest boundary change time), so a
 * locate never waits on the database.
 */
/** What routing needs of an area, kept with the locate index so a routed report needs no look-up. */
export type RoutedArea = Pick<AreaRow, "id" | "code" | "name" | "level" | "path" | "parent_id" | "abolished_at">;

export class LocateIndex {
  #index: AreaIndex = new AreaIndex([]);
  #areas = new Map<string, RoutedArea>();
  #revision: string | null = null;
  #building: Promise<void> | undefined;
  #again = false;
  #timer: NodeJS.Timeout | undefined;
  readonly #db: Kysely<DB>;
  readonly #onChange = () => {
    // A rebuild that fails (the database closing, say) keeps the index it had; the poll tries again.
    void this.refresh(true).catch(() => {});
  };

  constructor(db: Kysely<DB>) {
    this.#db = db;
    boundaryEvents.on("changed", this.#onChange);
  }

  get size(): number {
    return this.#index.size;
  }

  start(pollMs = 5000): void {
    this.#timer = setInterval(() => void this.refresh(false).catch(() => {}), pollMs);
    this.#timer.unref();
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    boundaryEvents.off("changed", this.#onChange);
  }

  async refresh(force: boolean): Promise<void> {
    if (this.#building) {
      // A build already running may have read the boundaries before this change: it builds once more.
      if (force) this.#again = true;
      return this.#building;
    }
    this.#building = this.#build(force);
    return this.#building;
  }

  async #build(force: boolean): Promise<void> {
    try {
      let mustBuild = force;
      do {
        this.#again = false;
        const revision = await maxBoundaryRevision(this.#db);
        if (mustBuild || revision !== this.#revision) {
          const rows = await listBoundariesAt(this.#db);
          this.#index = new AreaIndex(toIndexed(rows));
          this.#areas = new Map(
            rows.map((r) => [
              r.code,
              {
                id: r.id,
                code: r.code,
                name: r.name,
                level: r.level,
                path: r.path,
                parent_id: r.parent_id,
                abolished_at: null,
              },
            ]),
          );
          this.#revision = revision;
        }
        mustBuild = true;
      } while (this.#again);
    } finally {
      this.#building = undefined;
    }
  }

  /** The area of a code the index holds (current boundaries only). */
  area(code: string): RoutedArea | undefined {
    return this.#areas.get(code);
  }

  /** The index, waiting for a rebuild in progress (a change this process just made) to finish. */
  async ready(): Promise<AreaIndex> {
    if (this.#building) await this.#building;
    if (this.#revision === null) await this.refresh(true);
    return this.#index;
  }
}

const indexes = new WeakMap<Kysely<DB>, LocateIndex>();

/** The locate index of this process for a database: one per app, shared by every module that routes points. */
export function locateIndexFor(db: Kysely<DB>): LocateIndex {
  let index = indexes.get(db);
  if (!index) {
    index = new LocateIndex(db);
    indexes.set(db, index);
  }
  return index;
}

/**
 * The area a point is routed to: found in the locate index in memory together with the area's
 * essentials (intake needs no database round trip to route a report).
 */
export async function routePoint(db: Kysely<DB>, lng: number, lat: number): Promise<RoutedArea | undefined> {
  const index = locateIndexFor(db);
  const code = (await index.ready()).locate(lng, lat)?.code;
  return code ? index.area(code) : undefined;
}

/** The deepest area containing a point now (a grid, or the division when no grid covers it). */
export async function locatePoint(db: Kysely<DB>, lng: number, lat: number): Promise<string | undefined> {
  return (await locateIndexFor(db).ready()).locate(lng, lat)?.code;
}

export async function indexAsOf(db: Kysely<DB>, at: Date): Promise<AreaIndex> {
  return new AreaIndex(toIndexed(await listBoundariesAt(db, at)));
}

// ---- Coverage ------------------------------------------------------------------------------------

const GRID_LEVELS = new Set(["grid", "microgrid"]);

/**
 * How well an area is covered by its grids: how many grids hold each staff post (and which lack one),
 * where sibling grids overlap (with the overlap's area), and which parts of a parent no grid covers.
 */
export async function coverageOf(
  ctx: AppContext,
  code: string,
  scope: DataScope,
  posts: Map<string, Set<string>>,
  staffRoles: readonly string[],
) {
  const area = await getAreaInScope(ctx.db, code, scope);
  const shapes = await listSubtreeShapes(ctx.db, area.path);
  const grids = shapes.filter((s) => s.level === "grid");
  const byParent = new Map<string, typeof shapes>();
  for (const s of shapes) {
    if (!GRID_LEVELS.has(s.level) || !s.geometry) continue;
    const parentPath = parentPathOf(s.path) ?? "";
    byParent.set(parentPath, [...(byParent.get(parentPath) ?? []), s]);
  }
  const overlaps = [];
  const gaps = [];
  for (const parent of shapes) {
    const children = byParent.get(parent.path) ?? [];
    const childShapes = children.map((c) => ({ code: c.code, geometry: c.geometry as PolygonalGeometry }));
    for (const o of siblingOverlaps(childShapes)) {
      overlaps.push({
        type: "Feature" as const,
        properties: { parent: parent.code, a: o.a, b: o.b, areaM2: Math.round(o.areaM2) },
        geometry: o.geometry,
      });
    }
    if (parent.geometry && children.length > 0) {
      const gap = uncovered(
        parent.geometry as PolygonalGeometry,
        childShapes.map((c) => c.geometry),
      );
      if (gap)
        gaps.push({
          type: "Feature" as const,
          properties: { parent: parent.code, areaM2: Math.round(gap.areaM2) },
          geometry: gap.geometry,
        });
    }
  }
  const postsFilled = staffRoles.map((roleKey) => {
    const filled = grids.filter((g) => posts.get(g.path)?.has(roleKey)).length;
    return { roleKey, filled, share: grids.length ? Math.round((filled / grids.length) * 1000) / 1000 : 0 };
  });
  const gridsMissingPosts = grids
    .map((g) => ({
      code: g.code,
      name: g.name,
      missing: staffRoles.filter((r) => r !== "police_liaison" && !posts.get(g.path)?.has(r)),
    }))
    .filter((g) => g.missing.length > 0)
    .slice(0, 500);
  return {
    code: area.code,
    grids: grids.length,
    posts: postsFilled,
    gridsMissingPosts,
    overlaps: { type: "FeatureCollection" as const, features: overlaps },
    gaps: { type: "FeatureCollection" as const, features: gaps },
  };
}

/** The bounding box of an area's current boundary ([west, south, east, north]), if it has one. */
export async function currentBox(db: Kysely<DB>, code: string): Promise<[number, number, number, number] | undefined> {
  const area = await findAreaByCode(db, code);
  const boundary = area ? await findCurrentBoundary(db, area.id) : undefined;
  return boundary ? [boundary.min_lng, boundary.min_lat, boundary.max_lng, boundary.max_lat] : undefined;
}

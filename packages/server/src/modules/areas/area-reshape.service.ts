import {
  AREA_CODE_PATTERN,
  authorId,
  checkSplit,
  type DataScope,
  DomainError,
  type FieldIssue,
  fieldIssue,
  type GridKind,
  mergeGeometry,
  nextChildCodes,
  type PolygonalGeometry,
  type Principal,
  parentCodeOf,
  parentPathOf,
  validateBoundary,
} from "@wangge/core";
import type { Transaction } from "kysely";
import type { AppContext, RequestMeta } from "../../context.ts";
import type { DB } from "../../db/schema.ts";
import { uuidv7 } from "../../ids.ts";
import { recordAudit } from "../audit/audit.service.ts";
import { moveStaffPosts } from "../users/assignments.service.ts";
import { notifyBoundariesChanged, writeBoundary } from "./area-boundaries.service.ts";
import {
  abolishArea,
  closeBoundary,
  countLiveChildren,
  findAreaByCode,
  findCurrentBoundary,
  insertAreaIfMissing,
  insertLineage,
  listChange,
  listCodesUnder,
  listLineageOf,
} from "./areas.queries.ts";
import { getAreaInScope, getAreaToWork } from "./areas.service.ts";
import type { AreaRow } from "./areas.table.ts";

/**
 * Splitting a grid into parts and merging neighbouring grids into one. The old grids are not
 * deleted: they are abolished with their boundaries closed, linked to what replaced them, and keep
 * every record attributed to them — so `locate … asOf` a date before the change answers the old
 * grid. Staff posts move to the grid that takes over the households. Each change carries the
 * client's id: a retry answers what was done instead of doing it twice.
 */
export interface NewGridInput {
  code?: string | undefined;
  name: string;
  kind?: GridKind | null | undefined;
  geometry: unknown;
}

export interface SplitInput {
  id: string;
  reason: string;
  parts: NewGridInput[];
  /** Index of the part whose grid takes the old grid's staff posts (default: the first). */
  staffTo?: number | undefined;
}

export interface MergeInput {
  id: string;
  reason: string;
  codes: string[];
  into: Omit<NewGridInput, "geometry">;
}

export interface ReshapeResult {
  id: string;
  change: "split" | "merge";
  at: string;
  from: string[];
  to: { code: string; name: string }[];
}

async function replay(ctx: AppContext, id: string, change: "split" | "merge", from: string[], scope: DataScope) {
  const rows = await listChange(ctx.db, id);
  const first = rows[0];
  if (!first) return undefined;
  const fromCodes = [...new Set(rows.map((r) => r.from_code))];
  // A change the caller cannot see is answered as its grids would be (not found): neither replayed
  // nor called a conflict, which would tell that it exists.
  for (const code of fromCodes) await getAreaInScope(ctx.db, code, scope);
  const same = first.change === change && fromCodes.length === from.length && from.every((c) => fromCodes.includes(c));
  if (!same) throw new DomainError("AREA_CHANGE_CONFLICT", `change ${id} already recorded a different change`);
  const to = new Map(rows.map((r) => [r.to_code, r.to_name]));
  return {
    id,
    change,
    at: first.changed_at.toISOString(),
    from: fromCodes,
    to: [...to].map(([code, name]) => ({ code, name })),
  } satisfies ReshapeResult;
}

async function reshapeable(
  ctx: AppContext,
  actor: Principal,
  meta: RequestMeta,
  code: string,
  scope: DataScope,
  path: string,
  issues: FieldIssue[],
) {
  const area = await getAreaToWork(ctx, actor, meta, code, scope, "area.reshape");
  if (area.abolished_at) {
    issues.push(fieldIssue(path, "GEO_GRID_ABOLISHED", { code, at: area.abolished_at.toISOString() }));
    return undefined;
  }
  if (area.level !== "grid" && area.level !== "microgrid") {
    issues.push(fieldIssue(path, "GEO_NOT_RESHAPEABLE", { code, level: { code: `AREA_LEVEL_${area.level}` } }));
    return undefined;
  }
  if ((await countLiveChildren(ctx.db, area.id)) > 0)
    throw new DomainError("AREA_HAS_CHILDREN", `grid ${code} still has micro-grids`);
  const boundary = await findCurrentBoundary(ctx.db, area.id);
  if (!boundary) {
    issues.push(fieldIssue(path, "GEO_NO_BOUNDARY", { code }));
    return undefined;
  }
  return { area, boundary, geometry: boundary.geometry as PolygonalGeometry };
}

async function checkNewCodes(ctx: AppContext, grids: NewGridInput[], path: (i: number) => string) {
  const issues: FieldIssue[] = [];
  const seen = new Set<string>();
  for (const [i, grid] of grids.entries()) {
    if (!grid.code) continue;
    if (!AREA_CODE_PATTERN.test(grid.code)) issues.push(fieldIssue(path(i), "GEO_CODE_FORM"));
    else if (seen.has(grid.code)) issues.push(fieldIssue(path(i), "GEO_CODE_GIVEN_TWICE", { code: grid.code }));
    else if (await findAreaByCode(ctx.db, grid.code))
      issues.push(fieldIssue(path(i), "GEO_CODE_USED", { code: grid.code }));
    seen.add(grid.code);
  }
  return issues;
}

/** Creates the new grids under `parent`, deriving codes for those given none. */
async function createGrids(
  trx: Transaction<DB>,
  actor: Principal,
  parent: AreaRow,
  level: AreaRow["level"],
  grids: (NewGridInput & { geometry: PolygonalGeometry })[],
  fallbackKind: AreaRow["kind"],
  at: Date,
): Promise<AreaRow[]> {
  const taken = await listCodesUnder(trx, parent.path);
  const derived = nextChildCodes(
    parent.code,
    level === "microgrid" ? "microgrid" : "grid",
    new Set([...taken, ...grids.flatMap((g) => (g.code ? [g.code] : []))]),
    grids.filter((g) => !g.code).length,
  );
  const created: AreaRow[] = [];
  for (const grid of grids) {
    const code = grid.code ?? (derived.shift() as string);
    await insertAreaIfMissing(trx, {
      id: uuidv7(at.getTime()),
      code,
      name: grid.name,
      level,
      kind: grid.kind === undefined ? fallbackKind : grid.kind,
      parent_id: parent.id,
      path: `${parent.path}${code}/`,
      source: "local",
      created_at: at,
      updated_at: at,
    });
    const area = (await findAreaByCode(trx, code)) as AreaRow;
    await writeBoundary(trx, area, grid.geometry, at, actor);
    created.push(area);
  }
  return created;
}

async function parentOf(ctx: AppContext, area: AreaRow): Promise<AreaRow> {
  return (await findAreaByCode(ctx.db, parentCodeOf(area.path) as string)) as AreaRow;
}

export async function splitArea(
  ctx: AppContext,
  actor: Principal,
  meta: RequestMeta,
  code: string,
  input: SplitInput,
  scope: DataScope,
): Promise<ReshapeResult> {
  const done = await replay(ctx, input.id, "split", [code], scope);
  if (done) return done;
  const issues: FieldIssue[] = [];
  const old = await reshapeable(ctx, actor, meta, code, scope, "code", issues);
  for (const [i, part] of input.parts.entries())
    issues.push(...validateBoundary(part.geometry, `body.parts.${i}.geometry`));
  issues.push(...(await checkNewCodes(ctx, input.parts, (i) => `body.parts.${i}.code`)));
  const staffTo = input.staffTo ?? 0;
  if (staffTo >= input.parts.length)
    issues.push(fieldIssue("body.staffTo", "GEO_STAFF_TO_INDEX", { max: String(input.parts.length - 1) }));
  if (old && issues.length === 0)
    issues.push(
      ...checkSplit(
        old.geometry,
        input.parts.map((p, i) => ({ geometry: p.geometry as PolygonalGeometry, path: `body.parts.${i}.geometry` })),
        "body.parts",
      ),
    );
  if (issues.length > 0 || !old)
    throw new DomainError("AREA_RESHAPE_INVALID", `grid ${code} cannot be split this way`, { errors: issues });
  const parent = await parentOf(ctx, old.area);
  const now = ctx.now();
  const created = await ctx.db.transaction().execute(async (trx) => {
    const parts = await createGrids(
      trx,
      actor,
      parent,
      old.area.level,
      input.parts.map((p) => ({ ...p, geometry: p.geometry as PolygonalGeometry })),
      old.area.kind,
      now,
    );
    await closeBoundary(trx, old.boundary.id, now);
    await abolishArea(trx, old.area.id, now);
    await insertLineage(
      trx,
      parts.map((p) => ({
        id: uuidv7(now.getTime()),
        change_id: input.id,
        from_area_id: old.area.id,
        to_area_id: p.id,
        change: "split" as const,
        reason: input.reason,
        changed_at: now,
        changed_by: authorId(actor),
      })),
    );
    const heir = parts[staffTo] as AreaRow;
    const staffMoved = await moveStaffPosts(ctx, trx, actor, meta, [old.area.id], heir);
    await recordAudit(ctx, trx, {
      action: "area.split",
      outcome: "success",
      actor: { userId: authorId(actor), username: actor.username },
      meta,
      targetType: "area",
      targetId: code,
      areaPath: old.area.path,
      reason: input.reason,
      details: { changeId: input.id, into: parts.map((p) => p.code), staffMoved, staffTo: heir.code },
    });
    return parts;
  });
  notifyBoundariesChanged();
  return {
    id: input.id,
    change: "split",
    at: now.toISOString(),
    from: [code],
    to: created.map((a) => ({ code: a.code, name: a.name })),
  };
}

export async function mergeAreas(
  ctx: AppContext,
  actor: Principal,
  meta: RequestMeta,
  input: MergeInput,
  scope: DataScope,
): Promise<ReshapeResult> {
  const done = await replay(ctx, input.id, "merge", input.codes, scope);
  if (done) return done;
  const issues: FieldIssue[] = [];
  const olds: NonNullable<Awaited<ReturnType<typeof reshapeable>>>[] = [];
  if (new Set(input.codes).size !== input.codes.length) issues.push(fieldIssue("body.codes", "GEO_GRID_LISTED_TWICE"));
  for (const [i, code] of input.codes.entries()) {
    const old = await reshapeable(ctx, actor, meta, code, scope, `body.codes.${i}`, issues);
    if (old) olds.push(old);
  }
  const parentPaths = new Set(olds.map((o) => parentPathOf(o.area.path)));
  const levels = new Set(olds.map((o) => o.area.level));
  if (parentPaths.size > 1 || levels.size > 1) issues.push(fieldIssue("body.codes", "GEO_MERGE_NOT_SIBLINGS"));
  issues.push(...(await checkNewCodes(ctx, [{ ...input.into, geometry: null }], () => "body.into.code")));
  let merged: PolygonalGeometry | undefined;
  if (issues.length === 0) {
    const union = mergeGeometry(
      olds.map((o) => o.geometry),
      "body.codes",
    );
    issues.push(...union.issues);
    merged = union.geometry;
  }
  if (issues.length > 0 || !merged)
    throw new DomainError("AREA_RESHAPE_INVALID", "these grids cannot be merged", { errors: issues });
  const first = olds[0] as (typeof olds)[number];
  const parent = await parentOf(ctx, first.area);
  const now = ctx.now();
  const geometry = merged;
  const into = await ctx.db.transaction().execute(async (trx) => {
    const [grid] = await createGrids(
      trx,
      actor,
      parent,
      first.area.level,
      [{ ...input.into, geometry }],
      first.area.kind,
      now,
    );
    const target = grid as AreaRow;
    for (const old of olds) {
      await closeBoundary(trx, old.boundary.id, now);
      await abolishArea(trx, old.area.id, now);
    }
    await insertLineage(
      trx,
      olds.map((o) => ({
        id: uuidv7(now.getTime()),
        change_id: input.id,
        from_area_id: o.area.id,
        to_area_id: target.id,
        change: "merge" as const,
        reason: input.reason,
        changed_at: now,
        changed_by: authorId(actor),
      })),
    );
    const staffMoved = await moveStaffPosts(
      ctx,
      trx,
      actor,
      meta,
      olds.map((o) => o.area.id),
      target,
    );
    await recordAudit(ctx, trx, {
      action: "area.merge",
      outcome: "success",
      actor: { userId: authorId(actor), username: actor.username },
      meta,
      targetType: "area",
      targetId: target.code,
      areaPath: target.path,
      reason: input.reason,
      details: { changeId: input.id, from: input.codes, staffMoved },
    });
    return target;
  });
  notifyBoundariesChanged();
  return {
    id: input.id,
    change: "merge",
    at: now.toISOString(),
    from: input.codes,
    to: [{ code: into.code, name: into.name }],
  };
}

/** What an area came from and what it became, oldest change first. */
export async function lineageOf(ctx: AppContext, code: string, scope: DataScope) {
  const area = await getAreaInScope(ctx.db, code, scope);
  const rows = await listLineageOf(ctx.db, area.id);
  return rows.map((r) => {
    const predecessor = r.from_area_id !== area.id;
    return {
      change: r.change,
      direction: predecessor ? ("from" as const) : ("into" as const),
      code: predecessor ? r.from_code : r.to_code,
      name: predecessor ? r.from_name : r.to_name,
      reason: r.reason,
      at: r.changed_at.toISOString(),
    };
  });
}

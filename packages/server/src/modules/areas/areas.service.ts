import {
  authorId,
  canWork,
  childPath,
  coversDeployment,
  type DataScope,
  DomainError,
  deploymentWidePermissions,
  fieldIssue,
  type Permission,
  type Principal,
  parentCodeOf,
  principalScope,
} from "@wangge/core";
import type { Kysely, Transaction } from "kysely";
import type { AppContext, RequestMeta } from "../../context.ts";
import type { DB } from "../../db/schema.ts";
import { uuidv7 } from "../../ids.ts";
import { recordAudit, refusal } from "../audit/audit.service.ts";
import {
  abolishDivisionsNotIn,
  countDescendantsByLevel,
  findAreaByCode,
  findCurrentBoundary,
  findVersionAt,
  insertAreaIfMissing,
  listAreasUnder,
  listChildren,
  listParentsAmong,
  listRootPaths,
  upsertDivisions,
} from "./areas.queries.ts";
import type { AreaRow, AreaTable } from "./areas.table.ts";

/**
 * The part of the areas module that accounts need now: resolving an area code inside a scope. The
 * areas module (boundaries, import, history, routing) builds on the same table.
 */
export async function getAreaInScope(
  db: Kysely<DB> | Transaction<DB>,
  code: string,
  scope: DataScope,
): Promise<AreaRow> {
  const area = await findAreaByCode(db, code);
  if (!area || !(scope.isGlobal || scope.view.some((p) => area.path.startsWith(p)))) {
    throw new DomainError("AREA_NOT_FOUND", `no area ${code} in your scope`, {
      errors: [fieldIssue("areaCode", "FIELD_UNKNOWN_AREA")],
    });
  }
  return area;
}

/**
 * An area the caller changes (its boundary, a split or merge): seen in their view scope (else not
 * found), and within their WORK scope for the permission — an official who views the whole subtree
 * works only on their own area (core/auth/scope.ts). A refusal is audited as denied.
 */
export async function getAreaToWork(
  ctx: AppContext,
  actor: Principal,
  meta: RequestMeta,
  code: string,
  scope: DataScope,
  action: string,
): Promise<AreaRow> {
  const area = await getAreaInScope(ctx.db, code, scope);
  if (!canWork(scope, area.path))
    throw await refusal(
      ctx,
      actor,
      meta,
      { action, type: "area", id: code, areaPath: area.path },
      `you may not change area ${code}: it lies below the area you work on`,
    );
  return area;
}

/**
 * Whether `actor` holds `permission` for the whole deployment: in an area-less post or at every root
 * of the area tree (core's coversDeployment) — what the deployment's own settings need.
 */
/** The permissions `actor` holds for the whole deployment (core's deploymentWidePermissions). */
export async function deploymentWidePermissionsOf(
  db: Kysely<DB> | Transaction<DB>,
  actor: Principal,
): Promise<Permission[]> {
  return deploymentWidePermissions(actor.assignments, await listRootPaths(db));
}

export async function holdsDeploymentWide(
  db: Kysely<DB> | Transaction<DB>,
  actor: Principal,
  permission: Permission,
): Promise<boolean> {
  const scope = principalScope(actor, permission);
  return scope.isGlobal || coversDeployment(scope, await listRootPaths(db));
}

/**
 * The area paths a search covers: one area of the caller's view scope when a code is given
 * (AREA_NOT_FOUND outside it), else the whole view scope — null meaning everywhere.
 */
export async function searchPrefixes(
  db: Kysely<DB> | Transaction<DB>,
  scope: DataScope,
  code: string | undefined,
): Promise<string[] | null> {
  if (code) return [(await getAreaInScope(db, code, scope)).path];
  return scope.isGlobal ? null : scope.view;
}

export async function listAreasInScope(db: Kysely<DB>, scope: DataScope, limit = 500): Promise<AreaRow[]> {
  if (scope.isGlobal) return listAreasUnder(db, "/", limit);
  const lists = await Promise.all(scope.view.map((p) => listAreasUnder(db, p, limit)));
  return lists.flat().slice(0, limit);
}

/** The live (not abolished) areas under a path, the area itself included, in tree order. */
export async function listLiveAreasUnder(db: Kysely<DB>, path: string, limit: number): Promise<AreaRow[]> {
  return listAreasUnder(db, path, limit);
}

/** Creates the area (and records its path) unless the code exists; used by seeds and imports. */
export async function ensureArea(
  db: Kysely<DB> | Transaction<DB>,
  input: { code: string; name: string; level: AreaTable["level"]; parentCode: string | null },
): Promise<AreaRow> {
  const parent = input.parentCode ? await findAreaByCode(db, input.parentCode) : undefined;
  if (input.parentCode && !parent)
    throw new DomainError("AREA_NOT_FOUND", `parent area ${input.parentCode} does not exist`);
  await insertAreaIfMissing(db, {
    id: uuidv7(),
    code: input.code,
    name: input.name,
    level: input.level,
    parent_id: parent?.id ?? null,
    path: childPath(parent?.path ?? null, input.code),
  });
  return (await findAreaByCode(db, input.code)) as AreaRow;
}

// ---- The hierarchy: detail, children, official divisions -----------------------------------------

export interface AreaDetail {
  code: string;
  name: string;
  level: AreaRow["level"];
  kind: AreaRow["kind"];
  path: string;
  parentCode: string | null;
  source: "nbs" | "local";
  ancestors: { code: string; name: string; level: string }[];
  descendants: Partial<Record<AreaRow["level"], number>>;
  hasBoundary: boolean;
}

/** Name, kind and path of an area as it was at `at` (now when omitted); undefined if it did not exist then. */
async function stateAt(db: Kysely<DB>, area: AreaRow, at: Date | undefined) {
  if (!at) return area.abolished_at ? undefined : { name: area.name, kind: area.kind, path: area.path };
  if (area.created_at > at || (area.abolished_at && area.abolished_at <= at)) return undefined;
  const past = await findVersionAt(db, area.id, at);
  return past
    ? { name: past.name, kind: past.kind as AreaRow["kind"], path: past.path }
    : { name: area.name, kind: area.kind, path: area.path };
}

/**
 * An area with its ancestors and the number of descendants at each level. With `asOf`, names, kinds and
 * the parent are those in force on that date (descendant counts stay current).
 */
export async function getAreaDetail(db: Kysely<DB>, code: string, scope: DataScope, asOf?: Date): Promise<AreaDetail> {
  const area = await getAreaInScope(db, code, scope);
  const state = await stateAt(db, area, asOf);
  if (!state)
    throw new DomainError(
      "AREA_NOT_FOUND",
      `area ${code} ${asOf ? `did not exist on ${asOf.toISOString()}` : "was abolished"}`,
    );
  const ancestorCodes = state.path.split("/").filter(Boolean).slice(0, -1);
  const [counts, ancestorRows, boundary] = await Promise.all([
    countDescendantsByLevel(db, area.path),
    Promise.all(ancestorCodes.map((c) => findAreaByCode(db, c))),
    findCurrentBoundary(db, area.id),
  ]);
  const ancestors = [];
  for (const a of ancestorRows) {
    if (!a) continue;
    const then = await stateAt(db, a, asOf);
    ancestors.push({ code: a.code, name: then?.name ?? a.name, level: a.level });
  }
  return {
    code: area.code,
    name: state.name,
    level: area.level,
    kind: state.kind,
    path: state.path,
    parentCode: parentCodeOf(state.path),
    source: area.source,
    ancestors,
    descendants: Object.fromEntries(counts.map((c) => [c.level, c.n])),
    hasBoundary: Boolean(boundary),
  };
}

export async function listAreaChildren(db: Kysely<DB>, code: string, scope: DataScope): Promise<AreaRow[]> {
  const area = await getAreaInScope(db, code, scope);
  return listChildren(db, area.id);
}

/** Areas as tree nodes: each with whether it has children (a leaf shows no expand arrow). */
export async function withChildFlags(db: Kysely<DB>, rows: AreaRow[]): Promise<(AreaRow & { hasChildren: boolean })[]> {
  const parents = await listParentsAmong(
    db,
    rows.map((r) => r.id),
  );
  return rows.map((r) => ({ ...r, hasChildren: parents.has(r.id) }));
}

export interface DivisionImportReport {
  root: string;
  dataYear: number;
  total: number;
  byLevel: Partial<Record<AreaRow["level"], number>>;
  inserted: number;
  renamed: number;
  restored: number;
  abolished: string[];
}

/**
 * `wangge import divisions --root 45`: loads the official divisions under the root. Re-running it is
 * idempotent; renamed divisions are updated in place (their records keep their id and path), divisions
 * no longer listed are marked abolished, never deleted, so records attributed to them keep their place.
 */
export async function importDivisions(
  ctx: AppContext,
  actor: Principal,
  meta: RequestMeta,
  root: string,
  divisions: { code: string; name: string; level: AreaRow["level"]; parentCode: string | null; path: string }[],
): Promise<DivisionImportReport> {
  if (divisions.length === 0)
    throw new DomainError("AREA_NOT_FOUND", `no divisions under ${root} in the official list`);
  const now = ctx.now();
  const totals = { inserted: 0, renamed: 0, restored: 0 };
  const rootPath = divisions.find((d) => d.code === root)?.path ?? `/${root}/`;
  const abolished = await ctx.db.transaction().execute(async (trx) => {
    // Level by level, so every parent row exists (and is visible) before its children are linked to it.
    for (const level of ["province", "city", "county", "township", "village"] as const) {
      const ofLevel = divisions.filter((d) => d.level === level);
      for (let i = 0; i < ofLevel.length; i += 1000) {
        const batch = ofLevel.slice(i, i + 1000).map((d) => ({ ...d, id: uuidv7(now.getTime()) }));
        const r = await upsertDivisions(trx, batch, now);
        totals.inserted += r.inserted;
        totals.renamed += r.renamed;
        totals.restored += r.restored;
      }
    }
    const gone = await abolishDivisionsNotIn(
      trx,
      rootPath,
      divisions.map((d) => d.code),
      now,
    );
    await recordAudit(ctx, trx, {
      action: "area.divisions.import",
      outcome: "success",
      actor: { userId: authorId(actor), username: actor.username },
      meta,
      targetType: "area",
      targetId: root,
      areaPath: rootPath,
      details: { ...totals, abolished: gone.length, total: divisions.length },
    });
    return gone;
  });
  const byLevel: DivisionImportReport["byLevel"] = {};
  for (const d of divisions) byLevel[d.level] = (byLevel[d.level] ?? 0) + 1;
  return { root, dataYear: 2023, total: divisions.length, byLevel, ...totals, abolished };
}

/** An area by code, whatever the caller's scope (for checks such as "is this grid under that village"). */
export async function findArea(db: Kysely<DB> | Transaction<DB>, code: string): Promise<AreaRow | undefined> {
  return findAreaByCode(db, code);
}

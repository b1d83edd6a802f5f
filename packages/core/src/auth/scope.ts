import { isWithin } from "../areas/area-path.ts";
import type { Permission } from "./permissions.ts";

/**
 * A user's data scope, computed from their assignments. Two scopes, as in mature health information
 * systems: what they may *view or search* (the subtrees of their areas) and what they may *work on*
 * (the subtree for grid staff; only the area itself for officials, who act on what reaches their
 * level). A record outside the view scope is answered as not found, never as forbidden.
 */
export interface ScopedAssignment {
  areaPath: string | null;
  workScope: "subtree" | "area";
  permissions: readonly Permission[];
}

export interface DataScope {
  /** Holds an assignment for the whole deployment (area-less admin or auditor). */
  isGlobal: boolean;
  /** Path prefixes the user may view; minimal (no prefix lies under another). */
  view: string[];
  /** Path prefixes under which the user may work. */
  workSubtrees: string[];
  /** Exact area paths where the user may work on records of that area only. */
  workAreas: string[];
}

function minimalPrefixes(paths: string[]): string[] {
  const sorted = [...new Set(paths)].sort();
  const out: string[] = [];
  for (const p of sorted) if (!out.some((kept) => isWithin(p, kept))) out.push(p);
  return out;
}

/** The scope in which `permission` may be used; omit it for the union over all assignments. */
export function computeScope(assignments: readonly ScopedAssignment[], permission?: Permission): DataScope {
  const relevant = permission ? assignments.filter((a) => a.permissions.includes(permission)) : assignments;
  // An area-less assignment covers the whole deployment for staff roles (admin, auditor); for roles that
  // act only on their own area (a resident) it covers no area at all: they see only their own records.
  const isGlobal = relevant.some((a) => a.areaPath === null && a.workScope === "subtree");
  const paths = relevant.filter((a) => a.areaPath !== null);
  const workSubtrees = minimalPrefixes(paths.filter((a) => a.workScope === "subtree").map((a) => a.areaPath as string));
  const workAreas = [
    ...new Set(
      paths
        .filter((a) => a.workScope === "area")
        .map((a) => a.areaPath as string)
        .filter((p) => !workSubtrees.some((s) => isWithin(p, s))),
    ),
  ].sort();
  return { isGlobal, view: minimalPrefixes(paths.map((a) => a.areaPath as string)), workSubtrees, workAreas };
}

/**
 * Where two scopes overlap, for what needs two permissions at once (a report: report.read and
 * event.read): each view prefix of one that lies within the other's. Work is not carried over.
 */
export function intersectScopes(a: DataScope, b: DataScope): DataScope {
  if (a.isGlobal && b.isGlobal) return { isGlobal: true, view: [], workSubtrees: [], workAreas: [] };
  const view = a.isGlobal
    ? b.view
    : b.isGlobal
      ? a.view
      : a.view.flatMap((p) => b.view.flatMap((q) => (isWithin(p, q) ? [p] : isWithin(q, p) ? [q] : [])));
  return { isGlobal: false, view: minimalPrefixes(view), workSubtrees: [], workAreas: [] };
}

export function canView(scope: DataScope, path: string): boolean {
  return scope.isGlobal || scope.view.some((prefix) => isWithin(path, prefix));
}

export function canWork(scope: DataScope, path: string): boolean {
  return scope.isGlobal || scope.workSubtrees.some((p) => isWithin(path, p)) || scope.workAreas.includes(path);
}

/**
 * Whether a scope reaches the whole deployment, for settings that are the deployment's own (event
 * categories, the working calendar, intake devices, Open311 keys, roles, the data key): an area-less
 * post, or posts at every root area of the deployment's tree (`rootPaths`: one root normally; with none
 * yet, only an area-less post). A post anywhere below a root is one area's, however high.
 */
export function coversDeployment(scope: DataScope, rootPaths: readonly string[]): boolean {
  return scope.isGlobal || (rootPaths.length > 0 && rootPaths.every((p) => canWork(scope, p)));
}

/**
 * Which of the permissions held in `assignments` reach the whole deployment (`coversDeployment`): the
 * settings that are the deployment's own need them there, so the apps offer those settings only then.
 */
export function deploymentWidePermissions(
  assignments: readonly ScopedAssignment[],
  rootPaths: readonly string[],
): Permission[] {
  const held = [...new Set(assignments.flatMap((a) => a.permissions))].sort();
  return held.filter((p) => coversDeployment(computeScope(assignments, p), rootPaths));
}

export function hasPermission(assignments: readonly ScopedAssignment[], permission: Permission): boolean {
  return assignments.some((a) => a.permissions.includes(permission));
}

import {
  canView,
  canWork,
  type DataScope,
  DomainError,
  fieldIssue,
  type Principal,
  parentPathOf,
  principalScope,
} from "@wangge/core";
import type { AppContext, RequestMeta } from "../../context.ts";
import { findArea } from "../areas/areas.service.ts";
import { refusal } from "../audit/audit.service.ts";
import { findDisclosure } from "./disclosures.queries.ts";
import type { DisclosureRow } from "./disclosures.table.ts";

/**
 * Who may do what with a disclosure. Staff of the area see its drafts and reviews (the view scope of
 * disclosure.manage or disclosure.review); the village's own staff write, publish and answer (the
 * WORK scope of disclosure.manage: a village official at their village); a township official reviews
 * the villages below (view scope of disclosure.review, from a post above the village: a review post
 * at the village itself does not count). Out of sight is not found, never forbidden.
 */
export const notFound = (id: string) => new DomainError("DISCLOSURE_NOT_FOUND", `no disclosure ${id} in your scope`);

export function seesAsStaff(actor: Principal, areaPath: string): boolean {
  return (
    canView(principalScope(actor, "disclosure.manage"), areaPath) ||
    canView(principalScope(actor, "disclosure.review"), areaPath)
  );
}

/** Whether the caller reviews the disclosures of `areaPath`: their review scope covers its parent. */
export function reviewsAbove(actor: Principal, areaPath: string): boolean {
  return canView(principalScope(actor, "disclosure.review"), parentPathOf(areaPath) ?? "");
}

const areaNotFound = (code: string, field: string) =>
  new DomainError("AREA_NOT_FOUND", `no area ${code} in your scope`, {
    errors: [fieldIssue(field, "FIELD_UNKNOWN_AREA")],
  });

/** The area named in a request, when `scope` (or, without one, the caller's staff view) sees it; else not found on `field`. */
export async function areaInSight(ctx: AppContext, code: string, field: string, seen: (path: string) => boolean) {
  const area = await findArea(ctx.db, code);
  if (!area || !seen(area.path)) throw areaNotFound(code, field);
  return area;
}

export const inScope = (scope: DataScope) => (path: string) => canView(scope, path);

/**
 * The area prefixes a staff list covers: one area the caller sees as staff (`areaCode`), else every
 * area of their disclosure.manage and disclosure.review posts; null for the whole deployment.
 */
export async function staffPrefixes(
  ctx: AppContext,
  actor: Principal,
  areaCode: string | undefined,
): Promise<string[] | null> {
  if (areaCode) return [(await areaInSight(ctx, areaCode, "query.areaCode", (p) => seesAsStaff(actor, p))).path];
  const manage = principalScope(actor, "disclosure.manage");
  const review = principalScope(actor, "disclosure.review");
  return manage.isGlobal || review.isGlobal ? null : [...new Set([...manage.view, ...review.view])];
}

export async function staffDisclosure(ctx: AppContext, actor: Principal, id: string): Promise<DisclosureRow> {
  const row = await findDisclosure(ctx.db, id);
  if (!row || !seesAsStaff(actor, row.area_path)) throw notFound(id);
  return row;
}

/** The village's own staff: refused (audited) when they only see it, not found when they do not. */
export async function assertWorks(
  ctx: AppContext,
  actor: Principal,
  meta: RequestMeta,
  target: { action: string; type: string; id: string; areaPath: string },
): Promise<void> {
  const scope = principalScope(actor, "disclosure.manage");
  if (!canView(scope, target.areaPath) && !seesAsStaff(actor, target.areaPath))
    throw target.type === "comment"
      ? new DomainError("COMMENT_NOT_FOUND", `no comment ${target.id} in your scope`)
      : notFound(target.id);
  if (!canWork(scope, target.areaPath))
    throw await refusal(ctx, actor, meta, target, "only the village's own staff publish and answer its disclosures");
}

import { canView, canWork, DomainError, type Principal, principalScope } from "@wangge/core";
import type { AppContext, RequestMeta } from "../../context.ts";
import { refusal } from "../audit/audit.service.ts";
import { findDisclosure } from "./disclosures.queries.ts";
import type { DisclosureRow } from "./disclosures.table.ts";

/**
 * Who may do what with a disclosure. Staff of the area see its drafts and reviews (the view scope of
 * disclosure.manage or disclosure.review); the village's own staff write, publish and answer (the
 * WORK scope of disclosure.manage: a village official at their village); a township official reviews
 * the villages below (view scope of disclosure.review). Out of sight is not found, never forbidden.
 */
export const notFound = (id: string) => new DomainError("DISCLOSURE_NOT_FOUND", `no disclosure ${id} in your scope`);

export function seesAsStaff(actor: Principal, areaPath: string): boolean {
  return (
    canView(principalScope(actor, "disclosure.manage"), areaPath) ||
    canView(principalScope(actor, "disclosure.review"), areaPath)
  );
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

import { canView, canWork, DomainError, type Principal, principalScope } from "@wangge/core";
import type { AppContext, RequestMeta } from "../../context.ts";
import { refusal } from "../audit/audit.service.ts";
import { findProject } from "./projects.queries.ts";
import type { ProjectRow } from "./projects.table.ts";

/**
 * Who may do what with a project: staff who hold project.manage over its area see it (drafts too);
 * those who work there (a village official at their village, a township official at their township)
 * change it. Out of sight is not found, never forbidden; seen but not worked is refused and audited.
 */
export const projectNotFound = (id: string) => new DomainError("PROJECT_NOT_FOUND", `no project ${id} in your scope`);

/** A project by id, for other modules (comments check what they are on), whoever asks. */
export async function projectById(ctx: AppContext, id: string): Promise<ProjectRow | undefined> {
  return findProject(ctx.db, id);
}

export async function staffProject(ctx: AppContext, actor: Principal, id: string): Promise<ProjectRow> {
  const row = await findProject(ctx.db, id);
  if (!row || !canView(principalScope(actor, "project.manage"), row.area_path)) throw projectNotFound(id);
  return row;
}

export async function workedProject(
  ctx: AppContext,
  actor: Principal,
  meta: RequestMeta,
  id: string,
  action: string,
): Promise<ProjectRow> {
  const row = await staffProject(ctx, actor, id);
  if (!canWork(principalScope(actor, "project.manage"), row.area_path))
    throw await refusal(
      ctx,
      actor,
      meta,
      { action, type: "project", id, areaPath: row.area_path },
      "only the village's or township's own staff change its projects",
    );
  return row;
}

import { authorId, checkGrant, DomainError, fieldIssue, type Principal, principalScope } from "@wangge/core";
import type { Kysely, Transaction } from "kysely";
import type { AppContext, RequestMeta } from "../../context.ts";
import type { DB } from "../../db/schema.ts";
import { getAreaInScope } from "../areas/areas.service.ts";
import { type AuditEntry, recordAudit } from "../audit/audit.service.ts";
import { getRole } from "../roles/roles.service.ts";
import { auditDenials, getManageableUser, getUser, type UserView, withDenial } from "./user-access.service.ts";
import {
  deleteAssignment,
  findAssignment,
  findSameAssignment,
  insertAssignment,
  listPostsOnAreas,
  listStaffPostsUnder,
  listStaffRows,
  moveAssignment,
  STAFF_ROLES,
} from "./users.queries.ts";

/**
 * Posts: a user's role in an area (assignments). Granting one needs the role's permissions where it
 * is granted (core's checkGrant) and authority over the account; staff posts follow their grids when
 * grids are split or merged, and are listed per area for the duty roster.
 */
export interface GrantInput {
  id: string;
  userId: string;
  roleKey: string;
  areaCode: string | null;
  homeUnit?: string | undefined;
  employment?: "full_time" | "part_time" | undefined;
}

export async function grantInTransaction(
  ctx: AppContext,
  trx: Transaction<DB>,
  actor: Principal,
  meta: RequestMeta,
  input: GrantInput,
) {
  const role = await getRole(trx, input.roleKey).catch(() => {
    throw new DomainError("ROLE_NOT_FOUND", `no role ${input.roleKey}`, {
      errors: [fieldIssue("roleKey", "FIELD_UNKNOWN_ROLE")],
    });
  });
  const area = input.areaCode ? await getAreaInScope(trx, input.areaCode, principalScope(actor, "user.manage")) : null;
  const refusal = checkGrant(actor, input.userId, {
    roleKey: role.key,
    areaPath: area?.path ?? null,
    permissions: role.permissions,
  });
  if (refusal) {
    const denial: AuditEntry = {
      action: "assignment.create",
      outcome: "denied",
      actor: { userId: actor.userId, username: actor.username },
      meta,
      targetType: "user",
      targetId: input.userId,
      areaPath: area?.path ?? null,
      reason: refusal,
      details: { roleKey: input.roleKey },
    };
    const messages = {
      ASSIGNMENT_SELF_GRANT_FORBIDDEN: "you cannot give yourself a role",
      ROLE_AUDIT_SEPARATION: "the auditor role is granted only by an auditor or with the CLI on the server",
      AUTH_FORBIDDEN: "you cannot grant a role with permissions you do not hold in that area, or outside your area",
      AREA_NOT_FOUND: `no area ${input.areaCode} in your scope`,
    };
    throw withDenial(new DomainError(refusal, messages[refusal]), denial);
  }
  const same = await findSameAssignment(trx, input.userId, input.roleKey, area?.id ?? null);
  if (same) return same;
  const inserted = await insertAssignment(trx, {
    id: input.id,
    user_id: input.userId,
    role_key: input.roleKey,
    area_id: area?.id ?? null,
    area_path: area?.path ?? null,
    home_unit: input.homeUnit?.trim() || null,
    employment: input.employment ?? null,
    created_by: authorId(actor),
  });
  if (!inserted) throw new DomainError("USER_ID_CONFLICT", `assignment id ${input.id} is taken`);
  await recordAudit(ctx, trx, {
    action: "assignment.create",
    outcome: "success",
    actor: { userId: actor.userId, username: actor.username },
    meta,
    targetType: "user",
    targetId: input.userId,
    areaPath: area?.path ?? null,
    details: {
      assignmentId: input.id,
      roleKey: input.roleKey,
      areaCode: input.areaCode,
      homeUnit: input.homeUnit ?? null,
    },
  });
  return inserted;
}

/** Gives a user a role in an area (idempotent on the id, and on user+role+area). */
export async function grantAssignment(
  ctx: AppContext,
  actor: Principal,
  meta: RequestMeta,
  input: GrantInput,
): Promise<UserView> {
  // Changing an account's posts is managing it (a user without posts is visible to global managers only).
  await getManageableUser(ctx, actor, meta, input.userId, "assignment.create");
  const existing = await findAssignment(ctx.db, input.id);
  if (existing) {
    if (existing.user_id !== input.userId || existing.role_key !== input.roleKey) {
      // The id holds another account's post: a conflict only if the caller may see that account.
      if (existing.user_id !== input.userId) await getUser(ctx, actor, existing.user_id);
      throw new DomainError("USER_ID_CONFLICT", `assignment id ${input.id} holds a different assignment`);
    }
    return getUser(ctx, actor, input.userId);
  }
  await auditDenials(ctx, () =>
    ctx.db.transaction().execute((trx) => grantInTransaction(ctx, trx, actor, meta, input)),
  );
  return getUser(ctx, actor, input.userId);
}

export async function revokeAssignment(
  ctx: AppContext,
  actor: Principal,
  meta: RequestMeta,
  assignmentId: string,
): Promise<void> {
  const assignment = await findAssignment(ctx.db, assignmentId);
  if (!assignment) throw new DomainError("RESOURCE_NOT_FOUND", `no assignment ${assignmentId}`);
  await getManageableUser(ctx, actor, meta, assignment.user_id, "assignment.delete");
  if (assignment.user_id === actor.userId) {
    throw new DomainError("ASSIGNMENT_SELF_GRANT_FORBIDDEN", "you cannot change your own roles");
  }
  await ctx.db.transaction().execute(async (trx) => {
    await deleteAssignment(trx, assignmentId);
    await recordAudit(ctx, trx, {
      action: "assignment.delete",
      outcome: "success",
      actor: { userId: actor.userId, username: actor.username },
      meta,
      targetType: "user",
      targetId: assignment.user_id,
      areaPath: assignment.area_path,
      details: { assignmentId, roleKey: assignment.role_key },
    });
  });
}

/** Who is on duty for an area: its grid head, workers, instructors and police liaison. */
export async function listStaffOfArea(db: Kysely<DB>, areaCode: string) {
  const rows = await listStaffRows(db, areaCode);
  return rows.map((r) => ({
    roleKey: r.role_key,
    roleName: { "zh-CN": r.role_name_zh, en: r.role_name_en },
    displayName: r.display_name,
    homeUnit: r.home_unit,
    employment: r.employment,
  }));
}

/** Staff posts held in the subtree: for each area path, the staff roles someone holds there. */
export async function staffPostsUnder(db: Kysely<DB>, path: string): Promise<Map<string, Set<string>>> {
  const posts = new Map<string, Set<string>>();
  for (const row of await listStaffPostsUnder(db, path)) {
    if (!row.area_path) continue;
    const roles = posts.get(row.area_path) ?? new Set<string>();
    roles.add(row.role_key);
    posts.set(row.area_path, roles);
  }
  return posts;
}

export { STAFF_ROLES };

/**
 * Moves the staff posts of grids that are split or merged to the grid that takes over their
 * households (a person holding the same post on two merged grids keeps one). Audited per post.
 */
export async function moveStaffPosts(
  ctx: AppContext,
  trx: Transaction<DB>,
  actor: Principal,
  meta: RequestMeta,
  fromAreaIds: string[],
  to: { id: string; code: string; path: string },
): Promise<number> {
  let moved = 0;
  for (const post of await listPostsOnAreas(trx, fromAreaIds)) {
    const same = await findSameAssignment(trx, post.user_id, post.role_key, to.id);
    if (same) await deleteAssignment(trx, post.id);
    else await moveAssignment(trx, post.id, to);
    moved++;
    await recordAudit(ctx, trx, {
      action: "user.assignment.move",
      outcome: "success",
      actor: { userId: authorId(actor), username: actor.username },
      meta,
      targetType: "user",
      targetId: post.user_id,
      areaPath: to.path,
      details: { roleKey: post.role_key, toArea: to.code, merged: Boolean(same) },
    });
  }
  return moved;
}

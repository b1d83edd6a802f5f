import {
  type AccountPost,
  authorId,
  checkManageAccount,
  DomainError,
  isPermission,
  maskPhone,
  type Permission,
  type Principal,
  principalScope,
} from "@wangge/core";
import type { Kysely, Transaction } from "kysely";
import type { AppContext, RequestMeta } from "../../context.ts";
import type { DB } from "../../db/schema.ts";
import { type AuditEntry, recordAudit } from "../audit/audit.service.ts";
import {
  type AssignmentDetailRow,
  findUserById,
  listAssignmentsOfUsers,
  listPermissionsOfRoles,
  listUsers as listUserRows,
  type UserListFilter,
} from "./users.queries.ts";
import type { AppUserRow } from "./users.table.ts";

/**
 * Who sees and who may change which account, and an account as the caller sees it. Every read and
 * write is limited to the caller's scope for the permission it uses (user.read / user.manage): a user
 * outside it is answered as not found; changing an account needs authority over every post it holds.
 */
export interface AssignmentView {
  id: string;
  roleKey: string;
  roleName: { "zh-CN": string; en: string };
  areaCode: string | null;
  areaName: string | null;
  homeUnit: string | null;
}

export interface UserView {
  id: string;
  username: string;
  displayName: string;
  phone: string | null;
  status: "active" | "locked" | "disabled";
  totpEnabled: boolean;
  mustChangePassword: boolean;
  createdAt: string;
  assignments: AssignmentView[];
}

function toAssignmentView(a: AssignmentDetailRow): AssignmentView {
  return {
    id: a.id,
    roleKey: a.role_key,
    roleName: { "zh-CN": a.role_name_zh, en: a.role_name_en },
    areaCode: a.area_code,
    areaName: a.area_name,
    homeUnit: a.home_unit,
  };
}

function toUserView(ctx: AppContext, row: AppUserRow, assignments: AssignmentDetailRow[]): UserView {
  return {
    id: row.id,
    username: row.username,
    displayName: row.display_name,
    phone: row.phone_enc ? maskPhone(ctx.crypto.decrypt(row.phone_enc)) : null,
    status: row.status,
    totpEnabled: row.totp_enabled,
    mustChangePassword: row.must_change_password,
    createdAt: row.created_at.toISOString(),
    assignments: assignments.filter((a) => a.user_id === row.id).map(toAssignmentView),
  };
}

/** Seeing an account needs one of its posts in the caller's area (the account is listed there). */
function isVisible(assignments: AssignmentDetailRow[], actor: Principal, permission: Permission): boolean {
  const scope = principalScope(actor, permission);
  if (scope.isGlobal) return true;
  return assignments.some((a) => a.area_path !== null && scope.view.some((p) => a.area_path?.startsWith(p)));
}

/** The account's posts with each role's current permissions, as the authority rules read them. */
async function postsOf(db: Kysely<DB> | Transaction<DB>, assignments: AssignmentDetailRow[]): Promise<AccountPost[]> {
  const perms = await listPermissionsOfRoles(db, [...new Set(assignments.map((a) => a.role_key))]);
  return assignments.map((a) => ({
    roleKey: a.role_key,
    areaPath: a.area_path,
    permissions: perms
      .filter((p) => p.role_key === a.role_key && isPermission(p.permission))
      .map((p) => p.permission as Permission),
  }));
}

const MANAGE_REFUSALS = {
  USER_MANAGE_FORBIDDEN: "this account holds a post outside your area or an administrative post: you may not change it",
  ROLE_AUDIT_SEPARATION: "an auditor's account is managed only by an auditor or with the CLI on the server",
} as const;

/** The caller's own account, or one with a post in their area for reading or managing accounts. */
function seesAccount(actor: Principal, userId: string, assignments: AssignmentDetailRow[]): boolean {
  return (
    userId === actor.userId ||
    isVisible(assignments, actor, "user.read") ||
    isVisible(assignments, actor, "user.manage")
  );
}

/** Whether `actor` sees the account at all (else every answer about it must be that of an unknown one). */
export async function canSeeAccount(ctx: AppContext, actor: Principal, userId: string): Promise<boolean> {
  return seesAccount(actor, userId, await listAssignmentsOfUsers(ctx.db, [userId]));
}

/**
 * The account, if `actor` may change it (edit, lock, reset its password, change its posts): authority
 * over every post it holds (core's checkManageAccount). An account the actor cannot see is answered as
 * not found, one they can see as forbidden with the reason's code; either refusal is audited as denied.
 */
export async function getManageableUser(
  ctx: AppContext,
  actor: Principal,
  meta: RequestMeta,
  id: string,
  action: string,
) {
  const row = await findUserById(ctx.db, id);
  const assignments = row ? await listAssignmentsOfUsers(ctx.db, [row.id]) : [];
  const visible = row && seesAccount(actor, row.id, assignments);
  const refusal = visible ? checkManageAccount(actor, id, await postsOf(ctx.db, assignments)) : "RESOURCE_NOT_FOUND";
  if (!refusal) return { row: row as AppUserRow, assignments };
  await recordAudit(ctx, ctx.db, {
    action,
    outcome: "denied",
    actor: { userId: authorId(actor), username: actor.username },
    meta,
    targetType: "user",
    targetId: id,
    reason: refusal,
  });
  throw refusal === "RESOURCE_NOT_FOUND"
    ? new DomainError("RESOURCE_NOT_FOUND", `no user ${id}`)
    : new DomainError(refusal, MANAGE_REFUSALS[refusal]);
}

async function getUserRowInScope(ctx: AppContext, actor: Principal, id: string, permission: Permission) {
  const row = await findUserById(ctx.db, id);
  const assignments = row ? await listAssignmentsOfUsers(ctx.db, [row.id]) : [];
  if (!row || (row.id !== actor.userId && !isVisible(assignments, actor, permission))) {
    throw new DomainError("RESOURCE_NOT_FOUND", `no user ${id}`);
  }
  return { row, assignments };
}

export async function getUser(ctx: AppContext, actor: Principal, id: string): Promise<UserView> {
  const { row, assignments } = await getUserRowInScope(ctx, actor, id, "user.read");
  return toUserView(ctx, row, assignments);
}

export async function listUsers(
  ctx: AppContext,
  actor: Principal,
  filter: Omit<UserListFilter, "pathPrefixes">,
  page: { limit: number; offset: number },
): Promise<{ items: UserView[]; total: number }> {
  const scope = principalScope(actor, "user.read");
  const { rows, total } = await listUserRows(
    ctx.db,
    { ...filter, pathPrefixes: scope.isGlobal ? null : scope.view },
    page.limit,
    page.offset,
  );
  const assignments = await listAssignmentsOfUsers(
    ctx.db,
    rows.map((r) => r.id),
  );
  return { items: rows.map((r) => toUserView(ctx, r, assignments)), total };
}

/**
 * A refusal found inside a transaction is audited after the rollback, in its own transaction:
 * otherwise the record of the refused attempt would be rolled back with everything else.
 */
const DENIAL = Symbol("audit denial");

export function withDenial(error: DomainError, entry: AuditEntry): DomainError {
  Object.defineProperty(error, DENIAL, { value: entry, enumerable: false });
  return error;
}

export async function auditDenials<T>(ctx: AppContext, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    const entry = (error as { [DENIAL]?: AuditEntry })[DENIAL];
    if (entry) await recordAudit(ctx, ctx.db, entry);
    throw error;
  }
}

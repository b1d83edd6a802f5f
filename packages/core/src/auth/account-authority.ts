import { isWithin } from "../areas/area-path.ts";
import type { Permission } from "./permissions.ts";
import type { PrincipalAssignment } from "./principal.ts";
import {
  ADMINISTRATIVE_PERMISSIONS,
  AUDIT_ROLE_KEYS,
  AUDIT_ROLE_PERMISSIONS,
  AUDITOR_ONLY_PERMISSIONS,
} from "./roles.ts";
import { canView, computeScope } from "./scope.ts";

/**
 * Who may change whose account and posts. Resetting a password hands the account over, so managing an
 * account (edit, reset its password, lock or disable it, change its posts) needs authority over EVERY
 * post it holds, not one: an area manager manages only accounts whose posts all lie in their area, and
 * an administrative post (one that itself manages accounts, roles, areas or the system) only when they
 * hold all its permissions in a post covering it. Deployment-wide posts (admin, auditor) are managed
 * by deployment-wide user managers alone. Separation of duties (三员分立, GB/T 22239-2019 level 3,
 * 8.1.4.2 "应对管理用户进行授权，实现管理用户的权限分离"): the audit role is granted, edited and its
 * holders' accounts managed only by an auditor or by the CLI on the server, never by the system admin.
 */
type Actor = {
  userId: string;
  assignments: readonly Pick<PrincipalAssignment, "areaPath" | "workScope" | "permissions">[];
};

/** A post of the account being managed or the role being granted: its role, area and that role's permissions. */
export interface AccountPost {
  roleKey: string;
  areaPath: string | null;
  permissions: readonly Permission[];
}

/** An auditor (every audit permission, deployment-wide) or the system itself (CLI, start-up tasks). */
export function isAuditAuthority(actor: Pick<Actor, "assignments">): boolean {
  return AUDITOR_ONLY_PERMISSIONS.every((p) => computeScope(actor.assignments, p).isGlobal);
}

/** The auditor role, or any role that carries an audit permission. */
export function isAuditRole(role: Pick<AccountPost, "roleKey" | "permissions">): boolean {
  return (
    (AUDIT_ROLE_KEYS as readonly string[]).includes(role.roleKey) ||
    role.permissions.some((p) => AUDITOR_ONLY_PERMISSIONS.includes(p))
  );
}

/** A post that administers others: only a manager holding all its permissions over its area manages it. */
export function isAdministrativePost(post: Pick<AccountPost, "permissions" | "areaPath">): boolean {
  return post.areaPath === null || post.permissions.some((p) => ADMINISTRATIVE_PERMISSIONS.includes(p));
}

/**
 * The permissions `actor` holds at `areaPath` (null = deployment-wide): the union over their posts that
 * cover it. An area-less post of a subtree role covers everything; an area post covers its subtree.
 */
export function permissionsHeldAt(actor: Pick<Actor, "assignments">, areaPath: string | null): Set<Permission> {
  const held = new Set<Permission>();
  for (const a of actor.assignments) {
    const covers =
      a.areaPath === null ? a.workScope === "subtree" : areaPath !== null && isWithin(areaPath, a.areaPath);
    if (covers) for (const p of a.permissions) held.add(p);
  }
  return held;
}

export type ManageRefusal = "USER_MANAGE_FORBIDDEN" | "ROLE_AUDIT_SEPARATION";

/**
 * May `actor` change the account of `targetUserId`, whose posts are `posts`? Null when they may.
 * Their own account they may edit (the routes refuse locking oneself and changing one's own roles).
 */
export function checkManageAccount(
  actor: Actor,
  targetUserId: string,
  posts: readonly AccountPost[],
): ManageRefusal | null {
  const holdsAuditRole = posts.some(isAuditRole);
  if (holdsAuditRole && isAuditAuthority(actor)) return null;
  if (actor.userId !== targetUserId) {
    const scope = computeScope(actor.assignments, "user.manage");
    if (!scope.isGlobal)
      for (const post of posts) {
        if (post.areaPath === null || !canView(scope, post.areaPath)) return "USER_MANAGE_FORBIDDEN";
        if (isAdministrativePost(post)) {
          const held = permissionsHeldAt(actor, post.areaPath);
          if (!post.permissions.every((p) => held.has(p))) return "USER_MANAGE_FORBIDDEN";
        }
      }
  }
  return holdsAuditRole ? "ROLE_AUDIT_SEPARATION" : null;
}

export type GrantRefusal =
  | "ASSIGNMENT_SELF_GRANT_FORBIDDEN"
  | "ROLE_AUDIT_SEPARATION"
  | "AUTH_FORBIDDEN"
  | "AREA_NOT_FOUND";

/**
 * May `actor` give `targetUserId` the role `post` (at `post.areaPath`, null = everywhere)? Nobody grants
 * themselves anything (an admin cannot make themselves auditor); the audit role only an auditor or the
 * CLI grants. A deployment-wide manager may grant any other role; an area manager only inside their own
 * area, and only roles whose permissions they hold THERE (in a post covering the area: a township
 * official who is also an instructor elsewhere does not hand out the instructor's powers in the township).
 */
export function checkGrant(actor: Actor, targetUserId: string, post: AccountPost): GrantRefusal | null {
  if (actor.userId === targetUserId) return "ASSIGNMENT_SELF_GRANT_FORBIDDEN";
  if (isAuditRole(post)) return isAuditAuthority(actor) ? null : "ROLE_AUDIT_SEPARATION";
  const scope = computeScope(actor.assignments, "user.manage");
  if (scope.isGlobal) return null;
  if (post.areaPath === null) return "AUTH_FORBIDDEN";
  if (!canView(scope, post.areaPath)) return "AREA_NOT_FOUND";
  const held = permissionsHeldAt(actor, post.areaPath);
  return post.permissions.every((p) => held.has(p)) ? null : "AUTH_FORBIDDEN";
}

/** May `actor` change the permissions of this role? Audit roles: an auditor or the CLI, never the admin. */
export function checkEditRole(
  actor: Pick<Actor, "assignments">,
  role: Pick<AccountPost, "roleKey" | "permissions">,
): "ROLE_AUDIT_SEPARATION" | null {
  return isAuditRole(role) && !isAuditAuthority(actor) ? "ROLE_AUDIT_SEPARATION" : null;
}

export type RolePermissionRefusal = "ROLE_AUDIT_PERMISSIONS_LIMITED" | "ROLE_AUDITOR_ONLY_PERMISSION";

/**
 * The permissions of `permissions` that the role `roleKey` may not hold, each with why: an audit role
 * (the auditor) holds only AUDIT_ROLE_PERMISSIONS; any other role no audit permission. Whoever edits
 * the role — an auditor, the CLI, a seed — is held to it.
 */
export function refusedRolePermissions(
  roleKey: string,
  permissions: readonly Permission[],
): { permission: Permission; refusal: RolePermissionRefusal }[] {
  const audit = (AUDIT_ROLE_KEYS as readonly string[]).includes(roleKey);
  const refused: { permission: Permission; refusal: RolePermissionRefusal }[] = [];
  for (const permission of permissions)
    if (audit && !AUDIT_ROLE_PERMISSIONS.includes(permission))
      refused.push({ permission, refusal: "ROLE_AUDIT_PERMISSIONS_LIMITED" });
    else if (!audit && AUDITOR_ONLY_PERMISSIONS.includes(permission))
      refused.push({ permission, refusal: "ROLE_AUDITOR_ONLY_PERMISSION" });
  return refused;
}

/** What a role held as `permissions` confers: those it may hold (a set written before the rule, or by hand, confers no more). */
export function conferredPermissions(roleKey: string, permissions: readonly Permission[]): Permission[] {
  const refused = new Set(refusedRolePermissions(roleKey, permissions).map((r) => r.permission));
  return refused.size === 0 ? [...permissions] : permissions.filter((p) => !refused.has(p));
}

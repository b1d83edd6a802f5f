import {
  AUDIT_ROLE_PERMISSIONS,
  authorId,
  checkEditRole,
  DEFAULT_ROLES,
  DomainError,
  fieldIssue,
  isPermission,
  type Permission,
  type Principal,
  type RolePermissionRefusal,
  refusedRolePermissions,
} from "@wangge/core";
import type { Kysely, Transaction } from "kysely";
import type { AppContext, RequestMeta } from "../../context.ts";
import type { DB } from "../../db/schema.ts";
import { recordAudit } from "../audit/audit.service.ts";
import {
  findRoleRow,
  insertRoleIfMissing,
  listRolePermissions,
  listRoleRows,
  lockRole,
  replaceRolePermissions,
  updateRoleRequiresTotp,
} from "./roles.queries.ts";

/** Roles are data: every deployment starts with the defaults from core; admins edit them afterwards. */
export async function ensureDefaultRoles(db: Kysely<DB>): Promise<string[]> {
  const added: string[] = [];
  for (const role of DEFAULT_ROLES) {
    // The defaults keep the rules every role is held to (a core test holds them to it too).
    const refused = refusedRolePermissions(role.key, role.permissions);
    if (refused.length > 0) throw new Error(`the default ${role.key} role may not hold ${refused[0]?.permission}`);
    const inserted = await insertRoleIfMissing(
      db,
      { key: role.key, name_zh: role.name["zh-CN"], name_en: role.name.en, work_scope: role.workScope },
      role.permissions,
    );
    if (inserted) added.push(role.key);
  }
  return added;
}

export interface RoleView {
  key: string;
  name: { "zh-CN": string; en: string };
  workScope: "subtree" | "area";
  requiresTotp: boolean;
  permissions: Permission[];
  updatedAt: string;
}

export async function listRoles(db: Kysely<DB> | Transaction<DB>): Promise<RoleView[]> {
  const [roles, perms] = await Promise.all([listRoleRows(db), listRolePermissions(db)]);
  return roles.map((r) => ({
    key: r.key,
    name: { "zh-CN": r.name_zh, en: r.name_en },
    workScope: r.work_scope,
    requiresTotp: r.requires_totp,
    permissions: perms
      .filter((p) => p.role_key === r.key && isPermission(p.permission))
      .map((p) => p.permission as Permission),
    updatedAt: r.updated_at.toISOString(),
  }));
}

export async function getRole(db: Kysely<DB> | Transaction<DB>, key: string): Promise<RoleView> {
  const role = (await listRoles(db)).find((r) => r.key === key);
  if (!role) throw new DomainError("ROLE_NOT_FOUND", `no role ${key}`);
  return role;
}

/**
 * Replaces a role's permission set. Separation of duties (三员分立): audit permissions stay with the
 * auditor role, which only an auditor or the CLI edits, and which holds nothing beyond reading the
 * trail and the accounts and areas it names (core's refusedRolePermissions: no resident data, no
 * powers over others). The change is recorded with the before and after sets; a refusal as denied.
 */
export async function setRolePermissions(
  ctx: AppContext,
  actor: Principal,
  meta: RequestMeta,
  key: string,
  input: { permissions: Permission[]; requiresTotp?: boolean | undefined },
): Promise<RoleView> {
  const permissions = [...new Set(input.permissions)].sort();
  const stored = await getRole(ctx.db, key);
  if (checkEditRole(actor, { roleKey: key, permissions: stored.permissions })) {
    await recordAudit(ctx, ctx.db, {
      action: "role.permissions.update",
      outcome: "denied",
      actor: { userId: authorId(actor), username: actor.username },
      meta,
      targetType: "role",
      targetId: key,
      reason: "ROLE_AUDIT_SEPARATION",
    });
    throw new DomainError(
      "ROLE_AUDIT_SEPARATION",
      `the ${key} role is edited only by an auditor or with the CLI on the server`,
    );
  }
  const refused = refusedRolePermissions(key, [...new Set(input.permissions)]);
  if (refused.length > 0) {
    const code = refused[0]?.refusal as RolePermissionRefusal;
    throw new DomainError(
      code,
      code === "ROLE_AUDIT_PERMISSIONS_LIMITED"
        ? `the ${key} role holds only ${AUDIT_ROLE_PERMISSIONS.join(", ")}, not ${refused.map((r) => r.permission).join(", ")}`
        : `${refused.map((r) => r.permission).join(", ")} can only belong to the auditor role`,
      {
        errors: refused.map((r) =>
          fieldIssue(
            `body.permissions.${input.permissions.indexOf(r.permission)}`,
            r.refusal === "ROLE_AUDIT_PERMISSIONS_LIMITED" ? "FIELD_NOT_FOR_AUDITOR" : "FIELD_AUDITOR_ONLY",
          ),
        ),
      },
    );
  }
  await ctx.db.transaction().execute(async (trx) => {
    const role = await lockRole(trx, key);
    if (!role) throw new DomainError("ROLE_NOT_FOUND", `no role ${key}`);
    const before = (await listRolePermissions(trx)).filter((p) => p.role_key === key).map((p) => p.permission);
    await replaceRolePermissions(trx, key, permissions, ctx.now());
    if (input.requiresTotp !== undefined) await updateRoleRequiresTotp(trx, key, input.requiresTotp, ctx.now());
    await recordAudit(ctx, trx, {
      action: "role.permissions.update",
      outcome: "success",
      actor: { userId: actor.userId, username: actor.username },
      meta,
      targetType: "role",
      targetId: key,
      details: {
        before,
        after: permissions,
        ...(input.requiresTotp !== undefined
          ? { requiresTotp: input.requiresTotp, requiresTotpBefore: role.requires_totp }
          : {}),
      },
    });
  });
  return getRole(ctx.db, key);
}

export async function roleExists(db: Kysely<DB>, key: string): Promise<boolean> {
  return Boolean(await findRoleRow(db, key));
}

import { randomBytes } from "node:crypto";
import {
  type AccountPost,
  authorId,
  checkGrant,
  checkManageAccount,
  DomainError,
  type FieldIssue,
  isPermission,
  maskPhone,
  normalizeMobile,
  type Permission,
  type Principal,
  type PrincipalAssignment,
  parseStaffPost,
  passwordIssues,
  principalScope,
} from "@wangge/core";
import type { Kysely, Transaction } from "kysely";
import type { AppContext, RequestMeta } from "../../context.ts";
import type { DB } from "../../db/schema.ts";
import { uuidv7 } from "../../ids.ts";
import { getAreaInScope } from "../areas/areas.service.ts";
import { type AuditEntry, recordAudit } from "../audit/audit.service.ts";
import { hashPassword } from "../auth/password-hasher.ts";
import { getRole } from "../roles/roles.service.ts";
import { cachedAssignments, rememberAssignments } from "./principal-cache.ts";
import type { StaffRow } from "./staff-file.ts";
import {
  type AssignmentDetailRow,
  countUsers,
  deleteAssignment,
  findAssignment,
  findSameAssignment,
  findUserById,
  findUserByPhoneIndex,
  findUserByUsername,
  insertAssignment,
  insertUser,
  listAssignmentsOfUsers,
  listPermissionsOfRoles,
  listPostsOnAreas,
  listStaffPostsUnder,
  listStaffRows,
  listUsers as listUserRows,
  lockUser,
  moveAssignment,
  STAFF_ROLES,
  type UserListFilter,
  updateUser as updateUserRow,
} from "./users.queries.ts";
import type { AppUserRow, AppUserUpdate } from "./users.table.ts";

/**
 * Accounts and their assignments to areas. Every read and write is limited to the caller's scope for
 * the permission it uses (user.read / user.manage): a user outside it is answered as not found.
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

const normalizeUsername = (u: string) => u.trim().toLowerCase();

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

/** A user's principal by username (seeds and start-up tasks acting as a named account), if the account is active. */
export async function principalOfUsername(db: Kysely<DB>, username: string): Promise<Principal | undefined> {
  const user = await findUserByUsername(db, username);
  return user && user.status === "active" ? loadPrincipal(db, user, "session") : undefined;
}

/** What a user may do where: their assignments with each role's current permissions. */
export async function loadPrincipal(
  db: Kysely<DB> | Transaction<DB>,
  user: AppUserRow,
  via: Principal["via"],
): Promise<Principal> {
  // Inside a transaction (sign-in, changes) always read afresh; on ordinary requests the cache serves.
  const cached = db.isTransaction ? undefined : cachedAssignments(user.id);
  if (cached)
    return { userId: user.id, username: user.username, displayName: user.display_name, via, assignments: cached };
  const assignments = await listAssignmentsOfUsers(db, [user.id]);
  const perms = await listPermissionsOfRoles(db, [...new Set(assignments.map((a) => a.role_key))]);
  const principal: Principal = {
    userId: user.id,
    username: user.username,
    displayName: user.display_name,
    via,
    assignments: assignments.map(
      (a): PrincipalAssignment => ({
        id: a.id,
        roleKey: a.role_key,
        areaCode: a.area_code,
        areaName: a.area_name,
        areaPath: a.area_path,
        homeUnit: a.home_unit,
        workScope: a.work_scope,
        requiresTotp: a.requires_totp,
        permissions: perms
          .filter((p) => p.role_key === a.role_key && isPermission(p.permission))
          .map((p) => p.permission as Permission),
      }),
    ),
  };
  if (!db.isTransaction) rememberAssignments(user.id, principal.assignments);
  return principal;
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

/**
 * The account, if `actor` may change it (edit, lock, reset its password, change its posts): authority
 * over every post it holds (core's checkManageAccount). An account the actor cannot see is answered as
 * not found, one they can see as forbidden with the reason's code; either refusal is audited as denied.
 */
async function getManageableUser(ctx: AppContext, actor: Principal, meta: RequestMeta, id: string, action: string) {
  const row = await findUserById(ctx.db, id);
  const assignments = row ? await listAssignmentsOfUsers(ctx.db, [row.id]) : [];
  const visible =
    row &&
    (row.id === actor.userId ||
      isVisible(assignments, actor, "user.read") ||
      isVisible(assignments, actor, "user.manage"));
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

export function generateTemporaryPassword(): string {
  // 16 characters from an alphabet without look-alikes: ~90 bits.
  const alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
  const bytes = randomBytes(16);
  return [...bytes].map((b) => alphabet[b % alphabet.length]).join("");
}

export interface CreateUserInput {
  id: string;
  username: string;
  displayName: string;
  phone?: string | undefined;
  password?: string | undefined;
  assignment?:
    | {
        roleKey: string;
        areaCode?: string | null | undefined;
        homeUnit?: string | undefined;
        employment?: "full_time" | "part_time" | undefined;
      }
    | undefined;
}

function checkNewPassword(password: string, username: string, path: string) {
  const errors = passwordIssues(password, username, path);
  if (errors.length > 0)
    throw new DomainError("VALIDATION_FAILED", `the password does not meet the policy`, { errors });
}

function encryptPhone(ctx: AppContext, phone: string | undefined, path = "phone") {
  if (phone === undefined || phone === "") return { phone_enc: null, phone_bidx: null };
  const normalized = normalizeMobile(phone);
  if (!normalized) {
    throw new DomainError("VALIDATION_FAILED", "the phone number is not a mainland mobile number", {
      errors: [{ path, message: "must be an 11-digit mobile number" }],
    });
  }
  return { phone_enc: ctx.crypto.encrypt(normalized), phone_bidx: ctx.crypto.blindIndex(normalized) };
}

/**
 * Creates an account (idempotent on the client's id). Without a password, a temporary one is made,
 * returned once, and must be changed at first sign-in. An area manager must give the new account an
 * assignment inside their area in the same request, or they could not see what they created.
 */
export async function createUser(
  ctx: AppContext,
  actor: Principal,
  meta: RequestMeta,
  input: CreateUserInput,
): Promise<{ user: UserView; created: boolean; initialPassword: string | null }> {
  const username = normalizeUsername(input.username);
  const existing = await findUserById(ctx.db, input.id);
  if (existing) {
    // A retry answers the account; an id held by an account the caller cannot see is answered as not
    // found (a conflict would tell that it exists).
    const user = await getUser(ctx, actor, existing.id);
    if (existing.username !== username)
      throw new DomainError("USER_ID_CONFLICT", `id ${input.id} belongs to another user`);
    return { user, created: false, initialPassword: null };
  }
  const scope = principalScope(actor, "user.manage");
  if (!scope.isGlobal && !input.assignment) {
    throw new DomainError("VALIDATION_FAILED", "give the new account a role in your area", {
      errors: [{ path: "assignment", message: "required for area managers" }],
    });
  }
  const temporary = input.password === undefined ? generateTemporaryPassword() : null;
  const password = input.password ?? (temporary as string);
  if (input.password !== undefined) checkNewPassword(password, username, "password");
  const phone = encryptPhone(ctx, input.phone);
  const passwordHash = await hashPassword(password);
  const now = ctx.now();
  await auditDenials(ctx, () =>
    ctx.db.transaction().execute(async (trx) => {
      if (await findUserByUsername(trx, username)) {
        throw new DomainError("USER_USERNAME_TAKEN", `username ${username} is taken`, {
          errors: [{ path: "username", message: "taken" }],
        });
      }
      await insertUser(trx, {
        id: input.id,
        username,
        display_name: input.displayName.trim(),
        ...phone,
        password_hash: passwordHash,
        status: "active",
        must_change_password: temporary !== null,
        password_changed_at: now,
        created_at: now,
        updated_at: now,
      });
      await recordAudit(ctx, trx, {
        action: "user.create",
        outcome: "success",
        actor: { userId: actor.userId, username: actor.username },
        meta,
        targetType: "user",
        targetId: input.id,
        details: { username, temporaryPassword: temporary !== null },
      });
      if (input.assignment) {
        await grantInTransaction(ctx, trx, actor, meta, {
          id: uuidv7(),
          userId: input.id,
          roleKey: input.assignment.roleKey,
          areaCode: input.assignment.areaCode ?? null,
          homeUnit: input.assignment.homeUnit,
          employment: input.assignment.employment,
        });
      }
    }),
  );
  return { user: await getUser(ctx, actor, input.id), created: true, initialPassword: temporary };
}

/**
 * An auditor creates another auditor (separation of duties: never the admin, who could then read the
 * audit trail as them). The password is always a temporary one, shown once to the creating auditor
 * and changed at first sign-in. The first auditor is made with the CLI (`wangge user create --role auditor`).
 */
export function createAuditor(
  ctx: AppContext,
  actor: Principal,
  meta: RequestMeta,
  input: Omit<CreateUserInput, "password" | "assignment">,
) {
  return createUser(ctx, actor, meta, { ...input, assignment: { roleKey: "auditor", areaCode: null } });
}

export interface UpdateUserInput {
  displayName?: string | undefined;
  phone?: string | null | undefined;
  status?: "active" | "locked" | "disabled" | undefined;
}

export async function updateUser(
  ctx: AppContext,
  actor: Principal,
  meta: RequestMeta,
  id: string,
  input: UpdateUserInput,
  /** Ends the account's sessions and API tokens when it is locked or disabled (auth's revokeCredentials). */
  onDeactivate?: (trx: Transaction<DB>, userId: string) => Promise<void>,
): Promise<UserView> {
  await getManageableUser(ctx, actor, meta, id, "user.update");
  if (input.status && input.status !== "active" && id === actor.userId) {
    throw new DomainError("USER_SELF_DISABLE", "you cannot lock or disable your own account");
  }
  await ctx.db.transaction().execute(async (trx) => {
    const row = await lockUser(trx, id);
    if (!row) throw new DomainError("RESOURCE_NOT_FOUND", `no user ${id}`);
    const phone =
      input.phone === undefined
        ? {}
        : input.phone === null
          ? { phone_enc: null, phone_bidx: null }
          : encryptPhone(ctx, input.phone);
    await updateUserRow(trx, id, {
      ...(input.displayName !== undefined ? { display_name: input.displayName.trim() } : {}),
      ...phone,
      ...(input.status !== undefined ? { status: input.status } : {}),
      updated_at: ctx.now(),
    });
    if (input.status && input.status !== "active") await onDeactivate?.(trx, id);
    await recordAudit(ctx, trx, {
      action: input.status && input.status !== row.status ? `user.status.${input.status}` : "user.update",
      outcome: "success",
      actor: { userId: actor.userId, username: actor.username },
      meta,
      targetType: "user",
      targetId: id,
      details: {
        fields: Object.keys(input).filter((k) => input[k as keyof UpdateUserInput] !== undefined),
        ...(input.status ? { statusBefore: row.status, statusAfter: input.status } : {}),
      },
    });
  });
  return getUser(ctx, actor, id);
}

/** Sets a new password (or a temporary one, returned once); the user must change it at next sign-in. */
export async function resetPassword(
  ctx: AppContext,
  actor: Principal,
  meta: RequestMeta,
  id: string,
  input: { password?: string | undefined },
  revokeSessions: (trx: Transaction<DB>, userId: string) => Promise<void>,
): Promise<{ temporaryPassword: string | null }> {
  const { row } = await getManageableUser(ctx, actor, meta, id, "user.password.reset");
  const temporary = input.password === undefined ? generateTemporaryPassword() : null;
  const password = input.password ?? (temporary as string);
  if (input.password !== undefined) checkNewPassword(password, row.username, "password");
  const passwordHash = await hashPassword(password);
  await ctx.db.transaction().execute(async (trx) => {
    await updateUserRow(trx, id, {
      password_hash: passwordHash,
      must_change_password: true,
      password_changed_at: ctx.now(),
      updated_at: ctx.now(),
    });
    await revokeSessions(trx, id);
    await recordAudit(ctx, trx, {
      action: "user.password.reset",
      outcome: "success",
      actor: { userId: actor.userId, username: actor.username },
      meta,
      targetType: "user",
      targetId: id,
    });
  });
  return { temporaryPassword: temporary };
}

/**
 * A refusal found inside a transaction is audited after the rollback, in its own transaction:
 * otherwise the record of the refused attempt would be rolled back with everything else.
 */
const DENIAL = Symbol("audit denial");

function withDenial(error: DomainError, entry: AuditEntry): DomainError {
  Object.defineProperty(error, DENIAL, { value: entry, enumerable: false });
  return error;
}

async function auditDenials<T>(ctx: AppContext, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    const entry = (error as { [DENIAL]?: AuditEntry })[DENIAL];
    if (entry) await recordAudit(ctx, ctx.db, entry);
    throw error;
  }
}

export interface GrantInput {
  id: string;
  userId: string;
  roleKey: string;
  areaCode: string | null;
  homeUnit?: string | undefined;
  employment?: "full_time" | "part_time" | undefined;
}

async function grantInTransaction(
  ctx: AppContext,
  trx: Transaction<DB>,
  actor: Principal,
  meta: RequestMeta,
  input: GrantInput,
) {
  const role = await getRole(trx, input.roleKey).catch(() => {
    throw new DomainError("ROLE_NOT_FOUND", `no role ${input.roleKey}`, {
      errors: [{ path: "roleKey", message: "unknown role" }],
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

export { normalizeUsername };

/**
 * First start with no users: create `admin` (deployment-wide administrator) with WANGGE_ADMIN_PASSWORD,
 * or with a generated strong password that the caller prints once. Nothing is stored in clear.
 */
export async function ensureBootstrapAdmin(
  ctx: AppContext,
  actor: Principal,
): Promise<{ created: boolean; generatedPassword: string | null }> {
  if ((await countUsers(ctx.db)) > 0) return { created: false, generatedPassword: null };
  const given = ctx.config.adminPassword;
  if (given !== undefined) {
    const errors = passwordIssues(given, "admin", "WANGGE_ADMIN_PASSWORD");
    if (errors.length > 0) {
      throw new DomainError(
        "CONFIG_INVALID",
        `invalid configuration: WANGGE_ADMIN_PASSWORD ${errors.map((e) => e.message).join(", ")}`,
      );
    }
  }
  const generated =
    given === undefined ? `${generateTemporaryPassword()}${generateTemporaryPassword().slice(0, 4)}` : null;
  await createUser(
    ctx,
    actor,
    { requestId: "bootstrap", ip: null, userAgent: "wangge bootstrap" },
    {
      id: uuidv7(),
      username: "admin",
      displayName: "系统管理员",
      password: given ?? (generated as string),
      assignment: { roleKey: "admin", areaCode: null },
    },
  );
  return { created: true, generatedPassword: generated };
}

// ---- Account records for sign-in: the auth module reads and updates credentials through these ----

export const findAccount = (db: Kysely<DB> | Transaction<DB>, id: string) => findUserById(db, id);
export const findAccountByUsername = (db: Kysely<DB> | Transaction<DB>, username: string) =>
  findUserByUsername(db, normalizeUsername(username));
export const findAccountByPhoneIndex = (db: Kysely<DB> | Transaction<DB>, phoneBidx: string) =>
  findUserByPhoneIndex(db, phoneBidx);

export type CredentialUpdate = Pick<
  AppUserUpdate,
  | "password_hash"
  | "must_change_password"
  | "password_changed_at"
  | "totp_secret_enc"
  | "totp_enabled"
  | "totp_last_step"
  | "updated_at"
>;

export function updateCredentials(
  db: Kysely<DB> | Transaction<DB>,
  id: string,
  update: CredentialUpdate,
): Promise<void> {
  return updateUserRow(db, id, update);
}

/** A resident's account, created at their first sign-in by SMS code: no password, the resident role, no area. */
export async function createResidentAccount(
  ctx: AppContext,
  trx: Transaction<DB>,
  phone: string,
  meta: RequestMeta,
): Promise<AppUserRow> {
  const now = ctx.now();
  const id = uuidv7(now.getTime());
  const user = await insertUser(trx, {
    id,
    username: `resident-${id.slice(-12)}`,
    display_name: `居民 ${maskPhone(phone)}`,
    phone_enc: ctx.crypto.encrypt(phone),
    phone_bidx: ctx.crypto.blindIndex(phone),
    password_hash: null,
    status: "active",
    created_at: now,
    updated_at: now,
  });
  if (!user) throw new DomainError("USER_ID_CONFLICT", `account id ${id} is taken`);
  await insertAssignment(trx, {
    id: uuidv7(now.getTime()),
    user_id: id,
    role_key: "resident",
    area_id: null,
    area_path: null,
    home_unit: null,
    created_by: null,
  });
  await recordAudit(ctx, trx, {
    action: "user.create",
    outcome: "success",
    meta,
    targetType: "user",
    targetId: id,
    details: { via: "otp" },
  });
  return user;
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

// ---- Bulk import of staff posts (sunk officials and grid staff) ---------------------------------

export type StaffRowOutcome =
  | { row: number; outcome: "created"; username: string; temporaryPassword: string }
  | { row: number; outcome: "assigned" | "unchanged"; username: string }
  | { row: number; outcome: "rejected"; errors: FieldIssue[] };

/**
 * Each row gives a person a post in a grid. A person is recognised by their mobile number (blind
 * index): known people get the new post, new people get an account with a temporary password shown
 * once in this report. Every row is checked and reported on its own; a rejected row changes nothing.
 */
export async function importStaffPosts(
  ctx: AppContext,
  actor: Principal,
  meta: RequestMeta,
  rows: StaffRow[],
): Promise<StaffRowOutcome[]> {
  const out: StaffRowOutcome[] = [];
  const scope = principalScope(actor, "user.manage");
  for (const r of rows) {
    const errors: FieldIssue[] = [];
    const at = (field: string) => `rows.${r.row}.${field}`;
    if (!r.name) errors.push({ path: at("name"), message: "a name is required" });
    const phone = normalizeMobile(r.phone);
    if (!phone) errors.push({ path: at("phone"), message: "must be an 11-digit mobile number" });
    const post = parseStaffPost(r.role);
    const roleKey = post?.roleKey;
    if (!roleKey)
      errors.push({
        path: at("role"),
        message: `must be one of 网格长, 网格员, 网格指导员, 社区民警 (or grid_head, grid_worker, grid_instructor, police_liaison)`,
      });
    if (roleKey === "grid_instructor" && !r.homeUnit)
      errors.push({ path: at("homeUnit"), message: "a sunk official's home unit is required" });
    const area = r.gridCode ? await findAreaForStaff(ctx, r.gridCode) : undefined;
    if (!area || !(scope.isGlobal || scope.view.some((p) => area.path.startsWith(p)))) {
      errors.push({ path: at("gridCode"), message: `no grid ${r.gridCode || "(empty)"} in your scope` });
    }
    if (errors.length > 0 || !phone || !roleKey || !area) {
      out.push({ row: r.row, outcome: "rejected", errors });
      continue;
    }
    try {
      const existing = await findUserByPhoneIndex(ctx.db, ctx.crypto.blindIndex(phone));
      if (existing) {
        const before = (await listAssignmentsOfUsers(ctx.db, [existing.id])).length;
        await grantAssignment(ctx, actor, meta, {
          id: uuidv7(),
          userId: existing.id,
          roleKey,
          areaCode: r.gridCode,
          homeUnit: r.homeUnit || undefined,
          employment: post?.employment,
        });
        const after = (await listAssignmentsOfUsers(ctx.db, [existing.id])).length;
        out.push({ row: r.row, outcome: after > before ? "assigned" : "unchanged", username: existing.username });
      } else {
        const username = `staff-${uuidv7().slice(-8)}`;
        const { initialPassword } = await createUser(ctx, actor, meta, {
          id: uuidv7(),
          username,
          displayName: r.name,
          phone,
          assignment: {
            roleKey,
            areaCode: r.gridCode,
            homeUnit: r.homeUnit || undefined,
            employment: post?.employment,
          },
        });
        out.push({ row: r.row, outcome: "created", username, temporaryPassword: initialPassword as string });
      }
    } catch (error) {
      const code = error instanceof DomainError ? error.code : "INTERNAL_ERROR";
      out.push({
        row: r.row,
        outcome: "rejected",
        errors: [{ path: `rows.${r.row}`, message: `${code}: ${(error as Error).message}` }],
      });
    }
  }
  return out;
}

async function findAreaForStaff(ctx: AppContext, code: string) {
  const scope = { isGlobal: true, view: [], workSubtrees: [], workAreas: [] };
  return getAreaInScope(ctx.db, code, scope).catch(() => undefined);
}

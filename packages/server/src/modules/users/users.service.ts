import { randomBytes } from "node:crypto";
import {
  authorId,
  conferredPermissions,
  DomainError,
  fieldIssue,
  isPermission,
  maskPhone,
  normalizeMobile,
  type Permission,
  type Principal,
  type PrincipalAssignment,
  passwordIssues,
  principalScope,
} from "@wangge/core";
import type { Kysely, Transaction } from "kysely";
import type { AppContext, RequestMeta } from "../../context.ts";
import type { DB } from "../../db/schema.ts";
import { uuidv7 } from "../../ids.ts";
import { recordAudit } from "../audit/audit.service.ts";
import { hashPassword } from "../auth/password-hasher.ts";
import { grantInTransaction } from "./assignments.service.ts";
import { cachedAssignments, rememberAssignments } from "./principal-cache.ts";
import { auditDenials, getManageableUser, getUser, type UserView } from "./user-access.service.ts";
import { assertPhoneFree, type PhoneAttempt, phoneRefusal } from "./user-phones.service.ts";
import {
  countUsers,
  findUserById,
  findUserByPhoneIndex,
  findUserByUsername,
  insertAssignment,
  insertUser,
  insertUserUnlessPhoneTaken,
  isPhoneTakenViolation,
  isScreenLinkId,
  listAssignmentsWithPermissions,
  lockUser,
  updateUser as updateUserRow,
} from "./users.queries.ts";
import type { AppUserRow, AppUserUpdate } from "./users.table.ts";

/**
 * Accounts: creating, editing, locking and resetting them (within the caller's authority:
 * user-access.service.ts), the first administrator, residents' accounts made at their first SMS
 * sign-in, the account records sign-in reads, and a user's principal. Posts are assignments.service.ts,
 * staff rosters staff-import.service.ts.
 */
const normalizeUsername = (u: string) => u.trim().toLowerCase();

/** A user's principal by username (seeds and start-up tasks acting as a named account), if the account is active. */
export async function principalOfUsername(db: Kysely<DB>, username: string): Promise<Principal | undefined> {
  const user = await findUserByUsername(db, username);
  return user && user.status === "active" ? loadPrincipal(db, user, "session") : undefined;
}

/** What a user may do where: their assignments with each role's current permissions. */
export async function loadPrincipal(
  db: Kysely<DB> | Transaction<DB>,
  user: Pick<AppUserRow, "id" | "username" | "display_name">,
  via: Principal["via"],
): Promise<Principal> {
  // Inside a transaction (sign-in, changes) always read afresh; on ordinary requests the cache serves.
  const cached = db.isTransaction ? undefined : cachedAssignments(user.id);
  if (cached)
    return { userId: user.id, username: user.username, displayName: user.display_name, via, assignments: cached };
  const assignments = await listAssignmentsWithPermissions(db, user.id);
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
        // Only what the role may hold (an auditor role: the audit allow-list), whatever is stored.
        permissions: conferredPermissions(
          a.role_key,
          a.permissions.filter((p) => isPermission(p)).map((p) => p as Permission),
        ),
      }),
    ),
  };
  if (!db.isTransaction) rememberAssignments(user.id, principal.assignments);
  return principal;
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
      errors: [fieldIssue(path, "FIELD_MOBILE_FORM")],
    });
  }
  return { phone_enc: ctx.crypto.encrypt(normalized), phone_bidx: ctx.crypto.blindIndex(normalized) };
}

/** What a phone given to an account is checked as (user-phones.service.ts), if one is given. */
function phoneAttempt(
  ctx: AppContext,
  action: string,
  userId: string,
  phone: string | null | undefined,
): PhoneAttempt | undefined {
  const normalized = phone ? normalizeMobile(phone) : undefined;
  return normalized
    ? { action, userId, phone: normalized, bidx: ctx.crypto.blindIndex(normalized), path: "phone" }
    : undefined;
}

/** A create of this id ran at the same time and got in first: answered as its retry. */
class CreatedAtOnce extends Error {}

const isUsernameTakenViolation = (error: unknown) => {
  const e = error as { code?: string; constraint?: string; message?: string };
  return e.code === "23505" && (e.constraint ?? e.message ?? "").includes("app_user_username_key");
};

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
  if (await isScreenLinkId(ctx.db, input.id))
    throw new DomainError("USER_ID_CONFLICT", `id ${input.id} is taken by a big-screen link`);
  const scope = principalScope(actor, "user.manage");
  if (!scope.isGlobal && !input.assignment) {
    throw new DomainError("VALIDATION_FAILED", "give the new account a role in your area", {
      errors: [fieldIssue("assignment", "FIELD_ASSIGNMENT_REQUIRED")],
    });
  }
  const temporary = input.password === undefined ? generateTemporaryPassword() : null;
  const password = input.password ?? (temporary as string);
  if (input.password !== undefined) checkNewPassword(password, username, "password");
  const phone = encryptPhone(ctx, input.phone);
  const attempt = phoneAttempt(ctx, "user.create", input.id, input.phone);
  if (attempt) await assertPhoneFree(ctx, actor, meta, attempt);
  const passwordHash = await hashPassword(password);
  const now = ctx.now();
  try {
    await auditDenials(ctx, () =>
      ctx.db.transaction().execute(async (trx) => {
        if (await findUserByUsername(trx, username)) throw usernameTaken(username);
        const inserted = await insertUser(trx, {
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
        if (!inserted) throw new CreatedAtOnce();
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
  } catch (error) {
    if (error instanceof CreatedAtOnce) return createUser(ctx, actor, meta, input);
    // Given at the same moment by another request: the unique indexes decide.
    if (attempt && isPhoneTakenViolation(error)) throw await phoneRefusal(ctx, actor, meta, attempt);
    if (isUsernameTakenViolation(error)) throw usernameTaken(username);
    throw error;
  }
  return { user: await getUser(ctx, actor, input.id), created: true, initialPassword: temporary };
}

function usernameTaken(username: string): DomainError {
  return new DomainError("USER_USERNAME_TAKEN", `username ${username} is taken`, {
    errors: [fieldIssue("username", "FIELD_TAKEN")],
  });
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
  const phone =
    input.phone === undefined
      ? {}
      : input.phone === null
        ? { phone_enc: null, phone_bidx: null }
        : encryptPhone(ctx, input.phone);
  const attempt = phoneAttempt(ctx, "user.update", id, input.phone);
  if (attempt) await assertPhoneFree(ctx, actor, meta, attempt);
  try {
    await ctx.db.transaction().execute(async (trx) => {
      const row = await lockUser(trx, id);
      if (!row) throw new DomainError("RESOURCE_NOT_FOUND", `no user ${id}`);
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
  } catch (error) {
    if (attempt && isPhoneTakenViolation(error)) throw await phoneRefusal(ctx, actor, meta, attempt);
    throw error;
  }
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
  // A reset asks for no current password: one's own goes through the change-password flow, which
  // does. Otherwise a stolen session (or an unlocked screen) would be enough to take the account over.
  if (authorId(actor) === id) {
    await recordAudit(ctx, ctx.db, {
      action: "user.password.reset",
      outcome: "denied",
      actor: { userId: authorId(actor), username: actor.username },
      meta,
      targetType: "user",
      targetId: id,
      reason: "USER_SELF_PASSWORD_RESET",
    });
    throw new DomainError(
      "USER_SELF_PASSWORD_RESET",
      "you cannot reset your own password here: change it with your current password (POST /api/v1/auth/password)",
    );
  }
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

// The live inbox's test (events module) still imports these from here.
export { grantAssignment, revokeAssignment } from "./assignments.service.ts";
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

/**
 * A resident's account, created at their first sign-in by SMS code: no password, the resident role, no
 * area — or the account another first sign-in with the same number created a moment before.
 */
export async function createResidentAccount(
  ctx: AppContext,
  trx: Transaction<DB>,
  phone: string,
  meta: RequestMeta,
): Promise<AppUserRow> {
  const now = ctx.now();
  const id = uuidv7(now.getTime());
  const bidx = ctx.crypto.blindIndex(phone);
  const user = await insertUserUnlessPhoneTaken(trx, {
    id,
    username: `resident-${id.slice(-12)}`,
    display_name: `居民 ${maskPhone(phone)}`,
    phone_enc: ctx.crypto.encrypt(phone),
    phone_bidx: bidx,
    password_hash: null,
    status: "active",
    created_at: now,
    updated_at: now,
  });
  // A first sign-in with this number at the same moment made the account: it is this resident's too.
  if (!user) return (await findUserByPhoneIndex(trx, bidx)) as AppUserRow;
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

import { randomBytes, randomInt } from "node:crypto";
import {
  accountRestriction,
  DomainError,
  isSessionAlive,
  LOCKOUT_MAX_FAILURES,
  LOCKOUT_WINDOW_MINUTES,
  lockoutWindowStart,
  lockUntilAfterFailedAttempt,
  lockUntilFrom,
  maskPhone,
  mayCheckPassword,
  normalizeMobile,
  type Principal,
  passwordIssues,
  type Restriction,
} from "@wangge/core";
import type { Kysely, Transaction } from "kysely";
import type { AppContext, RequestMeta } from "../../context.ts";
import { sha256 } from "../../crypto/digest.ts";
import { constantTimeEqual } from "../../crypto/field-crypto.ts";
import type { DB } from "../../db/schema.ts";
import { uuidv7 } from "../../ids.ts";
import { type AuditEntry, recordAudit } from "../audit/audit.service.ts";
import {
  createResidentAccount,
  findAccountByPhoneIndex,
  findAccountByUsername,
  findAccount as findUserById,
  loadPrincipal,
  normalizeUsername,
  updateCredentials as updateUser,
} from "../users/users.service.ts";
import type { AppUserRow } from "../users/users.table.ts";

export { systemPrincipal } from "@wangge/core";

import {
  clearLoginCounter,
  countLoginAttempt,
  countOtpChallengesSince,
  findApiTokenByHash,
  findApiTokenById,
  findLatestOtpChallenge,
  findSession,
  insertApiToken,
  insertLoginAttempt,
  insertOtpChallenge,
  insertSession,
  listApiTokensOfUser,
  lockLogin,
  markApiTokenUsed,
  promoteSession,
  revokeApiToken as revokeApiTokenRow,
  revokeApiTokensOfUser,
  revokeSession,
  revokeSessionsOfUser,
  takeTotpAttempt,
  touchSession,
  uncountLoginAttempt,
  updateOtpChallenge,
} from "./auth.queries.ts";
import type { ApiTokenRow, SessionRow } from "./auth.table.ts";
import { hashPassword, verifyPassword } from "./password-hasher.ts";
import { generateTotpSecret, matchTotp, otpauthUri } from "./totp.ts";

/**
 * Sign-in and everything that proves who is asking: password (argon2id) with lockout, optional TOTP
 * second factor (mandatory per role when an admin says so), server-side sessions, personal API tokens,
 * and one-time codes by SMS for residents. Secrets are stored only as hashes; every sign-in, failure,
 * lockout and token change is audited.
 */

export interface Authenticated {
  principal: Principal;
  restriction: Restriction;
  session?: SessionRow;
  csrfToken?: string;
}

/** An audit record of something a user did with their own account. */
function auditSelf(
  ctx: AppContext,
  db: Kysely<DB> | Transaction<DB>,
  user: { id: string; username: string },
  meta: RequestMeta,
  entry: Omit<AuditEntry, "actor" | "meta" | "targetType" | "targetId">,
): Promise<number> {
  return recordAudit(ctx, db, {
    ...entry,
    actor: { userId: user.id, username: user.username },
    meta,
    targetType: "user",
    targetId: user.id,
  });
}

export function csrfTokenFor(ctx: AppContext, sessionToken: string): string {
  return ctx.crypto.mac(`csrf:${sessionToken}`);
}

function newSecret(): string {
  return randomBytes(32).toString("base64url");
}

function restrictionFor(user: AppUserRow, principal: Principal): Restriction {
  return accountRestriction(
    { totpEnabled: user.totp_enabled, mustChangePassword: user.must_change_password },
    principal,
  );
}

async function startSession(
  ctx: AppContext,
  trx: Transaction<DB>,
  user: AppUserRow,
  stage: SessionRow["stage"],
  meta: RequestMeta,
) {
  const token = newSecret();
  const now = ctx.now();
  await insertSession(trx, {
    id_hash: sha256(token),
    user_id: user.id,
    stage,
    created_at: now,
    last_seen_at: now,
    ip: meta.ip,
    user_agent: meta.userAgent?.slice(0, 512) ?? null,
    revoked_at: null,
  });
  return token;
}

/** The lockout rule's instants for an attempt made now (core/auth/lockout.ts). */
function lockoutAt(now: Date) {
  return { now, windowStart: lockoutWindowStart(now), lockUntil: lockUntilFrom(now), max: LOCKOUT_MAX_FAILURES };
}

export type LoginResult =
  | { step: "done"; sessionToken: string; csrfToken: string; principal: Principal; restriction: Restriction }
  | { step: "totp"; sessionToken: string; csrfToken: string };

/**
 * Password sign-in. Unknown users and wrong passwords get the same error after the same argon2 work.
 * Five failures within 15 minutes — wrong passwords and wrong second-factor codes alike — lock the
 * username for 15 minutes; while locked, even the right password is refused, and each refused
 * attempt is audited. The count is cleared only when a sign-in completes (completeTotpLogin when a
 * second factor is required). Every attempt is counted in the database
 * before its password is checked (countLoginAttempt), so parallel attempts — in this process or
 * another — cannot get more than five passwords checked in a window.
 */
export async function login(
  ctx: AppContext,
  meta: RequestMeta,
  input: { username: string; password: string },
): Promise<LoginResult> {
  const username = normalizeUsername(input.username);
  const now = ctx.now();
  const { attempt, lockedUntil } = await countLoginAttempt(ctx.db, username, lockoutAt(now));
  const user = await findAccountByUsername(ctx.db, username);
  if (!mayCheckPassword(attempt, lockedUntil, now)) {
    await verifyPassword(null, input.password);
    const until = lockedUntil ?? lockUntilFrom(now);
    await ctx.db.transaction().execute(async (trx) => {
      await insertLoginAttempt(trx, { username, ip: meta.ip, outcome: "locked", at: now });
      await recordAudit(ctx, trx, {
        action: "auth.login",
        outcome: "denied",
        actor: { userId: user?.id ?? null, username },
        meta,
        targetType: "user",
        targetId: user?.id ?? null,
        reason: "AUTH_ACCOUNT_LOCKED",
        details: { lockedUntil: until.toISOString() },
      });
    });
    throw lockedError(until, now);
  }
  const ok = await verifyPassword(user?.password_hash ?? null, input.password);
  if (!ok || !user) {
    const lockUntil = lockUntilAfterFailedAttempt(attempt, ctx.now());
    await ctx.db.transaction().execute(async (trx) => {
      await insertLoginAttempt(trx, { username, ip: meta.ip, outcome: "failure", at: now });
      await recordAudit(ctx, trx, {
        action: "auth.login",
        outcome: "failure",
        actor: { userId: user?.id ?? null, username },
        meta,
        targetType: "user",
        targetId: user?.id ?? null,
        reason: "AUTH_INVALID_CREDENTIALS",
        details: { failuresInWindow: attempt },
      });
      if (lockUntil) {
        await lockLogin(trx, username, lockUntil);
        await recordAudit(ctx, trx, {
          action: "auth.lockout",
          outcome: "success",
          actor: { userId: user?.id ?? null, username },
          meta,
          targetType: "user",
          targetId: user?.id ?? null,
          reason: `${attempt} failed sign-ins within ${LOCKOUT_WINDOW_MINUTES} minutes`,
          details: { lockedUntil: lockUntil.toISOString() },
        });
      }
    });
    throw new DomainError("AUTH_INVALID_CREDENTIALS", "wrong username or password");
  }
  if (user.status !== "active") {
    await recordAudit(ctx, ctx.db, {
      action: "auth.login",
      outcome: "denied",
      actor: { userId: user.id, username },
      meta,
      targetType: "user",
      targetId: user.id,
      reason: user.status === "disabled" ? "AUTH_ACCOUNT_DISABLED" : "AUTH_ACCOUNT_LOCKED",
    });
    throw new DomainError(
      user.status === "disabled" ? "AUTH_ACCOUNT_DISABLED" : "AUTH_ACCOUNT_LOCKED",
      `the account is ${user.status}`,
    );
  }
  return ctx.db.transaction().execute(async (trx) => {
    await insertLoginAttempt(trx, { username, ip: meta.ip, outcome: "success", at: now });
    if (!user.totp_enabled) {
      await clearLoginCounter(trx, username);
      return signedIn(ctx, trx, user, meta, await startSession(ctx, trx, user, "active", meta), { method: "password" });
    }
    // Password right; the session becomes usable only with the second factor (completeTotpLogin).
    // The failures counted so far stay until the sign-in completes: were they cleared here, anyone
    // holding the password could try five codes per sign-in for ever.
    await uncountLoginAttempt(trx, username, now);
    const sessionToken = await startSession(ctx, trx, user, "totp", meta);
    await recordAudit(ctx, trx, {
      action: "auth.login.password",
      outcome: "success",
      actor: { userId: user.id, username },
      meta,
      targetType: "user",
      targetId: user.id,
    });
    return { step: "totp" as const, sessionToken, csrfToken: csrfTokenFor(ctx, sessionToken) };
  });
}

/** Codes that may be tried on one pending sign-in; the fifth wrong one ends it (sign in again). */
export const TOTP_MAX_ATTEMPTS = 5;

/**
 * Second step: the TOTP code turns a password-only session into a full one. A code is a sign-in
 * attempt like a password: each one tried is counted towards the username's lockout before it is
 * checked (countLoginAttempt), so with the password known, five wrong codes in 15 minutes lock the
 * account — however many pending sign-ins they are spread over — and while it is locked even the
 * right code is refused. Only a completed sign-in clears the count. Each pending sign-in also takes a
 * numbered attempt from its session row (takeTotpAttempt) and ends after its fifth wrong code.
 */
export async function completeTotpLogin(
  ctx: AppContext,
  meta: RequestMeta,
  sessionToken: string,
  code: string,
): Promise<LoginResult> {
  const idHash = sha256(sessionToken);
  const session = await findSession(ctx.db, idHash);
  const now = ctx.now();
  if (
    !session ||
    session.revoked_at ||
    session.stage !== "totp" ||
    !isSessionAlive(toTimes(session), { idleMinutes: 5, absoluteHours: 1 }, now)
  ) {
    throw new DomainError("AUTH_REQUIRED", "sign in with your password first");
  }
  const user = await findUserById(ctx.db, session.user_id);
  if (!user?.totp_secret_enc) throw new DomainError("AUTH_REQUIRED", "sign in with your password first");
  const attempt = await takeTotpAttempt(ctx.db, idHash, TOTP_MAX_ATTEMPTS);
  if (attempt === undefined) throw new DomainError("AUTH_REQUIRED", "sign in with your password first");
  const counted = await countLoginAttempt(ctx.db, user.username, lockoutAt(now));
  if (!mayCheckPassword(counted.attempt, counted.lockedUntil, now)) {
    const until = counted.lockedUntil ?? lockUntilFrom(now);
    await ctx.db.transaction().execute(async (trx) => {
      await revokeSession(trx, idHash, now);
      await insertLoginAttempt(trx, { username: user.username, ip: meta.ip, outcome: "locked", at: now });
      await auditSelf(ctx, trx, user, meta, {
        action: "auth.login.totp",
        outcome: "denied",
        reason: "AUTH_ACCOUNT_LOCKED",
        details: { lockedUntil: until.toISOString() },
      });
    });
    throw lockedError(until, now);
  }
  const step = matchTotp(ctx.crypto.decrypt(user.totp_secret_enc), code, now, user.totp_last_step);
  if (step === undefined) {
    const last = attempt >= TOTP_MAX_ATTEMPTS;
    const lockUntil = lockUntilAfterFailedAttempt(counted.attempt, now);
    await ctx.db.transaction().execute(async (trx) => {
      await insertLoginAttempt(trx, { username: user.username, ip: meta.ip, outcome: "failure", at: now });
      await auditSelf(ctx, trx, user, meta, {
        action: "auth.login.totp",
        outcome: "failure",
        reason: lockUntil ? "AUTH_ACCOUNT_LOCKED" : last ? "AUTH_TOTP_TOO_MANY" : "AUTH_TOTP_INVALID",
        details: { attempt, failuresInWindow: counted.attempt },
      });
      // The pending sign-in is over after its last code, or when the account locks.
      if (last || lockUntil) await revokeSession(trx, idHash, now);
      if (lockUntil) {
        await lockLogin(trx, user.username, lockUntil);
        await auditSelf(ctx, trx, user, meta, {
          action: "auth.lockout",
          outcome: "success",
          reason: `${counted.attempt} failed sign-in steps within ${LOCKOUT_WINDOW_MINUTES} minutes`,
          details: { lockedUntil: lockUntil.toISOString(), lastStep: "totp" },
        });
      }
    });
    if (lockUntil) throw lockedError(lockUntil, now);
    if (last) {
      throw new DomainError("AUTH_TOTP_TOO_MANY", "too many wrong codes: sign in with your password again", {
        errors: [{ path: "code", message: "wrong code" }],
      });
    }
    throw new DomainError("AUTH_TOTP_INVALID", "the code is wrong or expired", {
      errors: [{ path: "code", message: "wrong code" }],
    });
  }
  return ctx.db.transaction().execute(async (trx) => {
    await updateUser(trx, user.id, { totp_last_step: step });
    await promoteSession(trx, idHash, now);
    // The whole sign-in has succeeded: only now are the failures before it forgotten.
    await clearLoginCounter(trx, user.username);
    return signedIn(ctx, trx, user, meta, sessionToken, { secondFactor: "totp" });
  });
}

function lockedError(until: Date, now: Date): DomainError {
  return new DomainError("AUTH_ACCOUNT_LOCKED", "too many failed sign-ins; try again later", {
    details: { retryAfterSeconds: Math.max(1, Math.ceil((until.getTime() - now.getTime()) / 1000)) },
  });
}

/** The end of every successful sign-in: audited, and answered with who the user is and what they must do first. */
async function signedIn(
  ctx: AppContext,
  trx: Transaction<DB>,
  user: AppUserRow,
  meta: RequestMeta,
  sessionToken: string,
  details: Record<string, unknown>,
): Promise<LoginResult> {
  await auditSelf(ctx, trx, user, meta, {
    action: "auth.login",
    outcome: "success",
    details,
  });
  const principal = await loadPrincipal(trx, user, "session");
  return {
    step: "done",
    sessionToken,
    csrfToken: csrfTokenFor(ctx, sessionToken),
    principal,
    restriction: restrictionFor(user, principal),
  };
}

function toTimes(s: SessionRow) {
  return { createdAt: s.created_at, lastSeenAt: s.last_seen_at };
}

/** The user behind a session cookie, or undefined when it is unknown, revoked, expired or half-done. */
export async function authenticateSession(ctx: AppContext, sessionToken: string): Promise<Authenticated | undefined> {
  const idHash = sha256(sessionToken);
  const session = await findSession(ctx.db, idHash);
  const now = ctx.now();
  if (
    !session ||
    session.revoked_at ||
    session.stage !== "active" ||
    !isSessionAlive(toTimes(session), ctx.config.session, now)
  ) {
    return undefined;
  }
  const user = await findUserById(ctx.db, session.user_id);
  if (user?.status !== "active") return undefined;
  // Writing last_seen_at on every request would turn reads into writes; once a minute is enough for a 30-minute idle limit.
  if (now.getTime() - session.last_seen_at.getTime() > 60_000) await touchSession(ctx.db, idHash, now);
  const principal = await loadPrincipal(ctx.db, user, "session");
  return {
    principal,
    restriction: restrictionFor(user, principal),
    session,
    csrfToken: csrfTokenFor(ctx, sessionToken),
  };
}

/**
 * Who a session or an API token stands for now, for a response that outlives its request (the live
 * inbox re-checks whom it serves): undefined once it is revoked or expired or the account is not
 * active. Unlike a request, asking does not count as activity: the session's idle timeout runs on.
 */
export async function currentPrincipal(
  ctx: AppContext,
  credential: { sessionToken: string } | { bearerToken: string },
): Promise<Principal | undefined> {
  if ("bearerToken" in credential) return (await authenticateBearer(ctx, credential.bearerToken))?.principal;
  const session = await findSession(ctx.db, sha256(credential.sessionToken));
  if (
    !session ||
    session.revoked_at ||
    session.stage !== "active" ||
    !isSessionAlive(toTimes(session), ctx.config.session, ctx.now())
  )
    return undefined;
  const user = await findUserById(ctx.db, session.user_id);
  return user?.status === "active" ? loadPrincipal(ctx.db, user, "session") : undefined;
}

/** Ends a session; the sign-out is audited when the cookie still named a live session. */
export async function logout(ctx: AppContext, meta: RequestMeta, sessionToken: string): Promise<void> {
  const signedInAs = await authenticateSession(ctx, sessionToken);
  await ctx.db.transaction().execute(async (trx) => {
    await revokeSession(trx, sha256(sessionToken), ctx.now());
    if (signedInAs) {
      const { principal } = signedInAs;
      await recordAudit(ctx, trx, {
        action: "auth.logout",
        outcome: "success",
        actor: { userId: principal.userId, username: principal.username },
        meta,
        targetType: "user",
        targetId: principal.userId,
      });
    }
  });
}

/**
 * Everything that signs a user in without their password: sessions and API tokens. Ended when
 * someone else resets the password or the account is locked or disabled, so a stolen token does not
 * outlive the reset meant to shut its thief out.
 */
export async function revokeCredentials(ctx: AppContext, trx: Transaction<DB>, userId: string): Promise<void> {
  const now = ctx.now();
  await revokeSessionsOfUser(trx, userId, now);
  await revokeApiTokensOfUser(trx, userId, now);
}

// ---- API tokens -------------------------------------------------------------------------------

const TOKEN_PREFIX = "wgt_";

export interface ApiTokenView {
  id: string;
  name: string;
  prefix: string;
  expiresAt: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

function toTokenView(row: Awaited<ReturnType<typeof findApiTokenById>> & object): ApiTokenView {
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    expiresAt: row.expires_at.toISOString(),
    createdAt: row.created_at.toISOString(),
    lastUsedAt: row.last_used_at?.toISOString() ?? null,
    revokedAt: row.revoked_at?.toISOString() ?? null,
  };
}

/** A personal token for scripts. Shown once; only its SHA-256 is stored. A retry (same id) does not show it again. */
export async function createApiToken(
  ctx: AppContext,
  principal: Principal,
  meta: RequestMeta,
  input: { id: string; name: string; expiresInDays: number },
): Promise<{ token: string | null; view: ApiTokenView; created: boolean }> {
  // A token that could mint tokens would outlive its own expiry and revocation.
  if (principal.via !== "session")
    throw new DomainError("AUTH_SESSION_REQUIRED", "API tokens are created from a signed-in session, not with a token");
  const existing = await findApiTokenById(ctx.db, input.id);
  if (existing) return { token: null, view: toTokenView(retriedToken(principal, existing, input)), created: false };
  const secret = newSecret();
  const prefix = secret.slice(0, 8);
  const token = `${TOKEN_PREFIX}${secret}`;
  const now = ctx.now();
  const row = await ctx.db.transaction().execute(async (trx) => {
    const inserted = await insertApiToken(trx, {
      id: input.id,
      user_id: principal.userId,
      name: input.name.trim(),
      token_hash: sha256(token),
      prefix: `${TOKEN_PREFIX}${prefix}`,
      expires_at: new Date(now.getTime() + input.expiresInDays * 86_400_000),
    });
    await recordAudit(ctx, trx, {
      action: "auth.token.create",
      outcome: "success",
      actor: { userId: principal.userId, username: principal.username },
      meta,
      targetType: "api_token",
      targetId: input.id,
      details: { name: input.name, expiresInDays: input.expiresInDays },
    });
    return inserted;
  });
  if (!row) {
    // The same id created at once by another request: answered as that one's retry, or refused as above.
    const other = (await findApiTokenById(ctx.db, input.id)) as ApiTokenRow;
    return { token: null, view: toTokenView(retriedToken(principal, other, input)), created: false };
  }
  return { token, view: toTokenView(row), created: true };
}

/**
 * The stored token a create with its id retries — or the refusal: a conflict if it is the caller's
 * own (another name), else the answer a revocation of that id gives (not found), since only its owner
 * sees a token and a conflict would tell that it exists.
 */
function retriedToken(principal: Principal, existing: ApiTokenRow, input: { id: string; name: string }): ApiTokenRow {
  if (existing.user_id !== principal.userId) throw new DomainError("RESOURCE_NOT_FOUND", `no token ${input.id}`);
  if (existing.name !== input.name) throw new DomainError("USER_ID_CONFLICT", `token id ${input.id} is taken`);
  return existing;
}

export async function listApiTokens(ctx: AppContext, principal: Principal): Promise<ApiTokenView[]> {
  return (await listApiTokensOfUser(ctx.db, principal.userId)).map(toTokenView);
}

export async function revokeApiToken(
  ctx: AppContext,
  principal: Principal,
  meta: RequestMeta,
  id: string,
): Promise<void> {
  const row = await findApiTokenById(ctx.db, id);
  if (!row || row.user_id !== principal.userId) throw new DomainError("RESOURCE_NOT_FOUND", `no token ${id}`);
  await ctx.db.transaction().execute(async (trx) => {
    await revokeApiTokenRow(trx, id, ctx.now());
    await recordAudit(ctx, trx, {
      action: "auth.token.revoke",
      outcome: "success",
      actor: { userId: principal.userId, username: principal.username },
      meta,
      targetType: "api_token",
      targetId: id,
    });
  });
}

export async function authenticateBearer(ctx: AppContext, token: string): Promise<Authenticated | undefined> {
  if (!token.startsWith(TOKEN_PREFIX)) return undefined;
  const row = await findApiTokenByHash(ctx.db, sha256(token));
  const now = ctx.now();
  if (!row || row.revoked_at || row.expires_at <= now || !constantTimeEqual(row.token_hash, sha256(token)))
    return undefined;
  const user = await findUserById(ctx.db, row.user_id);
  if (user?.status !== "active") return undefined;
  if (!row.last_used_at || now.getTime() - row.last_used_at.getTime() > 60_000)
    await markApiTokenUsed(ctx.db, row.id, now);
  return { principal: await loadPrincipal(ctx.db, user, "token"), restriction: null };
}

// ---- Own password and TOTP --------------------------------------------------------------------

export async function changePassword(
  ctx: AppContext,
  principal: Principal,
  meta: RequestMeta,
  input: { currentPassword: string; newPassword: string },
  currentSessionToken: string | undefined,
): Promise<void> {
  const user = await findUserById(ctx.db, principal.userId);
  if (!user) throw new DomainError("AUTH_REQUIRED", "sign in again");
  if (!(await verifyPassword(user.password_hash, input.currentPassword))) {
    await auditSelf(ctx, ctx.db, user, meta, {
      action: "auth.password.change",
      outcome: "failure",
      reason: "AUTH_PASSWORD_WRONG",
    });
    throw new DomainError("AUTH_PASSWORD_WRONG", "the current password is wrong", {
      errors: [{ path: "currentPassword", message: "wrong password" }],
    });
  }
  const errors = passwordIssues(input.newPassword, user.username, "newPassword");
  if (input.newPassword === input.currentPassword)
    errors.push({ path: "newPassword", message: "must differ from the current password" });
  if (errors.length > 0)
    throw new DomainError("VALIDATION_FAILED", "the new password does not meet the policy", { errors });
  const passwordHash = await hashPassword(input.newPassword);
  await ctx.db.transaction().execute(async (trx) => {
    await updateUser(trx, user.id, {
      password_hash: passwordHash,
      must_change_password: false,
      password_changed_at: ctx.now(),
      updated_at: ctx.now(),
    });
    await revokeSessionsOfUser(trx, user.id, ctx.now(), currentSessionToken ? sha256(currentSessionToken) : undefined);
    await auditSelf(ctx, trx, user, meta, {
      action: "auth.password.change",
      outcome: "success",
    });
  });
}

export async function beginTotpSetup(
  ctx: AppContext,
  principal: Principal,
): Promise<{ secret: string; otpauthUri: string }> {
  const user = await findUserById(ctx.db, principal.userId);
  if (!user) throw new DomainError("AUTH_REQUIRED", "sign in again");
  if (user.totp_enabled) throw new DomainError("AUTH_TOTP_ALREADY_ENABLED", "a second factor is already set up");
  const secret = generateTotpSecret();
  await updateUser(ctx.db, user.id, { totp_secret_enc: ctx.crypto.encrypt(secret), updated_at: ctx.now() });
  return { secret, otpauthUri: otpauthUri(secret, user.username) };
}

export async function enableTotp(
  ctx: AppContext,
  principal: Principal,
  meta: RequestMeta,
  code: string,
): Promise<void> {
  const user = await findUserById(ctx.db, principal.userId);
  if (!user?.totp_secret_enc)
    throw new DomainError("AUTH_TOTP_INVALID", "start the setup first", {
      errors: [{ path: "code", message: "no setup in progress" }],
    });
  if (user.totp_enabled) throw new DomainError("AUTH_TOTP_ALREADY_ENABLED", "a second factor is already set up");
  const step = matchTotp(ctx.crypto.decrypt(user.totp_secret_enc), code, ctx.now(), null);
  if (step === undefined)
    throw new DomainError("AUTH_TOTP_INVALID", "the code is wrong or expired", {
      errors: [{ path: "code", message: "wrong code" }],
    });
  await ctx.db.transaction().execute(async (trx) => {
    await updateUser(trx, user.id, { totp_enabled: true, totp_last_step: step, updated_at: ctx.now() });
    await auditSelf(ctx, trx, user, meta, {
      action: "auth.totp.enable",
      outcome: "success",
    });
  });
}

// ---- Residents: one-time codes by SMS ----------------------------------------------------------

const OTP_TTL_MINUTES = 5;
const OTP_MAX_PER_HOUR = 5;
const OTP_MAX_ATTEMPTS = 5;

/** Sends a code to a mainland mobile number. The answer is the same whether or not the number is known. */
export async function requestOtp(
  ctx: AppContext,
  meta: RequestMeta,
  input: { phone: string },
): Promise<{ expiresInSeconds: number }> {
  const phone = normalizeMobile(input.phone);
  if (!phone) {
    throw new DomainError("VALIDATION_FAILED", "not a mainland mobile number", {
      errors: [{ path: "body.phone", message: "must be an 11-digit mobile number" }],
    });
  }
  if (ctx.sms.kind === "none") {
    throw new DomainError(
      "AUTH_SMS_UNAVAILABLE",
      "sign-in by SMS code is not available: this server has no SMS gateway configured",
    );
  }
  const bidx = ctx.crypto.blindIndex(phone);
  const now = ctx.now();
  if ((await countOtpChallengesSince(ctx.db, bidx, new Date(now.getTime() - 3_600_000))) >= OTP_MAX_PER_HOUR) {
    throw new DomainError("AUTH_OTP_TOO_MANY", "too many codes for this number; try again in an hour");
  }
  const code = randomInt(0, 1_000_000).toString().padStart(6, "0");
  const id = uuidv7(now.getTime());
  await ctx.db.transaction().execute(async (trx) => {
    await insertOtpChallenge(trx, {
      id,
      phone_bidx: bidx,
      code_hash: ctx.crypto.mac(`otp:${id}:${code}`),
      created_at: now,
      expires_at: new Date(now.getTime() + OTP_TTL_MINUTES * 60_000),
    });
    await recordAudit(ctx, trx, {
      action: "auth.otp.request",
      outcome: "success",
      meta,
      targetType: "phone",
      targetId: maskPhone(phone),
    });
  });
  await ctx.sms.send(phone, `【网格】验证码 ${code}，${OTP_TTL_MINUTES} 分钟内有效。如非本人操作请忽略。`);
  return { expiresInSeconds: OTP_TTL_MINUTES * 60 };
}

type OtpSignIn =
  | { result: LoginResult }
  | { refused: "AUTH_OTP_STAFF_ACCOUNT" | "AUTH_ACCOUNT_DISABLED" | "AUTH_ACCOUNT_LOCKED"; user: AppUserRow };

/**
 * Checks a code and signs the resident in, creating their resident account on first use. A right code
 * for a number that is a staff account's, or an account that is not active, is refused saying so.
 */
export async function verifyOtp(
  ctx: AppContext,
  meta: RequestMeta,
  input: { phone: string; code: string },
): Promise<LoginResult> {
  const phone = normalizeMobile(input.phone);
  const invalid = () =>
    new DomainError("AUTH_OTP_INVALID", "the code is wrong, used or expired", {
      errors: [{ path: "body.code", message: "wrong code" }],
    });
  if (!phone) throw invalid();
  const bidx = ctx.crypto.blindIndex(phone);
  const now = ctx.now();
  const outcome = await ctx.db.transaction().execute(async (trx) => {
    const challenge = await findLatestOtpChallenge(trx, bidx, now);
    if (!challenge || challenge.attempts >= OTP_MAX_ATTEMPTS) return "invalid" as const;
    if (!constantTimeEqual(challenge.code_hash, ctx.crypto.mac(`otp:${challenge.id}:${input.code}`))) {
      await updateOtpChallenge(trx, challenge.id, { attempts: challenge.attempts + 1 });
      return "invalid" as const;
    }
    await updateOtpChallenge(trx, challenge.id, { consumed_at: now });
    return "ok" as const;
  });
  if (outcome === "invalid") {
    await recordAudit(ctx, ctx.db, {
      action: "auth.otp.verify",
      outcome: "failure",
      meta,
      targetType: "phone",
      targetId: maskPhone(phone),
    });
    throw invalid();
  }
  const signIn = await ctx.db.transaction().execute(async (trx): Promise<OtpSignIn> => {
    // One account per number (app_user_phone_bidx_key): the resident's, or made now.
    const user = (await findAccountByPhoneIndex(trx, bidx)) ?? (await createResidentAccount(ctx, trx, phone, meta));
    const principal = await loadPrincipal(trx, user, "session");
    // Staff sign in with password (and TOTP); a code sent to a phone is not enough for them.
    if (!principal.assignments.every((a) => a.roleKey === "resident"))
      return { refused: "AUTH_OTP_STAFF_ACCOUNT", user };
    if (user.status !== "active")
      return {
        refused: user.status === "disabled" ? "AUTH_ACCOUNT_DISABLED" : "AUTH_ACCOUNT_LOCKED",
        user,
      };
    const sessionToken = await startSession(ctx, trx, user, "active", meta);
    return { result: await signedIn(ctx, trx, user, meta, sessionToken, { method: "otp" }) };
  });
  if (!("refused" in signIn)) return signIn.result;
  // The code was right, so whoever sent it holds the phone: they are told why, which tells nobody
  // else anything (a resident whose number was given to a staff account learns to ask for it back).
  await recordAudit(ctx, ctx.db, {
    action: "auth.otp.verify",
    outcome: "denied",
    meta,
    targetType: "user",
    targetId: signIn.user.id,
    reason: signIn.refused,
  });
  throw new DomainError(
    signIn.refused,
    signIn.refused === "AUTH_OTP_STAFF_ACCOUNT"
      ? "this mobile number is a staff account's: sign in with its username and password, or ask the administrator to give the staff account its own number"
      : `the account of this mobile number is ${signIn.user.status}`,
  );
}

/** Lifts a sign-in lockout (an admin re-enabling an account). */
export async function clearLoginLock(ctx: AppContext, username: string): Promise<void> {
  await clearLoginCounter(ctx.db, normalizeUsername(username));
}

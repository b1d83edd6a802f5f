import {
  DomainError,
  fieldIssue,
  isSessionAlive,
  LOCKOUT_MAX_FAILURES,
  LOCKOUT_WINDOW_MINUTES,
  lockoutWindowStart,
  lockUntilAfterFailedAttempt,
  lockUntilFrom,
  mayCheckPassword,
  type Principal,
} from "@wangge/core";
import type { Transaction } from "kysely";
import type { AppContext, RequestMeta } from "../../context.ts";
import { sha256 } from "../../crypto/digest.ts";
import type { DB } from "../../db/schema.ts";
import { recordAudit } from "../audit/audit.service.ts";
import {
  findAccountByUsername,
  findAccount as findUserById,
  loadPrincipal,
  normalizeUsername,
  updateCredentials as updateUser,
} from "../users/users.service.ts";
import { authenticateBearer } from "./api-tokens.service.ts";

export { systemPrincipal } from "@wangge/core";

import {
  clearLoginCounter,
  countLoginAttempt,
  findSession,
  insertLoginAttempt,
  lockLogin,
  promoteSession,
  revokeApiTokensOfUser,
  revokeSession,
  revokeSessionsOfUser,
  takeTotpAttempt,
  uncountLoginAttempt,
} from "./auth.queries.ts";
import { verifyPassword } from "./password-hasher.ts";
import { auditSelf, csrfTokenFor, type LoginResult, signedIn, startSession, toTimes } from "./sessions.service.ts";
import { matchTotp } from "./totp.ts";

/**
 * Sign-in with a password (argon2id) and lockout, and the optional TOTP second factor (mandatory per
 * role when an admin says so); ending everything that signs a user in when someone else resets their
 * password. Sessions are sessions.service.ts, personal API tokens api-tokens.service.ts, one's own
 * password and second factor own-credentials.service.ts, residents' one-time codes by SMS
 * sms-sign-in.service.ts. Secrets are stored only as hashes; every sign-in, failure, lockout and token
 * change is audited.
 */

/** The lockout rule's instants for an attempt made now (core/auth/lockout.ts). */
export function lockoutAt(now: Date) {
  return { now, windowStart: lockoutWindowStart(now), lockUntil: lockUntilFrom(now), max: LOCKOUT_MAX_FAILURES };
}

/**
 * Password sign-in. Unknown users and wrong passwords get the same error after the same argon2 work.
 * Five failures within 15 minutes — wrong passwords (here, or the current one asked for by a password
 * change: own-credentials.service.ts) and wrong second-factor codes alike — lock the username for 15
 * minutes; while locked, even the right password is refused, and each refused
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
        errors: [fieldIssue("code", "FIELD_WRONG_CODE")],
      });
    }
    throw new DomainError("AUTH_TOTP_INVALID", "the code is wrong or expired", {
      errors: [fieldIssue("code", "FIELD_WRONG_CODE")],
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

export function lockedError(until: Date, now: Date): DomainError {
  return new DomainError("AUTH_ACCOUNT_LOCKED", "too many failed sign-ins; try again later", {
    details: { retryAfterSeconds: Math.max(1, Math.ceil((until.getTime() - now.getTime()) / 1000)) },
  });
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

/** Lifts a sign-in lockout (an admin re-enabling an account). */
export async function clearLoginLock(ctx: AppContext, username: string): Promise<void> {
  await clearLoginCounter(ctx.db, normalizeUsername(username));
}

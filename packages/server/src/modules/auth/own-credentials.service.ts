import {
  DomainError,
  fieldIssue,
  LOCKOUT_WINDOW_MINUTES,
  lockUntilAfterFailedAttempt,
  lockUntilFrom,
  mayCheckPassword,
  type Principal,
  passwordIssues,
} from "@wangge/core";
import type { AppContext, RequestMeta } from "../../context.ts";
import { sha256 } from "../../crypto/digest.ts";
import { findAccount as findUserById, updateCredentials as updateUser } from "../users/users.service.ts";
import {
  countLoginAttempt,
  insertLoginAttempt,
  lockLogin,
  revokeSessionsOfUser,
  uncountLoginAttempt,
} from "./auth.queries.ts";
import { lockedError, lockoutAt } from "./auth.service.ts";
import { hashPassword, verifyPassword } from "./password-hasher.ts";
import { auditSelf } from "./sessions.service.ts";
import { generateTotpSecret, matchTotp, otpauthUri } from "./totp.ts";

/**
 * What a signed-in user does with their own credentials: change the password (the current one is
 * checked like a sign-in's, counted towards the lockout) and set up a TOTP second factor.
 */
export async function changePassword(
  ctx: AppContext,
  principal: Principal,
  meta: RequestMeta,
  input: { currentPassword: string; newPassword: string },
  currentSessionToken: string | undefined,
): Promise<void> {
  const user = await findUserById(ctx.db, principal.userId);
  if (!user) throw new DomainError("AUTH_REQUIRED", "sign in again");
  // The current password is checked like a sign-in's: counted towards the lockout before it is
  // checked, or a stolen session could try passwords here without end.
  const now = ctx.now();
  const counted = await countLoginAttempt(ctx.db, user.username, lockoutAt(now));
  if (!mayCheckPassword(counted.attempt, counted.lockedUntil, now)) {
    await verifyPassword(null, input.currentPassword);
    await auditSelf(ctx, ctx.db, user, meta, {
      action: "auth.password.change",
      outcome: "denied",
      reason: "AUTH_ACCOUNT_LOCKED",
    });
    throw lockedError(counted.lockedUntil ?? lockUntilFrom(now), now);
  }
  if (!(await verifyPassword(user.password_hash, input.currentPassword))) {
    const lockUntil = lockUntilAfterFailedAttempt(counted.attempt, now);
    await ctx.db.transaction().execute(async (trx) => {
      await insertLoginAttempt(trx, { username: user.username, ip: meta.ip, outcome: "failure", at: now });
      await auditSelf(ctx, trx, user, meta, {
        action: "auth.password.change",
        outcome: "failure",
        reason: "AUTH_PASSWORD_WRONG",
        details: { failuresInWindow: counted.attempt },
      });
      if (lockUntil) {
        await lockLogin(trx, user.username, lockUntil);
        await auditSelf(ctx, trx, user, meta, {
          action: "auth.lockout",
          outcome: "success",
          reason: `${counted.attempt} failed sign-in steps within ${LOCKOUT_WINDOW_MINUTES} minutes`,
          details: { lockedUntil: lockUntil.toISOString(), lastStep: "password.change" },
        });
      }
    });
    if (lockUntil) throw lockedError(lockUntil, now);
    throw new DomainError("AUTH_PASSWORD_WRONG", "the current password is wrong", {
      errors: [fieldIssue("currentPassword", "FIELD_WRONG_PASSWORD")],
    });
  }
  await uncountLoginAttempt(ctx.db, user.username, now);
  const errors = passwordIssues(input.newPassword, user.username, "newPassword");
  if (input.newPassword === input.currentPassword) errors.push(fieldIssue("newPassword", "FIELD_PASSWORD_SAME"));
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
      errors: [fieldIssue("code", "FIELD_NO_TOTP_SETUP")],
    });
  if (user.totp_enabled) throw new DomainError("AUTH_TOTP_ALREADY_ENABLED", "a second factor is already set up");
  const step = matchTotp(ctx.crypto.decrypt(user.totp_secret_enc), code, ctx.now(), null);
  if (step === undefined)
    throw new DomainError("AUTH_TOTP_INVALID", "the code is wrong or expired", {
      errors: [fieldIssue("code", "FIELD_WRONG_CODE")],
    });
  await ctx.db.transaction().execute(async (trx) => {
    await updateUser(trx, user.id, { totp_enabled: true, totp_last_step: step, updated_at: ctx.now() });
    await auditSelf(ctx, trx, user, meta, {
      action: "auth.totp.enable",
      outcome: "success",
    });
  });
}

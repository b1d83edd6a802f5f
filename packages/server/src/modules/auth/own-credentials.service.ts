import { DomainError, type Principal, passwordIssues } from "@wangge/core";
import type { AppContext, RequestMeta } from "../../context.ts";
import { sha256 } from "../../crypto/digest.ts";
import { findAccount as findUserById, updateCredentials as updateUser } from "../users/users.service.ts";
import { revokeSessionsOfUser } from "./auth.queries.ts";
import { hashPassword, verifyPassword } from "./password-hasher.ts";
import { auditSelf } from "./sessions.service.ts";
import { generateTotpSecret, matchTotp, otpauthUri } from "./totp.ts";

/**
 * What a signed-in user does with their own credentials: change the password and set up a TOTP
 * second factor.
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

import { randomInt } from "node:crypto";
import { DomainError, fieldIssue, maskPhone, normalizeMobile } from "@wangge/core";
import type { AppContext, RequestMeta } from "../../context.ts";
import { constantTimeEqual } from "../../crypto/field-crypto.ts";
import { uuidv7 } from "../../ids.ts";
import { recordAudit } from "../audit/audit.service.ts";
import { createResidentAccount, findAccountByPhoneIndex, loadPrincipal } from "../users/users.service.ts";
import type { AppUserRow } from "../users/users.table.ts";
import {
  countOtpChallengesSince,
  findLatestOtpChallenge,
  insertOtpChallenge,
  updateOtpChallenge,
} from "./auth.queries.ts";
import { type LoginResult, signedIn, startSession } from "./sessions.service.ts";

/**
 * Residents sign in with a one-time code sent by SMS to their mainland mobile number; their account
 * (the resident role, no password) is made at their first sign-in. Codes are stored only as MACs,
 * five an hour per number, five tries each, valid five minutes.
 */
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
      errors: [fieldIssue("body.phone", "FIELD_MOBILE_FORM")],
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
      errors: [fieldIssue("body.code", "FIELD_WRONG_CODE")],
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

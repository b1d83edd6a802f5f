import { authorId, DomainError, fieldIssue, maskPhone, type Principal } from "@wangge/core";
import type { AppContext, RequestMeta } from "../../context.ts";
import { recordAudit } from "../audit/audit.service.ts";
import { findRegisteredNumber } from "../registry/number-lookups.ts";
import { canSeeAccount } from "./user-access.service.ts";
import { findUserByPhoneIndex, listAccountsSharingPhones } from "./users.queries.ts";
import type { AppUserRow } from "./users.table.ts";

/**
 * One mobile number per account. A number is how a resident signs in (an SMS code) and how a staff
 * roster recognises a person, so two accounts with one number made one of them unreachable: a
 * mediator account given a resident's number kept the resident out of the resident app for good.
 * The database holds the rule (a unique index on the number's blind index); this file answers an
 * account manager who gives an account a number another account holds — without making the answer
 * an oracle for numbers outside their sight. As with the registry's numbers (registry-work.ts): the
 * holder is named only to who may see that account (USER_PHONE_TAKEN), anyone else is told the same
 * words wherever it is (USER_PHONE_REFUSED); every refusal is audited, and a number found taken is
 * drawn from the user's allowance of look-ups by number (registry/number-lookups.ts).
 */
export const PHONE_REFUSED = "this mobile number cannot be used for this account; ask the deployment's administrator";

export interface PhoneAttempt {
  /** The audit action of the change (user.create, user.update). */
  action: string;
  /** The account that is to get the number (a new account's id). */
  userId: string;
  /** The number, normalised, and its blind index. */
  phone: string;
  bidx: string;
  /** The field a refusal names. */
  path: string;
}

/** Refuses a number another account holds, within the caller's allowance of look-ups by number. */
export async function assertPhoneFree(
  ctx: AppContext,
  actor: Principal,
  meta: RequestMeta,
  attempt: PhoneAttempt,
): Promise<void> {
  const holder = await findRegisteredNumber(
    ctx,
    actor,
    meta,
    { kind: "phone", index: attempt.bidx, masked: maskPhone(attempt.phone) },
    { action: attempt.action, path: attempt.path, countMiss: false },
    async (trx) => {
      const found = await findUserByPhoneIndex(trx, attempt.bidx);
      return found && found.id !== attempt.userId ? found : undefined;
    },
  );
  if (holder) throw await phoneRefusal(ctx, actor, meta, attempt, holder);
}

/**
 * The refusal of a number `holder` has (found by assertPhoneFree, or by the unique index when two
 * requests gave it at once), audited as denied with the number's blind index and the holder.
 */
export async function phoneRefusal(
  ctx: AppContext,
  actor: Principal,
  meta: RequestMeta,
  attempt: PhoneAttempt,
  holder?: AppUserRow,
): Promise<DomainError> {
  const owner = holder ?? (await findUserByPhoneIndex(ctx.db, attempt.bidx));
  const visible = owner ? await canSeeAccount(ctx, actor, owner.id) : false;
  await recordAudit(ctx, ctx.db, {
    action: attempt.action,
    outcome: "denied",
    actor: { userId: authorId(actor), username: actor.username },
    meta,
    targetType: "user",
    targetId: attempt.userId,
    reason: "the mobile number belongs to another account",
    details: { by: "phone", index: attempt.bidx, masked: maskPhone(attempt.phone), holder: owner?.id ?? null },
  });
  if (!visible || !owner)
    return new DomainError("USER_PHONE_REFUSED", PHONE_REFUSED, {
      errors: [fieldIssue(attempt.path, "FIELD_PHONE_REFUSED")],
    });
  return new DomainError("USER_PHONE_TAKEN", `the mobile number is already account ${owner.username}'s`, {
    errors: [fieldIssue(attempt.path, "FIELD_PHONE_OF_ACCOUNT", { username: owner.username })],
  });
}

/** At start: accounts that kept a number another account holds (see the migration) are named in the log. */
export async function warnAboutSharedPhones(ctx: Pick<AppContext, "db" | "log">): Promise<void> {
  const accounts = await listAccountsSharingPhones(ctx.db, 50);
  if (accounts.length > 0)
    ctx.log.warn(
      { accounts },
      "these accounts keep a mobile number another account holds (set aside when numbers became one per account): they are not found by it at SMS sign-in or in staff rosters; give each a number of its own, or none",
    );
}

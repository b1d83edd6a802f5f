import { authorId, DomainError, fieldIssue, type Principal } from "@wangge/core";
import type { Transaction } from "kysely";
import type { AppContext, RequestMeta } from "../../context.ts";
import type { DB } from "../../db/schema.ts";
import { recordAudit } from "../audit/audit.service.ts";
import { countRecentLookups, lockLookupsOf, recordLookup } from "./registry.queries.ts";

/**
 * Look-ups of the registry by an exact number a user typed — ID or phone number, household number —
 * which could be used to find out whether someone is registered anywhere in the deployment. They draw
 * on one allowance per user (WANGGE_NUMBER_SEARCHES per WANGGE_NUMBER_SEARCH_MINUTES): a search by
 * number always; a registration when the number is already registered (the refusal tells that much),
 * and a correction of an ID number whatever it finds (it costs nothing to try another). Once the
 * allowance is spent, every such search, registration and correction is refused until the window
 * moves on — were only the registered numbers refused, the refusal would still tell them apart.
 * An import draws on it too, for each row refused because a record out of the importer's work holds
 * its number (people-import-checks.ts). Counted under a lock of the user's own, so parallel requests
 * cannot slip under the limit.
 */
export interface NumberSought {
  kind: "idNumber" | "phone" | "householdRef";
  /** The blind index of an ID or phone number; a household number as it is stored. */
  index: string;
  /** What the audit trail may show of the number. */
  masked: string;
}

interface LookupUse {
  /** The audit action of a refusal for having no look-ups left. */
  action: string;
  /** The field a refusal names. */
  path: string;
}

/** A search by number: one look-up from the allowance, or PERSON_NUMBER_SEARCH_LIMITED (audited). */
export async function takeNumberLookup(
  ctx: AppContext,
  actor: Principal,
  meta: RequestMeta,
  number: NumberSought,
  use: LookupUse,
): Promise<void> {
  const outcome = await lookUp(ctx, actor, async () => true, true);
  if (outcome === "limited") throw await limited(ctx, actor, meta, number, use);
}

/**
 * Whether a number given in a registration or a correction is already registered (`find`), asked
 * within the user's allowance: refused (429, audited) once it is spent; counted when something is
 * found, or always with `countMiss`.
 */
export async function findRegisteredNumber<T>(
  ctx: AppContext,
  actor: Principal,
  meta: RequestMeta,
  number: NumberSought,
  use: LookupUse & { countMiss: boolean },
  find: (db: Transaction<DB>) => Promise<T | undefined>,
): Promise<T | undefined> {
  const outcome = await lookUp(ctx, actor, find, use.countMiss);
  if (outcome === "limited") throw await limited(ctx, actor, meta, number, use);
  return outcome ?? undefined;
}

/**
 * Look-ups by number in bulk (an import): `decide` is told how many are left in the user's allowance
 * (Infinity for the CLI and the system, which have none) and answers how many it takes — no more than
 * it was told — which are recorded before anyone else's look-up is counted.
 */
export async function drawNumberLookups(
  ctx: AppContext,
  actor: Principal,
  decide: (left: number) => number,
): Promise<void> {
  const userId = authorId(actor);
  if (!userId) {
    decide(Number.POSITIVE_INFINITY);
    return;
  }
  const { limit, windowMinutes } = ctx.config.numberSearch;
  const now = ctx.now();
  const since = new Date(now.getTime() - windowMinutes * 60_000);
  await ctx.db.transaction().execute(async (trx) => {
    await lockLookupsOf(trx, userId);
    const left = Math.max(0, limit - (await countRecentLookups(trx, userId, since)));
    const taken = Math.min(left, Math.max(0, decide(left)));
    if (taken > 0) await recordLookup(trx, userId, now, since, taken);
  });
}

async function lookUp<T>(
  ctx: AppContext,
  actor: Principal,
  find: (db: Transaction<DB>) => Promise<T | undefined>,
  countMiss: boolean,
): Promise<T | undefined | "limited"> {
  const userId = authorId(actor);
  const { limit, windowMinutes } = ctx.config.numberSearch;
  const now = ctx.now();
  const since = new Date(now.getTime() - windowMinutes * 60_000);
  return ctx.db.transaction().execute(async (trx) => {
    // The CLI and the system act on the server itself: no allowance to count.
    if (!userId) return find(trx);
    await lockLookupsOf(trx, userId);
    if ((await countRecentLookups(trx, userId, since)) >= limit) return "limited" as const;
    const found = await find(trx);
    if (found !== undefined || countMiss) await recordLookup(trx, userId, now, since);
    return found;
  });
}

async function limited(ctx: AppContext, actor: Principal, meta: RequestMeta, number: NumberSought, use: LookupUse) {
  const { limit, windowMinutes } = ctx.config.numberSearch;
  await recordAudit(ctx, ctx.db, {
    action: use.action,
    outcome: "denied",
    actor: { userId: authorId(actor), username: actor.username },
    meta,
    targetType: "person",
    reason: `more than ${limit} look-ups by number in ${windowMinutes} minutes`,
    details: { by: number.kind, index: number.index, masked: number.masked },
  });
  return new DomainError(
    "PERSON_NUMBER_SEARCH_LIMITED",
    `at most ${limit} look-ups by ID, phone or household number in ${windowMinutes} minutes`,
    { errors: [fieldIssue(use.path, "FIELD_TRY_LATER")] },
  );
}

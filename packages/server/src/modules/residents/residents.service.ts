import {
  authorId,
  checkIdNumber,
  DomainError,
  fieldIssue,
  isWithin,
  maskPublicName,
  type Principal,
  redactPersonalNumbers,
} from "@wangge/core";
import type { AppContext, RequestMeta } from "../../context.ts";
import { uuidv7 } from "../../ids.ts";
import { recordAudit } from "../audit/audit.service.ts";
import { idIndex } from "../registry/registry-fields.ts";
import { householdPayments } from "../subsidies/payments.service.ts";
import {
  deleteLink,
  findHousehold,
  findLinkOfPerson,
  findLinkOfUser,
  findPeopleByIdIndex,
  insertLink,
  insertLinkAttempt,
  listAccessOf,
  listFailedAttempts,
  listHouseholdMembers,
  listPostsOf,
  listRoleNames,
  lockLinkAttempts,
} from "./residents.queries.ts";

/**
 * A resident's link to their registry record (issue #19 item 1). The resident, signed in by phone and
 * SMS code, gives their name and ID number; the number is looked up by its blind index (never
 * decrypted to compare) and the name compared with the record's. A wrong name and an unknown number
 * are answered alike, cost alike and count alike: five failures in a day lock linking for the account
 * AND for the number tried, so neither many accounts against one number nor one account against many
 * numbers can be used to learn who is registered. Attempts of one account and of one number run one
 * at a time (advisory locks), so parallel tries cannot slip past the limit and two accounts linking
 * one record in parallel: one wins. Every link, failure and unlink is audited.
 */
export const LINK_FAILURES_ALLOWED = 5;
export const LINK_LOCK_HOURS = 24;

const noMatch = () =>
  new DomainError("RESIDENT_LINK_NO_MATCH", "the name and ID number match no registered record", {
    errors: [fieldIssue("body.idNumber", "RESIDENT_FIELD_NO_MATCH")],
  });
const locked = () =>
  new DomainError("RESIDENT_LINK_LOCKED", "linking is locked for a day after five failed attempts", {
    errors: [fieldIssue("body.idNumber", "FIELD_TRY_LATER")],
  });
const notLinked = () => new DomainError("RESIDENT_NOT_LINKED", "link your registry record first");

/** Names compare as people type them: spaces and width differences do not count. */
const sameName = (a: string, b: string) =>
  a.normalize("NFKC").replace(/\s+/g, "") === b.normalize("NFKC").replace(/\s+/g, "");

const lockedUntil = (failures: Date[]) =>
  failures.length >= LINK_FAILURES_ALLOWED
    ? new Date((failures[LINK_FAILURES_ALLOWED - 1] as Date).getTime() + LINK_LOCK_HOURS * 3_600_000)
    : null;

export async function myRecord(ctx: AppContext, actor: Principal) {
  const link = await findLinkOfUser(ctx.db, actor.userId);
  const since = new Date(ctx.now().getTime() - LINK_LOCK_HOURS * 3_600_000);
  const until = link ? null : lockedUntil(await listFailedAttempts(ctx.db, { userId: actor.userId }, since));
  return {
    linked: !!link,
    name: link?.name ?? null,
    idNumberMasked: link?.id_number_masked ?? null,
    areaName: link?.area_name ?? null,
    linkedAt: link?.linked_at.toISOString() ?? null,
    lockedUntil: until?.toISOString() ?? null,
  };
}

type LinkOutcome =
  | { ok: true; personId: string; areaPath: string; again: boolean }
  | { ok: false; refusal: "no_match" | "locked" | "taken" | "already_linked"; personId?: string; areaPath?: string };

export async function linkMyRecord(
  ctx: AppContext,
  actor: Principal,
  meta: RequestMeta,
  input: { name: string; idNumber: string },
) {
  const now = ctx.now();
  const checked = checkIdNumber("resident_id", input.idNumber, now);
  if (!checked.ok)
    throw new DomainError("VALIDATION_FAILED", "not an ID number", {
      errors: [{ path: "body.idNumber", message: checked.reason, said: checked.message }],
    });
  const index = idIndex(ctx.crypto, checked.normalized);
  const since = new Date(now.getTime() - LINK_LOCK_HOURS * 3_600_000);
  const outcome = await ctx.db.transaction().execute(async (trx): Promise<LinkOutcome> => {
    await lockLinkAttempts(trx, actor.userId, index);
    const mine = await findLinkOfUser(trx, actor.userId);
    if (mine) {
      // A retry of the link already made answers it again; another record needs an unlink first.
      return mine.id_number_bidx === index && sameName(mine.name, input.name)
        ? { ok: true, personId: mine.person_id, areaPath: mine.area_path, again: true }
        : { ok: false, refusal: "already_linked" };
    }
    const byAccount = await listFailedAttempts(trx, { userId: actor.userId }, since);
    const byNumber = await listFailedAttempts(trx, { idIndex: index }, since);
    if (byAccount.length >= LINK_FAILURES_ALLOWED || byNumber.length >= LINK_FAILURES_ALLOWED)
      return { ok: false, refusal: "locked" };
    // The same look-up whatever is found: the answer and its cost do not tell a name from a number.
    const people = await findPeopleByIdIndex(trx, index);
    const person = people.find((p) => sameName(p.name, input.name));
    if (!person) {
      await insertLinkAttempt(trx, { id: uuidv7(), user_id: actor.userId, id_index: index, succeeded: false, at: now });
      return { ok: false, refusal: "no_match" };
    }
    const other = await findLinkOfPerson(trx, person.id);
    if (other || !(await insertLink(trx, { user_id: actor.userId, person_id: person.id, linked_at: now })))
      return { ok: false, refusal: "taken", personId: person.id, areaPath: person.area_path };
    await insertLinkAttempt(trx, { id: uuidv7(), user_id: actor.userId, id_index: index, succeeded: true, at: now });
    return { ok: true, personId: person.id, areaPath: person.area_path, again: false };
  });
  if (!outcome.ok || !outcome.again)
    await recordAudit(ctx, ctx.db, {
      action: "resident.link",
      outcome: outcome.ok ? "success" : outcome.refusal === "no_match" ? "failure" : "denied",
      actor: { userId: authorId(actor), username: actor.username },
      meta,
      targetType: "person",
      targetId: outcome.personId ?? null,
      areaPath: outcome.areaPath ?? null,
      reason: outcome.ok ? null : outcome.refusal,
    });
  if (!outcome.ok) {
    if (outcome.refusal === "no_match") throw noMatch();
    if (outcome.refusal === "locked") throw locked();
    if (outcome.refusal === "taken")
      throw new DomainError("RESIDENT_LINK_TAKEN", "the record is linked to another account: ask your village");
    throw new DomainError("RESIDENT_ALREADY_LINKED", "the account is linked to another record: unlink it first");
  }
  return myRecord(ctx, actor);
}

export async function unlinkMyRecord(ctx: AppContext, actor: Principal, meta: RequestMeta): Promise<void> {
  const link = await findLinkOfUser(ctx.db, actor.userId);
  if (!link) throw notLinked();
  await ctx.db.transaction().execute(async (trx) => {
    if (!(await deleteLink(trx, actor.userId))) return;
    await recordAudit(ctx, trx, {
      action: "resident.unlink",
      outcome: "success",
      actor: { userId: authorId(actor), username: actor.username },
      meta,
      targetType: "person",
      targetId: link.person_id,
      areaPath: link.area_path,
    });
  });
}

async function linkOf(ctx: AppContext, actor: Principal) {
  const link = await findLinkOfUser(ctx.db, actor.userId);
  if (!link) throw notLinked();
  return link;
}

export async function myHousehold(ctx: AppContext, actor: Principal) {
  const link = await linkOf(ctx, actor);
  const self = { self: true, name: link.name, relationship: null as string | null };
  if (!link.household_id) return { address: null, areaName: link.area_name, members: [self] };
  const household = await findHousehold(ctx.db, link.household_id);
  const members = await listHouseholdMembers(ctx.db, link.household_id);
  return {
    address: household?.address ?? null,
    areaName: household?.area_name ?? link.area_name,
    members: members.map((m) =>
      m.id === link.person_id
        ? { self: true, name: m.name, relationship: m.relationship }
        : { self: false, name: maskPublicName(m.name), relationship: m.relationship },
    ),
  };
}

/** Every payment of a published batch to the resident or a member of their household. */
export async function mySubsidies(ctx: AppContext, actor: Principal) {
  const payments = await householdPayments(ctx, actor.userId);
  if (!payments) throw notLinked();
  return payments;
}

type Post = { roleKey: string; areaName: string | null; areaPath: string | null };

/**
 * Who read, revealed or changed the resident's record and why: the registry's access log of the
 * person (views, exact-number searches that found them, reveals with their reason, exports, changes,
 * transfers). Staff appear by the posts they held then — those over the record's area — and by name
 * only where the deployment's policy says so (WANGGE_ACCESS_LOG_SHOWS). A reason's numbers are masked.
 */
export async function myAccessLog(ctx: AppContext, actor: Principal, limit: number) {
  const link = await linkOf(ctx, actor);
  const rows = await listAccessOf(ctx.db, link.person_id, actor.userId, limit);
  const missing = [...new Set(rows.filter((r) => !r.actor_posts && r.user_id).map((r) => r.user_id as string))];
  const current = new Map<string, Post[]>();
  for (const p of await listPostsOf(ctx.db, missing)) {
    const list = current.get(p.user_id) ?? [];
    list.push({ roleKey: p.role_key, areaName: p.area_name, areaPath: p.area_path });
    current.set(p.user_id, list);
  }
  const roles = new Map((await listRoleNames(ctx.db)).map((r) => [r.key, { "zh-CN": r.name_zh, en: r.name_en }]));
  const showNames = ctx.config.accessLogShows === "names";
  return rows.map((r) => {
    const system = r.user_id === null;
    const posts = (r.actor_posts ?? (r.user_id ? (current.get(r.user_id) ?? []) : [])).filter(
      (p) => p.roleKey !== "system",
    );
    // The posts that reach the record; else whatever they held (an area-less administrator).
    const over = posts.filter((p) => p.areaPath === null || isWithin(link.area_path, p.areaPath));
    const shown = (over.length > 0 ? over : posts).filter(
      (p, i, all) => all.findIndex((q) => q.roleKey === p.roleKey && q.areaName === p.areaName) === i,
    );
    return {
      at: r.at.toISOString(),
      action: r.action,
      fields: r.fields,
      reason: r.reason === null ? null : redactPersonalNumbers(r.reason),
      system,
      staffName: showNames && !system ? (r.display_name ?? null) : null,
      posts: shown.map((p) => ({
        role: roles.get(p.roleKey) ?? { "zh-CN": p.roleKey, en: p.roleKey },
        areaName: p.areaName,
      })),
    };
  });
}

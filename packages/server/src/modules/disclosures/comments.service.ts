import {
  acceptsObjections,
  authorId,
  type CommentKind,
  DomainError,
  fieldIssue,
  maskSignature,
  type Principal,
  redactPersonalNumbers,
} from "@wangge/core";
import type { AppContext, RequestMeta } from "../../context.ts";
import { openFreeText, sealFreeText } from "../../privacy/free-text.ts";
import { recordAudit } from "../audit/audit.service.ts";
import { assertWorks, seesAsStaff, staffPrefixes } from "./disclosure-access.ts";
import { staffComment } from "./disclosure-views.service.ts";
import {
  findAreaById,
  findComment,
  findDisclosure,
  insertCommentIfNew,
  listCommentsByAuthor,
  listInboxRows,
  lockComment,
  updateCommentRow,
} from "./disclosures.queries.ts";
import type { CommentRow } from "./disclosures.table.ts";

/**
 * Residents' questions and objections (异议) on published disclosures. Anyone signed in may ask on any
 * published item; an objection only while its publicity period runs, and the village answers it before
 * the period closes (unanswered past it: overdue, shown to the village). Text is masked of ID and phone
 * numbers with the original sealed (the author reads it back); a comment becomes public once answered,
 * with the signature masked (韦*强) or none when anonymous; staff hide an abusive one with a reason,
 * kept and audited.
 */
const commentNotFound = (id: string) => new DomainError("COMMENT_NOT_FOUND", `no comment ${id} in your scope`);

function mine(ctx: AppContext, c: CommentRow & { disclosure_title: string }) {
  return {
    id: c.id,
    disclosureId: c.disclosure_id,
    disclosureTitle: c.disclosure_title,
    kind: c.kind,
    text: openFreeText(ctx, { redacted: c.text, sealed: c.text_sealed }),
    anonymous: c.is_anonymous,
    signature: c.signature,
    createdAt: c.created_at.toISOString(),
    reply: c.reply,
    repliedAt: c.replied_at?.toISOString() ?? null,
    hiddenReason: c.hidden_reason,
  };
}

export async function lodgeComment(
  ctx: AppContext,
  actor: Principal,
  meta: RequestMeta,
  input: {
    id: string;
    disclosureId: string;
    kind: CommentKind;
    text: string;
    anonymous: boolean;
    signature?: string | undefined;
  },
) {
  const retried = async (existing: CommentRow) => {
    if (existing.author_id !== authorId(actor) || existing.disclosure_id !== input.disclosureId)
      throw new DomainError("COMMENT_ID_CONFLICT", `comment id ${input.id} already holds another comment`);
    const title = (await findDisclosure(ctx.db, existing.disclosure_id))?.title ?? "";
    return { comment: mine(ctx, { ...existing, disclosure_title: title }), created: false };
  };
  const existing = await findComment(ctx.db, input.id);
  if (existing) return retried(existing);
  const item = await findDisclosure(ctx.db, input.disclosureId);
  if (!item || item.published_version === null)
    throw new DomainError("DISCLOSURE_NOT_FOUND", `no published disclosure ${input.disclosureId}`, {
      errors: [fieldIssue("body.disclosureId", "COMMENT_FIELD_SUBJECT")],
    });
  const now = ctx.now();
  if (input.kind === "objection" && !acceptsObjections(item.publicity_ends_at, now))
    throw new DomainError("DISCLOSURE_PUBLICITY_CLOSED", `disclosure ${item.id} is not in its publicity period`);
  const signature = input.anonymous ? null : maskSignature(input.signature ?? "");
  if (!input.anonymous && !signature)
    throw new DomainError("VALIDATION_FAILED", "sign the comment or stay anonymous", {
      errors: [fieldIssue("body.signature", "COMMENT_FIELD_SIGNATURE")],
    });
  const text = sealFreeText(ctx, input.text);
  const userId = authorId(actor);
  if (!userId) throw new DomainError("AUTH_REQUIRED", "a comment has an author");
  const created = await ctx.db.transaction().execute(async (trx) => {
    const wrote = await insertCommentIfNew(trx, {
      id: input.id,
      disclosure_id: item.id,
      area_path: item.area_path,
      kind: input.kind,
      author_id: userId,
      author_name: actor.displayName || actor.username,
      is_anonymous: input.anonymous,
      signature,
      text: text.redacted,
      text_sealed: text.sealed,
      created_at: now,
      due_at: input.kind === "objection" ? item.publicity_ends_at : null,
    });
    if (wrote)
      await recordAudit(ctx, trx, {
        action: `comment.${input.kind}`,
        outcome: "success",
        actor: { userId, username: actor.username },
        meta,
        targetType: "comment",
        targetId: input.id,
        areaPath: item.area_path,
        details: { disclosureId: item.id, anonymous: input.anonymous },
      });
    return wrote;
  });
  const stored = (await findComment(ctx.db, input.id)) as CommentRow;
  if (!created) return retried(stored);
  return { comment: mine(ctx, { ...stored, disclosure_title: item.title }), created: true };
}

export async function myComments(ctx: AppContext, actor: Principal) {
  const id = authorId(actor);
  if (!id) return [];
  return (await listCommentsByAuthor(ctx.db, id, 200)).map((c) => mine(ctx, c));
}

/** What staff of an area still have to answer (or have answered, or hid). */
export async function commentInbox(
  ctx: AppContext,
  actor: Principal,
  query: { areaCode?: string | undefined; state: "open" | "overdue" | "answered" | "hidden" | "all"; limit: number },
) {
  const prefixes = await staffPrefixes(ctx, actor, query.areaCode);
  if (prefixes && prefixes.length === 0) return [];
  const now = ctx.now();
  const rows = await listInboxRows(ctx.db, { prefixes, state: query.state, now }, query.limit);
  return rows.map((r) => staffComment(r, { title: r.disclosure_title, areaCode: r.area_code }, now));
}

async function staffView(ctx: AppContext, c: CommentRow) {
  const d = await findDisclosure(ctx.db, c.disclosure_id);
  const area = d ? await findAreaById(ctx.db, d.area_id) : undefined;
  return staffComment(c, { title: d?.title ?? "", areaCode: area?.code ?? "" }, ctx.now());
}

async function workedComment(ctx: AppContext, actor: Principal, meta: RequestMeta, id: string, action: string) {
  const row = await findComment(ctx.db, id);
  if (!row || !seesAsStaff(actor, row.area_path)) throw commentNotFound(id);
  await assertWorks(ctx, actor, meta, { action, type: "comment", id, areaPath: row.area_path });
  return row;
}

export async function replyToComment(ctx: AppContext, actor: Principal, meta: RequestMeta, id: string, text: string) {
  await workedComment(ctx, actor, meta, id, "comment.reply");
  const reply = sealFreeText(ctx, text);
  const row = await ctx.db.transaction().execute(async (trx) => {
    const c = (await lockComment(trx, id)) as CommentRow;
    if (c.hidden_at) throw new DomainError("COMMENT_HIDDEN", `comment ${id} is hidden`);
    if (c.replied_at) {
      if (c.reply === reply.redacted) return c; // a retry
      throw new DomainError("COMMENT_ALREADY_ANSWERED", `comment ${id} was answered`);
    }
    const now = ctx.now();
    const set = {
      reply: reply.redacted,
      reply_sealed: reply.sealed,
      replied_at: now,
      replied_by: authorId(actor),
      replied_by_name: actor.displayName || actor.username,
    };
    await updateCommentRow(trx, id, set);
    await recordAudit(ctx, trx, {
      action: "comment.reply",
      outcome: "success",
      actor: { userId: authorId(actor), username: actor.username },
      meta,
      targetType: "comment",
      targetId: id,
      areaPath: c.area_path,
      details: { disclosureId: c.disclosure_id, late: c.due_at !== null && c.due_at < now },
    });
    return { ...c, ...set };
  });
  return staffView(ctx, row);
}

export async function hideComment(ctx: AppContext, actor: Principal, meta: RequestMeta, id: string, reason: string) {
  await workedComment(ctx, actor, meta, id, "comment.hide");
  const masked = redactPersonalNumbers(reason);
  const row = await ctx.db.transaction().execute(async (trx) => {
    const c = (await lockComment(trx, id)) as CommentRow;
    if (c.hidden_at) {
      if (c.hidden_reason === masked) return c;
      throw new DomainError("COMMENT_HIDDEN", `comment ${id} is already hidden`);
    }
    const set = { hidden_at: ctx.now(), hidden_by: authorId(actor), hidden_reason: masked };
    await updateCommentRow(trx, id, set);
    await recordAudit(ctx, trx, {
      action: "comment.hide",
      outcome: "success",
      actor: { userId: authorId(actor), username: actor.username },
      meta,
      targetType: "comment",
      targetId: id,
      areaPath: c.area_path,
      reason: masked,
      details: { disclosureId: c.disclosure_id },
    });
    return { ...c, ...set };
  });
  return staffView(ctx, row);
}

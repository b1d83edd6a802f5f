import {
  acceptsObjections,
  authorId,
  type CommentKind,
  canView,
  canWork,
  DomainError,
  fieldIssue,
  maskSignature,
  type Principal,
  principalScope,
  redactPersonalNumbers,
} from "@wangge/core";
import type { AppContext, RequestMeta } from "../../context.ts";
import { openFreeText, sealFreeText } from "../../privacy/free-text.ts";
import { recordAudit, refusal } from "../audit/audit.service.ts";
import { projectById } from "../projects/project-access.ts";
import { areaInSight, seesAsStaff, staffPrefixes } from "./disclosure-access.ts";
import { staffComment } from "./disclosure-views.service.ts";
import {
  type CommentSubjectRef,
  findComment,
  findCommentWithSubject,
  findDisclosure,
  insertCommentIfNew,
  listCommentsByAuthor,
  listInboxRows,
  lockComment,
  updateCommentRow,
} from "./disclosures.queries.ts";
import type { CommentRow } from "./disclosures.table.ts";
import { findProcedure } from "./procedures.queries.ts";

/**
 * Residents' questions and objections (异议) on published items: disclosures, procedure guides (办事指南)
 * and livelihood projects (民生项目). Anyone signed in may ask on any published item; an objection only
 * on a disclosure while its publicity period runs, and the village answers it before
 * the period closes (unanswered past it: overdue, shown to the village). Text is masked of ID and phone
 * numbers with the original sealed (the author reads it back); a comment becomes public once answered,
 * with the signature masked (韦*强) or none when anonymous; staff hide an abusive one with a reason,
 * kept and audited. Disclosures' and procedures' comments are answered by whoever works the area with
 * disclosure.manage, projects' by whoever works it with project.manage.
 */
const commentNotFound = (id: string) => new DomainError("COMMENT_NOT_FOUND", `no comment ${id} in your scope`);

export function subjectOf(c: CommentRow): CommentSubjectRef {
  if (c.disclosure_id) return { type: "disclosure", id: c.disclosure_id };
  if (c.procedure_id) return { type: "procedure", id: c.procedure_id };
  return { type: "project", id: c.project_id as string };
}

/** The permission whose work scope answers comments on this kind of item. */
const answeringPermission = (type: CommentSubjectRef["type"]) =>
  type === "project" ? ("project.manage" as const) : ("disclosure.manage" as const);

/** Staff who see the item see its comments (out of sight: not found). */
function seesComment(actor: Principal, c: CommentRow): boolean {
  return subjectOf(c).type === "project"
    ? canView(principalScope(actor, "project.manage"), c.area_path)
    : seesAsStaff(actor, c.area_path);
}

const subjectDetail = (c: CommentRow) => {
  const s = subjectOf(c);
  return { [`${s.type}Id`]: s.id };
};

function mine(ctx: AppContext, c: CommentRow & { disclosure_title: string }) {
  const subject = subjectOf(c);
  return {
    id: c.id,
    subjectType: subject.type,
    subjectId: subject.id,
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

interface PublishedSubject extends CommentSubjectRef {
  title: string;
  areaPath: string;
  publicityEndsAt: Date | null;
}

/** The published item a comment is on; anything else (a draft, unknown) is not found alike. */
async function publishedSubject(ctx: AppContext, ref: CommentSubjectRef): Promise<PublishedSubject> {
  const field = `body.${ref.type}Id`;
  const missing = (code: string) =>
    new DomainError(code, `no published ${ref.type} ${ref.id}`, {
      errors: [fieldIssue(field, "COMMENT_FIELD_SUBJECT")],
    });
  if (ref.type === "disclosure") {
    const d = await findDisclosure(ctx.db, ref.id);
    if (!d || d.published_version === null) throw missing("DISCLOSURE_NOT_FOUND");
    return { ...ref, title: d.title, areaPath: d.area_path, publicityEndsAt: d.publicity_ends_at };
  }
  if (ref.type === "procedure") {
    const p = await findProcedure(ctx.db, ref.id);
    if (!p?.published) throw missing("PROCEDURE_NOT_FOUND");
    return { ...ref, title: p.title, areaPath: p.area_path, publicityEndsAt: null };
  }
  const p = await projectById(ctx, ref.id);
  if (!p || p.published_version === null) throw missing("PROJECT_NOT_FOUND");
  return { ...ref, title: p.title, areaPath: p.area_path, publicityEndsAt: null };
}

async function titleOf(ctx: AppContext, c: CommentRow): Promise<string> {
  return (await findCommentWithSubject(ctx.db, c.id))?.disclosure_title ?? "";
}

export async function lodgeComment(
  ctx: AppContext,
  actor: Principal,
  meta: RequestMeta,
  input: {
    id: string;
    disclosureId?: string | undefined;
    procedureId?: string | undefined;
    projectId?: string | undefined;
    kind: CommentKind;
    text: string;
    anonymous: boolean;
    signature?: string | undefined;
  },
) {
  const ref: CommentSubjectRef = input.disclosureId
    ? { type: "disclosure", id: input.disclosureId }
    : input.procedureId
      ? { type: "procedure", id: input.procedureId }
      : { type: "project", id: input.projectId as string };
  const retried = async (existing: CommentRow) => {
    const was = subjectOf(existing);
    if (existing.author_id !== authorId(actor) || was.type !== ref.type || was.id !== ref.id)
      throw new DomainError("COMMENT_ID_CONFLICT", `comment id ${input.id} already holds another comment`);
    return { comment: mine(ctx, { ...existing, disclosure_title: await titleOf(ctx, existing) }), created: false };
  };
  const existing = await findComment(ctx.db, input.id);
  if (existing) return retried(existing);
  const item = await publishedSubject(ctx, ref);
  if (input.kind === "objection" && item.type !== "disclosure")
    throw new DomainError("VALIDATION_FAILED", "objections are lodged on disclosures in their publicity period", {
      errors: [fieldIssue("body.kind", "COMMENT_FIELD_QUESTION_ONLY")],
    });
  const now = ctx.now();
  if (input.kind === "objection" && !acceptsObjections(item.publicityEndsAt, now))
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
      disclosure_id: item.type === "disclosure" ? item.id : null,
      procedure_id: item.type === "procedure" ? item.id : null,
      project_id: item.type === "project" ? item.id : null,
      area_path: item.areaPath,
      kind: input.kind,
      author_id: userId,
      author_name: actor.displayName || actor.username,
      is_anonymous: input.anonymous,
      signature,
      text: text.redacted,
      text_sealed: text.sealed,
      created_at: now,
      due_at: input.kind === "objection" ? item.publicityEndsAt : null,
    });
    if (wrote)
      await recordAudit(ctx, trx, {
        action: `comment.${input.kind}`,
        outcome: "success",
        actor: { userId, username: actor.username },
        meta,
        targetType: "comment",
        targetId: input.id,
        areaPath: item.areaPath,
        details: { [`${item.type}Id`]: item.id, anonymous: input.anonymous },
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

/** What staff of an area still have to answer (or have answered, or hid), on every kind of item they see. */
export async function commentInbox(
  ctx: AppContext,
  actor: Principal,
  query: {
    areaCode?: string | undefined;
    state: "open" | "overdue" | "answered" | "hidden" | "all";
    subjectType?: CommentSubjectRef["type"] | undefined;
    limit: number;
  },
) {
  const projects = principalScope(actor, "project.manage");
  let items: string[] | null;
  let projectPrefixes: string[] | null;
  if (query.areaCode) {
    const area = await areaInSight(
      ctx,
      query.areaCode,
      "query.areaCode",
      (path) => seesAsStaff(actor, path) || canView(projects, path),
    );
    items = seesAsStaff(actor, area.path) ? [area.path] : [];
    projectPrefixes = canView(projects, area.path) ? [area.path] : [];
  } else {
    items = await staffPrefixes(ctx, actor, undefined);
    projectPrefixes = projects.isGlobal ? null : projects.view;
  }
  if (items?.length === 0 && projectPrefixes?.length === 0) return [];
  const now = ctx.now();
  const rows = await listInboxRows(
    ctx.db,
    { items, projects: projectPrefixes, subjectType: query.subjectType, state: query.state, now },
    query.limit,
  );
  return rows.map((r) => staffComment(r, { title: r.disclosure_title, areaCode: r.area_code }, now));
}

async function staffView(ctx: AppContext, c: CommentRow) {
  const s = await findCommentWithSubject(ctx.db, c.id);
  return staffComment(c, { title: s?.disclosure_title ?? "", areaCode: s?.area_code ?? "" }, ctx.now());
}

/** Staff who work the item's area answer and hide; those who only see it are refused (audited). */
async function workedComment(ctx: AppContext, actor: Principal, meta: RequestMeta, id: string, action: string) {
  const row = await findComment(ctx.db, id);
  if (!row || !seesComment(actor, row)) throw commentNotFound(id);
  if (!canWork(principalScope(actor, answeringPermission(subjectOf(row).type)), row.area_path))
    throw await refusal(
      ctx,
      actor,
      meta,
      { action, type: "comment", id, areaPath: row.area_path },
      "only the item's own staff answer its comments",
    );
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
      details: { ...subjectDetail(c), late: c.due_at !== null && c.due_at < now },
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
      details: subjectDetail(c),
    });
    return { ...c, ...set };
  });
  return staffView(ctx, row);
}

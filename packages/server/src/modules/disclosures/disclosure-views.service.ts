import {
  acceptsObjections,
  codeOfPath,
  DomainError,
  type FinanceLine,
  fieldIssue,
  type Principal,
  periodKey,
  principalScope,
} from "@wangge/core";
import type { AppContext } from "../../context.ts";
import { openFreeText } from "../../privacy/free-text.ts";
import { findArea } from "../areas/areas.service.ts";
import { notFound, staffDisclosure, staffPrefixes } from "./disclosure-access.ts";
import {
  type CommentSubjectRef,
  findAreaById,
  findDisclosure,
  listBrowsableAreas,
  listCommentsOf,
  listCommentsOn,
  listFilesOf,
  listManagedRows,
  listPublishedRows,
  listSettingRows,
  listVersions,
} from "./disclosures.queries.ts";
import type { CommentRow, DisclosureFileRow, DisclosureRow, DisclosureVersionRow } from "./disclosures.table.ts";

/**
 * What readers see of disclosures. The public (no sign-in, or any resident) reads published versions
 * of any village, with the answered questions and objections — an anonymous objection without its
 * author, and no account of anyone. Staff of the area see every version and every comment, with the
 * originals of what they wrote.
 */
const iso = (d: Date | null) => d?.toISOString() ?? null;

function fileView(f: DisclosureFileRow) {
  return {
    id: f.id,
    fileName: f.file_name,
    contentType: f.content_type,
    size: f.size,
    createdAt: f.created_at.toISOString(),
  };
}

function summaryOf(row: DisclosureRow, area: { code: string; name: string }) {
  return {
    id: row.id,
    areaCode: area.code,
    areaName: area.name,
    kind: row.kind,
    periodKind: row.period_kind,
    periodStart: row.period_start,
    periodKey: periodKey(row.period_kind, row.period_start),
    publicityEndsAt: iso(row.publicity_ends_at),
  };
}

function publishedView(v: DisclosureVersionRow, files: DisclosureFileRow[]) {
  return {
    version: v.version,
    title: v.title,
    body: v.body,
    correctionReason: v.correction_reason,
    publishedAt: (v.published_at as Date).toISOString(),
    financeLines: (v.finance_lines as FinanceLine[] | null) ?? null,
    incomeFen: v.income_fen,
    expenseFen: v.expense_fen,
    files: files.filter((f) => f.version_id === v.id).map(fileView),
  };
}

export function publicComment(c: CommentRow) {
  return {
    id: c.id,
    kind: c.kind,
    text: c.text,
    signature: c.is_anonymous ? null : c.signature,
    createdAt: c.created_at.toISOString(),
    reply: c.reply as string,
    repliedAt: (c.replied_at as Date).toISOString(),
  };
}

/** Every comment on one item, for other modules (projects show theirs). */
export async function commentsOn(ctx: AppContext, subject: CommentSubjectRef): Promise<CommentRow[]> {
  return listCommentsOn(ctx.db, subject);
}

/** An area's code and name by id, for other modules' views. */
export async function areaById(ctx: AppContext, id: string) {
  return findAreaById(ctx.db, id);
}

export const isPublicComment = (c: CommentRow) => c.replied_at !== null && c.hidden_at === null;

export function staffComment(c: CommentRow, d: { title: string; areaCode: string }, now: Date) {
  const [subjectType, subjectId] = c.disclosure_id
    ? (["disclosure", c.disclosure_id] as const)
    : c.procedure_id
      ? (["procedure", c.procedure_id] as const)
      : (["project", c.project_id as string] as const);
  return {
    id: c.id,
    subjectType,
    subjectId,
    disclosureId: c.disclosure_id,
    disclosureTitle: d.title,
    areaCode: d.areaCode,
    kind: c.kind,
    text: c.text,
    anonymous: c.is_anonymous,
    signature: c.signature,
    author: c.author_name,
    createdAt: c.created_at.toISOString(),
    dueAt: iso(c.due_at),
    overdue: c.replied_at === null && c.hidden_at === null && c.due_at !== null && c.due_at < now,
    reply: c.reply,
    repliedAt: iso(c.replied_at),
    repliedBy: c.replied_by_name,
    hiddenAt: iso(c.hidden_at),
    hiddenReason: c.hidden_reason,
  };
}

async function areaOf(ctx: AppContext, row: DisclosureRow) {
  const area = await findAreaById(ctx.db, row.area_id);
  return { code: area?.code ?? codeOfPath(row.area_path) ?? "", name: area?.name ?? "" };
}

/** A published item as anyone reads it; unpublished or unknown: not found alike. */
export async function publicDisclosure(ctx: AppContext, id: string) {
  const row = await findDisclosure(ctx.db, id);
  if (!row || row.published_version === null) throw notFound(id);
  const versions = (await listVersions(ctx.db, id)).filter((v) => v.state === "published");
  const files = await listFilesOf(
    ctx.db,
    versions.map((v) => v.id),
  );
  const [current, ...earlier] = versions.map((v) => publishedView(v, files));
  const comments = (await listCommentsOf(ctx.db, id)).filter(isPublicComment).map(publicComment);
  return {
    ...summaryOf(row, await areaOf(ctx, row)),
    current: current as ReturnType<typeof publishedView>,
    earlier,
    comments,
    acceptsObjections: acceptsObjections(row.publicity_ends_at, ctx.now()),
  };
}

/** Every version and comment of an item, for staff of its area. */
export async function managedDisclosure(ctx: AppContext, actor: Principal, id: string) {
  const row = await staffDisclosure(ctx, actor, id);
  const versions = await listVersions(ctx.db, id);
  const files = await listFilesOf(
    ctx.db,
    versions.map((v) => v.id),
  );
  const area = await areaOf(ctx, row);
  const review = (await listSettingRows(ctx.db)).find((s) => s.kind === row.kind)?.requires_review ?? true;
  const now = ctx.now();
  return {
    ...summaryOf(row, area),
    title: row.title,
    requiresReview: review,
    publishedVersion: row.published_version,
    versions: versions.map((v) => ({
      id: v.id,
      version: v.version,
      state: v.state,
      title: openFreeText(ctx, { redacted: v.title, sealed: v.title_sealed }),
      body: openFreeText(ctx, { redacted: v.body, sealed: v.body_sealed }),
      publicityDays: v.publicity_days,
      correctionReason:
        v.correction_reason === null
          ? null
          : openFreeText(ctx, { redacted: v.correction_reason, sealed: v.correction_reason_sealed }),
      financeLines:
        v.finance_lines_sealed !== null
          ? (JSON.parse(ctx.crypto.decrypt(v.finance_lines_sealed)) as FinanceLine[])
          : ((v.finance_lines as FinanceLine[] | null) ?? null),
      incomeFen: v.income_fen,
      expenseFen: v.expense_fen,
      files: files.filter((f) => f.version_id === v.id).map(fileView),
      createdBy: v.created_by_name,
      createdAt: v.created_at.toISOString(),
      submittedAt: iso(v.submitted_at),
      reviewedBy: v.reviewed_by_name,
      reviewedAt: iso(v.reviewed_at),
      reviewNote: v.review_note,
      publishedAt: iso(v.published_at),
    })),
    comments: (await listCommentsOf(ctx.db, id)).map((c) =>
      staffComment(c, { title: row.title, areaCode: area.code }, now),
    ),
  };
}

const encodeCursor = (r: { period_start: string; id: string }) => `${r.period_start}_${r.id}`;
function decodeCursor(cursor: string) {
  const m = /^(\d{4}-\d{2}-\d{2})_([0-9a-f-]{36})$/.exec(cursor);
  if (!m)
    throw new DomainError("VALIDATION_FAILED", "the cursor is not one this list gave", {
      errors: [fieldIssue("query.cursor", "DISCLOSURE_FIELD_CURSOR")],
    });
  return { start: m[1] as string, id: m[2] as string };
}

/** A village's published items, newest period first, a page at a time (public). */
export async function listPublished(
  ctx: AppContext,
  query: {
    areaCode: string;
    kind?: string | undefined;
    q?: string | undefined;
    cursor?: string | undefined;
    limit: number;
  },
) {
  const area = await findArea(ctx.db, query.areaCode);
  if (!area || area.abolished_at)
    throw new DomainError("AREA_NOT_FOUND", `no area ${query.areaCode}`, {
      errors: [fieldIssue("query.areaCode", "FIELD_UNKNOWN_AREA")],
    });
  const rows = await listPublishedRows(
    ctx.db,
    {
      areaPath: area.path,
      kind: query.kind,
      q: query.q?.toLowerCase(),
      ...(query.cursor ? { after: decodeCursor(query.cursor) } : {}),
    },
    query.limit + 1,
  );
  const page = rows.slice(0, query.limit);
  return {
    items: page.map((r) => ({
      ...summaryOf(r, area),
      title: r.title,
      version: r.published_version as number,
      corrected: (r.published_version as number) > 1,
      publishedAt: (r.last_published_at as Date).toISOString(),
    })),
    nextCursor: rows.length > query.limit ? encodeCursor(page.at(-1) as DisclosureRow) : null,
  };
}

/** Items under the caller's areas (or one area of them) for staff: drafts, reviews, what is left to answer. */
export async function listManaged(
  ctx: AppContext,
  actor: Principal,
  query: { areaCode?: string | undefined; state?: string | undefined; limit: number },
) {
  const prefixes = await staffPrefixes(ctx, actor, query.areaCode);
  if (prefixes && prefixes.length === 0) return [];
  const rows = await listManagedRows(ctx.db, { prefixes, state: query.state, now: ctx.now() }, query.limit);
  return rows.map(managedSummary);
}

/** Versions waiting for the caller's review: of the villages below their disclosure.review posts only. */
export async function listForReview(ctx: AppContext, actor: Principal) {
  const review = principalScope(actor, "disclosure.review");
  if (!review.isGlobal && review.view.length === 0) return [];
  const prefixes = review.isGlobal ? null : review.view;
  const rows = await listManagedRows(ctx.db, { prefixes, below: true, state: "in_review", now: ctx.now() }, 200);
  return rows.map(managedSummary);
}

function managedSummary(r: Awaited<ReturnType<typeof listManagedRows>>[number]) {
  return {
    ...summaryOf(r, { code: r.area_code, name: r.area_name }),
    title: r.published_version === null ? r.latest_title : r.title,
    state: r.state,
    publishedVersion: r.published_version,
    unanswered: r.unanswered,
    overdue: r.overdue,
    updatedAt: r.updated_at.toISOString(),
  };
}

/** Areas to browse to a village (public: names and codes of divisions only). */
export async function publicAreas(ctx: AppContext, query: { parentCode?: string | undefined; q?: string | undefined }) {
  let parentId: string | null = null;
  if (query.parentCode && !query.q) {
    const parent = await findArea(ctx.db, query.parentCode);
    if (!parent || parent.abolished_at)
      throw new DomainError("AREA_NOT_FOUND", `no area ${query.parentCode}`, {
        errors: [fieldIssue("query.parentCode", "FIELD_UNKNOWN_AREA")],
      });
    parentId = parent.id;
  }
  const rows = await listBrowsableAreas(ctx.db, { parentId, q: query.q });
  return rows.map((r) => ({ code: r.code, name: r.name, level: r.level, hasChildren: r.has_children }));
}

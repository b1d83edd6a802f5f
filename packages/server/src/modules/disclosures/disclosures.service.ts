import {
  authorId,
  canWork,
  type DisclosureKind,
  DomainError,
  type FieldIssue,
  type FinanceLine,
  fieldIssue,
  financeContentIssues,
  financeTotals,
  type PeriodKind,
  type Principal,
  periodIssue,
  principalScope,
  redactPersonalNumbers,
} from "@wangge/core";
import type { Transaction } from "kysely";
import type { AppContext, RequestMeta } from "../../context.ts";
import type { DB } from "../../db/schema.ts";
import { sealFreeText } from "../../privacy/free-text.ts";
import { recordAudit, refusal } from "../audit/audit.service.ts";
import { areaInSight, assertWorks, inScope, reviewsAbove, staffDisclosure } from "./disclosure-access.ts";
import { managedDisclosure } from "./disclosure-views.service.ts";
import {
  copyFiles,
  findDisclosure,
  findVersion,
  insertDisclosureIfNew,
  insertVersionIfNew,
  listSettingRows,
  listVersions,
  lockDisclosure,
  updateDisclosureRow,
  updateSettingRow,
  updateVersionRow,
} from "./disclosures.queries.ts";
import type { DisclosureRow, DisclosureVersionRow } from "./disclosures.table.ts";

/**
 * Writing, reviewing and publishing disclosures. An item belongs to a village and has versions: the
 * newest is the one being worked on (draft → in review → published, or sent back); a published version
 * never changes, and a correction is a new version whose reason residents see. Publishing needs the
 * village's own disclosure.manage; kinds that require it (settings) are reviewed by a township first.
 * Free text is stored masked with the original sealed; every create takes client ids.
 */
export interface ContentInput {
  title: string;
  body: string;
  publicityDays: number | null;
  financeLines?: FinanceLine[] | undefined;
  declaredIncomeFen?: number | undefined;
  declaredExpenseFen?: number | undefined;
}

export interface NewDisclosureInput extends ContentInput {
  id: string;
  versionId: string;
  areaCode: string;
  kind: DisclosureKind;
  periodKind: PeriodKind;
  periodStart: string;
}

const contentIssues = (kind: DisclosureKind, input: ContentInput): FieldIssue[] =>
  financeContentIssues(kind === "finance", input);

const invalid = (issues: FieldIssue[]) =>
  new DomainError("VALIDATION_FAILED", "the disclosure cannot be saved", { errors: issues });

/** The version's columns for its content: free text masked, the originals sealed. */
function contentColumns(ctx: AppContext, kind: DisclosureKind, input: ContentInput) {
  const title = sealFreeText(ctx, input.title);
  const body = sealFreeText(ctx, input.body);
  const lines = kind === "finance" ? (input.financeLines ?? []) : null;
  const masked = lines?.map((l) => ({
    ...l,
    subject: redactPersonalNumbers(l.subject),
    summary: redactPersonalNumbers(l.summary),
  }));
  const changed = masked?.some((m, i) => m.subject !== lines?.[i]?.subject || m.summary !== lines?.[i]?.summary);
  const sums = lines ? financeTotals(lines) : null;
  return {
    title: title.redacted,
    title_sealed: title.sealed,
    body: body.redacted,
    body_sealed: body.sealed,
    publicity_days: input.publicityDays,
    finance_lines: masked ? JSON.stringify(masked) : null,
    finance_lines_sealed: changed ? ctx.crypto.encrypt(JSON.stringify(lines)) : null,
    income_fen: sums?.incomeFen ?? null,
    expense_fen: sums?.expenseFen ?? null,
  };
}

export async function requiresReview(ctx: AppContext, kind: DisclosureKind): Promise<boolean> {
  return (await listSettingRows(ctx.db)).find((s) => s.kind === kind)?.requires_review ?? true;
}

export async function listSettings(ctx: AppContext) {
  return (await listSettingRows(ctx.db)).map((s) => ({ kind: s.kind, requiresReview: s.requires_review }));
}

export async function updateSetting(
  ctx: AppContext,
  actor: Principal,
  meta: RequestMeta,
  kind: DisclosureKind,
  requiresReview: boolean,
) {
  await ctx.db.transaction().execute(async (trx) => {
    await updateSettingRow(trx, kind, requiresReview, authorId(actor), ctx.now());
    await recordAudit(ctx, trx, {
      action: "disclosure.configure",
      outcome: "success",
      actor: { userId: authorId(actor), username: actor.username },
      meta,
      targetType: "disclosure_setting",
      targetId: kind,
      details: { requiresReview },
    });
  });
  return listSettings(ctx);
}

export async function createDisclosure(
  ctx: AppContext,
  actor: Principal,
  meta: RequestMeta,
  input: NewDisclosureInput,
) {
  const retried = async (existing: DisclosureRow) => {
    const first = (await listVersions(ctx.db, existing.id)).at(-1);
    if (existing.created_by === authorId(actor) && first?.id === input.versionId)
      return { disclosure: await managedDisclosure(ctx, actor, existing.id), created: false };
    await staffDisclosure(ctx, actor, existing.id);
    throw new DomainError("DISCLOSURE_ID_CONFLICT", `disclosure id ${input.id} already holds another item`);
  };
  const existing = await findDisclosure(ctx.db, input.id);
  if (existing) return retried(existing);

  const scope = principalScope(actor, "disclosure.manage");
  const area = await areaInSight(ctx, input.areaCode, "body.areaCode", inScope(scope));
  if (!canWork(scope, area.path))
    throw await refusal(
      ctx,
      actor,
      meta,
      { action: "disclosure.create", type: "area", id: area.code, areaPath: area.path },
      "only the village's own staff publish its disclosures",
    );
  const issues = contentIssues(input.kind, input);
  if (area.level !== "village") issues.unshift(fieldIssue("body.areaCode", "DISCLOSURE_FIELD_VILLAGE_ONLY"));
  const period = periodIssue(input.periodKind, input.periodStart);
  if (period) issues.push(fieldIssue("body.periodStart", period));
  if (issues.length > 0) throw invalid(issues);

  const now = ctx.now();
  const content = contentColumns(ctx, input.kind, input);
  const created = await ctx.db.transaction().execute(async (trx) => {
    const wrote = await insertDisclosureIfNew(trx, {
      id: input.id,
      area_id: area.id,
      area_path: area.path,
      kind: input.kind,
      period_kind: input.periodKind,
      period_start: input.periodStart,
      title: content.title,
      title_search: content.title.toLowerCase(),
      created_by: authorId(actor),
      created_at: now,
      updated_at: now,
    });
    if (!wrote) return false;
    const version = await insertVersionIfNew(trx, {
      id: input.versionId,
      disclosure_id: input.id,
      version: 1,
      state: "draft",
      ...content,
      created_by: authorId(actor),
      created_by_name: actor.displayName || actor.username,
      created_at: now,
      updated_at: now,
    });
    // The version id is another item's: nothing of this create stays.
    if (!version) throw new DomainError("DISCLOSURE_ID_CONFLICT", `version id ${input.versionId} is taken`);
    await recordAudit(ctx, trx, {
      action: "disclosure.create",
      outcome: "success",
      actor: { userId: authorId(actor), username: actor.username },
      meta,
      targetType: "disclosure",
      targetId: input.id,
      areaPath: area.path,
      details: { kind: input.kind, periodKind: input.periodKind, periodStart: input.periodStart },
    });
    return true;
  });
  const stored = await findDisclosure(ctx.db, input.id);
  if (!stored) throw new Error(`disclosure ${input.id} was taken and is gone`);
  if (!created) return retried(stored);
  return { disclosure: await managedDisclosure(ctx, actor, input.id), created: true };
}

/** The newest version, which must be open for edits (a draft, or sent back by the reviewer). */
function editable(versions: DisclosureVersionRow[], id: string): DisclosureVersionRow {
  const latest = versions[0];
  if (!latest || (latest.state !== "draft" && latest.state !== "rejected"))
    throw new DomainError("DISCLOSURE_NOT_EDITABLE", `disclosure ${id} has no draft: correct it with a new version`);
  return latest;
}

export async function editDraft(
  ctx: AppContext,
  actor: Principal,
  meta: RequestMeta,
  id: string,
  input: ContentInput & { periodKind?: PeriodKind | undefined; periodStart?: string | undefined },
) {
  const row = await staffDisclosure(ctx, actor, id);
  await assertWorks(ctx, actor, meta, { action: "disclosure.edit", type: "disclosure", id, areaPath: row.area_path });
  await ctx.db.transaction().execute(async (trx) => {
    const locked = (await lockDisclosure(trx, id)) as DisclosureRow;
    const latest = editable(await listVersions(trx, id), id);
    const issues = contentIssues(locked.kind, input);
    const periodKind = input.periodKind ?? locked.period_kind;
    const periodStart = input.periodStart ?? locked.period_start;
    const periodChanged = periodKind !== locked.period_kind || periodStart !== locked.period_start;
    if (periodChanged && locked.published_version !== null)
      issues.push(fieldIssue("body.periodStart", "DISCLOSURE_FIELD_FIXED"));
    const period = periodIssue(periodKind, periodStart);
    if (period) issues.push(fieldIssue("body.periodStart", period));
    if (issues.length > 0) throw invalid(issues);
    const now = ctx.now();
    await updateVersionRow(trx, latest.id, {
      ...contentColumns(ctx, locked.kind, input),
      state: "draft",
      updated_at: now,
    });
    await updateDisclosureRow(trx, id, {
      updated_at: now,
      ...(periodChanged ? { period_kind: periodKind, period_start: periodStart } : {}),
      // Never published: the staff lists show the draft's title.
      ...(locked.published_version === null ? { title: redactPersonalNumbers(input.title) } : {}),
    });
  });
  return managedDisclosure(ctx, actor, id);
}

export async function startCorrection(
  ctx: AppContext,
  actor: Principal,
  meta: RequestMeta,
  id: string,
  input: ContentInput & { versionId: string; reason: string },
) {
  const row = await staffDisclosure(ctx, actor, id);
  await assertWorks(ctx, actor, meta, {
    action: "disclosure.correct",
    type: "disclosure",
    id,
    areaPath: row.area_path,
  });
  const created = await ctx.db.transaction().execute(async (trx) => {
    const locked = (await lockDisclosure(trx, id)) as DisclosureRow;
    const versions = await listVersions(trx, id);
    const latest = versions[0] as DisclosureVersionRow;
    if (latest.id === input.versionId) return false; // a retry
    const taken = await findVersion(trx, input.versionId);
    if (taken) throw new DomainError("DISCLOSURE_ID_CONFLICT", `version id ${input.versionId} is taken`);
    if (locked.published_version === null)
      throw new DomainError("DISCLOSURE_NOT_PUBLISHED", `disclosure ${id} was never published: edit its draft`);
    if (latest.state !== "published")
      throw new DomainError("DISCLOSURE_CORRECTION_PENDING", `disclosure ${id} has a version in the works`);
    const issues = contentIssues(locked.kind, input);
    if (issues.length > 0) throw invalid(issues);
    const now = ctx.now();
    const reason = sealFreeText(ctx, input.reason);
    await insertVersionIfNew(trx, {
      id: input.versionId,
      disclosure_id: id,
      version: latest.version + 1,
      state: "draft",
      ...contentColumns(ctx, locked.kind, input),
      correction_reason: reason.redacted,
      correction_reason_sealed: reason.sealed,
      created_by: authorId(actor),
      created_by_name: actor.displayName || actor.username,
      created_at: now,
      updated_at: now,
    });
    await copyFiles(trx, latest.id, input.versionId);
    await updateDisclosureRow(trx, id, { updated_at: now });
    return true;
  });
  return { disclosure: await managedDisclosure(ctx, actor, id), created };
}

async function publish(trx: Transaction<DB>, row: DisclosureRow, version: DisclosureVersionRow, now: Date) {
  const ends = version.publicity_days ? new Date(now.getTime() + version.publicity_days * 86_400_000) : null;
  await updateVersionRow(trx, version.id, { state: "published", published_at: now, updated_at: now });
  await updateDisclosureRow(trx, row.id, {
    published_version: version.version,
    title: version.title,
    title_search: version.title.toLowerCase(),
    first_published_at: row.first_published_at ?? now,
    last_published_at: now,
    // A corrected 公示 is shown for its full period again; a correction that drops it ends the period.
    publicity_ends_at: ends,
    updated_at: now,
  });
}

export async function submitDisclosure(
  ctx: AppContext,
  actor: Principal,
  meta: RequestMeta,
  id: string,
  versionId: string,
) {
  const row = await staffDisclosure(ctx, actor, id);
  await assertWorks(ctx, actor, meta, { action: "disclosure.submit", type: "disclosure", id, areaPath: row.area_path });
  const review = await requiresReview(ctx, row.kind);
  await ctx.db.transaction().execute(async (trx) => {
    const locked = (await lockDisclosure(trx, id)) as DisclosureRow;
    const versions = await listVersions(trx, id);
    const version = versions.find((v) => v.id === versionId);
    if (!version)
      throw new DomainError("VALIDATION_FAILED", "no such version of this disclosure", {
        errors: [fieldIssue("body.versionId", "COMMENT_FIELD_SUBJECT")],
      });
    // Submitted or published already: a retry changes nothing.
    if (version.state === "in_review" || version.state === "published") return;
    if (version.id !== versions[0]?.id) throw new DomainError("DISCLOSURE_NOT_EDITABLE", "an older version");
    const now = ctx.now();
    const who = { submitted_at: now, submitted_by: authorId(actor), updated_at: now };
    if (review) {
      await updateVersionRow(trx, version.id, { ...who, state: "in_review" });
      await updateDisclosureRow(trx, id, { updated_at: now });
    } else {
      await updateVersionRow(trx, version.id, who);
      await publish(trx, locked, version, now);
    }
    await recordAudit(ctx, trx, {
      action: review ? "disclosure.submit" : "disclosure.publish",
      outcome: "success",
      actor: { userId: authorId(actor), username: actor.username },
      meta,
      targetType: "disclosure",
      targetId: id,
      areaPath: locked.area_path,
      details: { version: version.version },
    });
  });
  return managedDisclosure(ctx, actor, id);
}

export async function reviewDisclosure(
  ctx: AppContext,
  actor: Principal,
  meta: RequestMeta,
  id: string,
  input: { versionId: string; decision: "approve" | "reject"; note: string },
) {
  const row = await staffDisclosure(ctx, actor, id);
  const target = { action: "disclosure.review", type: "disclosure", id, areaPath: row.area_path };
  // The township (or an area) above the village reviews, never a post at the village itself.
  if (!reviewsAbove(actor, row.area_path))
    throw await refusal(ctx, actor, meta, target, "the township above the village reviews its disclosures");
  // Four eyes: whoever sent the version to review (from a village post) does not approve it (from a township one).
  const submitted = await findVersion(ctx.db, input.versionId);
  if (submitted?.disclosure_id === id && submitted.state === "in_review" && submitted.submitted_by === authorId(actor))
    throw await refusal(ctx, actor, meta, target, "a version is reviewed by someone other than who submitted it");
  if (input.decision === "reject" && !input.note)
    throw invalid([fieldIssue("body.note", "DISCLOSURE_FIELD_REVIEW_NOTE")]);
  const note = input.note ? redactPersonalNumbers(input.note) : null;
  await ctx.db.transaction().execute(async (trx) => {
    const locked = (await lockDisclosure(trx, id)) as DisclosureRow;
    const version = (await listVersions(trx, id)).find((v) => v.id === input.versionId);
    if (!version) throw new DomainError("DISCLOSURE_NOT_IN_REVIEW", "no such version waits for a review");
    const done = input.decision === "approve" ? "published" : "rejected";
    if (version.state === done && version.reviewed_by === authorId(actor)) return; // a retry
    if (version.state !== "in_review")
      throw new DomainError("DISCLOSURE_NOT_IN_REVIEW", `version ${version.version} is ${version.state}`);
    const now = ctx.now();
    await updateVersionRow(trx, version.id, {
      reviewed_at: now,
      reviewed_by: authorId(actor),
      reviewed_by_name: actor.displayName || actor.username,
      review_note: note,
      updated_at: now,
      ...(done === "rejected" ? { state: "rejected" as const } : {}),
    });
    if (done === "published") await publish(trx, locked, version, now);
    else await updateDisclosureRow(trx, id, { updated_at: now });
    await recordAudit(ctx, trx, {
      action: done === "published" ? "disclosure.approve" : "disclosure.reject",
      outcome: "success",
      actor: { userId: authorId(actor), username: actor.username },
      meta,
      targetType: "disclosure",
      targetId: id,
      areaPath: locked.area_path,
      details: { version: version.version },
      reason: note,
    });
  });
  return managedDisclosure(ctx, actor, id);
}

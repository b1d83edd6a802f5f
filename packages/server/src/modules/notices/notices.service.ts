import {
  authorId,
  canView,
  chinaDate,
  DomainError,
  type FieldIssue,
  fieldIssue,
  maskName,
  type Principal,
  principalScope,
  redactPersonalNumbers,
  type SendNoticeBody,
} from "@wangge/core";
import type { AppContext, RequestMeta } from "../../context.ts";
import { findArea } from "../areas/areas.service.ts";
import { recordAudit } from "../audit/audit.service.ts";
import { deliveryRows, findAudio, queueOnLoudspeakers } from "./broadcast.queries.ts";
import {
  areaNameOf,
  countUnread,
  type DeliveryCounts,
  deliveryCounts,
  findNotice,
  findReceipt,
  findResidentVillage,
  findTagCategory,
  inboxRows,
  insertNoticeHouseholds,
  insertNoticeIfNew,
  insertResidentRecipients,
  insertWorkerRecipients,
  listNoticeRows,
  loudspeakerOnlyHouseholds,
  markRead,
  receiptRows,
  upsertResidentVillage,
  villageOptions,
} from "./notices.queries.ts";
import type { NoticeRow } from "./notices.table.ts";

/**
 * Notices (通知公告): an official sends one to an area — optionally only to the households with a
 * care or service tag — urgent or normal, over the resident app's inbox, the field app and the
 * village loudspeakers. Whom it reaches is settled when it is sent: the residents of its households
 * (a resident account linked to a member's record, or whose phone is a member's registered phone) and, for a notice to everyone, the
 * residents who follow a village under its area; the grid workers and heads posted there; the
 * loudspeakers of the area. Each recipient's reading is recorded (read receipts). Its text goes to
 * phones and is read out in the village square, so a text with an ID or phone number is refused.
 */
export interface NoticeView {
  id: string;
  title: string;
  body: string;
  areaCode: string;
  areaName: string;
  tagKey: string | null;
  urgent: boolean;
  channels: ("app" | "field" | "loudspeaker")[];
  audioId: string | null;
  sentByName: string | null;
  sentAt: string;
  delivery: DeliveryCounts;
}

function toView(row: NoticeRow, areaName: string, delivery: DeliveryCounts): NoticeView {
  return {
    id: row.id,
    title: row.title,
    body: row.body,
    areaCode: row.area_code,
    areaName,
    tagKey: row.tag_key,
    urgent: row.urgent,
    channels: row.channels as NoticeView["channels"],
    audioId: row.audio_id,
    sentByName: row.sent_by_name,
    sentAt: row.sent_at.toISOString(),
    delivery,
  };
}

/** Whether a text holds an ID or mobile number (the masking would change it). */
export function holdsPersonalNumber(text: string): boolean {
  return redactPersonalNumbers(text) !== text;
}

const sendScope = (actor: Principal) => principalScope(actor, "notice.send");

export async function sendNotice(
  ctx: AppContext,
  actor: Principal,
  meta: RequestMeta,
  input: SendNoticeBody,
): Promise<{ notice: NoticeView; created: boolean }> {
  const existing = await findNotice(ctx.db, input.id);
  if (existing) return { notice: await retried(ctx, actor, existing), created: false };
  const issues: FieldIssue[] = [];
  if (holdsPersonalNumber(input.title)) issues.push(fieldIssue("body.title", "NOTICE_FIELD_PERSONAL_NUMBER"));
  if (holdsPersonalNumber(input.body)) issues.push(fieldIssue("body.body", "NOTICE_FIELD_PERSONAL_NUMBER"));
  const area = await findArea(ctx.db, input.areaCode);
  // An area outside the sender's is answered like one that does not exist.
  if (!area || !canView(sendScope(actor), area.path)) issues.push(fieldIssue("body.areaCode", "FIELD_NO_SUCH_AREA"));
  if (input.tagKey) {
    const category = await findTagCategory(ctx.db, input.tagKey);
    if (!category) issues.push(fieldIssue("body.tagKey", "NOTICE_FIELD_NO_SUCH_TAG"));
    else if (category === "sensitive") issues.push(fieldIssue("body.tagKey", "NOTICE_FIELD_SENSITIVE_TAG"));
  }
  if (input.audioId) {
    // Only a recording the sender uploaded: another's id says nothing about whether it exists.
    const audio = await findAudio(ctx.db, input.audioId);
    if (!audio || audio.uploaded_by !== authorId(actor))
      issues.push(fieldIssue("body.audioId", "NOTICE_FIELD_NO_SUCH_AUDIO"));
  }
  if (issues.length > 0 || !area)
    throw new DomainError("VALIDATION_FAILED", "the notice cannot be sent", { errors: issues });
  const now = ctx.now();
  const row: NoticeRow = {
    id: input.id,
    title: input.title,
    body: input.body,
    area_id: area.id,
    area_code: area.code,
    area_path: area.path,
    tag_key: input.tagKey ?? null,
    urgent: input.urgent,
    channels: [...input.channels],
    audio_id: input.audioId ?? null,
    sent_by: authorId(actor),
    sent_by_name: actor.displayName,
    sent_at: now,
  };
  const target = { id: row.id, areaPath: row.area_path, tagKey: row.tag_key, urgent: row.urgent };
  const created = await ctx.db.transaction().execute(async (trx) => {
    // Sent twice at once: the second finds the id taken and answers with the first.
    if (!(await insertNoticeIfNew(trx, row))) return false;
    await insertNoticeHouseholds(trx, target, chinaDate(now));
    if (input.channels.includes("app")) await insertResidentRecipients(trx, target);
    if (input.channels.includes("field")) await insertWorkerRecipients(trx, target);
    if (input.channels.includes("loudspeaker")) await queueOnLoudspeakers(trx, target, now);
    await recordAudit(ctx, trx, {
      action: "notice.send",
      outcome: "success",
      actor: { userId: authorId(actor), username: actor.username },
      meta,
      targetType: "notice",
      targetId: row.id,
      areaPath: row.area_path,
      details: { urgent: row.urgent, tag: row.tag_key, channels: row.channels },
    });
    return true;
  });
  const stored = (await findNotice(ctx.db, input.id)) as NoticeRow;
  if (!created) return { notice: await retried(ctx, actor, stored), created: false };
  return { notice: await viewOf(ctx, stored), created: true };
}

/** A retry answers with the notice first sent — to its sender; any other id clash is refused. */
async function retried(ctx: AppContext, actor: Principal, existing: NoticeRow): Promise<NoticeView> {
  if (existing.sent_by !== authorId(actor))
    throw new DomainError("NOTICE_ID_CONFLICT", `notice id ${existing.id} already holds another notice`);
  return viewOf(ctx, existing);
}

async function viewOf(ctx: AppContext, row: NoticeRow): Promise<NoticeView> {
  const counts = await deliveryCounts(ctx.db, [row.id]);
  return toView(row, await areaNameOf(ctx.db, row.area_id), counts.get(row.id) as DeliveryCounts);
}

/** The notices sent to the asker's areas (notice.send scope), newest first, with their delivery. */
export async function listNotices(ctx: AppContext, actor: Principal, query: { limit: number; before?: string }) {
  const scope = sendScope(actor);
  const rows = await listNoticeRows(ctx.db, scope.isGlobal ? null : scope.view, {
    limit: query.limit,
    before: query.before ? new Date(query.before) : undefined,
  });
  const counts = await deliveryCounts(
    ctx.db,
    rows.map((r) => r.id),
  );
  return rows.map((r) => toView(r, r.area_name, counts.get(r.id) as DeliveryCounts));
}

/** A notice its sender's colleagues may see (in their notice.send scope); any other is not found. */
async function sentNotice(ctx: AppContext, actor: Principal, id: string): Promise<NoticeRow> {
  const row = await findNotice(ctx.db, id);
  if (!row || !canView(sendScope(actor), row.area_path))
    throw new DomainError("NOTICE_NOT_FOUND", `no notice ${id} in your areas`);
  return row;
}

/** One sent notice with who read it and what each loudspeaker did. */
export async function getNoticeDelivery(ctx: AppContext, actor: Principal, id: string) {
  const row = await sentNotice(ctx, actor, id);
  const receipts = await receiptRows(ctx.db, id);
  const speakers = await deliveryRows(ctx.db, id);
  return {
    notice: await viewOf(ctx, row),
    recipients: receipts.map((r) => ({
      kind: r.kind,
      // Residents are shown masked to staff who did not ask for them; staff by name.
      name: r.kind === "resident" ? maskName(r.display_name) : r.display_name,
      readAt: r.read_at?.toISOString() ?? null,
    })),
    loudspeakers: speakers.map((s) => ({
      deviceId: s.id,
      name: s.name,
      areaCode: s.area_code ?? "",
      state: s.state,
      fetchedAt: s.fetched_at?.toISOString() ?? null,
      doneAt: s.done_at?.toISOString() ?? null,
      detail: s.detail,
    })),
  };
}

/** What reached the asker (resident or grid worker): unread urgent first, with the unread count. */
export async function inbox(ctx: AppContext, actor: Principal, limit: number) {
  const rows = await inboxRows(ctx.db, actor.userId, limit);
  return {
    unread: await countUnread(ctx.db, actor.userId),
    items: rows.map((r) => ({
      id: r.id,
      title: r.title,
      body: r.body,
      urgent: r.urgent,
      areaName: r.area_name,
      sentAt: r.sent_at.toISOString(),
      readAt: r.read_at?.toISOString() ?? null,
    })),
  };
}

/** A received notice, marked read (its receipt); one the asker did not receive is not found. */
export async function readNotice(ctx: AppContext, actor: Principal, id: string) {
  const receipt = await findReceipt(ctx.db, id, actor.userId);
  const row = receipt ? await findNotice(ctx.db, id) : undefined;
  if (!receipt || !row) throw new DomainError("NOTICE_NOT_FOUND", `no notice ${id} for you`);
  const now = ctx.now();
  await markRead(ctx.db, id, actor.userId, now);
  return {
    id: row.id,
    title: row.title,
    body: row.body,
    urgent: row.urgent,
    areaName: await areaNameOf(ctx.db, row.area_id),
    sentAt: row.sent_at.toISOString(),
    readAt: (receipt.read_at ?? now).toISOString(),
  };
}

/**
 * The households of the asker's areas (person.read scope) a notice was for that have no resident-app
 * user: a loudspeaker was their only channel, and a grid worker may go and tell them. Names masked.
 */
export async function loudspeakerOnly(ctx: AppContext, actor: Principal, id: string) {
  const scope = principalScope(actor, "person.read");
  const row = await findNotice(ctx.db, id);
  const received = row ? await findReceipt(ctx.db, id, actor.userId) : undefined;
  // Staff who received it, whose areas meet its area, or who may send there: its households in their own areas only.
  const meets = (p: string) => p.startsWith(row?.area_path ?? "\0") || (row?.area_path ?? "").startsWith(p);
  if (!row || !(received || scope.isGlobal || scope.view.some(meets) || canView(sendScope(actor), row.area_path)))
    throw new DomainError("NOTICE_NOT_FOUND", `no notice ${id} for you`);
  const rows = await loudspeakerOnlyHouseholds(ctx.db, id, scope.isGlobal ? null : scope.view);
  return rows.map((h) => ({
    householdId: h.id,
    address: h.address ? redactPersonalNumbers(h.address) : "",
    headName: h.head_name ? maskName(h.head_name) : null,
    areaCode: h.area_path.split("/").filter(Boolean).at(-1) ?? "",
    loudspeakerPlayed: Boolean(h.played),
  }));
}

// ---- the village a resident follows ------------------------------------------------------------------

export async function myVillage(ctx: AppContext, actor: Principal) {
  const v = await findResidentVillage(ctx.db, actor.userId);
  return { areaCode: v?.code ?? null, areaName: v?.name ?? null };
}

/** An unlinked resident chooses the village (or community) whose notices they receive from now on. */
export async function chooseVillage(ctx: AppContext, actor: Principal, meta: RequestMeta, areaCode: string) {
  const area = await findArea(ctx.db, areaCode);
  if (!area || area.abolished_at)
    throw new DomainError("VALIDATION_FAILED", "no such village", {
      errors: [fieldIssue("body.areaCode", "FIELD_NO_SUCH_AREA")],
    });
  if (area.level !== "village")
    throw new DomainError("VALIDATION_FAILED", "a resident follows a village or community", {
      errors: [fieldIssue("body.areaCode", "NOTICE_FIELD_VILLAGE")],
    });
  await ctx.db.transaction().execute(async (trx) => {
    await upsertResidentVillage(trx, {
      user_id: actor.userId,
      area_id: area.id,
      area_path: area.path,
      chosen_at: ctx.now(),
    });
    await recordAudit(ctx, trx, {
      action: "resident.village",
      outcome: "success",
      actor: { userId: authorId(actor), username: actor.username },
      meta,
      targetType: "area",
      targetId: area.code,
      areaPath: area.path,
    });
  });
  return { areaCode: area.code, areaName: area.name };
}

export async function listVillages(ctx: AppContext, q: string | undefined) {
  return (await villageOptions(ctx.db, q?.trim() || undefined, 50)).map((v) => ({
    code: v.code,
    name: v.name,
    parentName: v.parent_name,
  }));
}

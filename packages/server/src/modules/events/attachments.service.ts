import { createHash } from "node:crypto";
import { mkdir, readFile, rename, rm } from "node:fs/promises";
import path from "node:path";
import { authorId, DomainError, fieldIssue, isPublicCategory, type Principal } from "@wangge/core";
import type { AppContext } from "../../context.ts";
import { uuidv7 } from "../../ids.ts";
import {
  ATTACHMENT_TYPES,
  type AttachmentType,
  MAX_ATTACHMENT_BYTES,
  safeFileName,
  sniffType,
  stripLocation,
  writeTemporary,
} from "./attachment-files.ts";
import {
  findAttachment,
  findAttachmentOfEvent,
  findAttachmentWithCategory,
  insertAttachmentIfNew,
  listAttachmentsOf,
} from "./attachments.queries.ts";
import { openColumns, SEALED_TEXT, sealColumns } from "./event-free-text.ts";
import { visibleEvent } from "./events.service.ts";
import type { EventAttachmentRow } from "./events.table.ts";

/**
 * Attachments of events. The file's type comes from its bytes; the original is kept for staff and,
 * when it carried metadata, a copy without it for residents and Open311 (`.public`). A retry with
 * the same client id answers the stored attachment.
 */
export function attachmentsDir(ctx: Pick<AppContext, "config">): string {
  return path.join(ctx.config.dataDir, "attachments");
}

function filePath(
  ctx: Pick<AppContext, "config">,
  row: Pick<EventAttachmentRow, "id" | "content_type">,
  variant: "original" | "public",
) {
  const ext = ATTACHMENT_TYPES[row.content_type as AttachmentType] ?? "bin";
  return path.join(attachmentsDir(ctx), `${row.id}${variant === "public" ? ".public" : ""}.${ext}`);
}

/**
 * What a reader of the event sees of an attachment: its name as given to whoever uploaded it, else as
 * stored (ID and phone numbers masked; in clear only through the event's reveal, with a reason).
 */
export function toAttachmentView(ctx: AppContext, row: EventAttachmentRow, reader: string | null) {
  const a = uploadedBy(row, reader) ? openColumns(ctx, row, SEALED_TEXT.event_attachment) : row;
  return {
    id: a.id,
    eventId: a.event_id,
    fileName: a.file_name,
    contentType: a.content_type,
    size: a.size,
    sha256: a.sha256,
    hadLocation: a.had_location,
    createdAt: a.created_at.toISOString(),
  };
}

/** Checks a file (type by signature, size) and says what is wrong with it, on `field`. */
export function checkAttachment(data: Uint8Array, field: string): AttachmentType {
  if (data.length === 0)
    throw new DomainError("EVENT_ATTACHMENT_REJECTED", "the file is empty", {
      errors: [fieldIssue(field, "EVENT_FIELD_FILE_EMPTY")],
    });
  if (data.length > MAX_ATTACHMENT_BYTES)
    throw new DomainError("EVENT_ATTACHMENT_REJECTED", "the file is too large", {
      errors: [fieldIssue(field, "EVENT_FIELD_FILE_TOO_LARGE", { mib: String(MAX_ATTACHMENT_BYTES / 1024 / 1024) })],
    });
  const type = sniffType(data);
  if (!type)
    throw new DomainError("EVENT_ATTACHMENT_REJECTED", "the file is not a JPEG, PNG, WebP or PDF", {
      errors: [fieldIssue(field, "EVENT_FIELD_FILE_TYPE")],
    });
  return type;
}

export async function saveAttachment(
  ctx: AppContext,
  actor: Principal | null,
  input: { id?: string | undefined; eventId: string; fileName: string; data: Uint8Array; field?: string },
): Promise<{ attachment: ReturnType<typeof toAttachmentView>; created: boolean }> {
  const id = input.id ?? uuidv7(ctx.now().getTime());
  const uploader = actor ? authorId(actor) : null;
  const sha256 = createHash("sha256").update(input.data).digest("hex");
  // A retry (same event, same bytes) is answered with the stored attachment; another file under the id is refused.
  const retried = async (existing: EventAttachmentRow) => {
    if (existing.event_id === input.eventId && existing.sha256 === sha256)
      return { attachment: toAttachmentView(ctx, existing, uploader), created: false };
    // Held by an event out of the caller's sight: not found, as that event would be, not a conflict.
    if (existing.event_id !== input.eventId && actor) await visibleEvent(ctx, actor, existing.event_id);
    throw new DomainError("EVENT_ID_CONFLICT", `attachment id ${id} already holds another file`);
  };
  const existing = await findAttachment(ctx.db, id);
  if (existing) return retried(existing);
  const type = checkAttachment(input.data, input.field ?? "body");
  const stripped = stripLocation(type, input.data);
  const row: EventAttachmentRow = {
    id,
    event_id: input.eventId,
    step_id: null,
    // The name may carry personal numbers (a photo named after an ID card): masked, the original sealed.
    ...sealColumns(ctx, { file_name: safeFileName(input.fileName, type) }),
    content_type: type,
    size: input.data.length,
    sha256,
    had_location: stripped.hadLocation,
    uploaded_by: actor ? authorId(actor) : null,
    created_at: ctx.now(),
  };
  // Uploads of the same id at once (a client retrying before the first answer) each write their
  // own temporary files; the one whose row goes in puts its files in place before it commits, the
  // others drop theirs and answer like a retry. The files under an id are only ever its row's.
  await mkdir(attachmentsDir(ctx), { recursive: true });
  const files = [{ file: filePath(ctx, row, "original"), data: input.data }];
  if (stripped.changed) files.push({ file: filePath(ctx, row, "public"), data: stripped.data });
  const written = await Promise.all(files.map(async (f) => ({ ...f, tmp: await writeTemporary(f.file, f.data) })));
  try {
    const created = await ctx.db.transaction().execute(async (trx) => {
      if (!(await insertAttachmentIfNew(trx, row))) return false;
      for (const w of written) await rename(w.tmp, w.file);
      return true;
    });
    if (created) return { attachment: toAttachmentView(ctx, row, uploader), created: true };
  } finally {
    await Promise.all(written.map((w) => rm(w.tmp, { force: true })));
  }
  const stored = await findAttachment(ctx.db, id);
  if (!stored) throw new Error(`attachment ${id} was taken and is gone`);
  return retried(stored);
}

export async function listAttachments(ctx: AppContext, actor: Principal, eventId: string) {
  return (await listAttachmentsOf(ctx.db, eventId)).map((a) => toAttachmentView(ctx, a, authorId(actor)));
}

const uploadedBy = (row: EventAttachmentRow, reader: string | null) =>
  reader !== null && row.uploaded_by !== null && row.uploaded_by === reader;

/**
 * The bytes of an attachment: the original, or the copy without location metadata; its row with the
 * name as its reader sees it (toAttachmentView; the caller has checked the reader may see the event).
 */
export async function readAttachment(
  ctx: AppContext,
  actor: Principal,
  eventId: string,
  attachmentId: string,
  variant: "original" | "public",
): Promise<{ row: EventAttachmentRow; data: Buffer }> {
  const row = await findAttachmentOfEvent(ctx.db, eventId, attachmentId);
  if (!row)
    throw new DomainError("EVENT_NOT_FOUND", `no attachment ${attachmentId} on this event`, {
      errors: [fieldIssue("attachmentId", "EVENT_FIELD_UNKNOWN_ATTACHMENT")],
    });
  const named = uploadedBy(row, authorId(actor)) ? openColumns(ctx, row, SEALED_TEXT.event_attachment) : row;
  return { row: named, data: await readVariant(ctx, row, variant) };
}

async function readVariant(ctx: AppContext, row: EventAttachmentRow, variant: "original" | "public"): Promise<Buffer> {
  if (variant === "public") {
    const copy = await readFile(filePath(ctx, row, "public")).catch(() => undefined);
    if (copy) return copy;
  }
  return readFile(filePath(ctx, row, "original"));
}

/**
 * A photo of a public report, as Open311 clients fetch it by id alone: the copy without location
 * metadata. Nothing — the same as for an unknown id — for a report that is not public (not marked
 * public, a dispute, a public-order matter).
 */
export async function readPublicMedia(
  ctx: AppContext,
  attachmentId: string,
): Promise<{ row: EventAttachmentRow; data: Buffer } | undefined> {
  const found = await findAttachmentWithCategory(ctx.db, attachmentId);
  if (!found?.is_public || !isPublicCategory(found.category_key)) return undefined;
  const { category_key: _, is_public: __, ...row } = found;
  return { row, data: await readVariant(ctx, row, "public") };
}

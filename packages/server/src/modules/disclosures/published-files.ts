import { createHash } from "node:crypto";
import { mkdir, readFile, rename, rm, stat } from "node:fs/promises";
import path from "node:path";
import { DomainError, fieldIssue, redactPersonalNumbers } from "@wangge/core";
import type { AppContext } from "../../context.ts";
import {
  ATTACHMENT_TYPES,
  type AttachmentType,
  MAX_ATTACHMENT_BYTES,
  safeFileName,
  sniffType,
  stripLocation,
  writeTemporary,
} from "../events/attachment-files.ts";

/**
 * The storage of files that are published to residents: disclosures' PDFs and photos, livelihood
 * projects' progress photos and acceptance documents. Only the copy without location metadata is kept
 * (events' sniffing and stripping); the type comes from the bytes, the size is capped, the name is
 * made safe as events' are and masked of personal numbers; bytes are written as events' are (a
 * temporary file renamed into place). Files are stored once by digest, so a correction's copy of earlier files
 * (or the same photo in two places) costs nothing. Callers keep their own rows pointing at the digest.
 */
const dirOf = (ctx: Pick<AppContext, "config">) => path.join(ctx.config.dataDir, "disclosures");
const fileOf = (ctx: Pick<AppContext, "config">, sha256: string, type: string) =>
  path.join(dirOf(ctx), `${sha256}.${ATTACHMENT_TYPES[type as AttachmentType] ?? "bin"}`);

/** The file's type from its bytes, or the caller's code (e.g. DISCLOSURE_FILE_REJECTED) with the field's reason. */
export function checkPublishedFile(data: Uint8Array, code: string): AttachmentType {
  const rejected = (message: string, params?: Record<string, string>) =>
    new DomainError(code, "the file is not accepted", { errors: [fieldIssue("body", message, params)] });
  if (data.length === 0) throw rejected("DISCLOSURE_FIELD_FILE_EMPTY");
  if (data.length > MAX_ATTACHMENT_BYTES)
    throw rejected("DISCLOSURE_FIELD_FILE_TOO_LARGE", { mib: String(MAX_ATTACHMENT_BYTES / 1024 / 1024) });
  const type = sniffType(data);
  if (!type) throw rejected("DISCLOSURE_FIELD_FILE_TYPE");
  return type;
}

/** A name fit to publish: made safe as events' are (no path, no control characters), personal numbers masked. */
export function cleanFileName(name: string, type: AttachmentType): string {
  return redactPersonalNumbers(safeFileName(name, type, "file"));
}

/** The checked, stripped bytes and their digest, before anything is written (to compare with a retry). */
export function preparePublishedFile(data: Buffer, code: string) {
  const type = checkPublishedFile(data, code);
  const stripped = stripLocation(type, data);
  const bytes = stripped.changed ? Buffer.from(stripped.data) : data;
  return { type, data: bytes, size: bytes.length, sha256: createHash("sha256").update(bytes).digest("hex") };
}

/** Writes the bytes under their digest unless they are there (same digest, same bytes: races are harmless). */
export async function storePublishedFile(
  ctx: Pick<AppContext, "config">,
  file: { type: AttachmentType | string; data: Buffer; sha256: string },
) {
  const target = fileOf(ctx, file.sha256, file.type);
  await mkdir(dirOf(ctx), { recursive: true });
  if (!(await stat(target).catch(() => undefined))) {
    const tmp = await writeTemporary(target, file.data);
    // Same digest, same bytes: whichever rename lands last leaves the same file.
    await rename(tmp, target).finally(() => rm(tmp, { force: true }));
  }
}

export async function readPublishedBytes(ctx: Pick<AppContext, "config">, sha256: string, type: string) {
  return readFile(fileOf(ctx, sha256, type));
}

import { createHash } from "node:crypto";
import { mkdir, readFile, rename, rm, stat } from "node:fs/promises";
import path from "node:path";
import { authorId, DomainError, fieldIssue, type Principal, redactPersonalNumbers } from "@wangge/core";
import type { AppContext, RequestMeta } from "../../context.ts";
import {
  ATTACHMENT_TYPES,
  type AttachmentType,
  MAX_ATTACHMENT_BYTES,
  safeFileName,
  sniffType,
  stripLocation,
  writeTemporary,
} from "../events/attachment-files.ts";
import { assertWorks, notFound, staffDisclosure } from "./disclosure-access.ts";
import { managedDisclosure } from "./disclosure-views.service.ts";
import {
  deleteFile,
  findDisclosure,
  findFile,
  findFileOf,
  insertFileIfNew,
  listVersions,
} from "./disclosures.queries.ts";
import type { DisclosureFileRow } from "./disclosures.table.ts";

/**
 * PDFs and photos of a disclosure, given to its newest version while it is a draft. Everything here is
 * published, so only the copy without location metadata is kept (events' sniffing and stripping); the
 * type comes from the bytes, the size is capped, the name is made safe as events' are and masked of
 * personal numbers; the bytes are written as events' are (a temporary file renamed into place). Files are
 * stored once by digest: a correction's copy of the earlier files costs nothing.
 */
const dirOf = (ctx: Pick<AppContext, "config">) => path.join(ctx.config.dataDir, "disclosures");
const fileOf = (ctx: Pick<AppContext, "config">, sha256: string, type: string) =>
  path.join(dirOf(ctx), `${sha256}.${ATTACHMENT_TYPES[type as AttachmentType] ?? "bin"}`);

function checkFile(data: Uint8Array): AttachmentType {
  const rejected = (code: string, params?: Record<string, string>) =>
    new DomainError("DISCLOSURE_FILE_REJECTED", "the file is not accepted", {
      errors: [fieldIssue("body", code, params)],
    });
  if (data.length === 0) throw rejected("DISCLOSURE_FIELD_FILE_EMPTY");
  if (data.length > MAX_ATTACHMENT_BYTES)
    throw rejected("DISCLOSURE_FIELD_FILE_TOO_LARGE", { mib: String(MAX_ATTACHMENT_BYTES / 1024 / 1024) });
  const type = sniffType(data);
  if (!type) throw rejected("DISCLOSURE_FIELD_FILE_TYPE");
  return type;
}

export async function addFile(
  ctx: AppContext,
  actor: Principal,
  meta: RequestMeta,
  input: { disclosureId: string; fileId: string; fileName: string; data: Buffer },
) {
  const row = await staffDisclosure(ctx, actor, input.disclosureId);
  await assertWorks(ctx, actor, meta, {
    action: "disclosure.file",
    type: "disclosure",
    id: row.id,
    areaPath: row.area_path,
  });
  const latest = (await listVersions(ctx.db, row.id))[0];
  const type = checkFile(input.data);
  const stripped = stripLocation(type, input.data);
  const data = stripped.changed ? Buffer.from(stripped.data) : input.data;
  const sha256 = createHash("sha256").update(data).digest("hex");
  if (!latest) throw notFound(row.id);
  const existing = await findFile(ctx.db, latest.id, input.fileId);
  if (existing) {
    if (existing.sha256 !== sha256)
      throw new DomainError("DISCLOSURE_ID_CONFLICT", `file id ${input.fileId} already holds another file`);
    return { disclosure: await managedDisclosure(ctx, actor, row.id), created: false };
  }
  if (latest.state !== "draft" && latest.state !== "rejected")
    throw new DomainError("DISCLOSURE_NOT_EDITABLE", "files are added to a draft");
  const target = fileOf(ctx, sha256, type);
  await mkdir(dirOf(ctx), { recursive: true });
  if (!(await stat(target).catch(() => undefined))) {
    const tmp = await writeTemporary(target, data);
    // Same digest, same bytes: whichever rename lands last leaves the same file.
    await rename(tmp, target).finally(() => rm(tmp, { force: true }));
  }
  const created = await insertFileIfNew(ctx.db, {
    version_id: latest.id,
    id: input.fileId,
    file_name: redactPersonalNumbers(safeFileName(input.fileName, type, "file")),
    content_type: type,
    size: data.length,
    sha256,
    uploaded_by: authorId(actor),
    created_at: ctx.now(),
  });
  return { disclosure: await managedDisclosure(ctx, actor, row.id), created };
}

export async function removeFile(ctx: AppContext, actor: Principal, meta: RequestMeta, id: string, fileId: string) {
  const row = await staffDisclosure(ctx, actor, id);
  await assertWorks(ctx, actor, meta, { action: "disclosure.file", type: "disclosure", id, areaPath: row.area_path });
  const latest = (await listVersions(ctx.db, id))[0];
  if (!latest || (latest.state !== "draft" && latest.state !== "rejected"))
    throw new DomainError("DISCLOSURE_NOT_EDITABLE", "files are removed from a draft only");
  await deleteFile(ctx.db, latest.id, fileId);
  return managedDisclosure(ctx, actor, id);
}

async function bytesOf(ctx: AppContext, file: DisclosureFileRow) {
  return { row: file, data: await readFile(fileOf(ctx, file.sha256, file.content_type)) };
}

const fileNotFound = (id: string) =>
  new DomainError("DISCLOSURE_NOT_FOUND", `no file ${id} here`, {
    errors: [fieldIssue("fileId", "COMMENT_FIELD_SUBJECT")],
  });

/** A file of a published version (public), else not found alike. */
export async function readPublishedFile(ctx: AppContext, id: string, fileId: string) {
  const row = await findDisclosure(ctx.db, id);
  const file = row?.published_version ? await findFileOf(ctx.db, id, fileId, "published") : undefined;
  if (!file) throw fileNotFound(fileId);
  return bytesOf(ctx, file);
}

/** A file of any version, for staff of the area (a draft's files before publication). */
export async function readStaffFile(ctx: AppContext, actor: Principal, id: string, fileId: string) {
  await staffDisclosure(ctx, actor, id);
  const file = await findFileOf(ctx.db, id, fileId, "any");
  if (!file) throw fileNotFound(fileId);
  return bytesOf(ctx, file);
}

import { authorId, DomainError, fieldIssue, type Principal } from "@wangge/core";
import type { AppContext, RequestMeta } from "../../context.ts";
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
import { cleanFileName, preparePublishedFile, readPublishedBytes, storePublishedFile } from "./published-files.ts";

/**
 * PDFs and photos of a disclosure, given to its newest version while it is a draft. Everything here is
 * published: the bytes go through published-files.ts (type from the bytes, size capped, location
 * metadata removed, stored once by digest, so a correction's copy of the earlier files costs nothing).
 */
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
  const file = preparePublishedFile(input.data, "DISCLOSURE_FILE_REJECTED");
  const { type, data, sha256 } = file;
  if (!latest) throw notFound(row.id);
  const existing = await findFile(ctx.db, latest.id, input.fileId);
  if (existing) {
    if (existing.sha256 !== sha256)
      throw new DomainError("DISCLOSURE_ID_CONFLICT", `file id ${input.fileId} already holds another file`);
    return { disclosure: await managedDisclosure(ctx, actor, row.id), created: false };
  }
  if (latest.state !== "draft" && latest.state !== "rejected")
    throw new DomainError("DISCLOSURE_NOT_EDITABLE", "files are added to a draft");
  await storePublishedFile(ctx, file);
  const created = await insertFileIfNew(ctx.db, {
    version_id: latest.id,
    id: input.fileId,
    file_name: cleanFileName(input.fileName, type),
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
  return { row: file, data: await readPublishedBytes(ctx, file.sha256, file.content_type) };
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

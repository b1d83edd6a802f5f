import { authorId, DomainError, type Principal, type ProjectFilePurpose, redactPersonalNumbers } from "@wangge/core";
import type { AppContext, RequestMeta } from "../../context.ts";
import { recordAudit } from "../audit/audit.service.ts";
import {
  cleanFileName,
  preparePublishedFile,
  readPublishedBytes,
  storePublishedFile,
} from "../disclosures/published-files.ts";
import { projectNotFound, staffProject, workedProject } from "./project-access.ts";
import { managedProject } from "./project-views.service.ts";
import {
  deleteProjectFile,
  findMilestone,
  findProject,
  findProjectFile,
  insertProjectFileIfNew,
  isAcceptanceDocument,
  updateProjectRow,
} from "./projects.queries.ts";
import type { ProjectFileRow } from "./projects.table.ts";

/**
 * Progress photos and acceptance documents of a project, through the disclosures' storage of published
 * files (type from the bytes, size capped, location metadata removed, stored once by digest). A photo
 * may name the milestone it shows; captions and names are masked of personal numbers.
 */
const cleanCaption = (text: string) =>
  redactPersonalNumbers(
    text
      .replace(/\p{Cc}/gu, "")
      .trim()
      .slice(0, 200),
  );

export async function addProjectFile(
  ctx: AppContext,
  actor: Principal,
  meta: RequestMeta,
  input: {
    projectId: string;
    fileId: string;
    fileName: string;
    purpose: ProjectFilePurpose;
    milestoneId?: string | undefined;
    caption: string;
    data: Buffer;
  },
) {
  const row = await workedProject(ctx, actor, meta, input.projectId, "project.file");
  const file = preparePublishedFile(input.data, "PROJECT_FILE_REJECTED");
  const existing = await findProjectFile(ctx.db, input.fileId);
  if (existing) {
    if (existing.project_id !== input.projectId || existing.sha256 !== file.sha256)
      throw new DomainError("PROJECT_ID_CONFLICT", `file id ${input.fileId} already holds another file`);
    return { project: await managedProject(ctx, actor, input.projectId), created: false };
  }
  if (row.acceptance_result === "passed")
    throw new DomainError("PROJECT_ACCEPTED", `project ${row.id} passed its completion acceptance`);
  if (input.milestoneId) {
    const m = await findMilestone(ctx.db, input.milestoneId);
    if (m?.project_id !== input.projectId)
      throw new DomainError("PROJECT_MILESTONE_NOT_FOUND", `project ${row.id} has no milestone ${input.milestoneId}`);
  }
  await storePublishedFile(ctx, file);
  const now = ctx.now();
  const created = await ctx.db.transaction().execute(async (trx) => {
    const wrote = await insertProjectFileIfNew(trx, {
      id: input.fileId,
      project_id: input.projectId,
      purpose: input.purpose,
      milestone_id: input.milestoneId ?? null,
      file_name: cleanFileName(input.fileName, file.type),
      caption: cleanCaption(input.caption),
      content_type: file.type,
      size: file.size,
      sha256: file.sha256,
      uploaded_by: authorId(actor),
      created_at: now,
    });
    if (wrote) {
      await updateProjectRow(trx, input.projectId, { updated_at: now });
      await recordAudit(ctx, trx, {
        action: "project.file",
        outcome: "success",
        actor: { userId: authorId(actor), username: actor.username },
        meta,
        targetType: "project",
        targetId: input.projectId,
        areaPath: row.area_path,
        details: { fileId: input.fileId, purpose: input.purpose, sha256: file.sha256 },
      });
    }
    return wrote;
  });
  if (!created) {
    const stored = await findProjectFile(ctx.db, input.fileId);
    if (stored?.project_id !== input.projectId || stored.sha256 !== file.sha256)
      throw new DomainError("PROJECT_ID_CONFLICT", `file id ${input.fileId} already holds another file`);
  }
  return { project: await managedProject(ctx, actor, input.projectId), created };
}

/** Removes a photo (e.g. one that shows a person who did not agree); the acceptance document stays. */
export async function removeProjectFile(
  ctx: AppContext,
  actor: Principal,
  meta: RequestMeta,
  projectId: string,
  fileId: string,
) {
  const row = await workedProject(ctx, actor, meta, projectId, "project.file");
  const file = await findProjectFile(ctx.db, fileId);
  if (file?.project_id !== projectId)
    throw new DomainError("PROJECT_MILESTONE_NOT_FOUND", `project ${projectId} has no file ${fileId}`);
  if (await isAcceptanceDocument(ctx.db, projectId, fileId))
    throw new DomainError("PROJECT_ACCEPTED", "the document of a recorded acceptance stays");
  await ctx.db.transaction().execute(async (trx) => {
    await deleteProjectFile(trx, projectId, fileId);
    await recordAudit(ctx, trx, {
      action: "project.file.remove",
      outcome: "success",
      actor: { userId: authorId(actor), username: actor.username },
      meta,
      targetType: "project",
      targetId: projectId,
      areaPath: row.area_path,
      details: { fileId, purpose: file.purpose, fileName: file.file_name },
    });
  });
  return managedProject(ctx, actor, projectId);
}

async function bytesOf(ctx: AppContext, file: ProjectFileRow) {
  return { row: file, data: await readPublishedBytes(ctx, file.sha256, file.content_type) };
}

/** A photo or the acceptance document of a published project (public); anything else: not found. */
export async function readPublicProjectFile(ctx: AppContext, projectId: string, fileId: string) {
  const row = await findProject(ctx.db, projectId);
  const file = row?.published_version ? await findProjectFile(ctx.db, fileId) : undefined;
  const shown = file && (file.purpose === "photo" || (await isAcceptanceDocument(ctx.db, projectId, file.id)));
  if (!file || file.project_id !== projectId || !shown) throw projectNotFound(projectId);
  return bytesOf(ctx, file);
}

/** Any file of a project, for staff of its area (a draft's photos before publication). */
export async function readStaffProjectFile(ctx: AppContext, actor: Principal, projectId: string, fileId: string) {
  await staffProject(ctx, actor, projectId);
  const file = await findProjectFile(ctx.db, fileId);
  if (file?.project_id !== projectId) throw projectNotFound(projectId);
  return bytesOf(ctx, file);
}

import { mkdir } from "node:fs/promises";
import path from "node:path";
import {
  authorId,
  canWork,
  codeOfPath,
  DomainError,
  fieldIssue,
  isMessage,
  type Locale,
  type Message,
  type Principal,
  principalScope,
} from "@wangge/core";
import type { AppContext, RequestMeta } from "../../context.ts";
import { sayMessage } from "../../http/locale.ts";
import { type ZipProblem, ZipUnreadable } from "../../zip-reader.ts";
import { listAreasInScope } from "../areas/areas.service.ts";
import { recordAudit } from "../audit/audit.service.ts";
import { findJob, insertJob, listJobsOf, updateJob } from "./import-jobs.queries.ts";
import type { FileFormat, TemplateExample } from "./people-file.ts";
import type { ImportJobRow } from "./registry.table.ts";

/**
 * An import's job: recorded (and audited) when a file arrives, its progress and outcome written while
 * it runs, read back by its author alone — also after a page reload. The uploaded file waits under
 * the data directory until its job has run.
 */
export { findJob, updateJob };

export interface ImportCounts {
  created: number;
  updated: number;
  unchanged: number;
  rejected: number;
}

export interface StartImportInput {
  id: string;
  fileName: string;
  format: FileFormat;
  allOrNothing: boolean;
}

/** The job, queued, and its audit record: who imported which file. */
export async function recordJob(
  ctx: AppContext,
  actor: Principal,
  meta: RequestMeta,
  input: Omit<StartImportInput, "format">,
  via: "upload" | "cli",
): Promise<ImportJobRow> {
  await insertJob(ctx.db, {
    id: input.id,
    kind: "people",
    status: "queued",
    file_name: input.fileName,
    all_or_nothing: input.allOrNothing,
    created_by: authorId(actor),
  });
  await recordAudit(ctx, ctx.db, {
    action: "person.import",
    outcome: "success",
    actor: { userId: authorId(actor), username: actor.username },
    meta,
    targetType: "import",
    targetId: input.id,
    details: { fileName: input.fileName, allOrNothing: input.allOrNothing, via },
  });
  // Read back, so the answer is the job as it was queued.
  return (await findJob(ctx.db, input.id)) as ImportJobRow;
}

/**
 * The job as failed, with what the user may read of why — a domain error's message, or what is wrong
 * with the file (not a zip, damaged…), else none of it —
 * kept as a message (JSON) so that each reader is told it in their language (jobView).
 */
const FILE_PROBLEMS: Record<ZipProblem, string> = {
  not_zip: "IMPORT_JOB_FILE_NOT_ZIP",
  damaged: "IMPORT_JOB_FILE_DAMAGED",
  encrypted: "IMPORT_JOB_FILE_ENCRYPTED",
  too_large: "IMPORT_JOB_FILE_TOO_LARGE",
};

export function recordFailure(ctx: AppContext, id: string, error: unknown): Promise<void> {
  const said =
    error instanceof DomainError
      ? (error.errors?.find((e) => e.said)?.said ?? { code: "IMPORT_JOB_TEXT", params: { text: error.message } })
      : error instanceof ZipUnreadable
        ? { code: FILE_PROBLEMS[error.problem] }
        : { code: "IMPORT_JOB_INTERNAL" };
  return updateJob(ctx.db, id, { status: "failed", error: JSON.stringify(said), finished_at: ctx.now() });
}

/** Why a job failed, in the reader's language; text stored by an older version as it was. */
function failureText(stored: string | null, locale: Locale): string | null {
  if (stored === null) return null;
  try {
    const message = JSON.parse(stored) as Message;
    return isMessage(message) ? sayMessage(message, locale) : stored;
  } catch {
    return stored;
  }
}

export function uploadsDir(ctx: Pick<AppContext, "config">): string {
  return path.join(ctx.config.dataDir, "imports");
}

export function uploadPath(ctx: Pick<AppContext, "config">, id: string, format: FileFormat): string {
  return path.join(uploadsDir(ctx), `${id}.${format}`);
}

export async function ensureUploadsDir(ctx: Pick<AppContext, "config">): Promise<void> {
  await mkdir(uploadsDir(ctx), { recursive: true, mode: 0o700 });
}

export async function jobOf(ctx: AppContext, actor: Principal, id: string): Promise<ImportJobRow> {
  const job = await findJob(ctx.db, id);
  if (!job || job.created_by !== authorId(actor))
    throw new DomainError("IMPORT_NOT_FOUND", `no import ${id} of yours`, {
      errors: [fieldIssue("id", "REGISTRY_FIELD_UNKNOWN_IMPORT")],
    });
  return job;
}

export async function listJobs(ctx: AppContext, actor: Principal) {
  return listJobsOf(ctx.db, authorId(actor), 20);
}

export function jobView(job: ImportJobRow, locale: Locale = "en") {
  return {
    id: job.id,
    kind: job.kind,
    status: job.status,
    fileName: job.file_name,
    allOrNothing: job.all_or_nothing,
    total: job.total,
    processed: job.processed,
    created: job.created,
    updated: job.updated,
    unchanged: job.unchanged,
    rejected: job.rejected,
    applied: job.status === "done" && isApplied(job),
    error: failureText(job.error, locale),
    hasReport: job.status === "done" && job.report_purged_at === null,
    createdAt: job.created_at.toISOString(),
    finishedAt: job.finished_at?.toISOString() ?? null,
  };
}

/**
 * Whether a finished job wrote its rows. All-or-nothing stops at the file's own errors, and then
 * writes nothing; once the file is without them, rows the registry refuses (a number held out of the
 * importer's work: people-import-checks.ts) are refused one by one while the rest is written.
 */
function isApplied(job: ImportJobRow): boolean {
  return !job.all_or_nothing || job.rejected === 0 || job.created + job.updated + job.unchanged > 0;
}

/**
 * Where the template's example row is put for this user: the first village or community they may
 * register people in, or else the first grid (with its village), or else the area they work on, so
 * the example is one of their own codes; none when they work nowhere yet.
 */
export async function templateExampleArea(ctx: AppContext, actor: Principal): Promise<TemplateExample | undefined> {
  const scope = principalScope(actor, "person.manage");
  const areas = (await listAreasInScope(ctx.db, scope)).filter((a) => canWork(scope, a.path));
  const village = areas.find((a) => a.level === "village");
  if (village) return { divisionCode: village.code };
  const grid = areas.find((a) => a.level === "grid" || a.level === "microgrid");
  const parent = grid ? codeOfPath(grid.path.replace(/[^/]+\/$/, "")) : null;
  if (grid && parent) return { divisionCode: parent, gridCode: grid.code };
  // Someone who works on a township (or county) itself registers people there.
  return areas[0] ? { divisionCode: areas[0].code } : undefined;
}

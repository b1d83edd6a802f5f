import { constants, existsSync } from "node:fs";
import { access, rm } from "node:fs/promises";
import path from "node:path";
import { authorId, DomainError, type Principal } from "@wangge/core";
import type { AppContext, RequestMeta } from "../../context.ts";
import { uuidv7 } from "../../ids.ts";
import { locateIndexFor } from "../areas/area-boundaries.service.ts";
import { recordAudit } from "../audit/audit.service.ts";
import { findAccount, loadPrincipal } from "../users/users.service.ts";
import { listUnfinishedJobs } from "./import-jobs.queries.ts";
import {
  findJob,
  type ImportCounts,
  recordFailure,
  recordJob,
  type StartImportInput,
  updateJob,
  uploadPath,
} from "./import-jobs.service.ts";
import { RejectionRecorder } from "./import-reports.service.ts";
import { today } from "./people.service.ts";
import {
  countRows,
  type FileFormat,
  type PeopleFileHeader,
  type PeopleFileRow,
  readPeopleFile,
} from "./people-file.ts";
import { checkAgainstRegistry, type ImportRefusals, noRefusals } from "./people-import-checks.ts";
import { DEFER_INDEXES_FROM, firstLoadOf, refreshStatistics, withIndexesDeferred } from "./people-import-first-load.ts";
import { ImportRun } from "./people-import-plan.ts";
import { type PreparedRow, RowChecker, sealRequest } from "./people-rows.ts";
import type { ImportJobRow } from "./registry.table.ts";
import { importSealer, type SealedFields, sealAhead } from "./sealing.ts";

/**
 * Running a people import (with households and addresses) from CSV or XLSX, as a background job that
 * survives a page reload (import-jobs.service.ts): rows are streamed in batches, each row checked on
 * its own (people-rows.ts: ID check digit, dates, codes, duplicates inside the file), each batch then
 * against the registry (people-import-checks.ts) and planned and written while the next is read
 * (people-import-plan.ts; a first load into an empty registry: people-import-first-load.ts). Valid
 * rows are committed — or none, with all-or-nothing, when the file has errors of its own — and
 * rejected rows kept for a report (sealed, for a retention period: import-reports.service.ts). People
 * are matched by the blind index of their ID number, so importing the same file again changes nothing.
 */
export type { ImportCounts } from "./import-jobs.service.ts";

const BATCH = 1000;
/**
 * Checking rows is synchronous work on the thread that also writes: every so many rows it lets the
 * database's answers in, so the write of the previous batch goes on meanwhile.
 */
const YIELD_EVERY = 10;
/** How often at most the job's progress is written while it runs. */
const PROGRESS_EVERY_MS = 500;
const UNIQUE_VIOLATION = "23505";
/** Writes of one batch, the first included, before a duplicate key stops the import. */
const WRITE_ATTEMPTS = 4;

export interface ImportOptions {
  /** Rows from which a first load sets the person indexes aside (DEFER_INDEXES_FROM). */
  deferIndexesFrom?: number;
  /** Told at most twice a second and at the end: rows processed, and the file's rows (0 for XLSX, not counted). */
  onProgress?: (processed: number, total: number) => void;
  /** Rows after which ID and phone numbers are sealed on worker threads (SEAL_ON_THREADS_FROM). */
  sealOnThreadsFrom?: number;
}

/**
 * Runs an uploaded file to the end. With all-or-nothing, a first pass only validates and a second
 * writes, so one bad row leaves the registry as it was.
 */
export async function runPeopleImport(
  ctx: AppContext,
  actor: Principal,
  job: Pick<ImportJobRow, "id" | "all_or_nothing" | "file_name">,
  file: string,
  format: FileFormat,
  options: ImportOptions = {},
): Promise<ImportCounts> {
  const counts: ImportCounts = { created: 0, updated: 0, unchanged: 0, rejected: 0 };
  /** Rows refused for a number another record holds: each tells the importer that the number is registered. */
  let refusedNumbers = 0;
  // An XLSX whose size is only estimated shows no total; the estimate still decides how it loads.
  const size = await countRows(file, format);
  const total = size.exact ? size.rows : 0;
  // Written to the job at most twice a second (the console polls it), and at the end.
  let progressAt = 0;
  const progress = async (processed: number, final = false) => {
    if (!final && Date.now() - progressAt < PROGRESS_EVERY_MS) return;
    progressAt = Date.now();
    await updateJob(ctx.db, job.id, { processed });
    options.onProgress?.(processed, total);
  };
  await updateJob(ctx.db, job.id, { status: "running", total, processed: 0 });
  // Rejected rows are sealed as they come and written a page at a time (import-reports.service.ts).
  const report = new RejectionRecorder(ctx, job.id);
  await report.start();
  // Rows refused for numbers held out of the importer's work, or past their allowance of look-ups.
  const refusals = noRefusals();
  const pass = async (write: boolean) => {
    const run = new ImportRun(ctx, actor, job.id);
    const firstLoad = write ? await firstLoadOf(ctx) : undefined;
    run.lookUp = !firstLoad;
    if (firstLoad) run.startedEmpty(firstLoad);
    const defer = firstLoad !== undefined && size.rows >= (options.deferIndexesFrom ?? DEFER_INDEXES_FROM);
    return withIndexesDeferred(ctx, job.id, defer, () => load(write, run));
  };
  const load = async (write: boolean, run: ImportRun) => {
    let batch: PreparedRow[] = [];
    // The next rows are read and checked while the previous batch is written; writes stay one after
    // another, in file order.
    let writing: Promise<void> = Promise.resolve();
    let beforeLast: Promise<void> = Promise.resolve();
    let planning: Promise<unknown> = Promise.resolve();
    // A pass that only validates (all-or-nothing's first) asks the registry nothing: what a file that
    // writes nothing could learn from it would be free (people-import-checks.ts).
    const planBatch = async (rows: PreparedRow[]) => {
      if (!write) return { rejected: [], refusals: noRefusals(), plan: undefined };
      const checked = await checkAgainstRegistry(run, rows);
      if (checked.ok.length === 0) return { ...checked, plan: undefined };
      const index = await locateIndexFor(ctx.db).ready();
      return { ...checked, plan: await run.plan(checked, index) };
    };
    const flush = () => {
      const rows = batch;
      batch = [];
      // Each batch is planned while the one before it is written (unless a write had to be repeated).
      const ahead = planning.then(() => (run.sequential ? undefined : planBatch(rows)));
      planning = ahead.catch(() => {});
      writing = Promise.all([writing, ahead]).then(async ([, early]) => {
        let planned = early && (!early.plan || early.plan.epoch === run.epoch) ? early : await planBatch(rows);
        for (let attempt = 1; ; attempt++) {
          try {
            if (planned.plan) await run.apply(ctx.bulk, planned.plan);
            break;
          } catch (error) {
            if ((error as { code?: string }).code !== UNIQUE_VIOLATION || attempt >= WRITE_ATTEMPTS) throw error;
            // Another import wrote the same people, households or places meanwhile (the write waited for
            // it): plan the batch again, now that they can be seen, and from now on look everyone up
            // and plan in turn.
            run.lookUp = true;
            run.sequential = true;
            run.forget();
            planned = await planBatch(rows);
          }
        }
        for (const r of planned.rejected) {
          counts.rejected++;
          if (r.refused) refusedNumbers++;
          report.add(r);
        }
        refusals.idNumbers.push(...planned.refusals.idNumbers);
        refusals.householdRefs.push(...planned.refusals.householdRefs);
        refusals.limitedRows += planned.refusals.limitedRows;
        if (planned.plan) {
          counts.created += planned.plan.counts.created;
          counts.updated += planned.plan.counts.updated;
          counts.unchanged += planned.plan.counts.unchanged;
        }
      });
      // A failed write stops the loop at the next batch instead of going on to the end of the file.
      return writing;
    };
    let seen = 0;
    const checker = new RowChecker({
      today: today(ctx),
      scope: run.scope,
      tags: await run.tagKeys(),
      area: (code) => run.area(code),
    });
    const rows = sealAhead<PeopleFileHeader | PeopleFileRow>(readPeopleFile(file, format), sealer, (item) =>
      "header" in item ? undefined : sealRequest(item),
    );
    for await (const chunk of rows) {
      const first = chunk.items[0];
      if (first && "header" in first) {
        report.setHeader(first.header, first.check.columns);
        if (first.check.missing.length > 0)
          throw new DomainError("IMPORT_FILE_INVALID", `the file lacks the columns ${first.check.missing.join(", ")}`, {
            errors: [
              {
                path: "file",
                message: "missing columns",
                said: { code: "IMPORT_JOB_COLUMNS_MISSING", params: { columns: first.check.missing.join("、") } },
              },
            ],
          });
        continue;
      }
      const files = chunk.items as PeopleFileRow[];
      await checker.prepare(files);
      for (let i = 0; i < files.length; i++) {
        seen++;
        if (seen % YIELD_EVERY === 0) await new Promise((resolve) => setImmediate(resolve));
        const checked = checker.check(files[i] as PeopleFileRow, chunk.sealed[i] as SealedFields);
        if ("reasons" in checked) {
          counts.rejected++;
          report.add(checked);
          if (report.behind) await report.settled();
        } else batch.push(checked);
        if (batch.length >= BATCH) {
          // One batch being written, the next one planned meanwhile: wait for the one before them.
          await beforeLast;
          beforeLast = writing;
          void flush().catch(() => {});
        }
        if (seen % BATCH === 0) await progress(write || !job.all_or_nothing ? seen : Math.floor(seen / 2));
      }
    }
    await writing;
    await flush();
    return { seen };
  };
  // ID and phone numbers are sealed and names keyed on other threads once the file proves large.
  const sealer = importSealer(ctx.crypto, ctx.now(), { threadsFrom: options.sealOnThreadsFrom });
  try {
    if (job.all_or_nothing) {
      const { seen } = await pass(false);
      if (counts.rejected === 0) {
        await pass(true);
      }
      await progress(seen);
    } else {
      const { seen } = await pass(true);
      await progress(seen);
    }
  } finally {
    await sealer.close();
    // Whatever became of the job: the look-ups it drew are the importer's.
    await auditRefusals(ctx, actor, job.id, refusals);
  }
  if (counts.created + counts.updated > 0) await refreshStatistics(ctx);
  await report.finish();
  // Done and its audit record in one transaction: whoever sees the import done finds its record too.
  await ctx.db.transaction().execute(async (trx) => {
    await updateJob(trx, job.id, {
      status: "done",
      ...counts,
      total: counts.created + counts.updated + counts.unchanged + counts.rejected,
      report_header: report.header,
      finished_at: ctx.now(),
    });
    await recordAudit(ctx, trx, {
      action: "person.import.finish",
      outcome: "success",
      actor: { userId: authorId(actor), username: actor.username },
      meta: { requestId: `import:${job.id}`, ip: null, userAgent: null },
      targetType: "import",
      targetId: job.id,
      details: { ...counts, refusedNumbers },
    });
  });
  return counts;
}

/**
 * One audit record per import for the rows refused because a record out of the importer's work holds
 * their number (with the numbers' blind indexes and masks, and the records that hold them) and those
 * refused once the allowance of look-ups was spent (people-import-checks.ts).
 */
async function auditRefusals(ctx: AppContext, actor: Principal, jobId: string, refusals: ImportRefusals) {
  if (refusals.idNumbers.length + refusals.householdRefs.length + refusals.limitedRows === 0) return;
  await recordAudit(ctx, ctx.db, {
    action: "person.import.refuse",
    outcome: "denied",
    actor: { userId: authorId(actor), username: actor.username },
    meta: { requestId: `import:${jobId}`, ip: null, userAgent: null },
    targetType: "import",
    targetId: jobId,
    reason: "numbers registered out of the importer's work, or no look-ups by number left",
    details: {
      idNumbers: refusals.idNumbers,
      householdRefs: refusals.householdRefs,
      limitedRows: refusals.limitedRows,
    },
  });
}

/** Records the job (the file is already at its upload path) and runs it in the background. */
export async function startPeopleImport(
  ctx: AppContext,
  actor: Principal,
  meta: RequestMeta,
  input: StartImportInput,
): Promise<ImportJobRow> {
  const job = await recordJob(ctx, actor, meta, input, "upload");
  void runInBackground(ctx, actor, input.id, input.format);
  return job;
}

/**
 * A file on this machine imported to the end in this process (`wangge import people`): recorded as a
 * job and audited like an upload; the file stays where it is. CSV or XLSX by its extension.
 */
export async function importPeopleFile(
  ctx: AppContext,
  actor: Principal,
  meta: RequestMeta,
  input: { file: string; allOrNothing: boolean; onProgress?: ImportOptions["onProgress"] },
): Promise<{ counts: ImportCounts; job: ImportJobRow }> {
  const format = /\.xlsx$/i.test(input.file) ? "xlsx" : /\.csv$/i.test(input.file) ? "csv" : undefined;
  if (!format) throw new DomainError("IMPORT_FILE_INVALID", `${input.file} is neither a .csv nor an .xlsx file`);
  try {
    await access(input.file, constants.R_OK);
  } catch (error) {
    throw new DomainError("IMPORT_FILE_INVALID", `cannot read ${input.file}: ${(error as Error).message}`);
  }
  const id = uuidv7();
  await recordJob(
    ctx,
    actor,
    meta,
    { id, fileName: path.basename(input.file), allOrNothing: input.allOrNothing },
    "cli",
  );
  try {
    const counts = await runPeopleImport(
      ctx,
      actor,
      { id, all_or_nothing: input.allOrNothing, file_name: path.basename(input.file) },
      input.file,
      format,
      { onProgress: input.onProgress },
    );
    return { counts, job: (await findJob(ctx.db, id)) as ImportJobRow };
  } catch (error) {
    await recordFailure(ctx, id, error);
    throw error;
  }
}

const running = new Set<string>();

async function runInBackground(ctx: AppContext, actor: Principal, id: string, format: FileFormat) {
  if (running.has(id)) return;
  running.add(id);
  const file = uploadPath(ctx, id, format);
  let keepFile = false;
  try {
    const job = (await findJob(ctx.db, id)) as ImportJobRow;
    const counts = await runPeopleImport(ctx, actor, job, file, format);
    ctx.log.info({ importId: id, ...counts }, "people import finished");
  } catch (error) {
    ctx.log.warn({ importId: id, err: error }, "people import failed");
    // If even the failure cannot be recorded, the server is stopping: keep the file, the next start resumes it.
    await recordFailure(ctx, id, error).catch(() => {
      keepFile = true;
    });
  } finally {
    running.delete(id);
    if (!keepFile) await rm(file, { force: true }).catch(() => {});
  }
}

/**
 * On start: imports that were running when the server stopped are run again from the start (an
 * import is idempotent), if their file is on this machine.
 */
export async function resumeImports(ctx: AppContext): Promise<number> {
  const jobs = await listUnfinishedJobs(ctx.db);
  let resumed = 0;
  for (const job of jobs) {
    for (const format of ["csv", "xlsx"] as const) {
      if (!existsSync(uploadPath(ctx, job.id, format)) || !job.created_by) continue;
      const user = await findAccount(ctx.db, job.created_by);
      if (!user) continue;
      const actor = await loadPrincipal(ctx.db, user, "session");
      void runInBackground(ctx, actor, job.id, format);
      resumed++;
    }
  }
  return resumed;
}

import { PassThrough, type Readable } from "node:stream";
import { type Locale, type Message, maskDigits, redactPersonalNumbers } from "@wangge/core";
import ExcelJS from "exceljs";
import type { AppContext } from "../../context.ts";
import { sayMessage } from "../../http/locale.ts";
import { uuidv7 } from "../../ids.ts";
import { openFreeText, openFreeTexts, sealFreeText, sealFreeTexts } from "../../privacy/free-text.ts";
import { addXlsxRow } from "../../xlsx-cells.ts";
import {
  deleteRejectionsOf,
  insertRejections,
  listRejections,
  purgeRejectionsBefore,
} from "./import-reports.queries.ts";
import { columnName, type PeopleColumn } from "./people-file.ts";
import type { Rejection } from "./people-rows.ts";
import type { ImportJobRow, ImportRejectionTable } from "./registry.table.ts";

/**
 * An import's report: the rejected rows as given, with the reasons, so the importer can mend their
 * file. At rest each row's cells and reasons are masked and their originals sealed
 * (privacy/free-text.ts) — the columns that hold an ID or phone number (and the birth date, which with
 * the number's region would narrow it) are masked whole, whatever shape they were typed in; other
 * cells have their personal numbers masked. Only the import's author downloads the report, opened,
 * and only until the retention period (WANGGE_IMPORT_REPORT_DAYS) has passed since the
 * import ended; then the rows are deleted. Reasons are kept as messages (codes and parameters, JSON)
 * and said in the language of whoever downloads the report.
 */
const WHOLLY_MASKED: ReadonlySet<PeopleColumn> = new Set(["idNumber", "phone", "birthDate"]);
/** Rejected rows sealed and held before they are written, and rows read at a time for the download. */
const PAGE = 500;

/** Collects an import's rejected rows, sealed, written to the database in pages while the import runs. */
export class RejectionRecorder {
  readonly #ctx: AppContext;
  readonly #jobId: string;
  #pending: ImportRejectionTable[] = [];
  #writing: Promise<void> = Promise.resolve();
  /** Pages handed to the database and not yet written. */
  #queued = 0;
  #failure: unknown;
  #wholly: ReadonlySet<number> = new Set();
  /** The file's own header row, repeated above the rejected rows. */
  header: string[] = [];

  constructor(ctx: AppContext, jobId: string) {
    this.#ctx = ctx;
    this.#jobId = jobId;
  }

  /** Rows of an earlier, interrupted run of the same job go: the job is run again from the start. */
  async start(): Promise<void> {
    await deleteRejectionsOf(this.#ctx.db, this.#jobId);
  }

  setHeader(header: string[], columns: readonly (PeopleColumn | undefined)[]) {
    // Column names, kept as they are (a file whose first row is a person fails on its missing columns
    // before it is stored; masked all the same, in case).
    this.header = header.map((h) => redactPersonalNumbers(h));
    this.#wholly = new Set(columns.flatMap((c, i) => (c && WHOLLY_MASKED.has(c) ? [i] : [])));
  }

  add(rejection: Rejection) {
    const cells = sealFreeTexts(this.#ctx, rejection.row.raw, (i) => (this.#wholly.has(i) ? maskDigits : undefined));
    // Reasons quote what the row said (a birth date read from the number, a check digit): digits masked
    // (every parameter is a string, so the JSON stays JSON when masked).
    const reasons = sealFreeText(this.#ctx, JSON.stringify(rejection.reasons), maskDigits);
    this.#pending.push({
      id: uuidv7(),
      job_id: this.#jobId,
      row: rejection.row.row,
      cells: cells.redacted,
      cells_sealed: cells.sealed,
      reasons: reasons.redacted,
      reasons_sealed: reasons.sealed,
    });
    if (this.#pending.length >= PAGE) this.#flush();
  }

  /** Whether pages wait to be written: the import waits for them before reading on (bounded memory). */
  get behind(): boolean {
    return this.#queued > 1;
  }

  async settled(): Promise<void> {
    await this.#writing;
    if (this.#failure) throw this.#failure;
  }

  #flush() {
    const rows = this.#pending;
    if (rows.length === 0) return;
    this.#pending = [];
    this.#queued++;
    this.#writing = this.#writing.then(() =>
      insertRejections(this.#ctx.db, rows).then(
        () => {
          this.#queued--;
        },
        (error: unknown) => {
          this.#queued--;
          this.#failure ??= error;
        },
      ),
    );
  }

  /** Writes what is left. */
  async finish(): Promise<void> {
    this.#flush();
    await this.settled();
  }
}

/**
 * The report as XLSX for the import's author (the caller checks that): the file's header, then each
 * rejected row as given with its row number and reasons, read a page at a time and streamed.
 */
export function rejectedRowsWorkbook(ctx: AppContext, job: ImportJobRow, locale: Locale): Readable {
  const out = new PassThrough();
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useSharedStrings: false, useStyles: true });
  const say = (code: string) => sayMessage({ code }, locale);
  const sheet = workbook.addWorksheet(say("IMPORT_REPORT_SHEET"));
  const write = async () => {
    addXlsxRow(sheet, [say("IMPORT_REPORT_ROW"), ...(job.report_header ?? []), say("IMPORT_REPORT_REASONS")]).commit();
    for (let after = 0; ; ) {
      const rows = await listRejections(ctx.db, job.id, after, PAGE);
      for (const r of rows) {
        const cells = openFreeTexts(ctx, { redacted: r.cells, sealed: r.cells_sealed });
        const reasons = sayReasons(openFreeText(ctx, { redacted: r.reasons, sealed: r.reasons_sealed }), locale);
        // As given, through the one XLSX cleaning (xlsx-cells.ts): a formula stays text, a control
        // character the file held is shown as its symbol — the importer mends the row from what they see.
        addXlsxRow(sheet, [r.row, ...cells, reasons]).commit();
      }
      if (rows.length < PAGE) break;
      after = (rows.at(-1) as { row: number }).row;
    }
    await workbook.commit();
  };
  write().catch((error: unknown) => out.destroy(error as Error));
  return out;
}

/**
 * A rejected row's reasons as the reader reads them: the stored messages said in their language
 * (columns named in it), joined; text written by an older version is shown as it was.
 */
export function sayReasons(stored: string, locale: Locale): string {
  let messages: Message[];
  try {
    messages = JSON.parse(stored) as Message[];
    if (!Array.isArray(messages)) return stored;
  } catch {
    return stored;
  }
  return messages
    .map((m) => {
      const column = m.params?.column;
      const params =
        typeof column === "string" ? { ...m.params, column: columnName(column as PeopleColumn, locale) } : m.params;
      return sayMessage({ ...m, ...(params ? { params } : {}) }, locale);
    })
    .join(locale === "en" ? "; " : "；");
}

/** The same report as bytes (the CLI writes it to a file, in the deployment's language). */
export async function rejectedRowsReport(ctx: AppContext, job: ImportJobRow, locale: Locale): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of rejectedRowsWorkbook(ctx, job, locale)) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Deletes the rejected rows of imports that ended more than the retention period ago. */
export async function purgeImportReports(ctx: AppContext): Promise<number> {
  const now = ctx.now();
  const cutoff = new Date(now.getTime() - ctx.config.importReportRetentionDays * 86_400_000);
  return purgeRejectionsBefore(ctx.db, cutoff, now);
}

/** The purge at start and then every hour, until stopped (a purge under way finishes first). */
export function startImportReportPurge(ctx: AppContext, intervalMs = 3_600_000): { stop(): Promise<void> } {
  let running: Promise<void> = Promise.resolve();
  const run = () => {
    running = purgeImportReports(ctx).then(
      (jobs) => {
        if (jobs > 0) ctx.log.info({ jobs }, "import reports past their retention removed");
      },
      (err: unknown) => ctx.log.warn({ err }, "import report purge failed; it runs again later"),
    );
  };
  run();
  const timer = setInterval(run, intervalMs);
  timer.unref();
  return {
    stop: () => {
      clearInterval(timer);
      return running;
    },
  };
}

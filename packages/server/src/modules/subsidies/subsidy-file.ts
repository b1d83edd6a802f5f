import type { Readable } from "node:stream";
import {
  checkIdNumber,
  DomainError,
  type FieldIssue,
  fieldIssue,
  type Locale,
  type Message,
  parseYuan,
} from "@wangge/core";
import ExcelJS from "exceljs";
import { isStorableText, xlsxRows } from "../../spreadsheet.ts";
import { addXlsxRow } from "../../xlsx-cells.ts";

/**
 * A payment batch's file: the first sheet of an XLSX with a header row (the template's words in
 * Chinese or English; a trailing * marks the required columns) and one payment a row — name, ID
 * number, amount in yuan, the date paid, the programme's name. Every row is checked; a file with any
 * row that cannot be imported is refused naming each (row, column, reason), and nothing is written.
 */
export const SUBSIDY_COLUMNS = [
  { key: "name", zh: "姓名", en: "Name" },
  { key: "idNumber", zh: "身份证号码", en: "ID number" },
  { key: "amount", zh: "金额（元）", en: "Amount (yuan)" },
  { key: "paidOn", zh: "发放日期", en: "Date paid" },
  { key: "program", zh: "补贴项目", en: "Programme" },
] as const;
type ColumnKey = (typeof SUBSIDY_COLUMNS)[number]["key"];

/** The largest payment file: 100,000 rows take about 4 MB as XLSX. */
export const MAX_SUBSIDY_FILE_BYTES = 64 * 1024 * 1024;

/** Most issues one refusal lists: a file of 100,000 wrong rows is told about its first ones. */
export const MAX_FILE_ISSUES = 500;

export interface PaymentLine {
  row: number;
  name: string;
  idNumber: string;
  amountFen: number;
  paidOn: string;
  programName: string;
}

export async function subsidyTemplate(locale: Locale): Promise<Buffer> {
  const en = locale === "en";
  const wb = new ExcelJS.Workbook();
  const sheet = wb.addWorksheet(en ? "Payments" : "发放名单");
  addXlsxRow(
    sheet,
    SUBSIDY_COLUMNS.map((c) => `${en ? c.en : c.zh}*`),
  );
  sheet.getRow(1).font = { bold: true };
  sheet.columns.forEach((c) => {
    c.width = 18;
  });
  // ID numbers as text, so a spreadsheet does not turn them into 4.50802E+17.
  sheet.getColumn(2).numFmt = "@";
  sheet.getColumn(4).numFmt = "@";
  return Buffer.from(await wb.xlsx.writeBuffer());
}

const header = (cell: string) => cell.replace(/\*$/, "").replace(/\s+/g, "").toLowerCase();
const COLUMN_BY_HEADER = new Map<string, ColumnKey>(
  SUBSIDY_COLUMNS.flatMap((c) => [[header(c.zh), c.key] as const, [header(c.en), c.key] as const]),
);

/** 2026-03-15, 2026/3/15, 2026.3.15, 2026年3月15日 → 2026-03-15; undefined for anything else. */
export function parsePaidOn(text: string): string | undefined {
  const m = /^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$/.exec(text.trim());
  if (!m) return undefined;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d) return undefined;
  if (y < 2000 || y > 2100) return undefined;
  return date.toISOString().slice(0, 10);
}

const invalid = (errors: FieldIssue[]) =>
  new DomainError("SUBSIDY_FILE_INVALID", "the payment file cannot be imported as it is", { errors });

const rowIssue = (row: number, column: ColumnKey, code: string, params?: Record<string, string | Message>) => {
  const inner = fieldIssue(`rows.${row}.${column}`, code, params);
  return fieldIssue(`rows.${row}.${column}`, "SUBSIDY_FIELD_ROW", {
    row: String(row),
    reason: inner.said as Message,
  });
};

/**
 * The file's rows, each checked on its own (the programme's name against `programNames`); refused
 * whole (SUBSIDY_FILE_INVALID) when it is not an XLSX, lacks a column, or any row is wrong.
 */
export async function readPaymentFile(
  body: Readable | Buffer | string,
  programNames: ReadonlySet<string>,
  today: Date,
): Promise<PaymentLine[]> {
  // An XLSX is read by its zip's directory (at the end of the file): the upload is held whole.
  const file = typeof body === "string" || Buffer.isBuffer(body) ? body : await collect(body);
  const lines: PaymentLine[] = [];
  const issues: FieldIssue[] = [];
  let columns: Map<ColumnKey, number> | undefined;
  try {
    for await (const chunk of xlsxRows(file)) {
      for (const record of chunk) {
        if (!columns) {
          columns = new Map();
          record.cells.forEach((cell, i) => {
            const key = COLUMN_BY_HEADER.get(header(cell));
            if (key && !columns?.has(key)) columns?.set(key, i);
          });
          const missing = SUBSIDY_COLUMNS.filter((c) => !columns?.has(c.key)).map((c) => `${c.zh} / ${c.en}`);
          if (missing.length > 0)
            throw invalid([fieldIssue("file", "FIELD_MISSING_COLUMNS", { columns: missing.join(", ") })]);
          continue;
        }
        const cell = (key: ColumnKey) => (record.cells[columns?.get(key) as number] ?? "").trim();
        if (SUBSIDY_COLUMNS.every((c) => cell(c.key) === "")) continue;
        if (issues.length >= MAX_FILE_ISSUES) continue;
        const before = issues.length;
        const row = record.row;
        for (const c of SUBSIDY_COLUMNS)
          if (!isStorableText(cell(c.key))) issues.push(rowIssue(row, c.key, "FIELD_UNSTORABLE_TEXT"));
        if (issues.length > before) continue;
        const name = cell("name");
        if (!name || name.length > 50) issues.push(rowIssue(row, "name", "SUBSIDY_FIELD_NAME"));
        const id = checkIdNumber("resident_id", cell("idNumber"), today);
        if (!id.ok) issues.push(rowIssue(row, "idNumber", "SUBSIDY_FIELD_ID_NUMBER", { reason: id.message }));
        const amountFen = parseYuan(cell("amount"));
        if (amountFen === undefined) issues.push(rowIssue(row, "amount", "SUBSIDY_FIELD_AMOUNT"));
        const paidOn = parsePaidOn(cell("paidOn"));
        if (!paidOn) issues.push(rowIssue(row, "paidOn", "SUBSIDY_FIELD_DATE"));
        const programName = cell("program");
        if (!programNames.has(programName))
          issues.push(rowIssue(row, "program", "SUBSIDY_FIELD_PROGRAM", { name: programName.slice(0, 60) }));
        if (issues.length > before || !id.ok) continue;
        lines.push({
          row,
          name,
          idNumber: id.normalized,
          amountFen: amountFen as number,
          paidOn: paidOn as string,
          programName,
        });
      }
    }
  } catch (error) {
    if (error instanceof DomainError) throw error;
    throw invalid([fieldIssue("file", "SUBSIDY_FIELD_NOT_XLSX")]);
  }
  if (issues.length > 0) throw invalid(issues);
  if (lines.length === 0) throw new DomainError("SUBSIDY_BATCH_EMPTY", "the file has no payments");
  return lines;
}

async function collect(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let bytes = 0;
  for await (const chunk of stream) {
    bytes += (chunk as Buffer).length;
    if (bytes > MAX_SUBSIDY_FILE_BYTES) {
      stream.resume();
      throw new DomainError("REQUEST_BODY_TOO_LARGE", `a payment file is at most ${MAX_SUBSIDY_FILE_BYTES} bytes`);
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

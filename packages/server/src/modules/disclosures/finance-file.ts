import {
  ALL_FIELD_MESSAGES,
  DomainError,
  type FinanceLine,
  financeTotals,
  formatFen,
  formatMessage,
  type Locale,
  MAX_FINANCE_LINES,
  parseYuanToFen,
} from "@wangge/core";
import ExcelJS from "exceljs";
import { isStorableText, xlsxRows } from "../../spreadsheet.ts";
import { addXlsxRow } from "../../xlsx-cells.ts";

/**
 * The finance table of a 财务公开 as an XLSX: the template (headers in the reader's language, two
 * example lines and the two total rows) and the reading of a filled one into line items, each
 * rejected cell named by row and column. The totals are declared in the file (收入合计, 支出合计) and
 * checked against the lines here and again when the disclosure is saved.
 */
const COLUMNS = [
  { key: "direction", zh: "收支", en: "Income or expense" },
  { key: "subject", zh: "科目", en: "Account" },
  { key: "summary", zh: "摘要", en: "Description" },
  { key: "amount", zh: "金额（元）", en: "Amount (yuan)" },
  { key: "date", zh: "日期", en: "Date" },
] as const;
type Column = (typeof COLUMNS)[number]["key"];

const INCOME = ["收入", "income"];
const EXPENSE = ["支出", "expense"];
const INCOME_TOTAL = ["收入合计", "total income"];
const EXPENSE_TOTAL = ["支出合计", "total expense"];

export async function financeTemplate(locale: Locale): Promise<Buffer> {
  const en = locale === "en";
  const wb = new ExcelJS.Workbook();
  const sheet = wb.addWorksheet(en ? "Finance" : "财务收支");
  addXlsxRow(
    sheet,
    COLUMNS.map((c) => (en ? c.en : c.zh)),
  );
  addXlsxRow(sheet, [
    en ? "income" : "收入",
    en ? "Collective land lease" : "集体土地租金",
    en ? "Orchard lease, year 3" : "果园承包第三年租金",
    "12000.00",
    "2026-11-05",
  ]);
  addXlsxRow(sheet, [
    en ? "expense" : "支出",
    en ? "Road upkeep" : "道路维护",
    en ? "Gravel for the hamlet road" : "屯级道路铺砂石",
    "3500.50",
    "2026-11-18",
  ]);
  addXlsxRow(sheet, [en ? "total income" : "收入合计", "", "", "12000.00", ""]);
  addXlsxRow(sheet, [en ? "total expense" : "支出合计", "", "", "3500.50", ""]);
  sheet.getRow(1).font = { bold: true };
  for (const [i, width] of [10, 20, 32, 14, 12].entries()) sheet.getColumn(i + 1).width = width;
  // Amounts and dates as text, so a spreadsheet keeps "3500.50" and does not make a date a number.
  sheet.getColumn(4).numFmt = "@";
  sheet.getColumn(5).numFmt = "@";
  return Buffer.from(await wb.xlsx.writeBuffer());
}

export interface FinanceTable {
  lines: FinanceLine[];
  declaredIncomeFen: number | null;
  declaredExpenseFen: number | null;
  incomeFen: number;
  expenseFen: number;
  rejected: { row: number; column: string; message: string }[];
}

const fileInvalid = (detail: string) => new DomainError("DISCLOSURE_FINANCE_FILE_INVALID", detail);

/** Reads a filled template. Throws only when the file is not an XLSX in its layout; a bad cell is a rejected row. */
export async function readFinanceTable(data: Buffer, locale: Locale): Promise<FinanceTable> {
  if (data.length < 4 || data[0] !== 0x50 || data[1] !== 0x4b) throw fileInvalid("the file is not an XLSX workbook");
  const say = (code: string, params?: Record<string, string>) =>
    formatMessage({ code, ...(params ? { params } : {}) }, locale, ALL_FIELD_MESSAGES);
  const rows: { row: number; cells: string[] }[] = [];
  try {
    for await (const chunk of xlsxRows(data)) {
      rows.push(...chunk);
      if (rows.length > MAX_FINANCE_LINES + 10) break;
    }
  } catch {
    throw fileInvalid("the XLSX workbook cannot be read");
  }
  const [header, ...body] = rows;
  if (!header) throw fileInvalid("the sheet is empty");
  const at = new Map<Column, number>();
  for (const c of COLUMNS) {
    const i = header.cells.findIndex((h) => [c.zh, c.en.toLowerCase()].includes(h.replace(/\*$/, "").toLowerCase()));
    if (i < 0) throw fileInvalid(`the column ${locale === "en" ? c.en : c.zh} is missing`);
    at.set(c.key, i);
  }
  const name = (c: Column) => {
    const col = COLUMNS.find((x) => x.key === c) as (typeof COLUMNS)[number];
    return locale === "en" ? col.en : col.zh;
  };
  const cell = (r: { cells: string[] }, c: Column) => r.cells[at.get(c) as number] ?? "";
  const out: FinanceTable = {
    lines: [],
    declaredIncomeFen: null,
    declaredExpenseFen: null,
    incomeFen: 0,
    expenseFen: 0,
    rejected: [],
  };
  const reject = (row: number, column: Column, code: string, params?: Record<string, string>) =>
    out.rejected.push({ row, column: name(column), message: say(code, params) });
  let totalRows = { income: 0, expense: 0 };
  for (const r of body) {
    const kind = cell(r, "direction").toLowerCase();
    const amount = parseYuanToFen(cell(r, "amount"));
    if (INCOME_TOTAL.includes(kind) || EXPENSE_TOTAL.includes(kind)) {
      const text = cell(r, "amount");
      const fen = text === "0" || text === "0.00" ? 0 : amount;
      if (fen === undefined) reject(r.row, "amount", "DISCLOSURE_FIELD_AMOUNT");
      else if (INCOME_TOTAL.includes(kind)) out.declaredIncomeFen = fen;
      else out.declaredExpenseFen = fen;
      totalRows = { ...totalRows, [INCOME_TOTAL.includes(kind) ? "income" : "expense"]: r.row };
      continue;
    }
    const before = out.rejected.length;
    for (const c of COLUMNS) if (!isStorableText(cell(r, c.key))) reject(r.row, c.key, "DISCLOSURE_FIELD_TEXT");
    const direction = INCOME.includes(kind) ? "income" : EXPENSE.includes(kind) ? "expense" : undefined;
    if (!direction) reject(r.row, "direction", "DISCLOSURE_FIELD_DIRECTION");
    const subject = cell(r, "subject");
    if (!subject) reject(r.row, "subject", "DISCLOSURE_FIELD_REQUIRED");
    if (subject.length > 60) reject(r.row, "subject", "DISCLOSURE_FIELD_TOO_LONG", { max: "60" });
    const summary = cell(r, "summary");
    if (summary.length > 200) reject(r.row, "summary", "DISCLOSURE_FIELD_TOO_LONG", { max: "200" });
    if (amount === undefined) reject(r.row, "amount", "DISCLOSURE_FIELD_AMOUNT");
    const date = cell(r, "date");
    const dateOk = date === "" || (/^\d{4}-\d{2}-\d{2}$/.test(date) && !Number.isNaN(Date.parse(`${date}T00:00:00Z`)));
    if (!dateOk) reject(r.row, "date", "DISCLOSURE_FIELD_DATE");
    if (out.rejected.length > before || !direction || amount === undefined) continue;
    if (out.lines.length >= MAX_FINANCE_LINES) {
      reject(r.row, "direction", "DISCLOSURE_FIELD_TOO_MANY_LINES", { max: String(MAX_FINANCE_LINES) });
      break;
    }
    out.lines.push({ direction, subject, summary, amountFen: amount, occurredOn: date || null });
  }
  const sums = financeTotals(out.lines);
  out.incomeFen = sums.incomeFen;
  out.expenseFen = sums.expenseFen;
  const lastRow = rows.at(-1)?.row ?? 1;
  for (const [which, declared, sum, label] of [
    ["income", out.declaredIncomeFen, sums.incomeFen, locale === "en" ? INCOME_TOTAL[1] : INCOME_TOTAL[0]],
    ["expense", out.declaredExpenseFen, sums.expenseFen, locale === "en" ? EXPENSE_TOTAL[1] : EXPENSE_TOTAL[0]],
  ] as const) {
    const row = totalRows[which];
    if (!row) reject(lastRow + 1, "direction", "DISCLOSURE_FIELD_TOTAL_MISSING", { row: label as string });
    else if (declared !== null && declared !== sum && out.rejected.length === 0)
      reject(row, "amount", "DISCLOSURE_FIELD_TOTAL_MISMATCH", { sum: formatFen(sum), declared: formatFen(declared) });
  }
  return out;
}

import type ExcelJS from "exceljs";

/**
 * The one way every XLSX this server writes puts text in a cell (reports, the people export and its
 * template, import row reports, the subsidy and finance templates), so no cell carries what a
 * spreadsheet would run or refuse, and nothing a person typed is lost without a trace:
 * - Formula-looking text (starting with = + - @, a tab or a carriage return: OWASP's list for CSV
 *   injection) is written as a text cell with the Text number format (@), so it stays text even when
 *   someone edits the cell; ExcelJS never writes a string as a formula, and the text is kept as typed.
 * - Control characters XML 1.0 forbids (C0 but tab and line breaks) would make the whole workbook
 *   unreadable: each becomes its visible Control Pictures symbol (U+0007 → ␇, DEL → ␡), and a C1
 *   control its code in brackets (⟨U+0085⟩), so a reader sees that something was there and what.
 * - What no XML can hold — half a surrogate pair, the non-characters U+FFFE/U+FFFF — becomes U+FFFD.
 * - Excel refuses a cell of more than 32,767 characters (the file "needs repair"): longer text is cut
 *   there with a marker saying how many characters were left out.
 */
export const XLSX_MAX_CELL_CHARS = 32_767;

const FORMULA_START = /^[=+\-@\t\r]/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it finds
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/g;
const UNWRITABLE = /[\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

const picture = (c: string) => {
  const code = c.charCodeAt(0);
  if (code < 0x20) return String.fromCharCode(0x2400 + code);
  if (code === 0x7f) return "\u2421";
  return `⟨U+${code.toString(16).toUpperCase().padStart(4, "0")}⟩`;
};

/** Whether a spreadsheet would take the text for a formula if it were typed into a cell. */
export function looksLikeFormula(text: string): boolean {
  return FORMULA_START.test(text);
}

/** The text as a cell may hold it: controls shown, unwritable characters replaced, cut at Excel's limit. */
export function xlsxText(text: string): string {
  const clean = text.replace(CONTROL, picture).replace(UNWRITABLE, "\ufffd");
  if (clean.length <= XLSX_MAX_CELL_CHARS) return clean;
  const marker = (left: number) => `…［另有 ${left} 字未写入 / ${left} more characters not written］`;
  let keep = XLSX_MAX_CELL_CHARS - marker(clean.length).length;
  keep = XLSX_MAX_CELL_CHARS - marker(clean.length - keep).length; // the count may have fewer digits
  // Never cut between the halves of a surrogate pair.
  if (/[\ud800-\udbff]/.test(clean[keep - 1] ?? "")) keep--;
  return clean.slice(0, keep) + marker(clean.length - keep);
}

type Cell = ExcelJS.CellValue;

/** A row's values as written: strings cleaned (xlsxText), anything else (numbers, dates, empty) as it is. */
export function xlsxValues(values: readonly unknown[]): Cell[] {
  return values.map((v) => (typeof v === "string" ? xlsxText(v) : (v as Cell)));
}

/**
 * Adds a row of cleaned values to a sheet (a workbook's or a streaming writer's) and marks its
 * formula-looking text cells as Text; the caller commits it when streaming.
 */
export function addXlsxRow(sheet: Pick<ExcelJS.Worksheet, "addRow">, values: readonly unknown[]): ExcelJS.Row {
  const row = sheet.addRow(xlsxValues(values));
  values.forEach((v, i) => {
    if (typeof v === "string" && looksLikeFormula(v)) row.getCell(i + 1).numFmt = "@";
  });
  return row;
}

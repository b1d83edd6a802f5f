import { Readable } from "node:stream";
import { StringDecoder } from "node:string_decoder";
import ExcelJS from "exceljs";
import type { CsvRecord } from "./csv.ts";

/**
 * Reading the cells of uploaded spreadsheets (XLSX, and what CSV and XLSX share): the first sheet's
 * non-blank rows as text, streamed, and the one rule for text a cell may not carry into the database.
 */

/**
 * Characters no cell may bring in: NUL (PostgreSQL cannot store it: the whole write fails), the other
 * C0 controls but tab and line breaks, U+FFFD (what a byte that is not UTF-8 was decoded to: the
 * text is already lost), the non-characters U+FFFE/U+FFFF, and half a surrogate pair (the driver would
 * write U+FFFD for it, silently).
 */
const UNSTORABLE =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it finds
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffd-\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const UNSTORABLE_ALL = new RegExp(UNSTORABLE.source, "g");

export function isStorableText(text: string): boolean {
  return !UNSTORABLE.test(text);
}

/** The text with each character it may not carry replaced by U+FFFD: what a report may keep of it. */
export function storableText(text: string): string {
  return text.replace(UNSTORABLE_ALL, "\ufffd");
}

function cellText(v: unknown): string {
  if (v == null) return "";
  if (v instanceof Date) return v.toISOString().slice(0, 10);
  if (typeof v === "object") {
    const o = v as { text?: unknown; result?: unknown; richText?: { text: string }[] };
    if (o.richText) return o.richText.map((r) => r.text).join("");
    if (o.text !== undefined) return String(o.text);
    if (o.result !== undefined) return cellText(o.result);
    // ExcelJS hands a shared string's index when it read the sheet before the shared strings: the
    // text is not here, and "[object Object]" must never be imported as a name.
    if ("sharedString" in o) throw new Error("the XLSX sheet was read before its shared strings");
  }
  return String(v);
}

/** How many rows of an XLSX sheet are handed on together. */
const XLSX_CHUNK = 500;

/**
 * The first sheet's non-blank rows, each with the row number a spreadsheet shows for it, its cells
 * trimmed, in chunks. A cell whose XML refers to a character XML does not allow (`&#0;`, half of a
 * surrogate pair) reads as U+FFFD instead of stopping the whole file: its row is refused by
 * `isStorableText` like any other that carries one.
 */
export async function* xlsxRows(file: string | Readable): AsyncGenerator<CsvRecord[]> {
  const reader = wholeCharacters(
    new ExcelJS.stream.xlsx.WorkbookReader(file as string, {
      sharedStrings: "cache",
      hyperlinks: "ignore",
      styles: "ignore",
      worksheets: "emit",
    }),
  );
  for await (const sheet of reader) {
    let chunk: CsvRecord[] = [];
    for await (const row of sheet) {
      const { values, number } = row as { values: unknown[]; number: number };
      // Array.from, not map: a row's empty cells are holes in `values`, and every cell needs a string
      // (a hole reached the report's text[] column as a malformed array literal).
      const cells = Array.from(values.slice(1), cellText);
      if (cells.some((v) => v.trim() !== "")) chunk.push({ row: number, cells: cells.map((v) => v.trim()) });
      if (chunk.length >= XLSX_CHUNK) {
        yield chunk;
        chunk = [];
      }
    }
    if (chunk.length > 0) yield chunk;
    return; // the first sheet only
  }
}

/** What `wholeCharacters` changes of ExcelJS's streaming reader (4.4): where the XML of a sheet and of the shared strings comes in. */
interface ReaderInternals {
  model?: { sheets?: unknown[] };
  _parseWorksheet(source: AsyncIterable<Buffer | string>, sheetNo: number): unknown;
  _parseSharedStrings(entry: NodeJS.ReadableStream): unknown;
}

/**
 * ExcelJS's streaming reader decodes every unzipped piece of XML on its own, so a character whose
 * UTF-8 bytes straddle two pieces (16 KB each) becomes U+FFFD: in a register of Chinese names and
 * addresses about one row in 4,000 lost a character, silently (exceljs issues #2063, #2084, still
 * open). Here the sheet and the shared strings reach it as text, decoded across the pieces (it passes
 * text through as it is), and with the characters XML forbids made U+FFFD (`xmlText`).
 */
function wholeCharacters<T extends object>(reader: T): T {
  const internals = reader as unknown as ReaderInternals;
  if (typeof internals._parseWorksheet !== "function" || typeof internals._parseSharedStrings !== "function")
    throw new Error("exceljs's streaming reader changed: XLSX files cannot be read safely");
  // A sheet that comes in the zip after the shared strings and the workbook's relations but before
  // the workbook part itself is read at once, before ExcelJS has a model, and it then fails on
  // `this.model.sheets` (an internal error for the whole file; seen with files written by ExcelJS
  // itself on Node 24). Without a model the sheet keeps no name, which the import does not need.
  internals.model ??= { sheets: [] };
  const worksheet = internals._parseWorksheet.bind(reader);
  const sharedStrings = internals._parseSharedStrings.bind(reader);
  internals._parseWorksheet = (source, sheetNo) => worksheet(xmlText(source), sheetNo);
  internals._parseSharedStrings = (entry) =>
    sharedStrings(Readable.from(xmlText(entry as unknown as AsyncIterable<Buffer | string>)));
  return reader;
}

/** A character reference, or the start of one that the next piece completes. */
const REFERENCE = /&#(x[0-9a-f]+|[0-9]+);/gi;
const OPEN_REFERENCE = /&#x?[0-9a-f]*$/i;
// biome-ignore lint/suspicious/noControlCharactersInRegex: the characters XML 1.0 does not allow
const FORBIDDEN_RAW = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g;

/** Whether XML 1.0 allows a character reference to this code point (Char, §2.2). */
const allowedInXml = (c: number) =>
  c === 0x9 ||
  c === 0xa ||
  c === 0xd ||
  (c >= 0x20 && c <= 0xd7ff) ||
  (c >= 0xe000 && c <= 0xfffd) ||
  (c >= 0x10000 && c <= 0x10ffff);

/**
 * The XML as text, decoded across the pieces, with what XML 1.0 forbids — a raw control character, a
 * reference to NUL or to half a surrogate pair — made U+FFFD: the XML parser stops the whole file at
 * one of them, where the import refuses only the row that holds it.
 */
export async function* xmlText(source: AsyncIterable<Buffer | string>): AsyncGenerator<string> {
  const decoder = new StringDecoder("utf8");
  let held = "";
  const clean = (text: string) =>
    text
      .replace(FORBIDDEN_RAW, "\ufffd")
      .replace(REFERENCE, (ref, code: string) =>
        allowedInXml(code[0] === "x" || code[0] === "X" ? Number.parseInt(code.slice(1), 16) : Number(code))
          ? ref
          : "\ufffd",
      );
  for await (const piece of source) {
    let text = held + (typeof piece === "string" ? piece : decoder.write(piece));
    // A reference cut in two by the pieces waits for its end.
    const open = OPEN_REFERENCE.exec(text.slice(-12));
    held = open ? open[0] : "";
    if (held) text = text.slice(0, -held.length);
    if (text) yield clean(text);
  }
  const rest = held + decoder.end();
  if (rest) yield clean(rest);
}

import { Readable } from "node:stream";
import { StringDecoder } from "node:string_decoder";
import ExcelJS from "exceljs";
import type { CsvRecord } from "./csv.ts";
import { ENTRY_UNPACKED_MAX, type ZipEntry, ZipReader } from "./zip-reader.ts";

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
 * The most of an XLSX's parts unpacked: the shared strings are kept in memory whole (a register of a
 * few hundred thousand people has some tens of megabytes of them), the sheet is read as it unpacks
 * (a million rows are some hundreds of megabytes). A part that would unpack to more — a deflate bomb
 * — is refused as too large (`ZipUnreadable`, `too_large`) before it takes the memory or the time.
 */
export const XLSX_LIMITS = {
  sharedStringsBytes: 256 * 1024 * 1024,
  sheetBytes: ENTRY_UNPACKED_MAX,
  workbookBytes: 16 * 1024 * 1024,
};
export type XlsxLimits = typeof XLSX_LIMITS;

/**
 * The first sheet's non-blank rows, each with the row number a spreadsheet shows for it, its cells
 * trimmed, in chunks. The first sheet is the workbook's first tab (`firstSheet`). A cell whose XML
 * refers to a character XML does not allow (`&#0;`, half of a surrogate pair) reads as U+FFFD instead
 * of stopping the whole file: its row is refused by `isStorableText` like any other that carries one.
 * A file that is not a readable zip throws `ZipUnreadable`, saying why.
 */
export async function* xlsxRows(file: string | Buffer, limits: XlsxLimits = XLSX_LIMITS): AsyncGenerator<CsvRecord[]> {
  const zip = await ZipReader.open(file);
  try {
    const sheet = await firstSheet(zip);
    if (!sheet) return;
    const rows = await sheetRows(zip, sheet, limits);
    let chunk: CsvRecord[] = [];
    for await (const row of rows) {
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
  } finally {
    await zip.close();
  }
}

/** What `sheetRows` uses of ExcelJS's streaming reader (4.4): its parsers of the workbook's parts. */
interface ReaderInternals {
  model?: { sheets?: unknown[] };
  workbookRels?: unknown[];
  sharedStrings?: unknown[];
  _parseRels(entry: Readable): Promise<void>;
  _parseWorkbook(entry: Readable): Promise<void>;
  _parseSharedStrings(entry: Readable): AsyncIterable<unknown>;
  _parseWorksheet(source: AsyncIterable<string>, sheetNo: string): Iterable<{ eventType: string; value: unknown }>;
}

/**
 * The sheet's rows, parsed by ExcelJS's streaming reader but fed by this process: the workbook, its
 * relations and the shared strings first, whatever order the zip holds them in, then the sheet. Its
 * own walk through the zip depended on that order and on unzipper ending the zip's stream after the
 * last entry, which on Node 24 it sometimes did after the first sheet: the shared strings were never
 * read and every text cell came as `{ sharedString: n }`. ExcelJS also decodes every unzipped piece
 * of XML on its own, so a character whose UTF-8 bytes straddle two pieces (16 KB each) became U+FFFD:
 * in a register of Chinese names about one row in 4,000 lost a character, silently (exceljs issues
 * #2063, #2084, still open). Here the sheet and the shared strings reach it as text decoded across
 * the pieces (`xmlText`, which also makes the characters XML forbids U+FFFD).
 */
async function sheetRows(zip: ZipReader, sheet: ZipEntry, limits: XlsxLimits): Promise<AsyncIterable<unknown>> {
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(undefined as unknown as string, {
    sharedStrings: "cache",
    hyperlinks: "ignore",
    styles: "ignore",
    worksheets: "emit",
  });
  const internals = reader as unknown as ReaderInternals;
  for (const part of ["_parseRels", "_parseWorkbook", "_parseSharedStrings", "_parseWorksheet"] as const)
    if (typeof internals[part] !== "function")
      throw new Error("exceljs's streaming reader changed: XLSX files cannot be read safely");
  const part = async (name: string, maxBytes: number) => {
    const entry = zip.entry(name);
    return entry ? zip.stream(entry, maxBytes) : undefined;
  };
  const relations = await part("xl/_rels/workbook.xml.rels", limits.workbookBytes);
  if (relations) await internals._parseRels(relations);
  const workbook = await part("xl/workbook.xml", limits.workbookBytes);
  // The workbook part says whether dates count from 1904; without it the sheet keeps no name, which
  // the import does not need.
  if (workbook) await internals._parseWorkbook(workbook);
  internals.model ??= { sheets: [] };
  internals.workbookRels ??= [];
  const shared = await part("xl/sharedStrings.xml", limits.sharedStringsBytes);
  if (shared) for await (const _ of internals._parseSharedStrings(Readable.from(xmlText(shared)))) void _;
  // A workbook without shared strings has no cell that refers to one.
  internals.sharedStrings ??= [];
  const sheetNo = /(\d+)\.xml$/.exec(sheet.name)?.[1] ?? "1";
  for (const { eventType, value } of internals._parseWorksheet(
    xmlText(await zip.stream(sheet, limits.sheetBytes)),
    sheetNo,
  ))
    if (eventType === "worksheet") return value as AsyncIterable<unknown>;
  throw new Error("exceljs's streaming reader changed: XLSX files cannot be read safely");
}

const SHEET_PATH = /^xl\/worksheets\/sheet(\d+)\.xml$/;

/**
 * The sheet a person means by "the first sheet": the workbook's first tab (`<sheets>` in
 * xl/workbook.xml, through its relation), else the lowest-numbered sheet part.
 */
export async function firstSheet(zip: ZipReader): Promise<ZipEntry | undefined> {
  const byTab = await firstTabPath(zip).catch(() => undefined);
  const tab = byTab ? zip.entry(byTab) : undefined;
  if (tab) return tab;
  const sheets = zip.entries.filter((e) => SHEET_PATH.test(e.name));
  const number = (e: ZipEntry) => Number(SHEET_PATH.exec(e.name)?.[1]);
  return sheets.sort((a, b) => number(a) - number(b))[0];
}

/**
 * A relation's target as a part's name in the zip: absolute from the package's root, else relative to
 * xl/ (where the workbook is), with `.` and `..` resolved; one that leads out of the package is none.
 */
export function partPath(target: string): string | undefined {
  const parts: string[] = target.startsWith("/") ? [] : ["xl"];
  for (const segment of target.split("/")) {
    if (segment === "" || segment === ".") continue;
    if (segment === "..") {
      if (parts.pop() === undefined) return undefined;
    } else parts.push(segment);
  }
  return parts.length > 0 ? parts.join("/") : undefined;
}

/** The workbook part and its relations are a few kilobytes; more than this is not read to find the first tab. */
const WORKBOOK_PART_MAX = 4 * 1024 * 1024;

async function firstTabPath(zip: ZipReader): Promise<string | undefined> {
  const text = async (name: string) => {
    const entry = zip.entry(name);
    if (!entry) return undefined;
    let out = "";
    for await (const piece of await zip.stream(entry)) {
      out += (piece as Buffer).toString("utf8");
      if (out.length > WORKBOOK_PART_MAX) return undefined;
    }
    return out;
  };
  const workbook = await text("xl/workbook.xml");
  const relations = await text("xl/_rels/workbook.xml.rels");
  if (!workbook || !relations) return undefined;
  const firstTab = /<(?:\w+:)?sheet\s[^>]*?(?:\w+:)id="([^"]+)"/.exec(workbook)?.[1];
  if (!firstTab) return undefined;
  for (const [tag] of relations.matchAll(/<(?:\w+:)?Relationship\s[^>]*>/g)) {
    if (/\sId="([^"]+)"/.exec(tag)?.[1] !== firstTab) continue;
    const target = /\sTarget="([^"]+)"/.exec(tag)?.[1];
    if (!target) return undefined;
    return partPath(target);
  }
  return undefined;
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

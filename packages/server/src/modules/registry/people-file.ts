import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { inflateRawSync, constants as zlibConstants } from "node:zlib";
import { checkCharacter, type Locale, type Message } from "@wangge/core";
import ExcelJS from "exceljs";
import { CsvParser, type CsvRecord, csvText } from "../../csv.ts";
import { firstSheet, isStorableText, storableText, xlsxRows } from "../../spreadsheet.ts";
import { addXlsxRow } from "../../xlsx-cells.ts";
import { ZipReader } from "../../zip-reader.ts";

/**
 * The registry's import file: one row a person, with their household and address, in CSV (UTF-8,
 * BOM or not) or XLSX (first sheet). Headers are the template's Chinese ones (or English). Rows are
 * read as a stream — a million-row file never sits in memory.
 */
export const PEOPLE_COLUMNS = [
  { key: "name", zh: "姓名", en: "name", required: true, example: "张三" },
  { key: "gender", zh: "性别", en: "gender", example: "男" },
  { key: "birthDate", zh: "出生日期", en: "birth date", example: "1980-01-01" },
  { key: "ethnicity", zh: "民族", en: "ethnicity", example: "壮族" },
  { key: "idType", zh: "证件类型", en: "id type", example: "居民身份证" },
  { key: "idNumber", zh: "证件号码", en: "id number", required: true, example: "450802198001010013" },
  { key: "phone", zh: "手机号码", en: "phone", example: "13877123456" },
  { key: "residenceStatus", zh: "居住状态", en: "residence status", example: "常住" },
  { key: "partyMember", zh: "是否党员", en: "party member", example: "否" },
  { key: "partyBranch", zh: "所在党组织", en: "party branch", example: "" },
  { key: "registeredAddress", zh: "户籍地址", en: "registered address", example: "广西贵港市港北区" },
  { key: "householdRef", zh: "户编号", en: "household number", example: "H0001" },
  { key: "relationship", zh: "与户主关系", en: "relationship", example: "户主" },
  { key: "householdKind", zh: "户类型", en: "household kind", example: "家庭户" },
  { key: "divisionCode", zh: "村社区代码", en: "village code", required: true, example: "450802001001" },
  { key: "road", zh: "街路巷或自然村", en: "road", example: "东风路" },
  { key: "houseNumber", zh: "门牌号", en: "house number", example: "12" },
  { key: "building", zh: "楼栋", en: "building", example: "" },
  { key: "unit", zh: "单元", en: "unit", example: "" },
  { key: "room", zh: "房号", en: "room", example: "" },
  { key: "lng", zh: "经度", en: "longitude", example: "" },
  { key: "lat", zh: "纬度", en: "latitude", example: "" },
  { key: "gridCode", zh: "网格代码", en: "grid code", example: "" },
  { key: "tags", zh: "标签", en: "tags", example: "独居老人" },
  { key: "notes", zh: "备注", en: "notes", example: "" },
] as const;
export type PeopleColumn = (typeof PEOPLE_COLUMNS)[number]["key"];
export type PeopleFileRow = {
  row: number;
  values: Partial<Record<PeopleColumn, string>>;
  /** The cells as given (text the database cannot hold made U+FFFD), for the report. */
  raw: string[];
  /** Why cells of the row cannot be imported as they are: text the database cannot hold, by column. */
  problems?: Message[];
};

export type FileFormat = "csv" | "xlsx";

/**
 * A column's name as the template writes it in that language (and reasons name it); "lngLat" is the
 * pair of coordinates.
 */
export function columnName(key: PeopleColumn | "lngLat", locale: Locale = "zh-CN"): string {
  if (key === "lngLat") return `${columnName("lng", locale)}/${columnName("lat", locale)}`;
  const column = PEOPLE_COLUMNS.find((c) => c.key === key);
  return column ? (locale === "en" ? column.en : column.zh) : key;
}

/**
 * The file's non-blank rows, each with the row number a spreadsheet shows for it, in chunks (what each
 * piece of a CSV completes), so that a million rows are not a million turns of the async machinery.
 */
async function* rawRows(file: string, format: FileFormat): AsyncGenerator<CsvRecord[]> {
  if (format === "xlsx") {
    yield* xlsxRows(file);
    return;
  }
  const parser = new CsvParser();
  for await (const piece of createReadStream(file, { encoding: "utf8", highWaterMark: 256 * 1024 })) {
    const records = parser.push(piece as string);
    if (records.length > 0) yield records;
  }
  const last = parser.end();
  if (last.length > 0) yield last;
}

export interface HeaderCheck {
  columns: (PeopleColumn | undefined)[];
  missing: string[];
}

export function matchHeader(header: string[]): HeaderCheck {
  const byName = new Map<string, PeopleColumn>();
  for (const c of PEOPLE_COLUMNS) {
    byName.set(c.zh, c.key);
    byName.set(c.en, c.key);
    byName.set(c.key.toLowerCase(), c.key);
  }
  const columns = header.map((h) => byName.get(h.replace(/\*$/, "").trim()) ?? byName.get(h.trim().toLowerCase()));
  const missing = PEOPLE_COLUMNS.filter((c) => "required" in c && c.required && !columns.includes(c.key)).map(
    (c) => c.zh,
  );
  return { columns, missing };
}

export interface PeopleFileHeader {
  header: string[];
  check: HeaderCheck;
}

/**
 * The header (checked, alone in the first chunk) and then every data row with its spreadsheet row
 * number, in chunks as the file is read.
 */
export async function* readPeopleFile(
  file: string,
  format: FileFormat,
): AsyncGenerator<PeopleFileHeader[] | PeopleFileRow[]> {
  let check: HeaderCheck | undefined;
  for await (const records of rawRows(file, format)) {
    let from = 0;
    if (!check) {
      const header = (records[0] as CsvRecord).cells.map(storableText);
      check = matchHeader(header);
      yield [{ header, check }];
      if (check.missing.length > 0) return;
      from = 1;
    }
    const columns = check.columns;
    const rows: PeopleFileRow[] = [];
    for (let r = from; r < records.length; r++) {
      const { row, cells: raw } = records[r] as CsvRecord;
      const values: Partial<Record<PeopleColumn, string>> = {};
      let problems: Message[] | undefined;
      for (let i = 0; i < raw.length; i++) {
        const cell = raw[i] as string;
        if (!cell) continue;
        // A cell the database cannot hold refuses its row (the report keeps it with U+FFFD in place).
        const key = columns[i];
        if (!isStorableText(cell)) {
          raw[i] = storableText(cell);
          if (key) {
            problems ??= [];
            problems.push({ code: "IMPORT_ROW_UNSTORABLE", params: { column: key } });
            // Checked on as far as it goes, so the report says what else is wrong with the row.
            values[key] = raw[i];
          }
          continue;
        }
        if (key) values[key] = format === "csv" ? unquoteFormula(cell) : cell;
      }
      // The template's example, sent back as it was downloaded, registers nobody.
      if (isExampleRow(values)) continue;
      rows.push(problems ? { row, values, raw, problems } : { row, values, raw });
    }
    if (rows.length > 0) yield rows;
  }
}

/**
 * The template's example row is marked by this note (either language) and skipped on import while its
 * name is the example's, so a template sent back as downloaded registers nobody; a row that kept the
 * note but changed the name is refused, saying to clear the note (people-rows.ts).
 */
export const EXAMPLE_NOTE = {
  "zh-CN": "示例行：导入时跳过，可删除",
  en: "example row: skipped on import, may be deleted",
};
export const EXAMPLE_NAME = { "zh-CN": "张三", en: "Zhang San" };
const isExampleNote = (notes: string | undefined) =>
  notes !== undefined && Object.values(EXAMPLE_NOTE).includes(notes.trim());
/** Whether a row is the template's example as downloaded (skipped like a blank row). */
const isExampleRow = (values: Partial<Record<PeopleColumn, string>>) =>
  isExampleNote(values.notes) && Object.values(EXAMPLE_NAME).includes(values.name?.trim() ?? "");
/** Whether a row carries the example's note but is no longer the example (refused: clear the note). */
export const keepsExampleNote = (values: Partial<Record<PeopleColumn, string>>) =>
  isExampleNote(values.notes) && !isExampleRow(values);

/** Where the example row lives: an area the user may register people in (a village, and a grid when they work on one). */
export interface TemplateExample {
  divisionCode: string;
  gridCode?: string;
}

/** An ID number of the area's county (a man born 1980-01-01), with its check digit: what the example shows. */
function exampleIdNumber(divisionCode: string): string {
  const first17 = `${divisionCode.slice(0, 6)}19800101001`;
  return `${first17}${checkCharacter(first17)}`;
}

/**
 * The template: the columns with headers in the reader's language (required ones starred) and one
 * example row valid for the user's own area, marked as the example (EXAMPLE_NOTE) and skipped on import.
 */
export async function peopleTemplate(format: FileFormat, locale: Locale, where?: TemplateExample): Promise<Buffer> {
  const en = locale === "en";
  const header = PEOPLE_COLUMNS.map((c) => {
    const name = en ? c.en : c.zh;
    return "required" in c && c.required ? `${name}*` : name;
  });
  const values: Partial<Record<PeopleColumn, string>> = {
    ...Object.fromEntries(PEOPLE_COLUMNS.map((c) => [c.key, c.example])),
    name: EXAMPLE_NAME[locale],
    notes: EXAMPLE_NOTE[locale],
    ...(where
      ? {
          divisionCode: where.divisionCode,
          gridCode: where.gridCode ?? "",
          idNumber: exampleIdNumber(where.divisionCode),
        }
      : {}),
  };
  const example = PEOPLE_COLUMNS.map((c) => values[c.key] ?? "");
  if (format === "csv") return Buffer.from(csvText([header, example]), "utf8");
  const wb = new ExcelJS.Workbook();
  const sheet = wb.addWorksheet(en ? "People" : "人员");
  addXlsxRow(sheet, header);
  addXlsxRow(sheet, example);
  sheet.getRow(1).font = { bold: true };
  sheet.getRow(2).font = { italic: true, color: { argb: "FF808080" } };
  sheet.columns.forEach((c) => {
    c.width = 14;
  });
  // ID and phone numbers as text, so a spreadsheet does not turn them into 4.50802E+17.
  sheet.getColumn(6).numFmt = "@";
  sheet.getColumn(7).numFmt = "@";
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** A cell our CSV export guarded against formulas (csvField) reads back as it was. */
const unquoteFormula = (cell: string) => (/^'[=+\-@\t\r]/.test(cell) ? cell.slice(1) : cell);

/** Counts data rows quickly (CSV only), so progress can be shown as a share. */
export async function countCsvRows(file: string): Promise<number> {
  let lines = 0;
  let last = 10;
  for await (const chunk of createReadStream(file)) {
    const buf = chunk as Buffer;
    for (let i = buf.indexOf(10); i !== -1; i = buf.indexOf(10, i + 1)) lines++;
    last = buf.length ? (buf[buf.length - 1] as number) : last;
  }
  return Math.max(0, lines + (last === 10 ? 0 : 1) - 1);
}

/** How many rows a file holds: counted (CSV), read from the sheet (XLSX), or estimated from its size. */
export interface RowCount {
  rows: number;
  /** Whether `rows` is the count (to show progress against), or only an estimate (to plan the load). */
  exact: boolean;
}

export async function countRows(file: string, format: FileFormat): Promise<RowCount> {
  return format === "csv" ? { rows: await countCsvRows(file), exact: true } : countXlsxRows(file);
}

/**
 * Fewer bytes than an XLSX spends on a row (zipped): a register with the template's columns takes
 * about 90, one with only the three required columns about 33. The estimate errs large: a first load
 * it takes for large only builds the indexes of a few thousand rows again at the end.
 */
const XLSX_BYTES_PER_ROW = 16;

/**
 * The rows after the header of an XLSX's sheet, as Excel, WPS and LibreOffice record them at the top
 * of the sheet (`<dimension ref="A1:N200001"/>`): read from the zip's directory and the first
 * kilobytes of the sheet, without unpacking the rest. The sheet is the one the import reads (the
 * workbook's first tab, `firstSheet`); a workbook whose writer left the range out (streaming writers do) gets an
 * estimate from the file's size instead.
 */
export async function countXlsxRows(file: string): Promise<RowCount> {
  const { size } = await stat(file);
  const estimate = { rows: Math.ceil(size / XLSX_BYTES_PER_ROW), exact: false };
  try {
    const rows = await sheetDimensionRows(file);
    return rows === undefined ? estimate : { rows, exact: true };
  } catch {
    return estimate; // not a zip we can read: the import will say what is wrong with it
  }
}

async function sheetDimensionRows(file: string): Promise<number | undefined> {
  const zip = await ZipReader.open(file);
  try {
    const sheet = await firstSheet(zip);
    if (!sheet) return undefined;
    const data = await zip.head(sheet, 16 * 1024);
    // The beginning of the sheet's XML: a sync flush takes what this much of the stream holds (and a
    // stream that would unpack to more than a few megabytes from it is not a sheet).
    const xml = (
      sheet.method === 8
        ? inflateRawSync(data, { finishFlush: zlibConstants.Z_SYNC_FLUSH, maxOutputLength: 4 * 1024 * 1024 })
        : data
    ).toString("latin1");
    const dataAt = xml.search(/<(?:\w+:)?sheetData[\s>/]/);
    const ref = (dataAt < 0 ? xml : xml.slice(0, dataAt)).match(
      /<(?:\w+:)?dimension\s[^>]*ref="[A-Z]*(\d+)(?::[A-Z]*(\d+))?"/,
    );
    if (!ref?.[2]) return undefined; // no range, or one cell ("A1"): nothing known
    return Math.max(0, Number(ref[2]) - Number(ref[1]));
  } finally {
    await zip.close();
  }
}

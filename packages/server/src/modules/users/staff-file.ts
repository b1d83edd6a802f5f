import { type CsvRecord, parseCsvText } from "../../csv.ts";
import { isStorableText, storableText, xlsxRows } from "../../spreadsheet.ts";

/**
 * Reads the staff roster that townships keep (one row a person): name, phone, home unit, grid code,
 * role. CSV (UTF-8, with or without BOM; quoted fields allowed) or XLSX (first sheet). The first row
 * holds the column names, in Chinese or English.
 */
export interface StaffRow {
  /** 1-based row number in the file, header included, as a person sees it in a spreadsheet. */
  row: number;
  name: string;
  phone: string;
  homeUnit: string;
  gridCode: string;
  role: string;
  /** Fields whose cell holds text the database cannot store (NUL, a control character, broken UTF-8). */
  unstorable: (keyof typeof COLUMNS)[];
}

const COLUMNS: Record<keyof Omit<StaffRow, "row" | "unstorable">, string[]> = {
  name: ["name", "姓名"],
  phone: ["phone", "手机", "手机号", "电话", "联系电话"],
  homeUnit: ["home unit", "home_unit", "派出单位", "工作单位", "单位"],
  gridCode: ["grid code", "grid_code", "网格代码", "网格编码"],
  role: ["role", "角色", "岗位"],
};

async function tableOf(content: Buffer, format: "csv" | "xlsx"): Promise<CsvRecord[]> {
  if (format === "csv") return parseCsvText(content.toString("utf8"));
  const rows: CsvRecord[] = [];
  for await (const chunk of xlsxRows(content)) rows.push(...chunk);
  return rows;
}

export type StaffFileResult = { ok: true; rows: StaffRow[] } | { ok: false; missingColumns: string[] };

export async function readStaffFile(content: Buffer, format: "csv" | "xlsx"): Promise<StaffFileResult> {
  const table = await tableOf(content, format);
  const header = (table[0]?.cells ?? []).map((h) => storableText(h).trim().toLowerCase());
  const index = {} as Record<keyof typeof COLUMNS, number>;
  const missing: string[] = [];
  for (const [key, names] of Object.entries(COLUMNS) as [keyof typeof COLUMNS, string[]][]) {
    const i = header.findIndex((h) => names.includes(h));
    if (i === -1) missing.push(names[0] as string);
    index[key] = i;
  }
  if (missing.length > 0) return { ok: false, missingColumns: missing };
  const rows: StaffRow[] = [];
  for (const { row, cells } of table.slice(1)) {
    if (cells.every((c) => c.trim() === "")) continue;
    const unstorable: (keyof typeof COLUMNS)[] = [];
    const cell = (key: keyof typeof COLUMNS) => {
      const text = (cells[index[key]] ?? "").trim();
      if (isStorableText(text)) return text;
      unstorable.push(key);
      return storableText(text);
    };
    rows.push({
      row,
      name: cell("name"),
      phone: cell("phone"),
      homeUnit: cell("homeUnit"),
      gridCode: cell("gridCode"),
      role: cell("role"),
      unstorable,
    });
  }
  return { ok: true, rows };
}

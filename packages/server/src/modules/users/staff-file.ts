import ExcelJS from "exceljs";

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
}

const COLUMNS: Record<keyof Omit<StaffRow, "row">, string[]> = {
  name: ["name", "姓名"],
  phone: ["phone", "手机", "手机号", "电话", "联系电话"],
  homeUnit: ["home unit", "home_unit", "派出单位", "工作单位", "单位"],
  gridCode: ["grid code", "grid_code", "网格代码", "网格编码"],
  role: ["role", "角色", "岗位"],
};

export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  const input = text.replace(/^\uFEFF/, "");
  for (let i = 0; i < input.length; i++) {
    const ch = input[i] as string;
    if (quoted) {
      if (ch === '"' && input[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ",") {
      row.push(field);
      field = "";
    } else if (ch === "\n" || ch === "\r") {
      if (ch === "\r" && input[i + 1] === "\n") i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
    } else field += ch;
  }
  if (field !== "" || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

async function xlsxRows(content: Buffer): Promise<string[][]> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(content as unknown as ArrayBuffer);
  const sheet = workbook.worksheets[0];
  if (!sheet) return [];
  const rows: string[][] = [];
  sheet.eachRow({ includeEmpty: true }, (r, n) => {
    const values = (r.values as unknown[])
      .slice(1)
      .map((v) =>
        v == null
          ? ""
          : typeof v === "object" && "text" in (v as object)
            ? String((v as { text: unknown }).text)
            : String(v),
      );
    rows[n - 1] = values;
  });
  return Array.from(rows, (r) => r ?? []);
}

export type StaffFileResult = { ok: true; rows: StaffRow[] } | { ok: false; missingColumns: string[] };

export async function readStaffFile(content: Buffer, format: "csv" | "xlsx"): Promise<StaffFileResult> {
  const table = format === "csv" ? parseCsv(content.toString("utf8")) : await xlsxRows(content);
  const header = (table[0] ?? []).map((h) => h.trim().toLowerCase());
  const index = {} as Record<keyof typeof COLUMNS, number>;
  const missing: string[] = [];
  for (const [key, names] of Object.entries(COLUMNS) as [keyof typeof COLUMNS, string[]][]) {
    const i = header.findIndex((h) => names.includes(h));
    if (i === -1) missing.push(names[0] as string);
    index[key] = i;
  }
  if (missing.length > 0) return { ok: false, missingColumns: missing };
  const rows: StaffRow[] = [];
  table.slice(1).forEach((cells, i) => {
    if (cells.every((c) => c.trim() === "")) return;
    const cell = (key: keyof typeof COLUMNS) => (cells[index[key]] ?? "").trim();
    rows.push({
      row: i + 2,
      name: cell("name"),
      phone: cell("phone"),
      homeUnit: cell("homeUnit"),
      gridCode: cell("gridCode"),
      role: cell("role"),
    });
  });
  return { ok: true, rows };
}

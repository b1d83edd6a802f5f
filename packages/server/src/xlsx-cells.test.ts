import ExcelJS from "exceljs";
import { describe, expect, it } from "vitest";
import { addXlsxRow, looksLikeFormula, XLSX_MAX_CELL_CHARS, xlsxText } from "./xlsx-cells.ts";

/** What every XLSX writer puts in a cell: the file reads back, formulas stay text, nothing vanishes unseen. */
describe("xlsxText", () => {
  it.each([
    ["村道\u0007硬化", "村道␇硬化"],
    ["\u0000开头", "␀开头"],
    ["换页\u000c与\u000b竖表", "换页␌与␋竖表"],
    ["删除\u007f符", "删除␡符"],
    ["C1\u0085控制", "C1⟨U+0085⟩控制"],
    ["行一\n行二\t列\r", "行一\n行二\t列\r"],
    ["半个\ud800代理", "半个\ufffd代理"],
    ["非字符\ufffe\uffff", "非字符\ufffd\ufffd"],
    ["𠀀 😀 \u202e", "𠀀 😀 \u202e"],
  ])("writes %j as %j", (given, written) => {
    expect(xlsxText(given)).toBe(written);
  });

  it("cuts text past Excel's 32,767 characters with a marker that says how much was left out", () => {
    const text = xlsxText("字".repeat(40_000));
    expect(text.length).toBe(XLSX_MAX_CELL_CHARS);
    const kept = text.indexOf("…");
    expect(text).toContain(`另有 ${40_000 - kept} 字未写入`);
    expect(xlsxText("😀".repeat(20_000)).length).toBeLessThanOrEqual(XLSX_MAX_CELL_CHARS);
    expect(xlsxText("😀".repeat(20_000))).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])/);
  });

  it.each([
    ["=1+2", true],
    ["+SUM(A1)", true],
    ["-2+3", true],
    ["@cmd", true],
    ["\tcmd", true],
    ["\rcmd", true],
    ["1+2", false],
    ["韦=1", false],
  ])("takes %j for a formula: %s", (text, formula) => {
    expect(looksLikeFormula(text)).toBe(formula);
  });
});

describe("addXlsxRow", () => {
  it("writes formula-looking text as Text cells and control characters as symbols, and the file reads back", async () => {
    const book = new ExcelJS.Workbook();
    const sheet = book.addWorksheet("表");
    const given = ['=HYPERLINK("http://x.invalid","点我")', "+1+1", "-2", "@SUM(1)", "\t=1", "铃\u0007声", 7, null];
    addXlsxRow(sheet, given);
    const bytes = Buffer.from(await book.xlsx.writeBuffer());
    expect(bytes.includes(Buffer.from("<f>"))).toBe(false);
    const back = new ExcelJS.Workbook();
    await back.xlsx.load(bytes as unknown as ArrayBuffer);
    const row = back.worksheets[0]?.getRow(1) as ExcelJS.Row;
    expect([1, 2, 3, 4, 5, 6, 7].map((i) => row.getCell(i).value)).toEqual([
      '=HYPERLINK("http://x.invalid","点我")',
      "+1+1",
      "-2",
      "@SUM(1)",
      "\t=1",
      "铃␇声",
      7,
    ]);
    for (const i of [1, 2, 3, 4, 5]) {
      expect(row.getCell(i).type).toBe(ExcelJS.ValueType.String);
      expect(row.getCell(i).numFmt).toBe("@");
    }
    expect(row.getCell(6).numFmt).toBeUndefined();
  });
});

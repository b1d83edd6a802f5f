import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import ExcelJS from "exceljs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { xlsxRows } from "../../spreadsheet.ts";
import { zipOf } from "../../test/zip.ts";
import { countCsvRows, countXlsxRows, readPeopleFile } from "./people-file.ts";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "wangge-people-file-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const file = async (name: string, text: string) => {
  const at = path.join(dir, name);
  await writeFile(at, text);
  return at;
};

describe("countCsvRows", () => {
  it("counts the lines after the header, with or without a last line break, in LF or CRLF", async () => {
    expect(await countCsvRows(await file("a.csv", "姓名\n张三\n李四\n"))).toBe(2);
    expect(await countCsvRows(await file("b.csv", "姓名\r\n张三\r\n李四"))).toBe(2);
    expect(await countCsvRows(await file("c.csv", "姓名\n"))).toBe(0);
    expect(await countCsvRows(await file("d.csv", ""))).toBe(0);
  });

  it("counts a file larger than one read", async () => {
    const rows = Array.from({ length: 40_000 }, (_, i) => `覃${i},450802198001010013`);
    expect(await countCsvRows(await file("e.csv", `姓名,证件号码\n${rows.join("\n")}\n`))).toBe(40_000);
  });
});

describe("xlsxRows", () => {
  it("reads a sheet that comes before the workbook part in the zip, after the shared strings", async () => {
    const ns = "http://schemas.openxmlformats.org";
    const at = path.join(dir, "sheet-first.xlsx");
    await writeFile(
      at,
      zipOf({
        "[Content_Types].xml": "<Types/>",
        "_rels/.rels": `<Relationships xmlns="${ns}/package/2006/relationships"><Relationship Id="rId1" Type="${ns}/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
        "xl/_rels/workbook.xml.rels": `<Relationships xmlns="${ns}/package/2006/relationships"><Relationship Id="rId1" Type="${ns}/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>`,
        "xl/sharedStrings.xml": `<sst xmlns="${ns}/spreadsheetml/2006/main" count="2" uniqueCount="2"><si><t>姓名</t></si><si><t>农可欣</t></si></sst>`,
        "xl/worksheets/sheet1.xml": `<worksheet xmlns="${ns}/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c></row><row r="2"><c r="A2" t="s"><v>1</v></c></row></sheetData></worksheet>`,
        "xl/workbook.xml": `<workbook xmlns="${ns}/spreadsheetml/2006/main" xmlns:r="${ns}/officeDocument/2006/relationships"><sheets><sheet name="人员" sheetId="1" r:id="rId1"/></sheets></workbook>`,
      }),
    );
    const rows = [];
    for await (const chunk of xlsxRows(at)) rows.push(...chunk);
    expect(rows).toEqual([
      { row: 1, cells: ["姓名"] },
      { row: 2, cells: ["农可欣"] },
    ]);
  });
});

describe("countXlsxRows", () => {
  const rows = (n: number) =>
    Array.from({ length: n }, (_, i) => [`覃${i}`, `4508021980${String(i).padStart(8, "0")}`, "450802001001"]);

  it("reads the rows after the header from the range the sheet records, as Excel and WPS save it", async () => {
    const at = path.join(dir, "ranged.xlsx");
    const workbook = new ExcelJS.Workbook();
    workbook.addWorksheet("人员").addRows([["姓名", "证件号码", "村社区代码"], ...rows(2_500)]);
    await workbook.xlsx.writeFile(at);
    expect(await countXlsxRows(at)).toEqual({ rows: 2_500, exact: true });
  });

  it("reads a sheet stored uncompressed, its elements with a namespace prefix", async () => {
    const sheet = `<?xml version="1.0"?><x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><x:dimension ref="B3:F250"/><x:sheetData/></x:worksheet>`;
    const at = await file("stored.xlsx", "");
    await writeFile(at, zipOf({ "[Content_Types].xml": "<Types/>", "xl/worksheets/sheet1.xml": sheet }, "store"));
    expect(await countXlsxRows(at)).toEqual({ rows: 247, exact: true });
  });

  it("estimates from the file's size, erring large, when the sheet records no range", async () => {
    const streamed = path.join(dir, "streamed.xlsx");
    const writer = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: streamed, useSharedStrings: true });
    const sheet = writer.addWorksheet("人员");
    for (const row of rows(3_000)) sheet.addRow(row).commit();
    await writer.commit();
    const fromStream = await countXlsxRows(streamed);
    expect(fromStream.exact).toBe(false);
    expect(fromStream.rows).toBeGreaterThanOrEqual(3_000);

    const oneCell = await file("one-cell.xlsx", "");
    await writeFile(oneCell, zipOf({ "xl/worksheets/sheet1.xml": '<worksheet><dimension ref="A1"/></worksheet>' }));
    expect((await countXlsxRows(oneCell)).exact).toBe(false);
  });

  it("counts the sheet the import reads when the workbook has several", async () => {
    const two = path.join(dir, "two-sheets.xlsx");
    const workbook = new ExcelJS.Workbook();
    workbook.addWorksheet("人员").addRows([["姓名", "证件号码", "村社区代码"], ...rows(1_500)]);
    workbook.addWorksheet("说明").addRows(rows(3));
    await workbook.xlsx.writeFile(two);
    expect(await countXlsxRows(two)).toEqual({ rows: 1_500, exact: true });

    // Whatever order the zip holds its parts in, the first sheet is the workbook's first tab: here the
    // second sheet part, listed first, and written after the shared strings and the other sheet.
    const cell = (ref: string, text: string) => `<c r="${ref}" t="inlineStr"><is><t>${text}</t></is></c>`;
    const sheet = (range: string, header: string[]) =>
      `<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><dimension ref="${range}"/><sheetData><row r="1">${header
        .map((h, i) => cell(`${String.fromCharCode(65 + i)}1`, h))
        .join("")}</row></sheetData></worksheet>`;
    const parts = (workbook: boolean) => ({
      "xl/_rels/workbook.xml.rels":
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId7" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Target="/xl/worksheets/sheet2.xml" Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"/></Relationships>',
      "xl/worksheets/sheet1.xml": sheet("A1:A5", ["说明"]),
      "xl/sharedStrings.xml": '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"/>',
      "xl/worksheets/sheet2.xml": sheet("A1:C51", ["姓名", "证件号码", "村社区代码"]),
      ...(workbook
        ? {
            "xl/workbook.xml":
              '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="人员" sheetId="2" r:id="rId3"/><sheet name="说明" sheetId="1" r:id="rId7"/></sheets></workbook>',
          }
        : {}),
    });
    const at = await file("out-of-order.xlsx", "");
    await writeFile(at, zipOf(parts(true)));
    expect(await countXlsxRows(at)).toEqual({ rows: 50, exact: true });
    const first = [];
    for await (const chunk of readPeopleFile(at, "xlsx")) first.push(chunk);
    expect(first[0]).toEqual([
      { header: ["姓名", "证件号码", "村社区代码"], check: expect.objectContaining({ missing: [] }) },
    ]);
    // Without the workbook part, the lowest-numbered sheet, for counting and reading alike.
    await writeFile(at, zipOf(parts(false)));
    expect(await countXlsxRows(at)).toEqual({ rows: 4, exact: true });
    const without = [];
    for await (const chunk of readPeopleFile(at, "xlsx")) without.push(chunk);
    expect(without[0]).toEqual([
      { header: ["说明"], check: expect.objectContaining({ missing: ["姓名", "证件号码", "村社区代码"] }) },
    ]);
  });

  it("reads a workbook written sheet first and shared strings after (as ExcelJS writes one), the same every time", async () => {
    // On Node 24, ExcelJS's own walk through such a zip now and then stopped after the sheet: the
    // shared strings were never read and the cells came as { sharedString: n }.
    const at = path.join(dir, "sheet-first.xlsx");
    const workbook = new ExcelJS.Workbook();
    workbook.addWorksheet("人员").addRows([["姓名", "证件号码", "村社区代码"], ...rows(200)]);
    await workbook.xlsx.writeFile(at);
    for (let i = 0; i < 12; i++) {
      const chunks = [];
      for await (const chunk of readPeopleFile(at, "xlsx")) chunks.push(chunk);
      const people = chunks.slice(1).flat() as { row: number; values: Record<string, string> }[];
      expect(people, `read ${i + 1}`).toHaveLength(200);
      expect(people[199]?.values.name).toBe(rows(200)[199]?.[0]);
    }
  });

  it("estimates for a file that is not a zip, or a damaged one, rather than failing (the reader says what is wrong)", async () => {
    const text = "姓名,证件号码\n".repeat(100);
    const at = await file("not-a-zip.xlsx", text);
    expect(await countXlsxRows(at)).toEqual({ rows: Math.ceil(Buffer.byteLength(text) / 16), exact: false });
    // A zip whose directory claims four gigabytes: not read (nor that much memory taken for it).
    const zip = zipOf({ "xl/worksheets/sheet1.xml": '<worksheet><dimension ref="A1:C9"/></worksheet>' });
    zip.writeUInt32LE(0xfffffff0, zip.length - 22 + 12);
    const damaged = await file("damaged.xlsx", "");
    await writeFile(damaged, zip);
    expect(await countXlsxRows(damaged)).toEqual({ rows: Math.ceil(zip.length / 16), exact: false });
  });
});

describe("readPeopleFile", () => {
  it("gives the header alone first, then the rows in chunks with their spreadsheet row numbers", async () => {
    const rows = Array.from({ length: 30_000 }, (_, i) => `覃${i},450802198001010013,,450802001001`);
    const at = await file("f.csv", `\uFEFF姓名,证件号码,未知列,村社区代码\n\n${rows.join("\n")}\n`);
    const chunks = [];
    for await (const chunk of readPeopleFile(at, "csv")) chunks.push(chunk);
    expect(chunks[0]).toEqual([
      { header: ["姓名", "证件号码", "未知列", "村社区代码"], check: expect.objectContaining({ missing: [] }) },
    ]);
    const people = chunks.slice(1).flat() as { row: number; values: Record<string, string> }[];
    expect(chunks.length).toBeGreaterThan(2);
    expect(people).toHaveLength(30_000);
    // The blank line after the header counts, as a spreadsheet numbers it.
    expect(people[0]).toMatchObject({
      row: 3,
      values: { name: "覃0", idNumber: "450802198001010013", divisionCode: "450802001001" },
    });
    expect(people.at(-1)).toMatchObject({ row: 30_002, values: { name: "覃29999" } });
  });

  it("stops after the header when a required column is missing", async () => {
    const at = await file("g.csv", "姓名,证件号码\n张三,450802198001010013\n");
    const chunks = [];
    for await (const chunk of readPeopleFile(at, "csv")) chunks.push(chunk);
    expect(chunks).toEqual([
      [{ header: ["姓名", "证件号码"], check: expect.objectContaining({ missing: ["村社区代码"] }) }],
    ]);
  });

  // ExcelJS's streaming reader decoded each unzipped piece of a sheet on its own: a character whose
  // bytes straddled two pieces became U+FFFD, in about one row in 4,000 of a Chinese register.
  it.each([
    ["with shared strings (as Excel and WPS save)", true],
    ["with strings in the cells", false],
  ])("reads every character of a large XLSX whole, %s", async (_, useSharedStrings) => {
    const at = path.join(dir, `whole-${useSharedStrings}.xlsx`);
    const writer = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: at, useSharedStrings, useStyles: false });
    const sheet = writer.addWorksheet("人员名单");
    sheet.addRow(["姓名", "证件号码", "村社区代码", "街路巷或自然村"]).commit();
    // Three- and four-byte characters (𠀀, 𡃁: CJK Extension B, in some names), every row different.
    const names = Array.from({ length: 6_000 }, (_, i) => `覃${[..."秀英𠀀梅𡃁"].slice(0, 1 + (i % 5)).join("")}${i}`);
    for (const [i, name] of names.entries())
      sheet.addRow([name, "450802198001010013", "450802001001", `港北区建设路${i}号`]).commit();
    await writer.commit();
    const people: { values: Record<string, string> }[] = [];
    for await (const chunk of readPeopleFile(at, "xlsx"))
      if (!("header" in (chunk[0] ?? {}))) people.push(...(chunk as typeof people));
    expect(people.map((p) => p.values.name)).toEqual(names);
    expect(people.map((p) => p.values.road)).toEqual(names.map((_, i) => `港北区建设路${i}号`));
  });
});

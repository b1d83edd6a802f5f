import { deflateRawSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { partPath, XLSX_LIMITS, xlsxRows } from "./spreadsheet.ts";
import { xlsxOfXml, zipOf } from "./test/zip.ts";
import { ZipReader, ZipUnreadable } from "./zip-reader.ts";

/** Zips made to hurt: sizes that lie, parts that unpack to far more than they weigh, names that climb out. */
const drain = async (zip: ZipReader, name: string, maxBytes?: number) => {
  const entry = zip.entry(name);
  if (!entry) throw new Error(`no ${name}`);
  let bytes = 0;
  for await (const piece of await zip.stream(entry, maxBytes)) bytes += (piece as Buffer).length;
  return bytes;
};
const refusal = (error: unknown) => (error instanceof ZipUnreadable ? error.problem : error);
const rowsOf = async (file: Buffer, limits = XLSX_LIMITS) => {
  const rows = [];
  for await (const chunk of xlsxRows(file, limits)) rows.push(...chunk);
  return rows;
};

/** Where the directory entry of the zip's only (or first) file starts. */
const directoryAt = (zip: Buffer) => zip.readUInt32LE(zip.length - 22 + 16);

describe("ZipReader", () => {
  it("refuses an entry that unpacks to more than its directory says, without unpacking the rest", async () => {
    const zip = zipOf({ "a.xml": "x".repeat(100_000) });
    // The directory (and the local header) now say 1,000 bytes: a lie the deflated data gives away.
    zip.writeUInt32LE(1_000, directoryAt(zip) + 24);
    zip.writeUInt32LE(1_000, 22);
    const reader = await ZipReader.open(zip);
    expect(await drain(reader, "a.xml").catch(refusal)).toBe("damaged");
  });

  it("refuses an entry whose directory says more than the limit before unpacking anything", async () => {
    const reader = await ZipReader.open(zipOf({ "a.xml": "x".repeat(10_000) }));
    expect(await drain(reader, "a.xml", 1_000).catch(refusal)).toBe("too_large");
    expect(await drain(reader, "a.xml", 10_000)).toBe(10_000);
  });

  it("refuses a deflate bomb: a small entry that would unpack to gigabytes", async () => {
    // 64 MB of zeros deflated to some 64 KB; the directory claims nearly 4 GB (what a bomb unpacks to).
    const zip = zipOf({ "xl/worksheets/sheet1.xml": "" });
    const bomb = deflateRawSync(Buffer.alloc(64 * 1024 * 1024));
    const local = zip.subarray(0, 30 + "xl/worksheets/sheet1.xml".length);
    const rebuilt = zipOfRaw(local, bomb, 0xfffffff0);
    const reader = await ZipReader.open(rebuilt);
    expect(await drain(reader, "xl/worksheets/sheet1.xml").catch(refusal)).toBe("too_large");
  });

  it("refuses a stored entry whose sizes disagree", async () => {
    const zip = zipOf({ "a.xml": "hello" }, "store");
    zip.writeUInt32LE(50, directoryAt(zip) + 24);
    expect(await drain(await ZipReader.open(zip), "a.xml").catch(refusal)).toBe("damaged");
  });
});

describe("xlsxRows against malicious workbooks", () => {
  it("refuses shared strings that unpack to more than the limit, as too large", async () => {
    const ns = "http://schemas.openxmlformats.org";
    const file = zipOf({
      "xl/_rels/workbook.xml.rels": `<Relationships xmlns="${ns}/package/2006/relationships"><Relationship Id="rId1" Type="${ns}/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>`,
      "xl/workbook.xml": `<workbook xmlns="${ns}/spreadsheetml/2006/main" xmlns:r="${ns}/officeDocument/2006/relationships"><sheets><sheet name="人员" sheetId="1" r:id="rId1"/></sheets></workbook>`,
      "xl/sharedStrings.xml": `<sst xmlns="${ns}/spreadsheetml/2006/main">${"<si><t>覃</t></si>".repeat(20_000)}</sst>`,
      "xl/worksheets/sheet1.xml": `<worksheet xmlns="${ns}/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c></row></sheetData></worksheet>`,
    });
    expect(await rowsOf(file)).toEqual([{ row: 1, cells: ["覃"] }]);
    const small = { ...XLSX_LIMITS, sharedStringsBytes: 64 * 1024 };
    expect(await rowsOf(file, small).catch(refusal)).toBe("too_large");
  });

  it("refuses a sheet that unpacks to more than the limit, as too large", async () => {
    const file = xlsxOfXml(Array.from({ length: 2_000 }, (_, i) => [`覃${i}`, "450802001001"]));
    expect(await rowsOf(file)).toHaveLength(2_000);
    expect(await rowsOf(file, { ...XLSX_LIMITS, sheetBytes: 32 * 1024 }).catch(refusal)).toBe("too_large");
  });

  it("resolves a relation's target inside the package, and none that climbs out of it", () => {
    expect(partPath("worksheets/sheet1.xml")).toBe("xl/worksheets/sheet1.xml");
    expect(partPath("./worksheets/sheet2.xml")).toBe("xl/worksheets/sheet2.xml");
    expect(partPath("/xl/worksheets/sheet3.xml")).toBe("xl/worksheets/sheet3.xml");
    expect(partPath("../xl/worksheets/../worksheets/sheet4.xml")).toBe("xl/worksheets/sheet4.xml");
    expect(partPath("../../etc/passwd")).toBeUndefined();
    expect(partPath("/../sharedStrings.xml")).toBeUndefined();
  });
});

/** A zip of one entry from its local header (name included) and raw deflated data, claiming `size` unpacked. */
function zipOfRaw(localWithName: Buffer, data: Buffer, size: number): Buffer {
  const local = Buffer.from(localWithName);
  local.writeUInt32LE(data.length, 18);
  local.writeUInt32LE(size, 22);
  const nameLength = local.readUInt16LE(26);
  const entry = Buffer.alloc(46);
  entry.writeUInt32LE(0x02014b50, 0);
  entry.writeUInt16LE(20, 4);
  local.copy(entry, 6, 4, 30);
  entry.writeUInt32LE(0, 42);
  const name = local.subarray(30, 30 + nameLength);
  const directory = Buffer.concat([entry, name]);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(1, 8);
  end.writeUInt16LE(1, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(local.length + data.length, 16);
  return Buffer.concat([local, data, directory, end]);
}

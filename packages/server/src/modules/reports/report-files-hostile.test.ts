import { addDays, chinaDate } from "@wangge/core";
import ExcelJS from "exceljs";
import { extractText, getDocumentProxy } from "unpdf";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildTestApp, type TestApp } from "../../test/build-test-app.ts";
import { type AreaTree, buildAreaTree, buildUser, type Session, signIn } from "../../test/factories.ts";

/**
 * The judgement is typed by an official and lands in the PDF and the XLSX: text made to break the
 * writers (formula-looking lines, an unbroken run of 5,000 characters, thousands of lines) still
 * downloads, reads back, and a spreadsheet cell holds it as text, never as a formula.
 */
let t: TestApp;
let tree: AreaTree;
let township: Session;
let monthlyId: string;

beforeAll(async () => {
  t = await buildTestApp();
  tree = await buildAreaTree(t.ctx);
  township = await signIn(t, await buildUser(t.ctx, { role: "township_official", areaCode: tree.township.code }));
  const res = await t.app.inject({
    method: "POST",
    url: "/api/v1/reports",
    headers: township.headers,
    payload: {
      id: crypto.randomUUID(),
      kind: "monthly",
      area: tree.township.code,
      day: addDays(chinaDate(t.clock.now), -40),
    },
  });
  expect(res.statusCode, res.body).toBe(201);
  monthlyId = res.json().id;
});
afterAll(async () => t.close());

let version = 0;
async function judge(text: string) {
  const baseVersion = version++;
  const res = await t.app.inject({
    method: "POST",
    url: `/api/v1/reports/${monthlyId}/judgement`,
    headers: township.headers,
    payload: { id: crypto.randomUUID(), text, baseVersion },
  });
  expect(res.statusCode, res.body).toBe(201);
}

const download = (format: "pdf" | "xlsx") =>
  t.app.inject({ method: "GET", url: `/api/v1/reports/${monthlyId}/${format}`, headers: township.headers });

describe("report files with hostile judgement text", () => {
  it("keeps formula-looking lines as text in the XLSX", async () => {
    await judge('=HYPERLINK("http://evil.example/x","点此")\n+1+1\n-2+3\n@SUM(1,1)');
    const res = await download("xlsx");
    expect(res.statusCode).toBe(200);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
    const cells: unknown[] = [];
    for (const sheet of book.worksheets) sheet.eachRow((row) => row.eachCell((c) => cells.push(c.value)));
    expect(cells.some((v) => typeof v === "object" && v !== null && "formula" in v)).toBe(false);
    expect(res.rawPayload.includes(Buffer.from("<f>"))).toBe(false);
    // Written as Text, so editing the cell does not make it a formula either.
    let judgement: ExcelJS.Cell | undefined;
    for (const sheet of book.worksheets)
      sheet.eachRow((row) =>
        row.eachCell((c) => {
          if (String(c.value).startsWith("=HYPERLINK")) judgement = c;
        }),
      );
    expect(judgement?.numFmt).toBe("@");
  });

  it("downloads files that read back when the text holds control characters, emoji and rare characters", async () => {
    await judge("控制\u0001字符\u000b换页\u000c结束 😀 𠀀 \u202e反向\ufffe");
    const xlsx = await download("xlsx");
    expect(xlsx.statusCode).toBe(200);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer);
    const texts: string[] = [];
    for (const sheet of book.worksheets) sheet.eachRow((row) => row.eachCell((c) => texts.push(String(c.value))));
    // Each control character shown as its symbol (xlsx-cells.ts), not lost; a non-character as U+FFFD.
    expect(texts.some((v) => v.includes("控制␁字符␋换页␌结束 😀 𠀀 \u202e反向\ufffd"))).toBe(true);
    const pdf = await download("pdf");
    expect(pdf.statusCode).toBe(200);
    const { text } = await extractText(await getDocumentProxy(new Uint8Array(pdf.rawPayload)), { mergePages: true });
    expect(text).toContain("结束");
  });

  it("writes a PDF of an unbroken 5,000-character run and of 2,500 lines", async () => {
    await judge("W".repeat(5000));
    const long = await download("pdf");
    expect(long.statusCode, long.body.slice(0, 300)).toBe(200);
    const doc = await getDocumentProxy(new Uint8Array(long.rawPayload));
    const { text } = await extractText(doc, { mergePages: true });
    expect(text.replace(/\s/g, "")).toContain("W".repeat(4000));
    await judge("研\n".repeat(2499).concat("终"));
    const many = await download("pdf");
    expect(many.statusCode).toBe(200);
    const doc2 = await getDocumentProxy(new Uint8Array(many.rawPayload));
    expect(doc2.numPages).toBeGreaterThan(5);
    expect((await extractText(doc2, { mergePages: true })).text).toContain("终");
  });
});

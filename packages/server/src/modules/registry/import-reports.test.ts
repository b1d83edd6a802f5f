import { checkCharacter } from "@wangge/core";
import ExcelJS from "exceljs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildTestApp, type TestApp } from "../../test/build-test-app.ts";
import { type AreaTree, buildAreaTree, buildUser, type Session, signIn, type TestUser } from "../../test/factories.ts";
import { purgeImportReports } from "./import-reports.service.ts";

/**
 * An import's rejected rows (issue #16, item 11): sealed at rest, opened only in their author's
 * report, and gone after the retention period.
 */
let t: TestApp;
let tree: AreaTree;
let importer: TestUser;
let session: Session;
let other: Session;

const idNumber = (first17: string) => `${first17}${checkCharacter(first17)}`;
const GOOD = idNumber("45080219660606011");
/** A wrong check character: the row is rejected, the number still a whole ID number. */
const WRONG_CHECK = `${idNumber("45080219550505022").slice(0, 17)}${idNumber("45080219550505022").endsWith("1") ? "2" : "1"}`;
/** One digit short: not even shaped like an ID number, still one a typo away. */
const SHORT = "45080219440404033";
const PHONE = "13911223344";

async function importFile(s: Session, text: string) {
  const id = crypto.randomUUID();
  const res = await t.app.inject({
    method: "POST",
    url: `/api/v1/imports/people?id=${id}&fileName=canary.csv`,
    headers: { ...s.headers, "content-type": "text/csv" },
    payload: text,
  });
  expect(res.statusCode, res.body).toBe(202);
  for (let i = 0; i < 200; i++) {
    const job = (await t.app.inject({ method: "GET", url: `/api/v1/imports/${id}`, headers: s.headers })).json();
    if (job.status === "done" || job.status === "failed") return { id, job };
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error("import did not finish");
}

beforeAll(async () => {
  t = await buildTestApp({ WANGGE_IMPORT_REPORT_DAYS: "30" });
  tree = await buildAreaTree(t.ctx);
  // Imports write, so they need the work scope (#16 item 7): the official imports as the village's grid head.
  importer = await buildUser(t.ctx, {
    role: "township_official",
    areaCode: tree.township.code,
    posts: [{ role: "grid_head", areaCode: tree.village.code }],
  });
  session = await signIn(t, importer);
  other = await signIn(t, await buildUser(t.ctx, { role: "township_official", areaCode: tree.township.code }));
});
afterAll(async () => {
  await t?.close();
});

describe("an import's rejected rows", () => {
  let jobId: string;

  beforeAll(async () => {
    const { id, job } = await importFile(
      session,
      [
        "姓名,出生日期,证件号码,手机号码,村社区代码,备注",
        `好人,,${GOOD},,${tree.village.code},`,
        `错校验,1955-05-05,${WRONG_CHECK},${PHONE},${tree.village.code},电话 ${PHONE}`,
        `少一位,,${SHORT},${PHONE},${tree.village.code},`,
        `'=1+2,,${idNumber("45080219330303044")},,${tree.village.code},`,
      ].join("\n"),
    );
    jobId = id;
    expect(job).toMatchObject({ status: "done", created: 2, rejected: 2, hasReport: true });
  });

  it("are stored with their ID, phone and birth date cells masked, the originals only sealed", async () => {
    const rows = await t.ctx.db.selectFrom("import_rejection").selectAll().where("job_id", "=", jobId).execute();
    expect(rows.map((r) => r.row)).toEqual([3, 4]);
    const dump = JSON.stringify(rows);
    for (const secret of [WRONG_CHECK, SHORT, PHONE, "1955-05-05", WRONG_CHECK.slice(6, 14), SHORT.slice(6)])
      expect(dump).not.toContain(secret);
    expect(rows[0]?.cells).toEqual([
      "错校验",
      "****-**-**",
      "*".repeat(18),
      "*".repeat(11),
      tree.village.code,
      "电话 139****3344",
    ]);
    expect(rows[0]?.cells_sealed).toMatch(/^v1:/);
    expect(rows[1]?.reasons).not.toMatch(/[0-9]/);
  });

  it("come back in clear in the report for the one who imported them, to mend the file", async () => {
    const res = await t.app.inject({
      method: "GET",
      url: `/api/v1/imports/${jobId}/report`,
      headers: { ...session.headers, "accept-language": "zh-CN,zh;q=0.9,en;q=0.8" },
    });
    expect(res.statusCode).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
    const rows = (wb.worksheets[0]?.getSheetValues() ?? []).filter(Boolean).map((r) => (r as unknown[]).slice(1));
    expect(rows[0]).toEqual(["行号", "姓名", "出生日期", "证件号码", "手机号码", "村社区代码", "备注", "未导入原因"]);
    expect(rows[1]?.slice(0, 7)).toEqual([
      3,
      "错校验",
      "1955-05-05",
      WRONG_CHECK,
      PHONE,
      tree.village.code,
      `电话 ${PHONE}`,
    ]);
    expect(String(rows[1]?.[7])).toMatch(/^证件号码：校验码应为 [0-9X]，而不是 [0-9X]$/);
    expect(String(rows[2]?.[7])).toBe("证件号码：应为 18 位（或旧的 15 位数字）");
    expect(rows[2]?.slice(0, 4)).toEqual([4, "少一位", undefined, SHORT]);
    const stranger = await t.app.inject({
      method: "GET",
      url: `/api/v1/imports/${jobId}/report`,
      headers: other.headers,
    });
    expect(stranger.statusCode).toBe(404);
  });

  it("say their reasons in the reader's language, the app's choice (?lang) before the browser's (#17 item 6)", async () => {
    const report = async (query: string, lang: string) => {
      const res = await t.app.inject({
        method: "GET",
        url: `/api/v1/imports/${jobId}/report${query}`,
        headers: { ...session.headers, "accept-language": lang },
      });
      expect(res.statusCode).toBe(200);
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
      const sheet = wb.worksheets[0] as ExcelJS.Worksheet;
      const rows = (sheet.getSheetValues() ?? []).filter(Boolean).map((r) => (r as unknown[]).slice(1));
      return { sheet: sheet.name, file: res.headers["content-disposition"], rows: rows.map((r) => [r[0], r.at(-1)]) };
    };
    const english = await report("", "en-US,en;q=0.9");
    expect(english.sheet).toBe("Rows not imported");
    expect(english.file).toMatch(/-not-imported\.xlsx$/);
    expect(english.rows).toEqual([
      ["Row", "Why not imported"],
      [3, expect.stringMatching(/^id number: check digit should be [0-9X], not [0-9X]$/)],
      [4, "id number: must be 18 characters (or the old 15 digits)"],
    ]);
    const chinese = await report("?lang=zh-CN", "en-US,en;q=0.9");
    expect(chinese.sheet).toBe("未导入的行");
    expect(chinese.rows[2]).toEqual([4, "证件号码：应为 18 位（或旧的 15 位数字）"]);
    for (const [, why] of chinese.rows.slice(1)) expect(String(why)).not.toMatch(/[A-Za-z]{3}/);
  });

  it("read a CSV cell our export guarded against formulas as it was", async () => {
    const person = await t.ctx.db
      .selectFrom("person")
      .select("name")
      .where("area_path", "like", `${tree.village.path}%`)
      .where("name", "like", "%1+2")
      .executeTakeFirstOrThrow();
    expect(person.name).toBe("=1+2");
  });

  it("come back in a report that opens: a formula-looking cell as Text, a control character marked", async () => {
    const { id } = await importFile(
      session,
      [
        "姓名,出生日期,证件号码,手机号码,村社区代码,备注",
        `"=HYPERLINK(""http://x.invalid"",""点我"")",,${SHORT},,${tree.village.code},@SUM(1)`,
        `响\u0007铃,,${SHORT},,${tree.village.code},换\u000b行`,
      ].join("\n"),
    );
    const res = await t.app.inject({
      method: "GET",
      url: `/api/v1/imports/${id}/report?lang=zh-CN`,
      headers: session.headers,
    });
    expect(res.statusCode).toBe(200);
    expect(res.rawPayload.includes(Buffer.from("<f>"))).toBe(false);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
    const sheet = wb.worksheets[0] as ExcelJS.Worksheet;
    const formula = sheet.getRow(2);
    expect([formula.getCell(1).value, formula.getCell(2).value, formula.getCell(7).value]).toEqual([
      2,
      '=HYPERLINK("http://x.invalid","点我")',
      "@SUM(1)",
    ]);
    for (const i of [2, 7]) {
      expect(formula.getCell(i).type).toBe(ExcelJS.ValueType.String);
      expect(formula.getCell(i).numFmt).toBe("@");
    }
    // The reader already marked the control characters (U+FFFD) and said why the row was refused;
    // the report shows the row as read (xlsx-cells.test.ts holds the writer to showing any it is given).
    const bell = sheet.getRow(3);
    expect([bell.getCell(2).value, bell.getCell(7).value]).toEqual(["响\ufffd铃", "换\ufffd行"]);
    expect(String(bell.getCell(8).value)).toContain("姓名");
  });

  it("are removed once the retention period has passed since the import, and the report says so", async () => {
    t.clock.advanceMinutes(29 * 24 * 60);
    expect(await purgeImportReports(t.ctx)).toBe(0);
    t.clock.advanceMinutes(2 * 24 * 60);
    expect(await purgeImportReports(t.ctx)).toBeGreaterThanOrEqual(1);
    const left = await t.ctx.db.selectFrom("import_rejection").select("id").where("job_id", "=", jobId).execute();
    expect(left).toEqual([]);
    const fresh = await signIn(t, importer);
    const job = (await t.app.inject({ method: "GET", url: `/api/v1/imports/${jobId}`, headers: fresh.headers })).json();
    expect(job).toMatchObject({ status: "done", rejected: 2, hasReport: false });
    const res = await t.app.inject({ method: "GET", url: `/api/v1/imports/${jobId}/report`, headers: fresh.headers });
    expect(res.statusCode).toBe(410);
    expect(res.json()).toMatchObject({ code: "IMPORT_REPORT_EXPIRED", errors: [{ path: "id" }] });
  });
});

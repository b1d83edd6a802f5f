import { writeFile } from "node:fs/promises";
import { checkCharacter } from "@wangge/core";
import ExcelJS from "exceljs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildTestApp, type TestApp } from "../../test/build-test-app.ts";
import { type AreaTree, buildAreaTree, buildUser, type Session, signIn } from "../../test/factories.ts";
import { ensureArea } from "../areas/areas.service.ts";
import { ensureUploadsDir, uploadPath } from "./import-jobs.service.ts";
import { resumeImports } from "./people-import.service.ts";
import { headsStatement } from "./people-import-plan.ts";

let t: TestApp;
let tree: AreaTree;
let official: Session;
let other: Session;

const XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
const id18 = (first17: string) => `${first17}${checkCharacter(first17)}`;
const A = id18("45080219500301001");
const B = id18("45080219520615002");
const BAD_CHECK = `${id18("45080219600101003").slice(0, 17)}${id18("45080219600101003")[17] === "0" ? "1" : "0"}`;
const C = id18("45080219900101003");

const HEADER =
  "姓名*,性别,出生日期,民族,证件号码*,手机号码,户编号,与户主关系,村社区代码*,街路巷或自然村,门牌号,网格代码,标签";
function csv(village: string, grid: string): string {
  return [
    HEADER,
    `韦大爷,男,,壮族,${A},13877100001,IMP-H1,户主,${village},东风路,8,${grid},独居老人`,
    `韦大娘,女,,壮族,${B},,IMP-H1,配偶,${village},东风路,8,${grid},`,
    `错校验,男,,汉族,${BAD_CHECK},,IMP-H2,户主,${village},东风路,9,${grid},`,
    `错日期,男,1990-02-30,汉族,${C},,IMP-H2,子女,${village},东风路,9,${grid},`,
    `重复人,女,,汉族,${B},,IMP-H3,户主,${village},东风路,10,${grid},`,
  ].join("\r\n");
}

async function upload(
  session: Session,
  body: string | Buffer,
  options: { allOrNothing?: boolean; type?: string; id?: string } = {},
) {
  const id = options.id ?? crypto.randomUUID();
  const res = await t.app.inject({
    method: "POST",
    url: `/api/v1/imports/people?id=${id}&fileName=${encodeURIComponent("人员.csv")}&allOrNothing=${options.allOrNothing ?? false}`,
    headers: { ...session.headers, "content-type": options.type ?? "text/csv" },
    payload: body,
  });
  return { id, res };
}

async function finished(session: Session, id: string) {
  for (let i = 0; i < 200; i++) {
    const job = (await t.app.inject({ method: "GET", url: `/api/v1/imports/${id}`, headers: session.headers })).json();
    if (job.status === "done" || job.status === "failed") return job;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error("import did not finish");
}

beforeAll(async () => {
  t = await buildTestApp();
  tree = await buildAreaTree(t.ctx);
  // Imports write, so they need the work scope (#16 item 7): the officials import as the village's grid heads.
  const registrar = () =>
    buildUser(t.ctx, {
      role: "township_official",
      areaCode: tree.township.code,
      posts: [{ role: "grid_head", areaCode: tree.village.code }],
    });
  official = await signIn(t, await registrar());
  other = await signIn(t, await registrar());
});
afterAll(async () => {
  await t?.close();
});

describe("importing people", () => {
  it("offers the template with headers in the reader's language, the required ones starred", async () => {
    const res = await t.app.inject({
      method: "GET",
      url: "/api/v1/imports/people/template",
      headers: { ...official.headers, "accept-language": "zh-CN" },
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-type"]).toBe(XLSX);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
    const header = ((wb.worksheets[0]?.getRow(1).values ?? []) as string[]).slice(1);
    expect(header).toEqual(expect.arrayContaining(["姓名*", "证件号码*", "村社区代码*", "标签"]));
    const csvTemplate = await t.app.inject({
      method: "GET",
      url: "/api/v1/imports/people/template?format=csv&lang=zh-CN",
      headers: official.headers,
    });
    expect(csvTemplate.body.startsWith("\uFEFF姓名*,性别")).toBe(true);
    // The example row is put in the official's own village and marked as the example.
    expect(csvTemplate.body).toContain(`,${tree.village.code},`);
    expect(csvTemplate.body.trim().endsWith(",示例行：导入时跳过，可删除")).toBe(true);
    const english = await t.app.inject({
      method: "GET",
      url: "/api/v1/imports/people/template?format=csv",
      headers: { ...official.headers, "accept-language": "en-US,en;q=0.9" },
    });
    expect(english.body.startsWith("\uFEFFname*,gender")).toBe(true);
    expect(english.headers["content-disposition"]).toMatch(/people-import-template\.csv$/);
  });

  let firstJob = "";
  it("commits the good rows and reports exactly the bad ones with their reasons", async () => {
    const { id, res } = await upload(official, csv(tree.village.code, tree.grid.code));
    firstJob = id;
    expect(res.statusCode, res.body).toBe(202);
    expect(res.json()).toMatchObject({ id, status: "queued", fileName: "人员.csv" });
    const job = await finished(official, id);
    expect(job, JSON.stringify(job)).toMatchObject({
      status: "done",
      created: 2,
      updated: 0,
      unchanged: 0,
      rejected: 3,
      applied: true,
    });

    const report = await t.app.inject({
      method: "GET",
      url: `/api/v1/imports/${id}/report`,
      headers: { ...official.headers, "accept-language": "zh-CN" },
    });
    expect(report.headers["content-type"]).toBe(XLSX);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(report.rawPayload as unknown as ArrayBuffer);
    const rows = (wb.worksheets[0]?.getSheetValues() ?? []).filter(Boolean).map((r) => (r as unknown[]).slice(1));
    expect(rows[0]?.at(-1)).toBe("未导入原因");
    expect(rows.slice(1).map((r) => [r[0], r[1], r.at(-1)])).toEqual([
      [4, "错校验", expect.stringMatching(/^证件号码：校验码应为/)],
      [5, "错日期", "出生日期：1990-02-30 不是有效日期"],
      [6, "重复人", "证件号码：与第 3 行是同一人"],
    ]);

    const people = (
      await t.app.inject({
        method: "GET",
        url: `/api/v1/people?q=${encodeURIComponent("韦")}`,
        headers: official.headers,
      })
    ).json();
    expect(people.map((p: { name: string }) => p.name).sort()).toEqual(["韦大娘", "韦大爷"]);
    const grandpa = people.find((p: { name: string }) => p.name === "韦大爷");
    expect(grandpa).toMatchObject({ gridCode: tree.grid.code, phone: "138****0001", relationship: "head" });
    expect(grandpa.tags.map((x: { key: string }) => x.key)).toEqual(["elderly_alone"]);
    const household = (
      await t.app.inject({ method: "GET", url: `/api/v1/households/${grandpa.householdId}`, headers: official.headers })
    ).json();
    expect(household).toMatchObject({ ref: "IMP-H1", address: "东风路8号", headPersonId: grandpa.id });
    expect(household.members).toHaveLength(2);
  });

  it("changes nothing when the same file is imported again", async () => {
    const before = await t.ctx.db
      .selectFrom("person")
      .select((eb) => eb.fn.countAll<string>().as("n"))
      .executeTakeFirstOrThrow();
    const { id } = await upload(official, csv(tree.village.code, tree.grid.code));
    const job = await finished(official, id);
    expect(job).toMatchObject({ status: "done", created: 0, updated: 0, unchanged: 2, rejected: 3 });
    const after = await t.ctx.db
      .selectFrom("person")
      .select((eb) => eb.fn.countAll<string>().as("n"))
      .executeTakeFirstOrThrow();
    expect(after.n).toBe(before.n);
    const places = await t.ctx.db.selectFrom("place").select("address").where("address", "=", "东风路8号").execute();
    expect(places).toHaveLength(1);
  });

  it("moves a registered person to the grid a new file gives: the old grid kept in the history, the tag along", async () => {
    const gridB = await ensureArea(t.ctx.db, {
      code: `${tree.village.code}G07`,
      name: "七网格",
      level: "grid",
      parentCode: tree.village.code,
    });
    const moved = [
      HEADER,
      `韦大爷,男,,壮族,${A},13877100001,IMP-H1,户主,${tree.village.code},东风路,8,${gridB.code},独居老人`,
    ].join("\r\n");
    const { id } = await upload(official, moved);
    expect(await finished(official, id)).toMatchObject({ status: "done", created: 0, updated: 1, rejected: 0 });
    const found = await t.app.inject({
      method: "GET",
      url: `/api/v1/people?q=${A}`,
      headers: official.headers,
    });
    const person = found.json()[0];
    expect(person).toMatchObject({ name: "韦大爷", gridCode: gridB.code });
    const card = (
      await t.app.inject({ method: "GET", url: `/api/v1/people/${person.id}`, headers: official.headers })
    ).json();
    expect(card.attribution).toEqual([
      expect.objectContaining({ areaCode: gridB.code, validTo: null, reason: "import" }),
      expect.objectContaining({ areaCode: tree.grid.code, validTo: expect.any(String) }),
    ]);
    const tags = await t.ctx.db
      .selectFrom("subject_tag")
      .select(["tag_key", "area_path"])
      .where("subject_id", "=", person.id)
      .execute();
    expect(tags).toEqual([{ tag_key: "elderly_alone", area_path: gridB.path }]);
    // The same file again: nothing to do.
    const again = await upload(official, moved);
    expect(await finished(official, again.id)).toMatchObject({ status: "done", updated: 0, unchanged: 1 });
  });

  it("writes nothing with all-or-nothing when a row is bad, and everything when none is", async () => {
    const D = id18("45080219700707005");
    const bad = [
      HEADER,
      `新人甲,男,,汉族,${D},,IMP-H9,户主,${tree.village.code},西环路,1,${tree.grid.code},`,
      `坏人,男,,汉族,123,,,,${tree.village.code},,,,`,
    ].join("\n");
    const first = await finished(official, (await upload(official, bad, { allOrNothing: true })).id);
    expect(first).toMatchObject({ status: "done", created: 0, rejected: 1, applied: false });
    const found = await t.app.inject({ method: "GET", url: `/api/v1/people?q=${D}`, headers: official.headers });
    expect(found.json()).toEqual([]);
    const good = bad.split("\n").slice(0, 2).join("\n");
    const second = await finished(official, (await upload(official, good, { allOrNothing: true })).id);
    expect(second).toMatchObject({ status: "done", created: 1, rejected: 0, applied: true });
  });

  it("reads XLSX as well, with ID numbers typed as numbers or text", async () => {
    const wb = new ExcelJS.Workbook();
    const sheet = wb.addWorksheet("人员");
    sheet.addRow(["姓名", "证件号码", "村社区代码", "出生日期"]);
    const E = id18("45080220000229006");
    sheet.addRow(["闰年生", E, tree.village.code, new Date(Date.UTC(2000, 1, 29))]);
    const body = Buffer.from(await wb.xlsx.writeBuffer());
    const { id, res } = await upload(official, body, { type: XLSX });
    expect(res.statusCode, res.body).toBe(202);
    expect(await finished(official, id)).toMatchObject({ status: "done", created: 1, rejected: 0 });
    const person = (
      await t.app.inject({ method: "GET", url: `/api/v1/people?q=${E}`, headers: official.headers })
    ).json();
    expect(person[0]).toMatchObject({ name: "闰年生", birthDate: "2000-02-29" });
  });

  it("reports rows by the number the spreadsheet shows, blank rows counted, in CSV and XLSX", async () => {
    const reportRows = async (id: string) => {
      const report = await t.app.inject({
        method: "GET",
        url: `/api/v1/imports/${id}/report`,
        headers: official.headers,
      });
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load(report.rawPayload as unknown as ArrayBuffer);
      return (wb.worksheets[0]?.getSheetValues() ?? [])
        .filter(Boolean)
        .slice(1)
        .map((r) => [(r as unknown[])[1], (r as unknown[])[2]]);
    };
    const wrong = `${id18("45080219700101009").slice(0, 17)}${id18("45080219700101009")[17] === "1" ? "2" : "1"}`;
    // Row 2 blank, row 3 a note over two lines, row 4 the bad one.
    const csvBody = [
      "姓名,证件号码,村社区代码,备注",
      "",
      `两行备注,${id18("45080219700101008")},${tree.village.code},"第一行\n第二行"`,
      `错号人,${wrong},${tree.village.code},`,
    ].join("\n");
    const fromCsv = await finished(official, (await upload(official, csvBody)).id);
    expect(fromCsv).toMatchObject({ status: "done", created: 1, rejected: 1 });
    expect(await reportRows(fromCsv.id)).toEqual([[4, "错号人"]]);

    const wb = new ExcelJS.Workbook();
    const sheet = wb.addWorksheet("人员");
    sheet.addRow(["姓名", "证件号码", "村社区代码"]);
    sheet.addRow([]);
    sheet.addRow([]);
    sheet.addRow(["错号人二", wrong, tree.village.code]);
    const fromXlsx = await finished(
      official,
      (await upload(official, Buffer.from(await wb.xlsx.writeBuffer()), { type: XLSX })).id,
    );
    expect(fromXlsx).toMatchObject({ status: "done", rejected: 1 });
    expect(await reportRows(fromXlsx.id)).toEqual([[4, "错号人二"]]);
  });

  it("starts an import again when the server stopped while it ran", async () => {
    const id = crypto.randomUUID();
    const F = id18("45080219880808007");
    const user = await buildUser(t.ctx, {
      role: "township_official",
      areaCode: tree.township.code,
      posts: [{ role: "grid_head", areaCode: tree.village.code }],
    });
    await ensureUploadsDir(t.ctx);
    await writeFile(
      uploadPath(t.ctx, id, "csv"),
      [HEADER, `续传人,男,,汉族,${F},,,,${tree.village.code},,,,`].join("\n"),
    );
    await t.ctx.db
      .insertInto("import_job")
      .values({
        id,
        kind: "people",
        status: "running",
        file_name: "断点.csv",
        all_or_nothing: false,
        created_by: user.id,
      })
      .execute();
    expect(await resumeImports(t.ctx)).toBe(1);
    const session = await signIn(t, user);
    expect(await finished(session, id)).toMatchObject({ status: "done", created: 1 });
  });

  it("fails a file without the required columns with a message that names them", async () => {
    const job = await finished(official, (await upload(official, "名字,电话\n张三,13800000000")).id);
    expect(job).toMatchObject({ status: "failed", created: 0 });
    expect(job.error).toMatch(/姓名.*证件号码.*村社区代码/);
  });

  it("fails a CSV whose quotes would shift the columns, naming the row, and registers nobody from it", async () => {
    const lines = csv(tree.village.code, tree.grid.code).split("\r\n");
    // A quote in the middle of an unquoted name (a spreadsheet would have quoted the whole field).
    lines[2] = lines[2]?.replace("韦大娘", '韦"大娘') as string;
    const before = await t.ctx.db.selectFrom("person").select("id").execute();
    const job = await finished(official, (await upload(official, lines.join("\r\n"))).id);
    expect(job).toMatchObject({ status: "failed", created: 0 });
    expect(job.error).toBe("CSV row 3: a quote inside the unquoted field 1 (a field with quotes must be quoted)");
    expect(await t.ctx.db.selectFrom("person").select("id").execute()).toHaveLength(before.length);
  });

  it("fails a file sent as XLSX that is not one, or a damaged one, saying so in the reader's language", async () => {
    const before = await t.ctx.db.selectFrom("person").select("id").execute();
    const notZip = await finished(official, (await upload(official, "姓名,证件号码\n张三,1\n", { type: XLSX })).id);
    expect(notZip).toMatchObject({ status: "failed", created: 0 });
    expect(notZip.error).toBe("the file is not an XLSX workbook (save it as .xlsx from Excel or WPS, or import a CSV)");
    const wb = new ExcelJS.Workbook();
    wb.addWorksheet("人员").addRows([["姓名", "证件号码", "村社区代码"]]);
    const whole = Buffer.from(await wb.xlsx.writeBuffer());
    // Cut in the middle of its directory: the zip's end record still says where the directory was.
    const end = whole.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
    const cut = Buffer.concat([whole.subarray(0, end - 60), whole.subarray(end)]);
    const { id } = await upload(official, cut, { type: XLSX });
    const damaged = await finished(official, id);
    expect(damaged).toMatchObject({ status: "failed", created: 0 });
    expect(damaged.error).toBe("the XLSX file is damaged and cannot be read (save it again and re-import)");
    const chinese = (
      await t.app.inject({
        method: "GET",
        url: `/api/v1/imports/${id}`,
        headers: { ...official.headers, "accept-language": "zh-CN" },
      })
    ).json();
    expect(chinese.error).toBe("XLSX 文件已损坏，无法读取（请重新保存后再导入）");
    expect(await t.ctx.db.selectFrom("person").select("id").execute()).toHaveLength(before.length);
  });

  it("refuses a body that is not a file, answers a retry with the same job, and hides jobs from others", async () => {
    const json = await t.app.inject({
      method: "POST",
      url: `/api/v1/imports/people?id=${crypto.randomUUID()}&fileName=x.csv`,
      headers: official.headers,
      payload: { not: "a file" },
    });
    expect(json.statusCode).toBe(422);
    expect(json.json().code).toBe("IMPORT_FILE_INVALID");
    const retry = await upload(official, "ignored", { id: firstJob });
    expect(retry.res.statusCode).toBe(200);
    expect(retry.res.json()).toMatchObject({ id: firstJob, created: 2 });
    const hidden = await t.app.inject({ method: "GET", url: `/api/v1/imports/${firstJob}`, headers: other.headers });
    expect(hidden.statusCode).toBe(404);
    expect(hidden.json().code).toBe("IMPORT_NOT_FOUND");
    const list = (await t.app.inject({ method: "GET", url: "/api/v1/imports", headers: official.headers })).json();
    expect(list.length).toBeGreaterThanOrEqual(6);
  });
});

describe("the statement that sets a batch's household heads", () => {
  const household = "0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b";
  const person = "0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5c";

  it("is left out when the batch names no head, and names each pair as UUIDs otherwise", () => {
    expect(headsStatement([])).toBeUndefined();
    const statement = headsStatement([
      { household, person },
      { household: person, person: household },
    ]);
    expect(statement).toContain(`('${household}'::uuid,'${person}'::uuid),('${person}'::uuid,'${household}'::uuid)`);
  });

  it("refuses anything but a UUID, so nothing else is ever written into its text", () => {
    expect(() => headsStatement([{ household, person: "x'); drop table person; --" }])).toThrow(/not a UUID/);
    expect(() => headsStatement([{ household: household.toUpperCase(), person }])).toThrow(/not a UUID/);
  });
});

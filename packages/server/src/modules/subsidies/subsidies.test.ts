import { checkCharacter, systemPrincipal } from "@wangge/core";
import ExcelJS from "exceljs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildTestApp, type TestApp } from "../../test/build-test-app.ts";
import { type AreaTree, buildAreaTree, buildUser, type Session, signIn } from "../../test/factories.ts";
import { createHousehold } from "../registry/households.service.ts";
import { createPerson } from "../registry/people.service.ts";
import { createPlace } from "../registry/places.service.ts";

/**
 * Subsidies through the HTTP API against a real database: programmes, a batch imported from XLSX with
 * its flags (an ID number not in the registry, one person twice, an amount outside the rule),
 * corrections and confirmations, publication refused while a flag is open, the public list (no full
 * name, no ID number) and a linked resident's own payments.
 */
let t: TestApp;
let tree: AreaTree;
let elsewhere: AreaTree;
let county: Session;
let village: Session;
let otherVillage: Session;
let worker: Session;
const meta = { requestId: "test", ip: null, userAgent: null };
const XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
const idOf = (first17: string) => `${first17}${checkCharacter(first17)}`;
const WEI = idOf("45080219400312001");
const HUANG = idOf("45080219420716002");
const LIANG = idOf("45080219500101003");
const UNKNOWN = idOf("45080219550505004");
const programs = { elderly: crypto.randomUUID(), dibao: crypto.randomUUID() };

const inject = (session: Session | null, method: "GET" | "PUT" | "POST" | "DELETE", url: string, payload?: unknown) =>
  t.app.inject({
    method,
    url,
    headers: session?.headers ?? {},
    ...(payload !== undefined ? { payload: payload as object } : {}),
  });

async function xlsx(rows: string[][], header = ["姓名*", "身份证号码*", "金额（元）*", "发放日期*", "补贴项目*"]) {
  const wb = new ExcelJS.Workbook();
  const sheet = wb.addWorksheet("发放名单");
  sheet.addRow(header);
  for (const r of rows) sheet.addRow(r);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

const upload = (session: Session | null, query: Record<string, string>, body: Buffer, type = XLSX) =>
  t.app.inject({
    method: "POST",
    url: `/api/v1/subsidies/batches?${new URLSearchParams(query)}`,
    headers: { ...(session?.headers ?? {}), "content-type": type },
    payload: body,
  });

beforeAll(async () => {
  t = await buildTestApp();
  tree = await buildAreaTree(t.ctx);
  elsewhere = await buildAreaTree(t.ctx);
  const system = systemPrincipal();
  const place = crypto.randomUUID();
  const household = crypto.randomUUID();
  await createPlace(t.ctx, system, meta, {
    id: place,
    divisionCode: tree.village.code,
    road: "覃塘路",
    houseNumber: "6",
    gridCode: tree.grid.code,
  });
  await createHousehold(t.ctx, system, meta, { id: household, placeId: place });
  await createPerson(t.ctx, system, meta, {
    id: crypto.randomUUID(),
    name: "韦志强",
    idNumber: WEI,
    householdId: household,
    relationship: "head",
  });
  await createPerson(t.ctx, system, meta, {
    id: crypto.randomUUID(),
    name: "黄秀兰",
    idNumber: HUANG,
    householdId: household,
    relationship: "spouse",
  });
  await createPerson(t.ctx, system, meta, {
    id: crypto.randomUUID(),
    name: "梁文华",
    idNumber: LIANG,
    gridCode: tree.grid.code,
  });
  county = await signIn(t, await buildUser(t.ctx, { role: "county_official", areaCode: tree.county.code }));
  village = await signIn(t, await buildUser(t.ctx, { role: "village_official", areaCode: tree.village.code }));
  otherVillage = await signIn(
    t,
    await buildUser(t.ctx, { role: "village_official", areaCode: elsewhere.village.code }),
  );
  worker = await signIn(t, await buildUser(t.ctx, { role: "grid_worker", areaCode: tree.grid.code }));
}, 60_000);
afterAll(async () => {
  await t?.close();
});

describe("subsidy programmes", () => {
  it("are created where the official works, once per client id", async () => {
    const body = {
      id: programs.elderly,
      areaCode: tree.county.code,
      name: "高龄津贴",
      rules: "年满80周岁的本县户籍老人按月发放。",
      publicAmount: "exact",
      minAmountFen: 5000,
      maxAmountFen: 50000,
    };
    const first = await inject(county, "POST", "/api/v1/subsidies/programs", body);
    expect(first.statusCode).toBe(201);
    expect(first.json()).toMatchObject({ name: "高龄津贴", areaName: tree.county.name, minAmountFen: 5000 });
    expect((await inject(county, "POST", "/api/v1/subsidies/programs", body)).statusCode).toBe(200);
    const dibao = await inject(county, "POST", "/api/v1/subsidies/programs", {
      id: programs.dibao,
      areaCode: tree.county.code,
      name: "低保",
      rules: "城乡最低生活保障金，按户核定。",
      publicAmount: "hidden",
    });
    expect(dibao.statusCode).toBe(201);
    const list = await inject(village, "GET", "/api/v1/subsidies/programs");
    expect(
      list
        .json()
        .map((p: { name: string }) => p.name)
        .sort(),
    ).toEqual(["低保", "高龄津贴"]);
    expect((await inject(otherVillage, "GET", "/api/v1/subsidies/programs")).json()).toEqual([]);
  });

  it("refuses a range upside down, a name taken, staff without the permission and areas out of sight", async () => {
    const base = { id: crypto.randomUUID(), areaCode: tree.county.code, name: "特困供养", rules: "规则" };
    const upside = await inject(county, "POST", "/api/v1/subsidies/programs", {
      ...base,
      minAmountFen: 9,
      maxAmountFen: 1,
    });
    expect(upside.statusCode).toBe(400);
    expect(upside.json().errors[0].path).toContain("maxAmountFen");
    const taken = await inject(county, "POST", "/api/v1/subsidies/programs", { ...base, name: "低保" });
    expect(taken.json().errors[0].path).toBe("body.name");
    expect((await inject(worker, "POST", "/api/v1/subsidies/programs", base)).statusCode).toBe(403);
    const away = await inject(county, "POST", "/api/v1/subsidies/programs", {
      ...base,
      areaCode: elsewhere.county.code,
    });
    expect(away.statusCode).toBe(404);
    expect(away.json().code).toBe("AREA_NOT_FOUND");
    const missing = await inject(county, "PUT", `/api/v1/subsidies/programs/${crypto.randomUUID()}`, {
      name: "x",
      rules: "y",
    });
    expect(missing.json().code).toBe("SUBSIDY_PROGRAM_NOT_FOUND");
  });

  it("are edited by their area's officials and read publicly with their rules", async () => {
    const res = await inject(county, "PUT", `/api/v1/subsidies/programs/${programs.elderly}`, {
      name: "高龄津贴",
      rules: "年满80周岁的本县户籍老人按月发放，百岁老人另行核定。",
      publicAmount: "exact",
      minAmountFen: 5000,
      maxAmountFen: 50000,
    });
    expect(res.statusCode).toBe(200);
    expect(
      (await inject(village, "PUT", `/api/v1/subsidies/programs/${programs.elderly}`, { name: "a", rules: "b" }))
        .statusCode,
    ).toBe(403);
    const open = await inject(null, "GET", `/api/v1/subsidies/public/programs?areaCode=${tree.village.code}`);
    expect(open.statusCode).toBe(200);
    expect(open.json().find((p: { name: string }) => p.name === "高龄津贴").rules).toContain("百岁老人");
  });
});

describe("numbers typed into what is published", () => {
  it("are masked in a programme's name and rules, a batch's title and file name, and a payee's name", async () => {
    const phone = "13877125678";
    const id = crypto.randomUUID();
    const created = await inject(county, "POST", "/api/v1/subsidies/programs", {
      id,
      areaCode: tree.county.code,
      name: `临时救助 ${phone}`,
      rules: `申请请联系民政专干 ${phone}，或持身份证 ${WEI} 复印件到村委。`,
    });
    expect(created.statusCode).toBe(201);
    const open = await inject(null, "GET", `/api/v1/subsidies/public/programs?areaCode=${tree.village.code}`);
    const mine = open.json().find((p: { id: string }) => p.id === id);
    expect(mine.name).toBe("临时救助 138****5678");
    expect(mine.rules).toContain("138****5678");
    expect(open.body).not.toContain(phone);
    expect(open.body).not.toContain(WEI);
    const changed = await inject(county, "PUT", `/api/v1/subsidies/programs/${id}`, {
      name: "临时救助",
      rules: `咨询 ${phone}`,
    });
    expect(changed.json().rules).toBe("咨询 138****5678");

    const batchId = crypto.randomUUID();
    const file = await xlsx([[`梁文华${phone}`, LIANG, "120", "2026-05-15", "高龄津贴"]]);
    const res = await upload(
      village,
      { id: batchId, areaCode: tree.village.code, title: `5月 高龄津贴 联系 ${phone}`, fileName: `${phone}.xlsx` },
      file,
    );
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ title: "5月 高龄津贴 联系 138****5678", fileName: "138****5678.xlsx" });
    const stored = await t.ctx.db
      .selectFrom("subsidy_payment")
      .select("name")
      .where("batch_id", "=", batchId)
      .executeTakeFirstOrThrow();
    expect(stored.name).toBe("梁文华138****5678");
    const program = await t.ctx.db.selectFrom("subsidy_program").selectAll().where("id", "=", id).execute();
    expect(JSON.stringify(program)).not.toContain(phone);
    expect((await inject(village, "DELETE", `/api/v1/subsidies/batches/${batchId}`)).statusCode).toBe(204);
  });
});

describe("a payment batch", () => {
  const batchId = crypto.randomUUID();
  const query = { id: batchId, areaCode: tree?.village.code ?? "", title: "2026年3月 高龄津贴", fileName: "3月.xlsx" };
  let rows: { id: string; row: number; flags: string[]; name: string }[];

  it("refuses a file with wrong rows, naming each, and writes nothing", async () => {
    const file = await xlsx([
      ["韦志强", "450802194003120010", "120", "2026-03-15", "高龄津贴"],
      ["黄秀兰", HUANG, "12.345", "2026-02-30", "不存在的补贴"],
    ]);
    const res = await upload(village, { ...query, areaCode: tree.village.code }, file);
    expect(res.statusCode).toBe(422);
    expect(res.json().code).toBe("SUBSIDY_FILE_INVALID");
    expect(res.json().errors.map((e: { path: string }) => e.path)).toEqual([
      "rows.2.idNumber",
      "rows.3.amount",
      "rows.3.paidOn",
      "rows.3.program",
    ]);
    expect(res.body).not.toContain(HUANG);
    expect((await inject(village, "GET", `/api/v1/subsidies/batches/${batchId}`)).statusCode).toBe(404);
    const noColumns = await upload(village, { ...query, areaCode: tree.village.code }, await xlsx([["a"]], ["姓名"]));
    expect(noColumns.json().errors[0].path).toBe("file");
    const garbage = await upload(village, { ...query, areaCode: tree.village.code }, Buffer.from("not a zip at all"));
    expect(garbage.statusCode).toBe(422);
    expect(garbage.json().errors[0].path).toBe("file");
    const csv = await upload(village, { ...query, areaCode: tree.village.code }, Buffer.from("a,b"), "text/csv");
    expect(csv.statusCode).toBe(415);
  });

  it("is imported with an unknown ID number, a duplicate and an amount past the rule flagged", async () => {
    const file = await xlsx([
      ["韦志强", WEI, "120.00", "2026-03-15", "高龄津贴"],
      ["黄秀兰", HUANG, "860", "2026/3/15", "低保"],
      ["梁文华", LIANG, "120", "2026年3月15日", "高龄津贴"],
      ["梁文华", LIANG, "120", "2026-03-15", "高龄津贴"],
      ["陆小红", UNKNOWN, "120", "2026-03-15", "高龄津贴"],
      ["韦志强", idOf("45080219300101006"), "900", "2026-03-15", "高龄津贴"],
    ]);
    const q = { ...query, areaCode: tree.village.code };
    const [first, again] = await Promise.all([upload(village, q, file), upload(village, q, file)]);
    expect([first.statusCode, again.statusCode].sort()).toEqual([200, 201]);
    expect(first.json()).toMatchObject({ status: "draft", rowCount: 6, totalFen: 12000 + 86000 + 12000 * 3 + 90000 });
    expect(first.json().flaggedRows).toBe(4);
    expect(first.json().openFlags).toBe(4);
    const stored = await t.ctx.db.selectFrom("subsidy_payment").selectAll().where("batch_id", "=", batchId).execute();
    expect(JSON.stringify(stored)).not.toContain(WEI);
    const res = await inject(village, "GET", `/api/v1/subsidies/batches/${batchId}/rows?flagged=true`);
    rows = res.json();
    expect(rows.map((r) => [r.row, r.flags])).toEqual([
      [4, ["duplicate"]],
      [5, ["duplicate"]],
      [6, ["unknown_id"]],
      [7, ["unknown_id", "amount"]],
    ]);
    expect(res.body).not.toContain(LIANG);
  });

  it("is seen by its village and county, not found elsewhere, and changed only by its village", async () => {
    expect((await inject(county, "GET", `/api/v1/subsidies/batches/${batchId}`)).statusCode).toBe(200);
    const away = await inject(otherVillage, "GET", `/api/v1/subsidies/batches/${batchId}`);
    expect(away.statusCode).toBe(404);
    expect(away.json().code).toBe("SUBSIDY_BATCH_NOT_FOUND");
    expect((await inject(county, "POST", `/api/v1/subsidies/batches/${batchId}/publish`)).statusCode).toBe(403);
    const list = await inject(village, "GET", `/api/v1/subsidies/batches?areaCode=${tree.village.code}`);
    expect(list.json().map((b: { id: string }) => b.id)).toContain(batchId);
  });

  it("is not published while a flag is open", async () => {
    const res = await inject(village, "POST", `/api/v1/subsidies/batches/${batchId}/publish`);
    expect(res.statusCode).toBe(422);
    expect(res.json().code).toBe("SUBSIDY_BATCH_FLAGS_OPEN");
  });

  it("clears flags by correcting a row or confirming it with a reason (numbers in it masked)", async () => {
    const unknown = rows.find((r) => r.row === 6) as { id: string };
    const corrected = await inject(village, "PUT", `/api/v1/subsidies/batches/${batchId}/rows/${unknown.id}`, {
      name: "黄秀兰",
      idNumber: HUANG,
      amountFen: 12000,
      paidOn: "2026-03-15",
      programId: programs.elderly,
    });
    expect(corrected.statusCode).toBe(200);
    expect(corrected.json()).toMatchObject({ flags: [], corrected: true, idNumberMasked: "450802************" });
    const bad = await inject(village, "PUT", `/api/v1/subsidies/batches/${batchId}/rows/${unknown.id}`, {
      name: "黄秀兰",
      idNumber: "123",
      amountFen: 12000,
      paidOn: "2026-03-15",
      programId: programs.elderly,
    });
    expect(bad.statusCode).toBe(400);
    const nowhere = await inject(
      village,
      "POST",
      `/api/v1/subsidies/batches/${batchId}/rows/${crypto.randomUUID()}/confirm`,
      {
        reason: "核实无误",
      },
    );
    expect(nowhere.json().code).toBe("SUBSIDY_ROW_NOT_FOUND");
    for (const r of rows.filter((x) => x.row === 4 || x.row === 5 || x.row === 7)) {
      const res = await inject(village, "POST", `/api/v1/subsidies/batches/${batchId}/rows/${r.id}/confirm`, {
        reason: "已电话核实 13877125678，补发上月",
      });
      expect(res.statusCode).toBe(200);
      expect(res.json().confirmation.reason).toBe("已电话核实 138****5678，补发上月");
    }
    const batch = await inject(village, "GET", `/api/v1/subsidies/batches/${batchId}`);
    expect(batch.json()).toMatchObject({ flaggedRows: 3, openFlags: 0 });
  });

  it("is published, then never changed", async () => {
    const res = await inject(village, "POST", `/api/v1/subsidies/batches/${batchId}/publish`);
    expect(res.statusCode).toBe(200);
    expect(res.json().status).toBe("published");
    const change = await inject(village, "POST", `/api/v1/subsidies/batches/${batchId}/rows/${rows[0]?.id}/confirm`, {
      reason: "再次确认",
    });
    expect(change.statusCode).toBe(409);
    expect(change.json().code).toBe("SUBSIDY_BATCH_PUBLISHED");
    expect((await inject(village, "DELETE", `/api/v1/subsidies/batches/${batchId}`)).json().code).toBe(
      "SUBSIDY_BATCH_PUBLISHED",
    );
  });

  it("shows the public a list with no full name, no ID number and amounts as each programme says", async () => {
    const list = await inject(null, "GET", `/api/v1/subsidies/public/batches?areaCode=${tree.township.code}`);
    expect(list.json().map((b: { id: string }) => b.id)).toEqual([batchId]);
    const res = await inject(null, "GET", `/api/v1/subsidies/public/batches/${batchId}`);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    // Ordered by what is shown (programme, date, masked name, amount), not by the file's order.
    const name = (id: string) => body.programs.find((p: { id: string }) => p.id === id)?.name;
    expect(
      body.rows.map((r: { name: string; programId: string; amountFen: number | null }) => [
        name(r.programId),
        r.name,
        r.amountFen,
      ]),
    ).toEqual([
      ["低保", "黄*兰", null],
      ["高龄津贴", "梁*华", 12000],
      ["高龄津贴", "梁*华", 12000],
      ["高龄津贴", "韦*强", 12000],
      ["高龄津贴", "韦*强", 90000],
      ["高龄津贴", "黄*兰", 12000],
    ]);
    for (const text of ["韦志强", "黄秀兰", "梁文华", "450802", "1940", WEI]) expect(res.body).not.toContain(text);
  });

  it("is shown to a linked resident: exactly their household's payments", async () => {
    const me = await signIn(t, await buildUser(t.ctx, { role: "resident", areaCode: null }));
    await inject(me, "PUT", "/api/v1/residents/me/link", { name: "韦志强", idNumber: WEI });
    const res = await inject(me, "GET", "/api/v1/residents/me/subsidies");
    expect(res.statusCode).toBe(200);
    const mine = res.json() as { self: boolean; name: string; programName: string; amountFen: number }[];
    expect(
      mine.map((p) => [p.self, p.name, p.programName, p.amountFen]).sort((a, b) => String(a).localeCompare(String(b))),
    ).toEqual(
      [
        [true, "韦志强", "高龄津贴", 12000],
        [false, "黄*兰", "低保", 86000],
        [false, "黄*兰", "高龄津贴", 12000],
      ].sort((a, b) => String(a).localeCompare(String(b))),
    );
    expect(res.body).not.toContain("黄秀兰");
  });

  it("is a draft that can be discarded, and the template comes in the reader's language", async () => {
    const id = crypto.randomUUID();
    const file = await xlsx([["梁文华", LIANG, "120", "2026-04-15", "高龄津贴"]]);
    expect((await upload(village, { ...query, id, areaCode: tree.village.code }, file)).statusCode).toBe(201);
    expect((await inject(village, "DELETE", `/api/v1/subsidies/batches/${id}`)).statusCode).toBe(204);
    expect((await inject(village, "GET", `/api/v1/subsidies/batches/${id}`)).statusCode).toBe(404);
    const template = await inject(village, "GET", "/api/v1/subsidies/template?lang=en");
    expect(template.statusCode).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(template.rawPayload as unknown as ArrayBuffer);
    expect(wb.worksheets[0]?.getRow(1).values).toEqual([
      undefined,
      "Name*",
      "ID number*",
      "Amount (yuan)*",
      "Date paid*",
      "Programme*",
    ]);
  });
});

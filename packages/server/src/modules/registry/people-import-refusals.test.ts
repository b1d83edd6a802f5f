import { checkCharacter, systemPrincipal } from "@wangge/core";
import ExcelJS from "exceljs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildTestApp, type TestApp } from "../../test/build-test-app.ts";
import { type AreaTree, buildAreaTree, buildUser, type Session, signIn } from "../../test/factories.ts";
import { xlsxOfXml } from "../../test/zip.ts";
import { ensureArea } from "../areas/areas.service.ts";
import { createHousehold } from "./households.service.ts";
import { createPerson } from "./people.service.ts";
import { createPlace } from "./places.service.ts";

/**
 * What an import may learn of records out of the importer's reach (#16 red-team, items 1–3): a row
 * refused because a record they may not change holds its ID or household number is one look-up from
 * the per-user allowance shared with searches by number — audited, in the person's access log — and
 * once it is spent every row with a number not known in their own work is refused in one wording; an
 * all-or-nothing import whose file has errors checks no number at all. Households and places resolve
 * only within the importer's work. Text the database cannot hold (NUL, broken UTF-8, half a surrogate
 * pair) refuses its row, naming the column, and the rest of the file imports. Allowance: 3 per window.
 */
let t: TestApp;
let tree: AreaTree;
let gridB: { code: string; path: string };

const id18 = (first17: string) => `${first17}${checkCharacter(first17)}`;
/** Registered in grid A (out of sight of grid B's workers), another in grid A, one in another township. */
const IN_A = id18("45080219800101001");
const ALSO_IN_A = id18("45080219800101002");
const ELSEWHERE = id18("45080219810202003");
let personInA = "";
let householdInA = "";
let headInA = "";
let sequence = 100;
/** A number no one has registered: a different sequence each call. */
const fresh = () => id18(`45080219900101${String(sequence++).padStart(3, "0")}`);
const system = { requestId: "test", ip: null, userAgent: null };

const HEADER =
  "姓名*,性别,出生日期,民族,证件号码*,手机号码,户编号,与户主关系,村社区代码*,街路巷或自然村,门牌号,网格代码,备注";
const XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

async function worker(gridCode: string) {
  const user = await buildUser(t.ctx, { role: "grid_worker", areaCode: gridCode });
  return { ...(await signIn(t, user)), id: user.id };
}

async function importFile(
  session: Session,
  body: string | Buffer,
  options: { allOrNothing?: boolean; type?: string } = {},
) {
  const id = crypto.randomUUID();
  const res = await t.app.inject({
    method: "POST",
    url: `/api/v1/imports/people?id=${id}&fileName=people.csv&allOrNothing=${options.allOrNothing ?? false}`,
    headers: { ...session.headers, "content-type": options.type ?? "text/csv" },
    payload: body,
  });
  expect(res.statusCode, res.body).toBe(202);
  for (let i = 0; i < 400; i++) {
    const job = (await t.app.inject({ method: "GET", url: `/api/v1/imports/${id}`, headers: session.headers })).json();
    if (job.status === "done" || job.status === "failed") return job;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error("import did not finish");
}

/** The report's rows: row number and reasons. */
async function reported(session: Session, jobId: string): Promise<[number, string][]> {
  const res = await t.app.inject({ method: "GET", url: `/api/v1/imports/${jobId}/report`, headers: session.headers });
  expect(res.statusCode, res.body).toBe(200);
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
  return (wb.worksheets[0]?.getSheetValues() ?? [])
    .filter(Boolean)
    .slice(1)
    .map((r) => {
      const cells = r as unknown[];
      return [cells[1] as number, cells.at(-1) as string];
    });
}

const lookupsOf = async (userId: string) =>
  (await t.ctx.db.selectFrom("person_lookup").select("id").where("user_id", "=", userId).execute()).length;

beforeAll(async () => {
  t = await buildTestApp({ WANGGE_NUMBER_SEARCHES: "3", WANGGE_NUMBER_SEARCH_MINUTES: "10" });
  tree = await buildAreaTree(t.ctx);
  gridB = await ensureArea(t.ctx.db, {
    code: `${tree.village.code}G02`,
    name: "二网格",
    level: "grid",
    parentCode: tree.village.code,
  });
  const actor = systemPrincipal();
  const place = await createPlace(t.ctx, actor, system, {
    id: crypto.randomUUID(),
    divisionCode: tree.village.code,
    road: "界路",
    houseNumber: "1",
    gridCode: tree.grid.code,
  });
  const household = await createHousehold(t.ctx, actor, system, {
    id: crypto.randomUUID(),
    placeId: place.place.id,
    ref: "HB-A-1",
  });
  householdInA = household.household.id;
  const person = async (idNumber: string, gridCode: string, householdId?: string) =>
    (
      await createPerson(t.ctx, actor, system, {
        id: crypto.randomUUID(),
        name: "甲乙",
        idNumber,
        gridCode,
        ...(householdId ? { householdId, relationship: "head" } : {}),
      })
    ).person.id;
  personInA = await person(IN_A, tree.grid.code);
  headInA = await person(ALSO_IN_A, tree.grid.code, householdInA);
  await person(ELSEWHERE, tree.otherGrid.code);
});
afterAll(async () => {
  await t?.close();
});

describe("an import is no oracle of registered numbers", () => {
  it("checks no number against the registry when an all-or-nothing file has errors of its own", async () => {
    const importer = await worker(gridB.code);
    const rows = [HEADER];
    for (let i = 0; i < 20; i++) rows.push(`候选${i},,,,${fresh()},,,,${tree.village.code},,,${gridB.code},`);
    rows.push(`候选X,,,,${IN_A},,,,${tree.village.code},,,${gridB.code},`);
    rows.push(`坏行,,,,123,,,,${tree.village.code},,,${gridB.code},`);
    const job = await importFile(importer, rows.join("\n"), { allOrNothing: true });
    expect(job).toMatchObject({ status: "done", created: 0, rejected: 1, applied: false });
    // Only the file's own error: the registered number's row reads like the twenty others.
    expect(await reported(importer, job.id)).toEqual([[23, expect.stringMatching(/^id number: /)]]);
    expect(await lookupsOf(importer.id)).toBe(0);
  });

  it("draws each refusal from the allowance, audits and logs it, then refuses every unknown number alike", async () => {
    const importer = await worker(gridB.code);
    const mine = fresh();
    const own = await t.app.inject({
      method: "POST",
      url: "/api/v1/people",
      headers: importer.headers,
      payload: { id: crypto.randomUUID(), name: "本格人", idNumber: mine, gridCode: gridB.code },
    });
    expect(own.statusCode, own.body).toBe(201);
    const row = (name: string, idNumber: string, ref = "") =>
      `${name},,,,${idNumber},,${ref},${ref ? "子女" : ""},${tree.village.code},,,${gridB.code},`;
    const file = [
      HEADER,
      row("甲", IN_A), // 2: held in grid A — refused, look-up 1
      row("乙", fresh()), // 3: new — registered
      row("丙", ELSEWHERE), // 4: held in another township — refused alike, look-up 2
      row("丁", fresh(), "HB-A-1"), // 5: household held in grid A — refused, look-up 3: allowance spent
      row("戊", fresh()), // 6: new, but no look-ups left — refused
      row("己", ALSO_IN_A), // 7: held, no look-ups left — refused in the same words as row 6
      row("本格人", mine), // 8: known in the importer's own work — imported as ever
    ].join("\n");
    const job = await importFile(importer, file);
    expect(job).toMatchObject({ status: "done", created: 1, unchanged: 1, rejected: 5 });
    const refused = "this ID number cannot be registered here; contact the township registry office";
    const limited = "id number: limit of number look-ups reached; import the rest later";
    expect(await reported(importer, job.id)).toEqual([
      [2, `id number: ${refused}`],
      [4, `id number: ${refused}`],
      [5, "household number: this household number cannot be registered here; contact the township registry office"],
      [6, limited],
      [7, limited],
    ]);
    expect(await lookupsOf(importer.id)).toBe(3);
    // Nobody joined the household out of sight, nor was anyone registered twice.
    const household = await t.ctx.db
      .selectFrom("household")
      .select("head_person_id")
      .where("id", "=", householdInA)
      .executeTakeFirstOrThrow();
    expect(household.head_person_id).toBe(headInA);
    // The person whose number was tried sees it in their access log.
    const log = await t.ctx.db
      .selectFrom("person_access")
      .select(["action", "fields", "user_id"])
      .where("person_id", "=", personInA)
      .where("user_id", "=", importer.id)
      .execute();
    expect(log).toEqual([{ action: "search", fields: ["idNumber"], user_id: importer.id }]);
    // One audit record: the refused numbers' blind indexes, never the numbers.
    const audit = await t.ctx.db
      .selectFrom("audit_log")
      .select(["outcome", "details"])
      .where("action", "=", "person.import.refuse")
      .where("target_id", "=", job.id)
      .execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      outcome: "denied",
      details: {
        idNumbers: [
          expect.objectContaining({ index: t.ctx.crypto.blindIndex(`id:${IN_A}`), holder: personInA }),
          expect.objectContaining({ index: t.ctx.crypto.blindIndex(`id:${ELSEWHERE}`) }),
        ],
        householdRefs: [expect.objectContaining({ ref: "HB-A-1", holder: householdInA })],
        limitedRows: 2,
      },
    });
    expect(JSON.stringify(audit)).not.toContain(IN_A);
    // The allowance is the one searches use.
    const search = await t.app.inject({ method: "GET", url: `/api/v1/people?q=${mine}`, headers: importer.headers });
    expect(search.json().code).toBe("PERSON_NUMBER_SEARCH_LIMITED");
  });

  it("costs nothing to import one's own grid again", async () => {
    const importer = await worker(gridB.code);
    const file = [
      HEADER,
      ...Array.from({ length: 8 }, (_, i) => `重导${i},,,,${fresh()},,,,${tree.village.code},,,${gridB.code},`),
    ].join("\n");
    expect(await importFile(importer, file)).toMatchObject({ status: "done", created: 8, rejected: 0 });
    expect(await importFile(importer, file)).toMatchObject({ status: "done", unchanged: 8, rejected: 0 });
    expect(await lookupsOf(importer.id)).toBe(0);
  });
});

describe("an import writes only where the importer works", () => {
  it("does not make anyone the head of a household of another grid", async () => {
    const importer = await worker(gridB.code);
    const file = [HEADER, `越界户主,,,,${fresh()},,HB-A-1,户主,${tree.village.code},,,${gridB.code},`].join("\n");
    expect(await importFile(importer, file)).toMatchObject({ status: "done", created: 0, rejected: 1 });
    const household = await t.ctx.db
      .selectFrom("household")
      .select("head_person_id")
      .where("id", "=", householdInA)
      .executeTakeFirstOrThrow();
    expect(household.head_person_id).toBe(headInA);
  });

  it("refuses a row whose address is a place of a grid the importer does not work on", async () => {
    const importer = await worker(gridB.code);
    const idNumber = fresh();
    const file = [HEADER, `借地址,,,,${idNumber},,HB-NEW-1,户主,${tree.village.code},界路,1,${gridB.code},`].join("\n");
    const job = await importFile(importer, file);
    expect(job).toMatchObject({ status: "done", created: 0, rejected: 1 });
    expect(await reported(importer, job.id)).toEqual([
      [2, "road: this address is already registered in this village or community"],
    ]);
    const bidx = t.ctx.crypto.blindIndex(`id:${idNumber}`);
    expect(await t.ctx.db.selectFrom("person").select("id").where("id_number_bidx", "=", bidx).execute()).toEqual([]);
    expect(await t.ctx.db.selectFrom("household").select("id").where("ref", "=", "HB-NEW-1").execute()).toEqual([]);
  });
});

describe("text the database cannot hold", () => {
  it("refuses the rows of a CSV that carry it, naming row and column, and imports the rest", async () => {
    const importer = await worker(gridB.code);
    const good = fresh();
    const file = [
      HEADER,
      `好人,,,,${good},,,,${tree.village.code},,,${gridB.code},备注`,
      `空字符,,,,${fresh()},,,,${tree.village.code},,,${gridB.code},有\u0000空字符`,
      `坏编码,,,,${fresh()},,,,${tree.village.code},,,${gridB.code},`,
    ].join("\n");
    // Row 4's name holds bytes that are not UTF-8 (a GBK-encoded word).
    const bytes = Buffer.concat([Buffer.from(file.replace("坏编码", "@@")), Buffer.from("")]);
    const at = bytes.indexOf("@@");
    const body = Buffer.concat([bytes.subarray(0, at), Buffer.from([0xc4, 0xe3, 0xba, 0xc3]), bytes.subarray(at + 2)]);
    const job = await importFile(importer, body);
    expect(job).toMatchObject({ status: "done", created: 1, rejected: 2 });
    expect(await reported(importer, job.id)).toEqual([
      [
        3,
        "notes: contains text that cannot be stored (a NUL character, a control character or bytes that are not UTF-8)",
      ],
      [
        4,
        "name: contains text that cannot be stored (a NUL character, a control character or bytes that are not UTF-8)",
      ],
    ]);
  });

  it("refuses the rows of an XLSX whose cells refer to NUL or half a surrogate pair, and imports the rest", async () => {
    const importer = await worker(gridB.code);
    const body = xlsxOfXml([
      ["姓名", "证件号码", "村社区代码", "网格代码", "备注"],
      ["好人", fresh(), tree.village.code, gridB.code, ""],
      ["空&#0;字符", fresh(), tree.village.code, gridB.code, ""],
      ["半个", fresh(), tree.village.code, gridB.code, "&#xD800;"],
    ]);
    const job = await importFile(importer, body, { type: XLSX });
    expect(job, JSON.stringify(job)).toMatchObject({ status: "done", created: 1, rejected: 2 });
    const reason =
      "contains text that cannot be stored (a NUL character, a control character or bytes that are not UTF-8)";
    expect(await reported(importer, job.id)).toEqual([
      [3, `name: ${reason}`],
      [4, `notes: ${reason}`],
    ]);
  });
});

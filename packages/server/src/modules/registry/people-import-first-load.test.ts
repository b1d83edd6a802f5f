import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { checkCharacter } from "@wangge/core";
import ExcelJS from "exceljs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildTestApp, type TestApp } from "../../test/build-test-app.ts";
import { type AreaTree, buildAreaTree, importPeopleAsJob } from "../../test/factories.ts";
import { systemPrincipal } from "../auth/auth.service.ts";
import { createHousehold } from "./households.service.ts";
import { findJob } from "./import-jobs.service.ts";
import { rejectedRowsReport } from "./import-reports.service.ts";
import { createPlace } from "./places.service.ts";
import type { ImportJobRow } from "./registry.table.ts";

/**
 * The first load of an empty registry skips the look-up of each batch's ID numbers. Two imports of
 * the same file started together both see the registry empty; whichever writes second meets the
 * first one's rows and must still register everyone exactly once.
 */
let t: TestApp;
let tree: AreaTree;
let dir: string;

const id18 = (first17: string) => `${first17}${checkCharacter(first17)}`;
const PEOPLE = 2_500;
const HOUSEHOLDS = Math.ceil(PEOPLE / 3);

beforeAll(async () => {
  t = await buildTestApp();
  tree = await buildAreaTree(t.ctx);
  dir = await mkdtemp(path.join(tmpdir(), "wangge-first-load-"));
});
afterAll(async () => {
  await t?.close();
  await rm(dir, { recursive: true, force: true });
});

async function job(file: string) {
  // Both seal on threads from their second batch on.
  return (await importPeopleAsJob(t.ctx, file, { sealOnThreadsFrom: 1_000 })).counts;
}

const count = async (table: "person" | "household" | "place" | "subject_tag", app: TestApp = t) =>
  Number(
    (
      await app.ctx.db
        .selectFrom(table)
        .select((eb) => eb.fn.countAll<string>().as("n"))
        .executeTakeFirstOrThrow()
    ).n,
  );

describe("the first load of an empty registry", () => {
  it("registers everyone once when two imports of the same file run at the same time, batch after batch", async () => {
    // 2,500 people over three batches of 1,000: households of three, one of them split by a batch
    // boundary (its head in the second batch), and 25 addresses every batch uses again.
    const lines = ["姓名,证件号码,户编号,与户主关系,村社区代码,街路巷或自然村,门牌号,网格代码,标签"];
    const roles = ["子女", "户主", "配偶"];
    for (let n = 0; n < PEOPLE; n++) {
      const h = Math.floor(n / 3);
      const seq = String(n).padStart(4, "0");
      const born = `19${String(50 + (n % 40)).padStart(2, "0")}0${1 + (n % 9)}1${n % 9}`;
      lines.push(
        `覃${seq},${id18(`450802${born}${seq.slice(1)}`)},FIRST-${h},${roles[n % 3]},${tree.village.code},北环路,${(h % 25) + 1},${tree.grid.code},${n % 3 === 0 ? "留守儿童" : ""}`,
      );
    }
    const file = path.join(dir, "first.csv");
    await writeFile(file, lines.join("\n"));
    expect(await count("person")).toBe(0);

    const [a, b] = await Promise.all([job(file), job(file)]);
    expect(a.rejected + b.rejected).toBe(0);
    expect(a.created + b.created).toBe(PEOPLE);
    expect(a.created + a.unchanged).toBe(PEOPLE);
    expect(b.created + b.unchanged).toBe(PEOPLE);
    expect(await count("person")).toBe(PEOPLE);
    expect(await count("household")).toBe(HOUSEHOLDS);
    expect(await count("place")).toBe(25);
    expect(await count("subject_tag")).toBe(HOUSEHOLDS);
    const heads = await t.ctx.db
      .selectFrom("household as h")
      .leftJoin("person as p", "p.id", "h.head_person_id")
      .select(["h.id", "h.place_id", "p.household_id", "p.relationship", "p.place_id as person_place"])
      .execute();
    expect(heads).toHaveLength(HOUSEHOLDS);
    // The last household has only its first member (a child): no head.
    expect(heads.filter((x) => x.relationship === null)).toHaveLength(1);
    const headed = heads.filter((x) => x.relationship !== null);
    expect(headed.every((x) => x.relationship === "head" && x.household_id === x.id)).toBe(true);
    expect(headed.every((x) => x.person_place === x.place_id && x.place_id !== null)).toBe(true);
    const homeless = await t.ctx.db
      .selectFrom("person")
      .select("id")
      .where((eb) => eb.or([eb("household_id", "is", null), eb("place_id", "is", null)]))
      .execute();
    expect(homeless).toEqual([]);
  });

  it("looks people up again once the registry has some: a second import finds them unchanged", async () => {
    const file = path.join(dir, "first.csv");
    const again = await job(file);
    expect(again).toMatchObject({ created: 0, updated: 0, unchanged: PEOPLE, rejected: 0 });
    expect(await count("person")).toBe(PEOPLE);
  });

  it("reports each bad row with its reasons and, with all-or-nothing, writes none of the file", async () => {
    const file = path.join(dir, "mixed.csv");
    await writeFile(
      file,
      [
        "姓名,证件号码,出生日期,村社区代码,网格代码,标签",
        `新人,${id18("45080219700101551")},,${tree.village.code},${tree.grid.code},低保户`,
        `坏校验,${id18("45080219700101552").slice(0, 17)}X,,${tree.village.code},,`,
        `未来人,${id18("45080219700101553")},2999-01-01,${tree.village.code},,`,
        `错网格,${id18("45080219700101554")},,${tree.village.code},450999999999001,`,
        `无此标签,${id18("45080219700101555")},,${tree.village.code},,外星人`,
        `重复,${id18("45080219700101551")},,${tree.village.code},,`,
      ].join("\n"),
    );
    const importMixed = async () => {
      const { id, counts } = await importPeopleAsJob(t.ctx, file, { allOrNothing: true });
      const report = await rejectedRowsReport(t.ctx, (await findJob(t.ctx.db, id)) as ImportJobRow, "zh-CN");
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load(report as unknown as ArrayBuffer);
      const rows = (wb.worksheets[0]?.getSheetValues() ?? []).filter(Boolean).map((r) => (r as unknown[]).slice(1));
      return { counts, rows: rows.slice(1).map((r) => [r[0], r[1], r.at(-1)]) };
    };
    const here = await importMixed();
    expect(here.counts).toEqual({ created: 0, updated: 0, unchanged: 0, rejected: 5 });
    expect(here.rows).toEqual([
      [3, "坏校验", expect.stringMatching(/^证件号码：校验码应为/)],
      [4, "未来人", expect.stringMatching(/^出生日期：2999-01-01 晚于今天/)],
      [5, "错网格", expect.stringMatching(/^网格代码：您的辖区内 \w+ 下没有网格 450999999999001$/)],
      [6, "无此标签", "标签：没有标签 外星人"],
      [7, "重复", "证件号码：与第 2 行是同一人"],
    ]);
    expect(await count("person")).toBe(PEOPLE);
  });
});

describe("the first load, with households whose members are far apart in the file", () => {
  // 2,500 people in 500 households of five: a household's members are 500 rows apart, so each one
  // spans all three batches, and so does its address.
  const spread = (village: string, known?: string) => {
    const lines = ["姓名,证件号码,户编号,与户主关系,村社区代码,街路巷或自然村,门牌号"];
    for (let n = 0; n < PEOPLE; n++) {
      const h = n % 500;
      const seq = String(n).padStart(4, "0");
      lines.push(
        `莫${seq},${id18(`4508021980010${1 + Math.floor(n / 1000)}${seq.slice(1)}`)},FAR-${h},${n < 500 ? "户主" : "子女"},${village},南环路,${h + 1}`,
      );
    }
    if (known) lines.push(`韦先到,${id18("45080219750505999")},KNOWN-1,户主,${village},先登路,1`);
    return lines.join("\n");
  };
  const check = async (app: TestApp) => {
    const members = await app.ctx.db
      .selectFrom("person as p")
      .innerJoin("household as h", "h.id", "p.household_id")
      .select(["h.ref", "h.place_id", "h.head_person_id"])
      .select((eb) => [eb.fn.countAll<string>().as("n"), eb.fn.count<string>("p.place_id").distinct().as("places")])
      .where("h.ref", "like", "FAR-%")
      .groupBy(["h.ref", "h.place_id", "h.head_person_id"])
      .execute();
    expect(members).toHaveLength(500);
    expect(members.every((m) => Number(m.n) === 5 && Number(m.places) === 1 && m.head_person_id !== null)).toBe(true);
  };

  it("finds each household and address again in the batches after the one that created it, in an empty registry", async () => {
    const app = await buildTestApp();
    try {
      const area = await buildAreaTree(app.ctx);
      const file = path.join(dir, "spread.csv");
      await writeFile(file, spread(area.village.code));
      const { counts } = await importPeopleAsJob(app.ctx, file);
      expect(counts).toMatchObject({ created: PEOPLE, rejected: 0 });
      expect(await count("household", app)).toBe(500);
      expect(await count("place", app)).toBe(500);
      await check(app);
    } finally {
      await app.close();
    }
  });

  it("uses the places and households registered before anyone was imported, rather than making them again", async () => {
    const app = await buildTestApp();
    try {
      const area = await buildAreaTree(app.ctx);
      const meta = { requestId: "first-load", ip: null, userAgent: null };
      const { place } = await createPlace(app.ctx, systemPrincipal(), meta, {
        id: crypto.randomUUID(),
        divisionCode: area.village.code,
        road: "先登路",
        houseNumber: "1",
      });
      const { household } = await createHousehold(app.ctx, systemPrincipal(), meta, {
        id: crypto.randomUUID(),
        placeId: place.id,
        ref: "KNOWN-1",
      });
      const file = path.join(dir, "spread-known.csv");
      await writeFile(file, spread(area.village.code, "known"));
      const { counts } = await importPeopleAsJob(app.ctx, file);
      expect(counts).toMatchObject({ created: PEOPLE + 1, rejected: 0 });
      expect(await count("household", app)).toBe(501);
      expect(await count("place", app)).toBe(501);
      const first = await app.ctx.db
        .selectFrom("person")
        .select(["household_id", "place_id"])
        .where("name", "=", "韦先到")
        .executeTakeFirstOrThrow();
      expect(first).toEqual({ household_id: household?.id, place_id: place.id });
      await check(app);
    } finally {
      await app.close();
    }
  });
});

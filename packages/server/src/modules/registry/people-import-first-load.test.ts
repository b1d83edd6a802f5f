import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { checkCharacter, systemPrincipal } from "@wangge/core";
import ExcelJS from "exceljs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildTestApp, type TestApp } from "../../test/build-test-app.ts";
import { type AreaTree, buildAreaTree } from "../../test/factories.ts";
import { findJob, runPeopleImport } from "./people-import.service.ts";

/**
 * The first load of an empty registry skips the look-up of each batch's ID numbers. Two imports of
 * the same file started together both see the registry empty; whichever writes second meets the
 * first one's rows and must still register everyone exactly once.
 */
let t: TestApp;
let tree: AreaTree;
let dir: string;

const id18 = (first17: string) => `${first17}${checkCharacter(first17)}`;

beforeAll(async () => {
  t = await buildTestApp();
  tree = await buildAreaTree(t.ctx);
  dir = await mkdtemp(path.join(tmpdir(), "wangge-first-load-"));
});
afterAll(async () => {
  await t?.close();
  await rm(dir, { recursive: true, force: true });
});

async function job(file: string, checkerThread = false) {
  const id = crypto.randomUUID();
  await t.ctx.db
    .insertInto("import_job")
    .values({ id, kind: "people", status: "queued", file_name: "first.csv", all_or_nothing: false, created_by: null })
    .execute();
  return runPeopleImport(t.ctx, systemPrincipal(), { id, all_or_nothing: false, file_name: "first.csv" }, file, "csv", {
    checkerThread,
  });
}

const count = async (table: "person" | "household" | "place" | "subject_tag") =>
  Number(
    (
      await t.ctx.db
        .selectFrom(table)
        .select((eb) => eb.fn.countAll<string>().as("n"))
        .executeTakeFirstOrThrow()
    ).n,
  );

describe("the first load of an empty registry", () => {
  it("registers everyone once when two imports of the same file run at the same time", async () => {
    const lines = ["姓名,证件号码,户编号,与户主关系,村社区代码,街路巷或自然村,门牌号,网格代码,标签"];
    for (let h = 0; h < 10; h++)
      for (let m = 0; m < 3; m++)
        lines.push(
          `覃${h}${m},${id18(`45080219600101${h}${m}1`)},FIRST-${h},${m === 0 ? "户主" : "子女"},${tree.village.code},北环路,${h + 1},${tree.grid.code},${m === 2 ? "留守儿童" : ""}`,
        );
    const file = path.join(dir, "first.csv");
    await writeFile(file, lines.join("\n"));
    expect(await count("person")).toBe(0);

    // One checks its rows on a thread of its own (as a large file is), the other on this one.
    const [a, b] = await Promise.all([job(file, true), job(file)]);
    expect(a.rejected + b.rejected).toBe(0);
    expect(a.created + b.created).toBe(30);
    expect(a.created + a.unchanged).toBe(30);
    expect(b.created + b.unchanged).toBe(30);
    expect(await count("person")).toBe(30);
    expect(await count("household")).toBe(10);
    expect(await count("place")).toBe(10);
    expect(await count("subject_tag")).toBe(10);
    const heads = await t.ctx.db
      .selectFrom("household as h")
      .innerJoin("person as p", "p.id", "h.head_person_id")
      .select(["h.ref", "p.name", "p.relationship"])
      .orderBy("h.ref")
      .execute();
    expect(heads).toHaveLength(10);
    expect(heads.every((x) => x.relationship === "head" && x.name.endsWith("0"))).toBe(true);
  });

  it("looks people up again once the registry has some: a second import finds them unchanged", async () => {
    const file = path.join(dir, "first.csv");
    const again = await job(file, true);
    expect(again).toMatchObject({ created: 0, updated: 0, unchanged: 30, rejected: 0 });
    expect(await count("person")).toBe(30);
  });

  it("rejects the same rows for the same reasons whether checked on its own thread or not", async () => {
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
    const reasons = async (checkerThread: boolean) => {
      const id = crypto.randomUUID();
      await t.ctx.db
        .insertInto("import_job")
        .values({ id, kind: "people", status: "queued", file_name: "m.csv", all_or_nothing: true, created_by: null })
        .execute();
      const counts = await runPeopleImport(
        t.ctx,
        systemPrincipal(),
        { id, all_or_nothing: true, file_name: "m.csv" },
        file,
        "csv",
        { checkerThread },
      );
      const report = (await findJob(t.ctx.db, id))?.report as Buffer;
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load(report as unknown as ArrayBuffer);
      const rows = (wb.worksheets[0]?.getSheetValues() ?? []).filter(Boolean).map((r) => (r as unknown[]).slice(1));
      return { counts, rows: rows.slice(1).map((r) => [r[0], r[1], r.at(-1)]) };
    };
    const here = await reasons(false);
    const there = await reasons(true);
    expect(here.counts).toEqual({ created: 0, updated: 0, unchanged: 0, rejected: 5 });
    expect(here.rows).toEqual([
      [3, "坏校验", expect.stringMatching(/^证件号码: /)],
      [4, "未来人", expect.stringMatching(/^出生日期: 2999-01-01/)],
      [5, "错网格", expect.stringMatching(/^网格代码: no grid 450999999999001/)],
      [6, "无此标签", "标签: no tag 外星人"],
      [7, "重复", "证件号码: the same person as row 2"],
    ]);
    expect(there).toEqual(here);
  });
});

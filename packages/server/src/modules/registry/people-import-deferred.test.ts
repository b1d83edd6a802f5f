import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { checkCharacter, chinaDate, DomainError } from "@wangge/core";
import ExcelJS from "exceljs";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildTestApp, type TestApp } from "../../test/build-test-app.ts";
import { type AreaTree, buildAreaTree, importPeopleAsJob } from "../../test/factories.ts";
import { searchPeople } from "./registry.queries.ts";
import { charsOf } from "./registry-fields.ts";

/**
 * A large first load into an empty registry sets aside the secondary indexes and foreign keys of the
 * tables it fills (people, households, places, tags) and builds them again at the end, whether the
 * load finished or failed; a load into a registry that has people keeps them.
 */
let t: TestApp;
let tree: AreaTree;
let dir: string;
type Counts = { indexes: number; keys: number };
/** What the filled tables had when each bulk write of the import began (their indexes, their foreign keys). */
let seenByWrites: Record<string, Counts>[] = [];
const TABLES = ["person", "household", "place", "subject_tag"] as const;
/** Their indexes and foreign keys, all there. */
const FULL = {
  person: { indexes: 9, keys: 3 },
  household: { indexes: 4, keys: 2 },
  place: { indexes: 4, keys: 1 },
  subject_tag: { indexes: 3, keys: 1 },
};

/**
 * What they keep while a first load writes: the primary keys and the unique indexes (ID number,
 * household number, a village's address).
 */
const LOADING = {
  person: { indexes: 2, keys: 0 },
  household: { indexes: 2, keys: 0 },
  place: { indexes: 2, keys: 0 },
  subject_tag: { indexes: 1, keys: 0 },
};

const id18 = (first17: string) => `${first17}${checkCharacter(first17)}`;

async function catalogue(table: string) {
  const indexes = await sql<{ indexdef: string }>`
    select indexdef from pg_indexes where tablename = ${table} order by indexname`.execute(t.ctx.db);
  const keys = await sql<{ definition: string; valid: boolean }>`
    select pg_get_constraintdef(oid) as definition, convalidated as valid
    from pg_constraint where conrelid = ${table}::regclass and contype = 'f' order by conname`.execute(t.ctx.db);
  return { indexes: indexes.rows.map((r) => r.indexdef), keys: keys.rows };
}

async function catalogues() {
  const out: Record<string, Awaited<ReturnType<typeof catalogue>>> = {};
  for (const table of TABLES) out[table] = await catalogue(table);
  return out;
}

const counted = (all: Awaited<ReturnType<typeof catalogues>>) =>
  Object.fromEntries(
    Object.entries(all).map(([table, c]) => [table, { indexes: c.indexes.length, keys: c.keys.length }]),
  );

beforeAll(async () => {
  t = await buildTestApp();
  tree = await buildAreaTree(t.ctx);
  dir = await mkdtemp(path.join(tmpdir(), "wangge-deferred-"));
  // Looks at the catalogue as each bulk write starts, then writes as before.
  const bulk = t.ctx.bulk;
  t.ctx.bulk = {
    async session(fn) {
      seenByWrites.push(counted(await catalogues()));
      return bulk.session(fn);
    },
    async write(steps) {
      seenByWrites.push(counted(await catalogues()));
      return bulk.write(steps);
    },
  };
});
afterAll(async () => {
  await t?.close();
  await rm(dir, { recursive: true, force: true });
});

async function importFile(name: string, lines: string[], deferIndexesFrom: number) {
  const file = path.join(dir, name);
  await writeFile(file, lines.join("\n"));
  seenByWrites = [];
  return (await importPeopleAsJob(t.ctx, file, { deferIndexesFrom })).counts;
}

function people(from: number, count: number): string[] {
  const lines = ["姓名,证件号码,户编号,与户主关系,村社区代码,街路巷或自然村,门牌号,网格代码"];
  for (let n = from; n < from + count; n++) {
    const first17 = `450802${1950 + Math.floor(n / 900)}0101${String((n % 900) + 1).padStart(3, "0")}`;
    lines.push(
      `蒙${n},${id18(first17)},DEF-${Math.floor(n / 2)},${n % 2 === 0 ? "户主" : "配偶"},${tree.village.code},江南路,${n},${tree.grid.code}`,
    );
  }
  return lines;
}

describe("a first load's indexes", () => {
  it("are set aside while an empty registry loads a large file and come back as they were", async () => {
    const before = await catalogues();
    expect(counted(before)).toEqual(FULL);
    // A file that fails at its header sets them aside and builds them again all the same.
    await expect(importFile("bad.csv", ["名字,号码", "张三,1"], 0)).rejects.toBeInstanceOf(DomainError);
    expect(await catalogues()).toEqual(before);

    const counts = await importFile("first.csv", people(0, 1_200), 1_000);
    expect(counts).toMatchObject({ created: 1_200, rejected: 0 });
    // Both batches were written with only the primary keys and the unique indexes.
    expect(seenByWrites).toEqual([LOADING, LOADING]);
    const after = await catalogues();
    expect(after).toEqual(before);
    for (const table of TABLES) expect(after[table]?.keys.every((k) => k.valid)).toBe(true);
    expect(await t.ctx.db.selectFrom("deferred_ddl").selectAll().execute()).toEqual([]);
    // The rebuilt indexes answer searches.
    const found = await searchPeople(t.ctx.db, {
      prefixes: null,
      nameChars: charsOf("蒙1199"),
      nameLike: "蒙1199",
      today: chinaDate(new Date()),
      limit: 10,
      offset: 0,
    });
    expect(found.map((p) => p.name)).toEqual(["蒙1199"]);
  });

  it("stay while a registry that has people loads", async () => {
    expect(await importFile("more.csv", people(1_200, 50), 1)).toMatchObject({ created: 50 });
    expect(seenByWrites).toEqual([FULL]);
  });

  it("are set aside for a large XLSX as well: its rows read from the range its sheet records", async () => {
    // The registry emptied again, for another first load.
    await t.ctx.db.updateTable("household").set({ head_person_id: null }).execute();
    for (const table of ["subject_tag", "person", "household", "place"] as const)
      await t.ctx.db.deleteFrom(table).execute();
    const file = path.join(dir, "first.xlsx");
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet("人员");
    for (const line of people(2_000, 1_200)) sheet.addRow(line.split(","));
    await workbook.xlsx.writeFile(file);
    seenByWrites = [];
    const totals = new Set<number>();
    const { counts } = await importPeopleAsJob(t.ctx, file, {
      deferIndexesFrom: 1_000,
      onProgress: (_, total) => totals.add(total),
    });
    expect(counts).toMatchObject({ created: 1_200, rejected: 0 });
    expect(seenByWrites).toEqual([LOADING, LOADING]);
    expect(counted(await catalogues())).toEqual(FULL);
    // The progress had the file's size to go by.
    expect([...totals]).toEqual([1_200]);
  });
});

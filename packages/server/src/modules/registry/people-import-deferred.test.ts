import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { checkCharacter, chinaDate, DomainError, systemPrincipal } from "@wangge/core";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BulkRunner } from "../../db/bulk.ts";
import { buildTestApp, type TestApp } from "../../test/build-test-app.ts";
import { type AreaTree, buildAreaTree } from "../../test/factories.ts";
import { runPeopleImport } from "./people-import.service.ts";
import { searchPeople } from "./registry.queries.ts";
import { charsOf } from "./registry-fields.ts";

/**
 * A large first load into an empty registry sets aside the person table's secondary indexes and
 * foreign keys and builds them again at the end, whether the load finished or failed; a load into a
 * registry that has people keeps them.
 */
let t: TestApp;
let tree: AreaTree;
let dir: string;
/** What the person table had when each bulk write of the import began (its indexes, its foreign keys). */
let seenByWrites: { indexes: number; keys: number }[] = [];

const id18 = (first17: string) => `${first17}${checkCharacter(first17)}`;

async function personCatalogue() {
  const indexes = await sql<{ indexdef: string }>`
    select indexdef from pg_indexes where tablename = 'person' order by indexname`.execute(t.ctx.db);
  const keys = await sql<{ definition: string; valid: boolean }>`
    select pg_get_constraintdef(oid) as definition, convalidated as valid
    from pg_constraint where conrelid = 'person'::regclass and contype = 'f' order by conname`.execute(t.ctx.db);
  return { indexes: indexes.rows.map((r) => r.indexdef), keys: keys.rows };
}

beforeAll(async () => {
  t = await buildTestApp();
  tree = await buildAreaTree(t.ctx);
  dir = await mkdtemp(path.join(tmpdir(), "wangge-deferred-"));
  // Looks at the catalogue as each bulk write starts, then writes as before.
  const bulk = t.ctx.bulk;
  t.ctx.bulk = (async (fn) => {
    const now = await personCatalogue();
    seenByWrites.push({ indexes: now.indexes.length, keys: now.keys.length });
    return bulk(fn);
  }) as BulkRunner;
});
afterAll(async () => {
  await t?.close();
  await rm(dir, { recursive: true, force: true });
});

async function importFile(name: string, lines: string[], deferIndexesFrom: number) {
  const file = path.join(dir, name);
  await writeFile(file, lines.join("\n"));
  const id = crypto.randomUUID();
  await t.ctx.db
    .insertInto("import_job")
    .values({ id, kind: "people", status: "queued", file_name: name, all_or_nothing: false, created_by: null })
    .execute();
  seenByWrites = [];
  return runPeopleImport(t.ctx, systemPrincipal(), { id, all_or_nothing: false, file_name: name }, file, "csv", {
    deferIndexesFrom,
  });
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
    const before = await personCatalogue();
    expect(before.indexes).toHaveLength(9);
    expect(before.keys).toHaveLength(3);
    // A file that fails at its header sets them aside and builds them again all the same.
    await expect(importFile("bad.csv", ["名字,号码", "张三,1"], 0)).rejects.toBeInstanceOf(DomainError);
    expect(await personCatalogue()).toEqual(before);

    const counts = await importFile("first.csv", people(0, 1_200), 1_000);
    expect(counts).toMatchObject({ created: 1_200, rejected: 0 });
    // Both batches were written with only the primary key and the unique ID-number index.
    expect(seenByWrites).toEqual([
      { indexes: 2, keys: 0 },
      { indexes: 2, keys: 0 },
    ]);
    const after = await personCatalogue();
    expect(after).toEqual(before);
    expect(after.keys.every((k) => k.valid)).toBe(true);
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
    expect(seenByWrites).toEqual([{ indexes: 9, keys: 3 }]);
  });
});

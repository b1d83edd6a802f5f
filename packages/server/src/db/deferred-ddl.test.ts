import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../test/test-database.ts";
import { deferIndexes, restoreDeferred } from "./deferred-ddl.ts";
import { migrateToLatest } from "./migrate.ts";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => {
  await t?.close();
});

/** A parent and a child table with a foreign key, a unique and two plain indexes (one partial). */
async function tables(prefix: string) {
  for (const statement of [
    `create table ${prefix}_parent (id int primary key)`,
    `create table ${prefix}_child (id int primary key, parent_id int references ${prefix}_parent (id), code text, label text)`,
    `create unique index ${prefix}_child_code_key on ${prefix}_child (code)`,
    `create index ${prefix}_child_label_idx on ${prefix}_child (label collate "C", id)`,
    `create index ${prefix}_child_parent_idx on ${prefix}_child (parent_id) where parent_id is not null`,
    `insert into ${prefix}_parent values (1), (2)`,
  ])
    await sql.raw(statement).execute(t.db);
}

async function catalogue(table: string) {
  const indexes = await sql<{ indexdef: string }>`
    select indexdef from pg_indexes where tablename = ${table} order by indexname`.execute(t.db);
  const keys = await sql<{ name: string; definition: string; valid: boolean }>`
    select conname as name, pg_get_constraintdef(oid) as definition, convalidated as valid
    from pg_constraint where conrelid = ${table}::regclass and contype = 'f' order by conname`.execute(t.db);
  return { indexes: indexes.rows.map((r) => r.indexdef), keys: keys.rows };
}

const deferredRows = async () =>
  t.db.selectFrom("deferred_ddl").select(["table_name", "name", "kind"]).orderBy("name").execute();

describe("setting indexes aside for a bulk load", () => {
  it("drops the plain indexes and foreign keys, keeps the unique ones, and builds them again as they were", async () => {
    await tables("dd1");
    const before = await catalogue("dd1_child");
    expect(await deferIndexes(t.db, "dd1_child")).toBe(3);
    expect(await deferredRows()).toEqual([
      { table_name: "dd1_child", name: "dd1_child_label_idx", kind: "index" },
      { table_name: "dd1_child", name: "dd1_child_parent_id_fkey", kind: "foreign_key" },
      { table_name: "dd1_child", name: "dd1_child_parent_idx", kind: "index" },
    ]);
    const during = await catalogue("dd1_child");
    expect(during.keys).toEqual([]);
    expect(during.indexes).toEqual([
      expect.stringContaining("dd1_child_code_key"),
      expect.stringContaining("dd1_child_pkey"),
    ]);
    // A second load finds nothing left to set aside; the unique index still refuses a duplicate.
    expect(await deferIndexes(t.db, "dd1_child")).toBe(0);
    await sql`insert into dd1_child values (1, 1, 'a', '甲'), (2, 2, 'b', '乙')`.execute(t.db);
    await expect(sql`insert into dd1_child values (3, 1, 'a', '丙')`.execute(t.db)).rejects.toMatchObject({
      code: "23505",
    });

    const report = await restoreDeferred(t.db, "dd1_child");
    expect(report).toEqual({
      indexes: ["dd1_child_label_idx", "dd1_child_parent_idx"],
      foreignKeys: ["dd1_child_parent_id_fkey"],
      unvalidated: [],
    });
    expect(await catalogue("dd1_child")).toEqual(before);
    expect(before.keys[0]?.valid).toBe(true);
    expect(await deferredRows()).toEqual([]);
    // The foreign key is enforced again.
    await expect(sql`insert into dd1_child values (4, 99, 'd', '丁')`.execute(t.db)).rejects.toMatchObject({
      code: "23503",
    });
  });

  it("leaves a foreign key NOT VALID, still enforced for new rows, when a row loaded meanwhile breaks it", async () => {
    await tables("dd2");
    await deferIndexes(t.db, "dd2_child");
    await sql`insert into dd2_child values (1, 1, 'a', '甲'), (2, 42, 'b', '乙')`.execute(t.db);
    const report = await restoreDeferred(t.db, "dd2_child");
    expect(report.unvalidated).toEqual(["dd2_child_parent_id_fkey"]);
    expect((await catalogue("dd2_child")).keys).toEqual([
      {
        name: "dd2_child_parent_id_fkey",
        definition: "FOREIGN KEY (parent_id) REFERENCES dd2_parent(id) NOT VALID",
        valid: false,
      },
    ]);
    await expect(sql`insert into dd2_child values (3, 43, 'c', '丙')`.execute(t.db)).rejects.toMatchObject({
      code: "23503",
    });
    expect(await deferredRows()).toEqual([]);
  });

  it("builds again at the next migration what a load that stopped left set aside", async () => {
    await tables("dd3");
    const before = await catalogue("dd3_child");
    await deferIndexes(t.db, "dd3_child");
    // The process stopped here: the next start migrates.
    const { restored } = await migrateToLatest(t.db);
    expect(restored.indexes.sort()).toEqual(["dd3_child_label_idx", "dd3_child_parent_idx"]);
    expect(restored.foreignKeys).toEqual(["dd3_child_parent_id_fkey"]);
    expect(await catalogue("dd3_child")).toEqual(before);
    expect((await migrateToLatest(t.db)).restored).toEqual({ indexes: [], foreignKeys: [], unvalidated: [] });
  });

  it("forgets what was set aside from a table dropped since, and refuses a name that is not an identifier", async () => {
    await tables("dd4");
    await deferIndexes(t.db, "dd4_child");
    await sql`drop table dd4_child`.execute(t.db);
    expect(await restoreDeferred(t.db)).toEqual({ indexes: [], foreignKeys: [], unvalidated: [] });
    expect(await deferredRows()).toEqual([]);
    await expect(deferIndexes(t.db, "person; drop table area")).rejects.toThrow(/not a plain table name/);
  });
});

// One embedded database has one session: a second one holding the table exists only on PostgreSQL.
describe.runIf(process.env.WANGGE_TEST_DATABASE_URL)("setting indexes aside on a busy PostgreSQL", () => {
  it("goes on without, changing nothing, when another session holds the table beyond the lock timeout", async () => {
    await tables("dd5");
    const before = await catalogue("dd5_child");
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    let locked: () => void = () => {};
    const isLocked = new Promise<void>((resolve) => {
      locked = resolve;
    });
    // A long report reading the table.
    const reader = t.db.transaction().execute(async (trx) => {
      await sql`select count(*) from dd5_child`.execute(trx);
      locked();
      await held;
    });
    await isLocked;
    const started = Date.now();
    expect(await deferIndexes(t.db, "dd5_child", { lockTimeoutMs: 200 })).toBe(0);
    expect(Date.now() - started).toBeLessThan(5_000);
    release();
    await reader;
    expect(await catalogue("dd5_child")).toEqual(before);
    expect(await deferredRows()).toEqual([]);
    // Once the reader is gone, it sets them aside.
    expect(await deferIndexes(t.db, "dd5_child", { lockTimeoutMs: 200 })).toBe(3);
    await restoreDeferred(t.db, "dd5_child");
  });
});

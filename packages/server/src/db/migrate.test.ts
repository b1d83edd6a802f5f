import { type Kysely, sql } from "kysely";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase, withDatabaseName } from "../test/test-database.ts";
import { openDatabase } from "./database.ts";
import { listAppliedMigrations, MIGRATION_TABLE, migrateToLatest } from "./migrate.ts";
import { migrations } from "./migrations/index.ts";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => {
  await t?.close();
});

describe("migrateToLatest", () => {
  it("has applied every migration to the test database and applies nothing on a second run", async () => {
    expect(await listAppliedMigrations(t.db)).toEqual(Object.keys(migrations).sort());
    const report = await migrateToLatest(t.db);
    expect(report.applied).toEqual([]);
    expect(report.current).toBe(Object.keys(migrations).sort().at(-1));
  });

  it("applies a new migration and keeps nothing of one that fails", async () => {
    const extra = {
      ...migrations,
      "2099_01_01_0000_create_probe": {
        async up(db: Kysely<any>) {
          await db.schema.createTable("migration_probe").addColumn("id", "integer").execute();
        },
      },
      "2099_01_01_0001_break_things": {
        async up(db: Kysely<any>) {
          await db.schema.createTable("migration_probe_two").addColumn("id", "integer").execute();
          await sql`select * from table_that_does_not_exist`.execute(db);
        },
      },
    };
    await expect(migrateToLatest(t.db, extra)).rejects.toMatchObject({
      code: "DB_MIGRATION_FAILED",
      message: expect.stringContaining("2099_01_01_0001_break_things"),
    });
    const tables = await sql<{ name: string | null }>`select to_regclass('migration_probe_two')::text as name`.execute(
      t.db,
    );
    expect(tables.rows[0]?.name).toBeNull();
    expect(await listAppliedMigrations(t.db)).not.toContain("2099_01_01_0001_break_things");
  });

  it("refuses a database migrated by a newer version and names the unknown migration", async () => {
    await t.db
      .insertInto(MIGRATION_TABLE as never)
      .values({ name: "2199_12_31_2359_from_the_future", timestamp: new Date().toISOString() } as never)
      .execute();
    await expect(migrateToLatest(t.db)).rejects.toMatchObject({
      code: "DB_NEWER_THAN_CODE",
      message: expect.stringContaining("2199_12_31_2359_from_the_future"),
    });
    await t.db
      .deleteFrom(MIGRATION_TABLE as never)
      .where("name" as never, "=", "2199_12_31_2359_from_the_future" as never)
      .execute();
  });
});

describe.runIf(process.env.WANGGE_TEST_DATABASE_URL)("migrateToLatest on PostgreSQL", () => {
  it("applies each migration once when two processes start at the same moment", async () => {
    const adminUrl = process.env.WANGGE_TEST_DATABASE_URL as string;
    const name = `wangge_race_${Date.now()}`;
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    await admin.query(`create database "${name}"`);
    const url = withDatabaseName(adminUrl, name);
    const a = await openDatabase({ kind: "postgres", url, poolSize: 2 });
    const b = await openDatabase({ kind: "postgres", url, poolSize: 2 });
    try {
      const [ra, rb] = await Promise.all([migrateToLatest(a.db), migrateToLatest(b.db)]);
      expect([...ra.applied, ...rb.applied].sort()).toEqual(Object.keys(migrations).sort());
      expect(await listAppliedMigrations(a.db)).toEqual(Object.keys(migrations).sort());
    } finally {
      await a.close();
      await b.close();
      await admin.query(`drop database "${name}" with (force)`);
      await admin.end();
    }
  });
});

import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../test/test-database.ts";
import { findDemoSeedRecord, type SeedPart, seedDemo, seedDemoOnStart } from "./seed.service.ts";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => {
  await t?.close();
});

const logger = { info: () => {} };
const countingPart = (calls: string[], name = "probe"): SeedPart => ({
  name,
  async run({ db }) {
    calls.push(name);
    await sql`select 1`.execute(db);
    return { summary: "1 thing" };
  },
});

describe("seedDemoOnStart", () => {
  it("runs every part once on an empty database, then only parts added by a later version", async () => {
    const calls: string[] = [];
    const now = new Date("2026-11-28T00:00:00Z");
    const first = await seedDemoOnStart({ db: t.db, logger, now }, [countingPart(calls)]);
    expect(first?.parts).toEqual([{ name: "probe", summary: "1 thing" }]);
    const second = await seedDemoOnStart({ db: t.db, logger, now }, [countingPart(calls)]);
    expect(second).toBeUndefined();
    expect(calls).toEqual(["probe"]);
    expect((await findDemoSeedRecord(t.db))?.seededAt).toBe("2026-11-28T00:00:00.000Z");

    const upgraded = await seedDemoOnStart({ db: t.db, logger, now }, [
      countingPart(calls),
      countingPart(calls, "areas"),
    ]);
    expect(calls).toEqual(["probe", "areas"]);
    expect(upgraded?.parts.map((p) => p.name).sort()).toEqual(["areas", "probe"]);
  });
});

describe("seedDemo", () => {
  it("rolls back a failing part and records nothing new", async () => {
    const before = await findDemoSeedRecord(t.db);
    const failing: SeedPart = {
      name: "broken",
      async run({ db }) {
        await db.insertInto("app_meta").values({ key: "half-written", value: "1" }).execute();
        throw new Error("part failed");
      },
    };
    await expect(seedDemo({ db: t.db, logger, now: new Date() }, [failing])).rejects.toThrow("part failed");
    expect(
      await t.db.selectFrom("app_meta").select("key").where("key", "=", "half-written").executeTakeFirst(),
    ).toBeUndefined();
    expect(await findDemoSeedRecord(t.db)).toEqual(before);
  });
});

import { chinaDate } from "@wangge/core";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { buildTestApp, type TestApp } from "../../test/build-test-app.ts";
import { findDemoSeedRecord, type SeedPart, seedDemo, seedDemoOnStart } from "./seed.service.ts";

// Loading every demo part takes a while on a busy two-core machine.
vi.setConfig({ testTimeout: 180_000 });

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(async () => {
  await t?.close();
});

const logger = { info: () => {} };
const printed: string[] = [];
const seedCtx = () => ({ ctx: t.ctx, logger, print: (line: string) => printed.push(line) });
const countingPart = (calls: string[], name = "probe"): SeedPart => ({
  name,
  async run() {
    calls.push(name);
    return { summary: "1 thing" };
  },
});

describe("seedDemoOnStart", () => {
  it("runs every part once on an empty database, then only parts added by a later version", async () => {
    const calls: string[] = [];
    const first = await seedDemoOnStart(seedCtx(), [countingPart(calls)]);
    expect(first?.parts).toEqual([{ name: "probe", summary: "1 thing" }]);
    const second = await seedDemoOnStart(seedCtx(), [countingPart(calls)]);
    expect(second).toBeUndefined();
    expect(calls).toEqual(["probe"]);

    const upgraded = await seedDemoOnStart(seedCtx(), [countingPart(calls), countingPart(calls, "areas")]);
    expect(calls).toEqual(["probe", "areas"]);
    expect(upgraded?.parts.map((p) => p.name).sort()).toEqual(["areas", "probe"]);
  });
});

describe("seedDemo", () => {
  it("records nothing when a part fails", async () => {
    const before = await findDemoSeedRecord(seedCtx());
    const failing: SeedPart = {
      name: "broken",
      async run() {
        throw new Error("part failed");
      },
    };
    await expect(seedDemo(seedCtx(), [failing])).rejects.toThrow("part failed");
    expect(await findDemoSeedRecord(seedCtx())).toEqual(before);
  });

  it("loads the demo areas and one account per role, printing the password once, and is idempotent", async () => {
    const record = await seedDemo(seedCtx());
    expect(record.parts.map((p) => p.name)).toEqual([
      "areas",
      "accounts",
      "registry",
      "events",
      "visits",
      "subsidies",
      "risk",
      "disclosures",
      "notices",
      "projects",
    ]);
    expect(record.parts[6]?.summary).toMatch(/^6 rules, 3 sensitive dates, 1 playbook, 2 disputes, 1 alerts$/);
    expect(record.parts[4]?.summary).toBe("3 demo visits in 450802001003G01");
    expect(record.parts[5]?.summary).toBe("5 subsidy programmes");
    expect(record.parts[7]?.summary).toBe("6 disclosures of 450802001003");
    expect(record.parts[8]?.summary).toBe("3 notices of 450802001 and 450802001003, 1 loudspeaker");
    expect(record.parts[9]?.summary).toBe("3 livelihood projects of 450802001003 and 450802001");
    // The demo worker closed out yesterday. The demo's events are reported today, so none was open as
    // yesterday ended and nothing is carried over (a close-out is of its own day, not of now).
    const closeOuts = await t.ctx.db.selectFrom("close_out").select(["id", "day"]).execute();
    expect(closeOuts).toEqual([expect.objectContaining({ day: chinaDate(t.ctx.now(), -1) })]);
    expect(await t.ctx.db.selectFrom("close_out_carry_over").select("reason").execute()).toEqual([]);
    expect(record.parts[3]?.summary).toMatch(/^8 demo events, \d+ settled in the weeks before$/);
    const history = Number(record.parts[3]?.summary.split(", ")[1]?.split(" ")[0]);
    expect(history).toBeGreaterThan(20);
    // The weeks before: settled and closed, none in the last two weeks (nothing carried over, no surge).
    const earlier = await t.ctx.db
      .selectFrom("event")
      .select(["state", "created_at"])
      .where("created_at", "<", new Date(t.ctx.now().getTime() - 13 * 86_400_000))
      .execute();
    expect(earlier).toHaveLength(history);
    expect(new Set(earlier.map((e) => e.state))).toEqual(new Set(["closed"]));
    const states = await t.ctx.db
      .selectFrom("event")
      .select(["state", "level"])
      .where("created_at", ">=", new Date(t.ctx.now().getTime() - 13 * 86_400_000))
      .orderBy("created_at")
      .execute();
    // The events part's six of today and two of last week (closed), and the risk part's two more neighbour disputes between 黄 and 韦 (accepted).
    expect(states.map((e) => e.state).sort()).toEqual(
      [
        "accepted",
        "closed",
        "in_progress",
        "reported",
        "resolved",
        "suspended",
        "accepted",
        "accepted",
        "closed",
        "closed",
      ].sort(),
    );
    expect(states).toContainEqual({ state: "accepted", level: "village" });
    expect(record.parts[2]?.summary).toMatch(/^\d+ demo residents in 12 households of 450802001003$/);
    expect(record.parts[0]?.summary).toMatch(/divisions of 贵港市; 50 demo grids in 贵城街道/);
    const passwordLine = printed.find((l) => l.startsWith("Demo password"));
    expect(passwordLine).toBeDefined();
    const users = await t.ctx.db
      .selectFrom("app_user")
      .select(["username", "password_hash", "phone_enc"])
      .where("username", "like", "demo.%")
      .execute();
    expect(users).toHaveLength(13);
    const password = passwordLine?.split(": ")[1] ?? "";
    for (const u of users) {
      expect(u.password_hash).toMatch(/^\$argon2id\$/);
      expect(JSON.stringify(u)).not.toContain(password);
    }
    const worker = users.find((u) => u.username === "demo.worker");
    expect(worker?.phone_enc).toMatch(/^v1:/);
    expect(worker?.phone_enc).not.toContain("13800000001");

    const people = async () =>
      (
        await t.ctx.db
          .selectFrom("person")
          .select((eb) => eb.fn.countAll<string>().as("n"))
          .executeTakeFirstOrThrow()
      ).n;
    const before = await people();
    expect(Number(before)).toBeGreaterThan(20);
    printed.length = 0;
    const again = await seedDemo(seedCtx());
    expect(printed.filter((l) => l.startsWith("Demo password"))).toEqual([]);
    expect(await people()).toBe(before);
    expect(again.parts[2]?.summary).toBe("0 demo residents in 12 households of 450802001003");
    expect(again.parts[3]?.summary).toBe("0 demo events, 0 settled in the weeks before");
    expect(again.parts[4]?.summary).toBe("0 demo visits in 450802001003G01");
    expect(again.parts[7]?.summary).toBe("0 disclosures of 450802001003");
    expect(again.parts[8]?.summary).toBe("0 notices of 450802001 and 450802001003, 0 loudspeaker");
    expect(again.parts[9]?.summary).toBe("0 livelihood projects of 450802001003 and 450802001");
  });
});

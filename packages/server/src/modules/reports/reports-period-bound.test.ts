import { addDays, chinaDate } from "@wangge/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildTestApp, type TestApp } from "../../test/build-test-app.ts";
import { type AreaTree, buildAreaTree, buildUser, type Session, signIn } from "../../test/factories.ts";

/**
 * A report on demand is written and archived for good by anyone who reads the area: its period may
 * not lie decades back (a reader looping over every day since 0001 would fill the archive with
 * empty reports, each composed from the figures).
 */
let t: TestApp;
let tree: AreaTree;
let township: Session;

beforeAll(async () => {
  t = await buildTestApp();
  tree = await buildAreaTree(t.ctx);
  township = await signIn(t, await buildUser(t.ctx, { role: "township_official", areaCode: tree.township.code }));
});
afterAll(async () => t.close());

const ask = (day: string, kind = "daily") =>
  t.app.inject({
    method: "POST",
    url: "/api/v1/reports",
    headers: township.headers,
    payload: { id: crypto.randomUUID(), kind, area: tree.township.code, day },
  });

describe("POST /reports: how far back a period may lie", () => {
  it("refuses a period decades back, with the field and the earliest day, and writes nothing", async () => {
    for (const day of ["0001-01-03", "1990-06-15"]) {
      const res = await ask(day, day.startsWith("0001") ? "daily" : "monthly");
      expect(res.statusCode, res.body).toBe(400);
      expect(res.json()).toMatchObject({ code: "VALIDATION_FAILED", errors: [{ path: "day" }] });
    }
    const list = await t.app.inject({ method: "GET", url: "/api/v1/reports", headers: township.headers });
    expect(list.json().total).toBe(0);
  });

  it("still writes the report of a period a year back", async () => {
    const res = await ask(addDays(chinaDate(t.clock.now), -365), "weekly");
    expect(res.statusCode, res.body).toBe(201);
  });
});

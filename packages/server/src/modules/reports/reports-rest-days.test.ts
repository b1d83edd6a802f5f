import { addDays, chinaDate, isWorkingDay } from "@wangge/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildTestApp, type TestApp } from "../../test/build-test-app.ts";
import { type AreaTree, buildAreaTree, buildUser, type Session, signIn } from "../../test/factories.ts";
import { workingCalendar } from "../events/categories.service.ts";

/**
 * A rest day (a Saturday, a holiday) has no daily report of its own: the next working day's report
 * takes it in. Asked for a rest day before that report's period is over, the answer says so — which
 * report, and when it can be written — instead of only "not over"; once over, the rest day answers
 * that report.
 */
let t: TestApp;
let tree: AreaTree;
let township: Session;
let today: string;
let restDay: string;

beforeAll(async () => {
  t = await buildTestApp();
  tree = await buildAreaTree(t.ctx);
  const cal = await workingCalendar(t.ctx.db, t.ctx.config);
  // Today a working day that follows a rest day (a Monday, or the day after a holiday).
  while (!isWorkingDay(chinaDate(t.clock.now), cal) || isWorkingDay(chinaDate(t.clock.now, -1), cal))
    t.clock.advanceMinutes(24 * 60);
  today = chinaDate(t.clock.now);
  restDay = addDays(today, -1);
  township = await signIn(t, await buildUser(t.ctx, { role: "township_official", areaCode: tree.township.code }));
});
afterAll(async () => t.close());

const ask = (day: string, language = "zh-CN") =>
  t.app.inject({
    method: "POST",
    url: "/api/v1/reports",
    headers: { ...township.headers, "accept-language": language },
    payload: { id: crypto.randomUUID(), kind: "daily", area: tree.township.code, day },
  });

describe("POST /reports: the daily report of a rest day", () => {
  it("says which daily report takes the rest day in and when it can be written", async () => {
    const res = await ask(restDay);
    expect(res.statusCode, res.body).toBe(409);
    const body = res.json();
    expect(body).toMatchObject({ code: "REPORT_PERIOD_NOT_OVER", errors: [{ path: "day" }] });
    expect(body.errors[0].message).toContain(`${restDay} 不是工作日`);
    expect(body.errors[0].message).toContain(`至 ${today} 的日报`);
    const en = (await ask(restDay, "en")).json();
    expect(en.errors[0].message).toContain(`${restDay} is not a working day`);
  });

  it("still says only 'not over' for the working day itself", async () => {
    const res = await ask(today);
    expect(res.json()).toMatchObject({
      errors: [{ path: "day", message: `该时段到 ${today} 才结束，结束后才能生成报告` }],
    });
  });

  it("answers the covering report for the rest day once that report's period is over", async () => {
    t.clock.advanceMinutes(24 * 60);
    township = await signIn(t, await buildUser(t.ctx, { role: "township_official", areaCode: tree.township.code }));
    const res = await ask(restDay);
    expect(res.statusCode, res.body).toBe(201);
    const r = res.json();
    expect(r.to).toBe(today);
    expect(r.from <= restDay).toBe(true);
  });
});

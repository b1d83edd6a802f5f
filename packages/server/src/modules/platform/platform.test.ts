import { CLIENT_ERROR_LIMITS } from "@wangge/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../../app.ts";
import { loadConfig } from "../../config.ts";
import { buildTestApp, type TestApp } from "../../test/build-test-app.ts";
import { createTestDatabase } from "../../test/test-database.ts";
import { purgeClientErrorReports } from "./platform.service.ts";

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(async () => {
  await t?.close();
});

const report = (overrides: Record<string, unknown> = {}) => ({
  id: crypto.randomUUID(),
  app: "field",
  message: "TypeError: cannot read properties of undefined",
  stack: "at TaskList (field.js:1:200)",
  url: "http://localhost:3000/field/tasks?q=13812345678#top",
  appVersion: "0.1.0",
  occurredAt: "2026-11-28T08:00:00+08:00",
  ...overrides,
});

const post = (payload: Record<string, unknown>) =>
  t.app.inject({ method: "POST", url: "/api/v1/client-errors", payload });

describe("POST /api/v1/client-errors", () => {
  it("stores a crash report and answers 201 with the request id it arrived under", async () => {
    const body = report();
    const res = await post(body);
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ id: body.id, app: "field", requestId: res.headers["x-request-id"] });
    const row = await t.database.db
      .selectFrom("client_error_report")
      .selectAll()
      .where("id", "=", body.id)
      .executeTakeFirstOrThrow();
    expect(row.url).toBe("http://localhost:3000/field/tasks");
    expect(row.occurred_at.toISOString()).toBe("2026-11-28T00:00:00.000Z");
  });

  it("stores a retried report once and answers the retry with 200 and the first receipt", async () => {
    const body = report();
    const first = await post(body);
    const retry = await post(body);
    expect(retry.statusCode).toBe(200);
    expect(retry.json()).toEqual(first.json());
    const rows = await t.database.db.selectFrom("client_error_report").select("id").where("id", "=", body.id).execute();
    expect(rows).toHaveLength(1);
  });

  it("answers a different report under an id already used like a new one, keeping both (a 409 would tell the id exists)", async () => {
    const body = report();
    await post(body);
    const fresh = await post(report({ message: "a different failure" }));
    const res = await post({ ...body, message: "a different failure" });
    expect({ status: res.statusCode, keys: Object.keys(res.json()).sort(), id: res.json().id }).toEqual({
      status: fresh.statusCode,
      keys: Object.keys(fresh.json()).sort(),
      id: body.id,
    });
    expect(res.statusCode).toBe(201);
    const first = await t.database.db
      .selectFrom("client_error_report")
      .select("message")
      .where("id", "=", body.id)
      .executeTakeFirstOrThrow();
    expect(first.message).toBe(body.message);
    const second = await t.database.db
      .selectFrom("client_error_report")
      .select(["id", "request_id"])
      .where("message", "=", "a different failure")
      .where("request_id", "=", res.json().requestId)
      .execute();
    expect(second).toHaveLength(1);
    // Its own retry is a retry: answered 200 with the same receipt, stored once.
    const retry = await post({ ...body, message: "a different failure" });
    expect({ status: retry.statusCode, body: retry.json() }).toEqual({ status: 200, body: res.json() });
  });

  it("masks phone and ID numbers in the message and stack before storing them", async () => {
    const body = report({ message: "lookup 450802199001011234 failed", stack: "tel 13812345678" });
    expect((await post(body)).statusCode).toBe(201);
    const row = await t.database.db
      .selectFrom("client_error_report")
      .selectAll()
      .where("id", "=", body.id)
      .executeTakeFirstOrThrow();
    expect(row.message).toBe("lookup 450802************ failed");
    expect(row.stack).toBe("tel 138****5678");
  });

  it("masks ID and phone numbers in every spelling, in the URL's path too, before storing anything", async () => {
    const body = report({
      url: "http://localhost:3000/resident/13877501131/450802196006153620/x?q=1",
      message: "lookup 4508 0219 6006 1536 20 failed for 138-7750-1131",
      stack: "at find (450802.1960.0615.3620) tel １３８７７５０１１３１ id 450802196006153620x",
      appVersion: "0.1.0+13877501131",
    });
    expect((await post(body)).statusCode).toBe(201);
    const row = await t.database.db
      .selectFrom("client_error_report")
      .selectAll()
      .where("id", "=", body.id)
      .executeTakeFirstOrThrow();
    expect(row.url).toBe("http://localhost:3000/resident/138****1131/450802************/x");
    const stored = JSON.stringify(row);
    for (const digits of ["77501131", "19600615", "0615", "7750", "６１３１"]) expect(stored).not.toContain(digits);
    expect(row.message).toBe("lookup 450802************ failed for 138****1131");
  });

  it("keeps the first frames of a long stack only", async () => {
    const body = report({ stack: "at frame (app.js:1:1)\n".repeat(700) });
    expect((await post(body)).statusCode).toBe(201);
    const row = await t.database.db
      .selectFrom("client_error_report")
      .select("stack")
      .where("id", "=", body.id)
      .executeTakeFirstOrThrow();
    expect(row.stack?.length).toBe(CLIENT_ERROR_LIMITS.storedStackChars);
  });

  it("keeps a limited number of reports from one address an hour; retries and other addresses are answered", async () => {
    const from = (address: string, body = report()) =>
      t.app.inject({ method: "POST", url: "/api/v1/client-errors", payload: body, remoteAddress: address });
    const first = report();
    expect((await from("10.9.0.1", first)).statusCode).toBe(201);
    for (let i = 1; i < t.config.clientErrors.perHour; i++) expect((await from("10.9.0.1")).statusCode).toBe(201);
    const over = await from("10.9.0.1");
    expect(over.statusCode).toBe(429);
    expect(over.json().code).toBe("RATE_LIMITED");
    expect((await from("10.9.0.1", first)).statusCode).toBe(200);
    expect((await from("10.9.0.2")).statusCode).toBe(201);
    t.clock.advanceMinutes(61);
    try {
      expect((await from("10.9.0.1")).statusCode).toBe(201);
    } finally {
      t.clock.advanceMinutes(-61);
    }
    const stored = await t.database.db
      .selectFrom("client_error_report")
      .select("reporter_mac")
      .where("reporter_mac", "is not", null)
      .execute();
    expect(JSON.stringify(stored)).not.toContain("10.9.0");
  });

  it("are deleted after the retention period", async () => {
    const old = report();
    expect((await post(old)).statusCode).toBe(201);
    t.clock.advanceMinutes(t.config.clientErrors.retentionDays * 1440 + 1);
    try {
      const recent = report();
      expect((await post(recent)).statusCode).toBe(201);
      expect(await purgeClientErrorReports(t.ctx)).toBeGreaterThan(0);
      const left = await t.database.db
        .selectFrom("client_error_report")
        .select("id")
        .where("id", "in", [old.id, recent.id])
        .execute();
      expect(left).toEqual([{ id: recent.id }]);
    } finally {
      t.clock.advanceMinutes(-(t.config.clientErrors.retentionDays * 1440 + 1));
    }
  });

  it("lists every invalid field with its path and stores nothing", async () => {
    const res = await post({ id: "not-a-uuid", app: "tv", message: "", url: "", occurredAt: "yesterday", extra: 1 });
    expect(res.statusCode).toBe(400);
    const problem = res.json();
    expect(problem.code).toBe("VALIDATION_FAILED");
    const paths = problem.errors.map((e: { path: string }) => e.path).sort();
    expect(paths).toEqual(["body", "body.app", "body.id", "body.message", "body.occurredAt", "body.url"]);
    const count = await t.database.db
      .selectFrom("client_error_report")
      .select((eb) => eb.fn.countAll().as("n"))
      .where("app", "=", "tv")
      .executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(0);
  });
});

describe("GET /api/health when the database is gone", () => {
  it("answers 503 DB_UNAVAILABLE instead of ok", async () => {
    const database = await createTestDatabase();
    const app = await buildApp({ config: loadConfig({ WANGGE_WEB_DIST: "/nonexistent" }), database });
    try {
      await database.close();
      const res = await app.inject({ method: "GET", url: "/api/health" });
      expect(res.statusCode).toBe(503);
      expect(res.headers["content-type"]).toMatch(/^application\/problem\+json/);
      expect(res.json()).toMatchObject({ code: "DB_UNAVAILABLE", status: 503 });
    } finally {
      await app.close();
    }
  });
});

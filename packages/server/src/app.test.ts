import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildTestApp, type TestApp } from "./test/build-test-app.ts";
import { VERSION } from "./version.ts";

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp({ WANGGE_BODY_LIMIT_BYTES: "2048" });
});
afterAll(async () => {
  await t?.close();
});

const validReport = () => ({
  id: crypto.randomUUID(),
  app: "console",
  message: "boom",
  url: "http://localhost:3000/",
  occurredAt: new Date().toISOString(),
});

describe("GET /api/health", () => {
  it("answers ok with the database engine of this run and the product version", async () => {
    const res = await t.app.inject({ method: "GET", url: "/api/health" });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: "ok", database: t.database.kind, version: VERSION });
  });

  it("echoes a well-formed x-request-id and replaces a malformed one", async () => {
    const echoed = await t.app.inject({
      method: "GET",
      url: "/api/health",
      headers: { "x-request-id": "trace-12345678" },
    });
    expect(echoed.headers["x-request-id"]).toBe("trace-12345678");
    const replaced = await t.app.inject({ method: "GET", url: "/api/health", headers: { "x-request-id": "<script>" } });
    expect(replaced.headers["x-request-id"]).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe("errors at the HTTP edge", () => {
  it("answers an unknown API route with a 404 problem", async () => {
    const res = await t.app.inject({ method: "GET", url: "/api/v1/no-such-thing?x=1" });
    expect(res.statusCode).toBe(404);
    expect(res.headers["content-type"]).toMatch(/^application\/problem\+json/);
    expect(res.json()).toMatchObject({
      status: 404,
      code: "ROUTE_NOT_FOUND",
      instance: "/api/v1/no-such-thing",
      requestId: res.headers["x-request-id"],
    });
  });

  it("answers malformed JSON with 400 REQUEST_MALFORMED_JSON", async () => {
    const res = await t.app.inject({
      method: "POST",
      url: "/api/v1/client-errors",
      headers: { "content-type": "application/json" },
      payload: '{"id": "abc",',
    });
    expect(res.statusCode).toBe(400);
    expect(res.headers["content-type"]).toMatch(/^application\/problem\+json/);
    expect(res.json().code).toBe("REQUEST_MALFORMED_JSON");
  });

  it("answers an empty JSON body with 400 REQUEST_EMPTY_JSON_BODY", async () => {
    const res = await t.app.inject({
      method: "POST",
      url: "/api/v1/client-errors",
      headers: { "content-type": "application/json" },
      payload: "",
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe("REQUEST_EMPTY_JSON_BODY");
  });

  it.each(["text/plain", "application/x-www-form-urlencoded", "application/xml"])(
    "answers a %s body with 415 REQUEST_UNSUPPORTED_MEDIA_TYPE",
    async (type) => {
      const res = await t.app.inject({
        method: "POST",
        url: "/api/v1/client-errors",
        headers: { "content-type": type },
        payload: "a=1",
      });
      expect(res.statusCode).toBe(415);
      expect(res.json()).toMatchObject({ code: "REQUEST_UNSUPPORTED_MEDIA_TYPE", status: 415 });
    },
  );

  it("answers a body over the configured limit with 413 REQUEST_BODY_TOO_LARGE and stores nothing", async () => {
    const report = { ...validReport(), message: "x".repeat(1900), stack: "y".repeat(1000) };
    const res = await t.app.inject({ method: "POST", url: "/api/v1/client-errors", payload: report });
    expect(res.statusCode).toBe(413);
    expect(res.json().code).toBe("REQUEST_BODY_TOO_LARGE");
    expect(res.json().detail).toContain("2048");
    const stored = await t.database.db
      .selectFrom("client_error_report")
      .where("id", "=", report.id)
      .selectAll()
      .execute();
    expect(stored).toEqual([]);
  });

  it("keeps serving after every kind of bad request", async () => {
    const res = await t.app.inject({ method: "GET", url: "/api/health" });
    expect(res.statusCode).toBe(200);
  });
});

describe("API documentation", () => {
  it("serves an OpenAPI 3.1 document that lists the v1 routes with their schemas", async () => {
    const res = await t.app.inject({ method: "GET", url: "/api/openapi.json" });
    expect(res.statusCode).toBe(200);
    const doc = res.json();
    expect(doc.openapi).toBe("3.1.0");
    expect(doc.info.version).toBe(VERSION);
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(["/api/health", "/api/v1/config", "/api/v1/client-errors"]),
    );
    expect(doc.paths["/api/v1/client-errors"].post.requestBody.content["application/json"].schema).toBeDefined();
    expect(doc.components.schemas).toHaveProperty("Problem");
  });

  it("serves the browsable reference with every asset from this server", async () => {
    const page = await t.app.inject({ method: "GET", url: "/api/docs/" });
    expect(page.statusCode).toBe(200);
    const urls = [...page.body.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1] ?? "");
    expect(urls.length).toBeGreaterThan(0);
    for (const url of urls) expect(url).not.toMatch(/^(https?:)?\/\//);
    const bundle = await t.app.inject({ method: "GET", url: "/api/docs/static/swagger-ui-bundle.js" });
    expect(bundle.statusCode).toBe(200);
  });
});

describe("GET /api/v1/config", () => {
  it("gives the apps their locale, time zone and offline map settings", async () => {
    const res = await t.app.inject({ method: "GET", url: "/api/v1/config" });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      version: VERSION,
      defaultLocale: "zh-CN",
      locales: ["zh-CN", "en"],
      timezone: "Asia/Shanghai",
      map: { tileUrl: null, tileCoordinateSystem: "wgs84", tileAttribution: null, center: [108.37, 22.82], zoom: 6 },
    });
  });

  it("rejects an unsupported method with a problem, not an HTML page", async () => {
    const res = await t.app.inject({ method: "DELETE", url: "/api/v1/config" });
    expect(res.statusCode).toBe(404);
    expect(res.json().code).toBe("ROUTE_NOT_FOUND");
  });
});

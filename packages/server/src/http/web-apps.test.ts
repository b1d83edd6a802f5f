import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildTestApp, type TestApp } from "../test/build-test-app.ts";
import { appIndexFor } from "./web-apps.ts";

describe("appIndexFor", () => {
  it.each([
    ["/", "index.html"],
    ["/events/123", "index.html"],
    ["/screen", "screen/index.html"],
    ["/screen/county/450802", "screen/index.html"],
    ["/field/tasks", "field/index.html"],
    ["/h5", "h5/index.html"],
    ["/h5x", "index.html"],
    ["/fieldwork", "index.html"],
  ])("serves %s from %s", (url, file) => {
    expect(appIndexFor(url)).toBe(file);
  });
});

describe("serving the built web apps", () => {
  let t: TestApp;
  beforeAll(async () => {
    const dist = mkdtempSync(path.join(tmpdir(), "wangge-dist-"));
    for (const app of ["", "screen", "field", "h5"]) {
      mkdirSync(path.join(dist, app), { recursive: true });
      writeFileSync(path.join(dist, app, "index.html"), `<html><body>app:${app || "console"}</body></html>`);
    }
    mkdirSync(path.join(dist, "assets"));
    writeFileSync(path.join(dist, "assets", "main-abc123.js"), "console.log(1)");
    t = await buildTestApp({ WANGGE_WEB_DIST: dist });
  });
  afterAll(async () => {
    await t?.close();
  });

  it.each([
    ["/", "console"],
    ["/events/0193a6f0", "console"],
    ["/screen", "screen"],
    ["/screen/", "screen"],
    ["/field/tasks/42", "field"],
    ["/h5/my/reports", "h5"],
  ])("opens %s in the %s app and never caches the page", async (url, app) => {
    const res = await t.app.inject({ method: "GET", url, headers: { accept: "text/html" } });
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-type"]).toMatch(/^text\/html/);
    expect(res.headers["cache-control"]).toBe("no-cache");
    expect(res.body).toContain(`app:${app}`);
  });

  it("serves hashed assets with a long cache lifetime", async () => {
    const res = await t.app.inject({ method: "GET", url: "/assets/main-abc123.js" });
    expect(res.statusCode).toBe(200);
    expect(res.headers["cache-control"]).toContain("immutable");
  });

  it("answers a missing asset with a 404 problem, not the app page", async () => {
    const res = await t.app.inject({ method: "GET", url: "/assets/missing-000.js" });
    expect(res.statusCode).toBe(404);
    expect(res.json().code).toBe("ROUTE_NOT_FOUND");
  });

  it("answers unknown API paths with a problem even when the apps are built", async () => {
    const res = await t.app.inject({ method: "GET", url: "/api/v1/unknown", headers: { accept: "text/html" } });
    expect(res.statusCode).toBe(404);
    expect(res.json().code).toBe("ROUTE_NOT_FOUND");
  });
});

describe("when the web apps are not built", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp({ WANGGE_WEB_DIST: path.join(tmpdir(), "wangge-no-such-dist") });
  });
  afterAll(async () => {
    await t?.close();
  });

  it("says how to build them instead of answering with an empty page", async () => {
    const res = await t.app.inject({ method: "GET", url: "/field" });
    expect(res.statusCode).toBe(404);
    expect(res.json().detail).toContain("npm run build");
  });
});

import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { brotliCompressSync, brotliDecompressSync, gunzipSync, gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildTestApp, type TestApp } from "../test/build-test-app.ts";
import { acceptedEncoding, appIndexFor } from "./web-apps.ts";

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
      const html = `<html><body>app:${app || "console"}</body></html>`;
      writeFileSync(path.join(dist, app, "index.html"), html);
      writeFileSync(path.join(dist, app, "index.html.gz"), gzipSync(html));
      writeFileSync(path.join(dist, app, "index.html.br"), brotliCompressSync(html));
    }
    mkdirSync(path.join(dist, "assets"));
    writeFileSync(path.join(dist, "assets", "main-abc123.js"), "console.log(1)");
    // As the build writes them (packages/web/build/precompress.ts), marked so a test sees which was sent.
    writeFileSync(path.join(dist, "assets", "app-def456.js"), "console.log('plain')");
    writeFileSync(path.join(dist, "assets", "app-def456.js.gz"), gzipSync("console.log('gzip')"));
    writeFileSync(path.join(dist, "assets", "app-def456.js.br"), brotliCompressSync("console.log('brotli')"));
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

  it.each([
    ["br, gzip, deflate", "br", "brotli"],
    ["gzip, deflate, br;q=0", "gzip", "gzip"],
    ["gzip;q=0.5, br;q=1", "br", "brotli"],
    ["identity", undefined, "plain"],
    [undefined, undefined, "plain"],
  ])("sends a hashed asset precompressed for Accept-Encoding %s (%s)", async (accept, encoding, marker) => {
    const res = await t.app.inject({
      method: "GET",
      url: "/assets/app-def456.js",
      headers: accept ? { "accept-encoding": accept } : {},
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-encoding"]).toBe(encoding);
    expect(res.headers["content-type"]).toMatch(/javascript/);
    expect(res.headers.vary).toMatch(/accept-encoding/i);
    expect(res.headers["cache-control"]).toBe("public, max-age=31536000, immutable");
    const body =
      encoding === "br"
        ? brotliDecompressSync(res.rawPayload).toString()
        : encoding === "gzip"
          ? gunzipSync(res.rawPayload).toString()
          : res.body;
    expect(body).toBe(`console.log('${marker}')`);
  });

  it("sends a file built without compressed copies as it is", async () => {
    const res = await t.app.inject({
      method: "GET",
      url: "/assets/main-abc123.js",
      headers: { "accept-encoding": "br" },
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-encoding"]).toBeUndefined();
    expect(res.body).toBe("console.log(1)");
  });

  it("sends an app's page precompressed, never cached, varying by Accept-Encoding", async () => {
    const res = await t.app.inject({
      method: "GET",
      url: "/field/tasks/1",
      headers: { "accept-encoding": "gzip, br" },
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-encoding"]).toBe("br");
    expect(res.headers.vary).toMatch(/accept-encoding/i);
    expect(res.headers["cache-control"]).toBe("no-cache");
    expect(brotliDecompressSync(res.rawPayload).toString()).toContain("app:field");
    const gz = await t.app.inject({ method: "GET", url: "/h5", headers: { "accept-encoding": "gzip" } });
    expect(gz.headers["content-encoding"]).toBe("gzip");
    expect(gunzipSync(gz.rawPayload).toString()).toContain("app:h5");
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

describe("acceptedEncoding", () => {
  it.each([
    ["br", "br"],
    ["gzip, deflate, br, zstd", "br"],
    ["gzip", "gzip"],
    ["br;q=0, gzip", "gzip"],
    ["*", "br"],
    ["*;q=0", undefined],
    ["deflate", undefined],
    ["", undefined],
  ] as const)("picks %j → %s", (header, expected) => {
    expect(acceptedEncoding(header)).toBe(expected);
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

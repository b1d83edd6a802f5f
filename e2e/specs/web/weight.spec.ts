import { readFileSync } from "node:fs";
import { request } from "node:http";
import path from "node:path";
import { describe, expect, inject, it } from "vitest";
import { measureFirstLoad } from "../../support/first-load.ts";

/**
 * What a phone downloads before the first screen, measured on the built apps (gzip bytes of
 * JavaScript, e2e/support/first-load.ts), against the budgets of issues #18 (field app: under 200 KB)
 * and #19 (resident H5: under 150 KB); and how the real server sends those files: precompressed
 * (brotli, else gzip) with Content-Encoding, Vary and a year's cache for hashed assets.
 * Before #18: field 620,703 bytes (MapLibre, antd and zod in the first load), resident 348,965.
 */
const DIST = path.resolve(import.meta.dirname, "../../../packages/web/dist");
const BUDGETS = [
  { app: "field", html: "field/index.html", budgetBytes: 200_000 },
  { app: "resident", html: "h5/index.html", budgetBytes: 150_000 },
];

function get(url: string, headers: Record<string, string>) {
  return new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }>(
    (resolve, reject) => {
      request(url, { headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
        );
        res.on("error", reject);
      })
        .on("error", reject)
        .end();
    },
  );
}

describe("the phone apps' first load", () => {
  it.each(BUDGETS)("$app: its first-load JavaScript stays under $budgetBytes bytes gzip", ({ html, budgetBytes }) => {
    const load = measureFirstLoad(DIST, html);
    const report = load.files.map((f) => `${f.file} ${f.gzipBytes}`).join("\n");
    expect(load.gzipBytes, `first load of ${html}:\n${report}`).toBeLessThan(budgetBytes);
    // MapLibre (the largest chunk of the build) comes with the map only.
    expect(load.files.some((f) => /WgMap|maplibre/i.test(f.file))).toBe(false);
  });
});

describe("the server sends the built files precompressed", () => {
  const baseUrl = inject("baseUrl");
  const entry = (html: string) => {
    const src = readFileSync(path.join(DIST, html), "utf8").match(/<script[^>]*src="(\/assets\/[^"]+\.js)"/)?.[1];
    if (!src) throw new Error(`no entry script in ${html}`);
    return src;
  };

  it.each([
    ["field/index.html", "br, gzip", "br"],
    ["h5/index.html", "gzip, deflate", "gzip"],
    ["index.html", "br", "br"],
    ["screen/index.html", "gzip", "gzip"],
  ])("the entry script of %s, Accept-Encoding %s → %s, cached a year", async (html, accept, encoding) => {
    const src = entry(html);
    const res = await get(`${baseUrl}${src}`, { "accept-encoding": accept });
    expect(res.status).toBe(200);
    expect(res.headers["content-encoding"]).toBe(encoding);
    expect(String(res.headers.vary)).toMatch(/accept-encoding/i);
    expect(res.headers["cache-control"]).toBe("public, max-age=31536000, immutable");
    expect(res.headers["content-type"]).toMatch(/javascript/);
    // The bytes of the file the build compressed, not compressed again per request.
    const file = path.join(DIST, `${src}.${encoding === "br" ? "br" : "gz"}`);
    expect(res.body.equals(readFileSync(file))).toBe(true);
  });

  it("sends a file as it is to a client that takes no compression", async () => {
    const src = entry("field/index.html");
    const res = await get(`${baseUrl}${src}`, { "accept-encoding": "identity" });
    expect(res.headers["content-encoding"]).toBeUndefined();
    expect(res.body.equals(readFileSync(path.join(DIST, src)))).toBe(true);
  });

  it("sends each app's page compressed and never cached", async () => {
    for (const url of ["/field/", "/field/tasks/1", "/h5", "/screen", "/"]) {
      const res = await get(`${baseUrl}${url}`, { "accept-encoding": "br" });
      expect(res.status, url).toBe(200);
      expect(res.headers["content-encoding"], url).toBe("br");
      expect(res.headers["cache-control"], url).toBe("no-cache");
      expect(String(res.headers.vary), url).toMatch(/accept-encoding/i);
    }
  });

  it("serves the field app's service worker and manifest, never cached", async () => {
    const sw = await get(`${baseUrl}/field/sw.js`, {});
    expect(sw.status).toBe(200);
    expect(sw.headers["cache-control"]).toBe("no-cache");
    expect(sw.headers["content-type"]).toMatch(/javascript/);
    expect(sw.headers["service-worker-allowed"]).toBe("/field");
    expect(sw.body.toString()).toContain(entry("field/index.html"));
    const manifest = await get(`${baseUrl}/field/manifest.webmanifest`, {});
    expect(manifest.status).toBe(200);
    expect(JSON.parse(manifest.body.toString())).toMatchObject({ start_url: "/field/", scope: "/field/" });
  });
});

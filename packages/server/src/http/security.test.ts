import { Writable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../app.ts";
import { createLogger } from "../logger.ts";
import { buildTestApp, type TestApp } from "../test/build-test-app.ts";
import { buildUser, type TestUser } from "../test/factories.ts";

/**
 * Transport security behind a proxy and the API documentation's policy (#16, red-team 6): the session
 * cookie's Secure flag follows the request's protocol, which behind a TLS proxy the server learns
 * only when it trusts the proxy; Swagger UI had a looser policy than the apps.
 */
let t: TestApp;
let user: TestUser;
beforeAll(async () => {
  t = await buildTestApp();
  user = await buildUser(t.ctx, { role: "grid_worker" });
});
afterAll(async () => {
  await t?.close();
});

/** An app over the test database with its own configuration and a captured log. */
async function appWith(env: Record<string, string>) {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      lines.push(...String(chunk).trim().split("\n"));
      done();
    },
  });
  const { loadConfig } = await import("../config.ts");
  const app = await buildApp({
    config: loadConfig({
      WANGGE_DATA_DIR: t.config.dataDir,
      WANGGE_WEB_DIST: "/nonexistent-web-dist",
      WANGGE_LOGIN_RATE_LIMIT_PER_MINUTE: "100000",
      ...(t.database.kind === "postgres" ? { DATABASE_URL: t.database.location } : {}),
      ...env,
    }),
    database: t.database,
    crypto: t.ctx.crypto,
    logger: createLogger("info", sink),
  });
  return { app, lines };
}

const signInBehindProxy = (app: Awaited<ReturnType<typeof buildApp>>) =>
  app.inject({
    method: "POST",
    url: "/api/v1/auth/login",
    headers: { "x-forwarded-proto": "https", "x-forwarded-for": "203.0.113.7" },
    payload: { username: user.username, password: user.password },
  });

describe("the session cookie behind a proxy that ends TLS", () => {
  it("is Secure when the proxy is trusted (WANGGE_TRUST_PROXY)", async () => {
    const { app, lines } = await appWith({ WANGGE_TRUST_PROXY: "127.0.0.1" });
    try {
      const res = await signInBehindProxy(app);
      expect(res.statusCode).toBe(200);
      expect(res.cookies.find((c) => c.name === "wangge_session")).toMatchObject({ secure: true, httpOnly: true });
      expect(lines.filter((l) => l.includes("WANGGE_TRUST_PROXY is not set"))).toEqual([]);
    } finally {
      await app.close();
    }
  });

  it("goes without Secure when the proxy is not trusted, and the log says so once", async () => {
    const { app, lines } = await appWith({});
    try {
      for (let i = 0; i < 3; i++) {
        const res = await signInBehindProxy(app);
        expect(res.cookies.find((c) => c.name === "wangge_session")?.secure).toBeFalsy();
      }
      const warnings = lines.map((l) => JSON.parse(l)).filter((l) => /WANGGE_TRUST_PROXY is not set/.test(l.msg));
      expect(warnings).toHaveLength(1);
      expect(warnings[0].level).toBe(40);
    } finally {
      await app.close();
    }
  });
});

describe("the API documentation (/api/docs)", () => {
  it("is served under a policy as strict as the apps': never framed, nothing from other origins", async () => {
    for (const url of ["/api/docs/", "/api/docs/static/swagger-initializer.js", "/api/docs/json"]) {
      const res = await t.app.inject({ method: "GET", url });
      expect(res.statusCode, url).toBe(200);
      const csp = String(res.headers["content-security-policy"]);
      const directives = Object.fromEntries(
        csp.split(";").map((d) => {
          const [name, ...values] = d.trim().split(/\s+/);
          return [name, values];
        }),
      );
      expect(directives["frame-ancestors"], url).toEqual(["'none'"]);
      expect(directives["img-src"], url).toEqual(["'self'", "data:"]);
      expect(directives["object-src"], url).toEqual(["'none'"]);
      expect(csp, url).not.toMatch(/swagger\.io|https:|upgrade-insecure-requests/);
      expect(res.headers["x-frame-options"], url).toBe("SAMEORIGIN");
    }
  });

  it("turns the validator badge off", async () => {
    const res = await t.app.inject({ method: "GET", url: "/api/docs/static/swagger-initializer.js" });
    expect(res.body).toMatch(/"validatorUrl":null/);
  });
});

describe("the apps' policy with tile servers (WANGGE_TILE_URL, docs/maps.md)", () => {
  const directivesOf = (csp: string) =>
    Object.fromEntries(
      csp.split(";").map((d) => {
        const [name, ...values] = d.trim().split(/\s+/);
        return [name, values];
      }),
    );

  it("lets the maps load tiles from every configured layer's server, and from no other", async () => {
    const { app } = await appWith({
      WANGGE_TILE_URL:
        "https://t0.tianditu.gov.cn/vec_w/wmts?TILEMATRIX={z}&TILEROW={y}&TILECOL={x}&tk=k1 https://t0.tianditu.gov.cn/cva_w/wmts?TILEMATRIX={z}&TILEROW={y}&TILECOL={x}&tk=k1 http://10.12.0.5:8080/labels/{z}/{x}/{y}.png",
    });
    try {
      const res = await app.inject({ method: "GET", url: "/api/v1/health" });
      const directives = directivesOf(String(res.headers["content-security-policy"]));
      expect(directives["connect-src"]).toEqual(["'self'", "https://t0.tianditu.gov.cn", "http://10.12.0.5:8080"]);
      expect(directives["img-src"]).toEqual([
        "'self'",
        "data:",
        "blob:",
        "https://t0.tianditu.gov.cn",
        "http://10.12.0.5:8080",
      ]);
    } finally {
      await app.close();
    }
  });

  it("allows nothing but this server when no tile server is configured (the offline base map)", async () => {
    const res = await t.app.inject({ method: "GET", url: "/api/v1/health" });
    const directives = directivesOf(String(res.headers["content-security-policy"]));
    expect(directives["connect-src"]).toEqual(["'self'"]);
    expect(directives["img-src"]).toEqual(["'self'", "data:", "blob:"]);
  });
});

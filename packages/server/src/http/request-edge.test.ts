import { connect } from "node:net";
import Fastify from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { uuidv7 } from "../ids.ts";
import { createOpen311Key } from "../modules/events/open311-keys.service.ts";
import { buildTestApp, type TestApp } from "../test/build-test-app.ts";
import { type AreaTree, buildAreaTree, buildUser, type Session, signIn } from "../test/factories.ts";
import { registerAuthentication } from "./authenticate.ts";
import { registerErrorHandler } from "./error-handler.ts";
import { MAX_URL_BYTES, nonCanonicalPath } from "./request-edge.ts";

let t: TestApp;
let admin: Session;
/** A township official: reads and registers people in the township of `tree`. */
let official: Session;
let tree: AreaTree;
let port: number;
beforeAll(async () => {
  t = await buildTestApp();
  admin = await signIn(t, await buildUser(t.ctx, { role: "admin" }));
  tree = await buildAreaTree(t.ctx);
  official = await signIn(t, await buildUser(t.ctx, { role: "township_official", areaCode: tree.township.code }));
  await t.app.listen({ port: 0, host: "127.0.0.1" });
  port = (t.app.server.address() as { port: number }).port;
});
afterAll(async () => {
  await t?.close();
});

/** A concrete path for a route pattern (`:id` → a fresh uuid, `*` → a file name). */
function concrete(url: string): string {
  const samples: Record<string, string> = { file: "requests.json", year: "2026", deviceKey: "cam-1", code: "450802" };
  return url.replace(/:(\w+)/g, (_m, name: string) => samples[name] ?? uuidv7()).replace(/\*$/, "index.html");
}

/** The same path with its first character percent-encoded: `/api/v1/roles` → `/%61pi/v1/roles`. */
function escaped(path: string): string {
  return `/%${path.charCodeAt(1).toString(16)}${path.slice(2)}`;
}

describe("authentication per route", () => {
  it("lists every route in the catalogue, health, Open311 and the API reference included", () => {
    const keys = t.app.routeRequirements.map((r) => `${r.method} ${r.url}`);
    expect(keys).toEqual(
      expect.arrayContaining([
        "GET /api/health",
        "GET /api/openapi.json",
        "GET /api/docs",
        "GET /open311/v2/:file",
        "POST /open311/v2/:file",
        "GET /api/v1/roles",
        "POST /api/v1/auth/login",
      ]),
    );
    const publicOnes = t.app.routeRequirements.filter((r) => r.public).map((r) => `${r.method} ${r.url}`);
    expect(publicOnes).toContain("GET /api/health");
    expect(publicOnes).not.toContain("GET /api/v1/roles");
    expect(t.app.routeRequirements.find((r) => r.url === "/api/v1/auth/tokens" && r.method === "POST")).toMatchObject({
      sessionOnly: true,
    });
  });

  it("answers no route with 2xx when its path is spelled with an escape, signed in or not", async () => {
    const answered: { route: string; anonymous: number; signedIn: number }[] = [];
    for (const route of t.app.routeRequirements) {
      const path = concrete(route.url);
      if (path.length < 2) continue;
      const request = {
        method: route.method as "GET",
        url: escaped(path),
        payload: route.method === "GET" ? undefined : {},
      };
      const anonymous = await t.app.inject(request);
      const signedIn = await t.app.inject({ ...request, headers: admin.headers });
      answered.push({
        route: `${route.method} ${route.url}`,
        anonymous: anonymous.statusCode,
        signedIn: signedIn.statusCode,
      });
    }
    expect(answered.length).toBeGreaterThan(100);
    expect(answered.filter((a) => a.anonymous < 300 || a.signedIn < 300)).toEqual([]);
    // Refused for the spelling itself, before anything else.
    expect(new Set(answered.flatMap((a) => [a.anonymous, a.signedIn]))).toEqual(new Set([400]));
  });

  it.each([
    ["/%61pi/v1/roles", "escapes"],
    ["/api/v1/%72oles", "escapes"],
    ["/api/v1%2Froles", "escapes"],
    ["/api/v1/roles%2fx", "escapes"],
    ["/api//v1/roles", "empty segment"],
  ])("refuses %s with 400 REQUEST_PATH_NOT_CANONICAL (%s)", async (url, why) => {
    const res = await t.app.inject({ method: "GET", url, headers: admin.headers });
    expect(res.statusCode).toBe(400);
    expect(res.headers["content-type"]).toMatch(/^application\/problem\+json/);
    expect(res.json()).toMatchObject({ code: "REQUEST_PATH_NOT_CANONICAL" });
    expect(nonCanonicalPath(url)).toContain(why);
  });

  it.each([
    ["/api/v1/./roles", "dot segment"],
    ["/api/v1/x/../roles", "dot segment"],
    ["/api/v1/%2E%2E/v1/roles", "escapes"],
  ])("refuses %s on a listening server (a client library would resolve it first) (%s)", async (url, why) => {
    const answer = await rawExchange(
      `GET ${url} HTTP/1.1\r\nHost: x\r\nCookie: ${admin.cookie}\r\nConnection: close\r\n\r\n`,
    );
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.body)).toMatchObject({ code: "REQUEST_PATH_NOT_CANONICAL" });
    expect(nonCanonicalPath(url)).toContain(why);
  });

  it("lets escapes that are part of the text through (Chinese in a page path, a space in a query)", async () => {
    expect(nonCanonicalPath("/h5/%E4%B8%AD%E6%96%87")).toBeUndefined();
    expect(nonCanonicalPath("/api/v1/people?q=%E5%BC%A0%20%2F")).toBeUndefined();
    const res = await t.app.inject({ method: "GET", url: "/api/v1/people?q=%E5%BC%A0", headers: official.headers });
    expect(res.statusCode).toBe(200);
  });

  it("keeps a route closed unless its config says public, whatever its path and spelling", async () => {
    const app = Fastify();
    registerErrorHandler(app);
    registerAuthentication(app, t.ctx);
    app.get("/elsewhere/secret", async () => ({ secret: true }));
    app.get("/elsewhere/open", { config: { public: true } }, async () => ({ open: true }));
    await app.ready();
    try {
      for (const url of ["/elsewhere/secret", "/%65lsewhere/secret"]) {
        const res = await app.inject({ method: "GET", url });
        expect({ url, status: res.statusCode, code: res.json().code }).toEqual({
          url,
          status: 401,
          code: "AUTH_REQUIRED",
        });
      }
      expect((await app.inject({ method: "GET", url: "/elsewhere/open" })).statusCode).toBe(200);
      expect(app.routeRequirements.map((r) => [r.url, r.public])).toEqual([
        ["/elsewhere/secret", false],
        ["/elsewhere/open", true],
      ]);
    } finally {
      await app.close();
    }
  });
});

describe("NUL characters", () => {
  const expectNulRefused = (
    res: { statusCode: number; headers: Record<string, unknown>; json(): any },
    path: string,
  ) => {
    expect(res.statusCode).toBe(400);
    expect(res.headers["content-type"]).toMatch(/^application\/problem\+json/);
    expect(res.json()).toMatchObject({ code: "VALIDATION_FAILED", errors: [{ path }] });
  };

  it("are refused in a login username before any sign-in is counted", async () => {
    const res = await t.app.inject({
      method: "POST",
      url: "/api/v1/auth/login",
      payload: { username: "admin\u0000x", password: "whatever it is" },
    });
    expectNulRefused(res, "body.username");
    const counted = await t.ctx.db
      .selectFrom("login_attempt")
      .select("id")
      .where("username", "like", "admin%x")
      .execute();
    expect(counted).toEqual([]);
  });

  it("are refused in a JSON body at any depth and in a property name, naming each field", async () => {
    const id = uuidv7();
    const res = await t.app.inject({
      method: "POST",
      url: "/api/v1/people",
      headers: official.headers,
      payload: { id, name: "张\u0000三", gridCode: tree.grid.code },
    });
    expectNulRefused(res, "body.name");
    expect(await t.ctx.db.selectFrom("person").select("id").where("id", "=", id).execute()).toEqual([]);
    const key = await t.app.inject({
      method: "POST",
      url: "/api/v1/people",
      headers: official.headers,
      payload: { id, name: "张三", extra: { "a\u0000b": 1 } },
    });
    expectNulRefused(key, "body.extra.a\\u0000b");
  });

  it("are refused in a search query and in a path parameter", async () => {
    expectNulRefused(
      await t.app.inject({ method: "GET", url: "/api/v1/people?q=%E5%BC%A0%00", headers: official.headers }),
      "query.q",
    );
    expectNulRefused(
      await t.app.inject({ method: "GET", url: "/api/v1/users/%00", headers: admin.headers }),
      "params.id",
    );
  });

  it("are refused in a crash report, which is not stored", async () => {
    const id = crypto.randomUUID();
    const res = await t.app.inject({
      method: "POST",
      url: "/api/v1/client-errors",
      payload: { id, app: "field", message: "boom\u0000", url: "/field", occurredAt: new Date().toISOString() },
    });
    expectNulRefused(res, "body.message");
    expect(await t.ctx.db.selectFrom("client_error_report").select("id").where("id", "=", id).execute()).toEqual([]);
  });

  it("are refused in Open311 form and multipart fields", async () => {
    const { key } = await createOpen311Key(
      t.ctx,
      { userId: null, username: "test" },
      { requestId: "t", ip: null, userAgent: null },
      `nul-${uuidv7().slice(-6)}`,
    );
    const form = await t.app.inject({
      method: "POST",
      url: "/open311/v2/requests.json",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      payload: `api_key=${encodeURIComponent(key)}&service_code=x&description=a%00b`,
    });
    expectNulRefused(form, "body.description");
    const boundary = "----wangge-nul";
    const multipart = [
      `--${boundary}\r\nContent-Disposition: form-data; name="api_key"\r\n\r\n${key}\r\n`,
      `--${boundary}\r\nContent-Disposition: form-data; name="description"\r\n\r\nbroken\u0000lamp\r\n`,
      `--${boundary}--\r\n`,
    ].join("");
    const res = await t.app.inject({
      method: "POST",
      url: "/open311/v2/requests.json",
      headers: { "content-type": `multipart/form-data; boundary=${boundary}` },
      payload: multipart,
    });
    expectNulRefused(res, "body.description");
  });
});

describe("lone surrogates", () => {
  /** A raw JSON body: JSON.stringify would escape the surrogate the same way, but spell it out. */
  const post = (url: string, body: string, headers: Record<string, string> = {}) =>
    t.app.inject({ method: "POST", url, headers: { ...headers, "content-type": "application/json" }, payload: body });
  const expectRefused = (res: { statusCode: number; json(): any }, path: string) => {
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: "VALIDATION_FAILED", errors: [{ path }] });
    expect(res.json().errors[0].message).toMatch(/lone surrogate/);
  };

  it("are refused in a login username, before any sign-in is counted or audited", async () => {
    const res = await post("/api/v1/auth/login", '{"username":"x\\ud800y","password":"x"}');
    expectRefused(res, "body.username");
    const audited = await t.ctx.db
      .selectFrom("audit_log")
      .select("seq")
      .where("actor_username", "like", "x%y")
      .execute();
    expect(audited).toEqual([]);
  });

  it("are refused in an API token's name (a jsonb detail of its audit record: a 500 before)", async () => {
    const res = await post(
      "/api/v1/auth/tokens",
      `{"id":"${crypto.randomUUID()}","name":"script \\udc00","expiresInDays":30}`,
      admin.headers,
    );
    expectRefused(res, "body.name");
  });

  it("are refused in an event's attributes, names and values alike, naming the name with an escape", async () => {
    const body = (attributes: string) =>
      `{"id":"${uuidv7()}","categoryKey":"hazard.safety","description":"a broken lamp","gridCode":"${tree.grid.code}","attributes":${attributes}}`;
    expectRefused(
      await post("/api/v1/events", body('{"level":"high\\ud83d"}'), official.headers),
      "body.attributes.level",
    );
    expectRefused(
      await post("/api/v1/events", body('{"le\\udfffvel":"high"}'), official.headers),
      "body.attributes.le\\udfffvel",
    );
  });

  it("are told apart from a well-formed pair, which passes the edge", async () => {
    const res = await post("/api/v1/auth/login", '{"username":"x\\ud83d\\ude00y","password":"wrong wrong"}');
    expect(res.statusCode).toBe(401);
  });
});

/** One raw HTTP/1.1 exchange on a real socket: status, content type and body of the answer. */
function rawExchange(head: string): Promise<{ status: number; contentType: string; body: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1");
    let data = "";
    socket.on("data", (d) => {
      data += d;
    });
    socket.on("error", reject);
    socket.on("close", () => {
      const [headText = "", body = ""] = data.split("\r\n\r\n");
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(headText)?.[1] ?? 0);
      const contentType = /\r\ncontent-type: ([^\r\n]+)/i.exec(headText)?.[1] ?? "";
      resolve({ status, contentType, body });
    });
    socket.write(head);
  });
}

describe("oversized requests on a listening server", () => {
  const expectProblem = (
    answer: { status: number; contentType: string; body: string },
    status: number,
    code: string,
  ) => {
    expect(answer.status).toBe(status);
    expect(answer.contentType).toMatch(/^application\/problem\+json/);
    expect(JSON.parse(answer.body)).toMatchObject({ status, code });
  };

  it("answers a URL over the limit with 414 problem+json, below and above Node's header limit", async () => {
    const long = "x".repeat(MAX_URL_BYTES + 10);
    expectProblem(
      await rawExchange(`GET /api/v1/config?q=${long} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`),
      414,
      "REQUEST_URI_TOO_LONG",
    );
    const huge = "x".repeat(40_000);
    expectProblem(
      await rawExchange(`GET /api/v1/config?q=${huge} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`),
      414,
      "REQUEST_URI_TOO_LONG",
    );
  });

  it("answers headers over the limit with 431 problem+json", async () => {
    const cookie = "c".repeat(40_000);
    expectProblem(
      await rawExchange(`GET /api/v1/config HTTP/1.1\r\nHost: x\r\nCookie: a=${cookie}\r\nConnection: close\r\n\r\n`),
      431,
      "REQUEST_HEADERS_TOO_LARGE",
    );
  });

  it("answers a path segment over the router's limit with 414, and an undecodable escape with 400, as problem+json", async () => {
    expectProblem(
      await rawExchange(`GET /api/v1/users/${"y".repeat(150)} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`),
      414,
      "REQUEST_URI_TOO_LONG",
    );
    expectProblem(
      await rawExchange("GET /api/v1/users/%zz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"),
      400,
      "REQUEST_PATH_NOT_CANONICAL",
    );
  });

  it("keeps serving after them", async () => {
    const answer = await rawExchange("GET /api/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    expect(answer.status).toBe(200);
  });
});

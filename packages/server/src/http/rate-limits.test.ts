import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildTestApp, type TestApp } from "../test/build-test-app.ts";
import { buildUser, signIn } from "../test/factories.ts";

/**
 * Rate limits decided per route and keyed on a verified principal or the address (issue #16 items 1
 * and 4). Each test sends from an address of its own, so they share one app without sharing a count.
 */
let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp({
    WANGGE_RATE_LIMIT_PER_MINUTE: "5",
    WANGGE_LOGIN_RATE_LIMIT_PER_MINUTE: "3",
    WANGGE_OPEN311_POSTS_PER_MINUTE: "3",
  });
});
afterAll(async () => {
  await t?.close();
});

const statuses = (answers: { statusCode: number }[]) => answers.map((a) => a.statusCode);

describe("the sign-in limit", () => {
  it("holds whatever the path's spelling: an escaped login checks no password and the limit still bites", async () => {
    const remoteAddress = "10.0.1.1";
    const attempt = (url: string) =>
      t.app.inject({
        method: "POST",
        url,
        remoteAddress,
        payload: { username: "spelling-test", password: "a wrong password" },
      });
    const answers = [];
    for (const url of ["/api/v1/auth/login", "/%61pi/v1/auth/login", "/api/v1/auth/%6Cogin", "/api/v1/auth/login"])
      answers.push(await attempt(url));
    for (let i = 0; i < 3; i++) answers.push(await attempt("/%61pi/v1/auth/login"));
    answers.push(await attempt("/api/v1/auth/login"));
    answers.push(await attempt("/api/v1/auth/login"));
    expect(statuses(answers)).toEqual([401, 400, 400, 401, 400, 400, 400, 401, 429]);
    const checked = await t.ctx.db
      .selectFrom("login_attempt")
      .select("id")
      .where("username", "=", "spelling-test")
      .execute();
    expect(checked).toHaveLength(3);
  });

  it("holds for TOTP codes at an escaped path", async () => {
    const remoteAddress = "10.0.1.2";
    const answers = [];
    for (const url of ["/%61pi/v1/auth/login/totp", "/api/v1/auth/login/%74otp"])
      answers.push(await t.app.inject({ method: "POST", url, remoteAddress, payload: { code: "123456" } }));
    for (let i = 0; i < 4; i++)
      answers.push(
        await t.app.inject({
          method: "POST",
          url: "/api/v1/auth/login/totp",
          remoteAddress,
          payload: { code: "123456" },
        }),
      );
    expect(statuses(answers)).toEqual([400, 400, 401, 401, 401, 429]);
  });
});

describe("the general limit", () => {
  it("counts made-up cookies against their address", async () => {
    const remoteAddress = "10.0.2.1";
    const answers = [];
    for (let i = 0; i < 7; i++) {
      answers.push(
        await t.app.inject({
          method: "GET",
          url: "/api/v1/auth/me",
          remoteAddress,
          headers: { cookie: `wangge_session=${crypto.randomUUID()}` },
        }),
      );
    }
    expect(statuses(answers)).toEqual([401, 401, 401, 401, 401, 429, 429]);
  });

  it("counts made-up bearer tokens against their address", async () => {
    const remoteAddress = "10.0.2.2";
    const answers = [];
    for (let i = 0; i < 6; i++) {
      answers.push(
        await t.app.inject({
          method: "GET",
          url: "/api/v1/roles",
          remoteAddress,
          headers: { authorization: `Bearer wgt_${crypto.randomUUID()}` },
        }),
      );
    }
    expect(statuses(answers)).toEqual([401, 401, 401, 401, 401, 429]);
  });

  it("counts each signed-in user on their own, even behind one address", async () => {
    const remoteAddress = "10.0.2.3";
    const [a, b] = await Promise.all([
      buildUser(t.ctx, { role: "auditor" }).then((u) => signIn(t, u)),
      buildUser(t.ctx, { role: "auditor" }).then((u) => signIn(t, u)),
    ]);
    const me = (headers: Record<string, string>) =>
      t.app.inject({ method: "GET", url: "/api/v1/auth/me", remoteAddress, headers });
    const first = [];
    for (let i = 0; i < 6; i++) first.push(await me(a?.headers ?? {}));
    expect(statuses(first)).toEqual([200, 200, 200, 200, 200, 429]);
    expect((await me(b?.headers ?? {})).statusCode).toBe(200);
  });

  it("never limits the health check", async () => {
    const remoteAddress = "10.0.2.4";
    const answers = [];
    for (let i = 0; i < 12; i++) answers.push(await t.app.inject({ method: "GET", url: "/api/health", remoteAddress }));
    expect(new Set(statuses(answers))).toEqual(new Set([200]));
  });
});

describe("Open311", () => {
  it("limits service request POSTs per address, bad api_key or not", async () => {
    const remoteAddress = "10.0.3.1";
    const answers = [];
    for (let i = 0; i < 5; i++) {
      answers.push(
        await t.app.inject({
          method: "POST",
          url: "/open311/v2/requests.json",
          remoteAddress,
          headers: { "content-type": "application/x-www-form-urlencoded" },
          payload: "api_key=o311_guess&service_code=x&description=y",
        }),
      );
    }
    expect(statuses(answers)).toEqual([403, 403, 403, 429, 429]);
  });

  it("limits the documents too, under the general limit", async () => {
    const remoteAddress = "10.0.3.2";
    const answers = [];
    for (let i = 0; i < 6; i++)
      answers.push(await t.app.inject({ method: "GET", url: "/open311/v2/services.json", remoteAddress }));
    expect(statuses(answers)).toEqual([200, 200, 200, 200, 200, 429]);
  });
});

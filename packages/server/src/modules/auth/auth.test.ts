import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildTestApp, type TestApp } from "../../test/build-test-app.ts";
import { buildAreaTree, buildUser, type Session, signIn, TEST_PASSWORD } from "../../test/factories.ts";
import { totpAt } from "./totp.ts";

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(async () => {
  await t?.close();
});

const login = (username: string, password: string) =>
  t.app.inject({ method: "POST", url: "/api/v1/auth/login", payload: { username, password } });

const auditRows = (action: string, username: string) =>
  t.ctx.db
    .selectFrom("audit_log")
    .selectAll()
    .where("action", "=", action)
    .where("actor_username", "=", username)
    .orderBy("seq")
    .execute();

describe("POST /api/v1/auth/login", () => {
  it("sets an HttpOnly SameSite=Lax session cookie and answers with roles, assignments and permissions", async () => {
    const tree = await buildAreaTree(t.ctx);
    const user = await buildUser(t.ctx, { role: "grid_worker", areaCode: tree.grid.code });
    const res = await login(user.username, user.password);
    expect(res.statusCode).toBe(200);
    const cookie = res.cookies.find((c) => c.name === "wangge_session");
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: "Lax", path: "/" });
    expect(cookie?.secure).toBeFalsy();
    const body = res.json();
    expect(body.step).toBe("done");
    expect(body.me.roles).toEqual(["grid_worker"]);
    expect(body.me.assignments[0]).toMatchObject({
      roleKey: "grid_worker",
      areaCode: tree.grid.code,
      workScope: "subtree",
    });
    expect(body.me.permissions).toContain("event.handle");
    expect(body.me.permissions).not.toContain("user.manage");
    expect(body.me.csrfToken).toMatch(/^[0-9a-f]{64}$/);
    expect((await auditRows("auth.login", user.username)).at(-1)).toMatchObject({ outcome: "success" });
  });

  it("marks the cookie Secure behind HTTPS", async () => {
    const user = await buildUser(t.ctx, { role: "auditor" });
    const res = await t.app.inject({
      method: "POST",
      url: "/api/v1/auth/login",
      headers: { "x-forwarded-proto": "https" },
      payload: { username: user.username, password: user.password },
      remoteAddress: "127.0.0.1",
    });
    // Only believed from a trusted proxy: without WANGGE_TRUST_PROXY the connection itself counts.
    expect(res.cookies.find((c) => c.name === "wangge_session")?.secure).toBeFalsy();
    const trusted = await buildTestApp({ WANGGE_TRUST_PROXY: "true" });
    try {
      const u = await buildUser(trusted.ctx, { role: "auditor" });
      const r = await trusted.app.inject({
        method: "POST",
        url: "/api/v1/auth/login",
        headers: { "x-forwarded-proto": "https" },
        payload: { username: u.username, password: u.password },
      });
      expect(r.cookies.find((c) => c.name === "wangge_session")?.secure).toBe(true);
    } finally {
      await trusted.close();
    }
  });

  it("gives the same answer for an unknown user and a wrong password", async () => {
    const user = await buildUser(t.ctx, { role: "auditor" });
    const wrong = await login(user.username, "not the password at all");
    const unknown = await login(`nobody-${user.username}`, "not the password at all");
    expect(wrong.statusCode).toBe(401);
    expect(unknown.statusCode).toBe(401);
    const strip = (b: Record<string, unknown>) => ({ ...b, requestId: undefined });
    expect(strip(unknown.json())).toEqual(strip(wrong.json()));
    expect(wrong.json().code).toBe("AUTH_INVALID_CREDENTIALS");
  });

  it("lists every invalid field", async () => {
    const res = await t.app.inject({ method: "POST", url: "/api/v1/auth/login", payload: { username: "", extra: 1 } });
    expect(res.statusCode).toBe(400);
    expect(
      res
        .json()
        .errors.map((e: { path: string }) => e.path)
        .sort(),
    ).toEqual(["body", "body.password", "body.username"]);
  });

  it("refuses the 6th attempt within 15 minutes even with the right password, audits the lockout, and lets it pass 15 minutes later", async () => {
    const user = await buildUser(t.ctx, { role: "auditor" });
    for (let i = 0; i < 5; i++) expect((await login(user.username, `wrong password ${i}`)).statusCode).toBe(401);
    const sixth = await login(user.username, user.password);
    expect(sixth.statusCode).toBe(423);
    expect(sixth.json().code).toBe("AUTH_ACCOUNT_LOCKED");
    const lockout = await auditRows("auth.lockout", user.username);
    expect(lockout).toHaveLength(1);
    expect(lockout[0]?.reason).toBe("5 failed sign-ins within 15 minutes");
    const refused = (await auditRows("auth.login", user.username)).filter((r) => r.outcome === "denied");
    expect(refused).toHaveLength(1);
    expect(refused[0]?.reason).toBe("AUTH_ACCOUNT_LOCKED");

    t.clock.advanceMinutes(16);
    expect((await login(user.username, user.password)).statusCode).toBe(200);
    t.clock.advanceMinutes(-16);
  });

  it("locks unknown usernames the same way, so a lockout does not reveal that an account exists", async () => {
    const name = `ghost-${Date.now()}`;
    for (let i = 0; i < 5; i++) await login(name, `wrong password ${i}`);
    expect((await login(name, "anything at all")).json().code).toBe("AUTH_ACCOUNT_LOCKED");
  });

  it("tells a disabled user only after a correct password", async () => {
    const user = await buildUser(t.ctx, { role: "auditor" });
    await t.ctx.db.updateTable("app_user").set({ status: "disabled" }).where("id", "=", user.id).execute();
    expect((await login(user.username, "wrong password here")).json().code).toBe("AUTH_INVALID_CREDENTIALS");
    expect((await login(user.username, user.password)).json().code).toBe("AUTH_ACCOUNT_DISABLED");
  });
});

describe("sessions", () => {
  it("end after 30 idle minutes", async () => {
    const user = await buildUser(t.ctx, { role: "auditor" });
    const s = await signIn(t, user);
    expect((await t.app.inject({ method: "GET", url: "/api/v1/auth/me", headers: s.headers })).statusCode).toBe(200);
    t.clock.advanceMinutes(31);
    const res = await t.app.inject({ method: "GET", url: "/api/v1/auth/me", headers: s.headers });
    t.clock.advanceMinutes(-31);
    expect(res.statusCode).toBe(401);
    expect(res.json().code).toBe("AUTH_REQUIRED");
  });

  it("end at sign-out", async () => {
    const user = await buildUser(t.ctx, { role: "auditor" });
    const s = await signIn(t, user);
    const out = await t.app.inject({ method: "POST", url: "/api/v1/auth/logout", headers: s.headers });
    expect(out.statusCode).toBe(204);
    expect((await t.app.inject({ method: "GET", url: "/api/v1/auth/me", headers: s.headers })).statusCode).toBe(401);
  });

  it("survive a restart: another app on the same database accepts the cookie", async () => {
    const user = await buildUser(t.ctx, { role: "auditor" });
    const s = await signIn(t, user);
    const { buildApp } = await import("../../app.ts");
    const other = await buildApp({ config: t.config, database: t.database, crypto: t.ctx.crypto });
    try {
      expect(
        (await other.inject({ method: "GET", url: "/api/v1/auth/me", headers: s.headers })).json().user.username,
      ).toBe(user.username);
    } finally {
      await other.close();
    }
  });

  it("refuse a cookie-authenticated write without the CSRF token", async () => {
    const user = await buildUser(t.ctx, { role: "auditor" });
    const s = await signIn(t, user);
    const payload = { id: crypto.randomUUID(), name: "script" };
    const without = await t.app.inject({
      method: "POST",
      url: "/api/v1/auth/tokens",
      headers: { cookie: s.cookie },
      payload,
    });
    expect(without.statusCode).toBe(403);
    expect(without.json().code).toBe("AUTH_CSRF_FAILED");
    const wrong = await t.app.inject({
      method: "POST",
      url: "/api/v1/auth/tokens",
      headers: { cookie: s.cookie, "x-csrf-token": "0".repeat(64) },
      payload,
    });
    expect(wrong.json().code).toBe("AUTH_CSRF_FAILED");
    const right = await t.app.inject({ method: "POST", url: "/api/v1/auth/tokens", headers: s.headers, payload });
    expect(right.statusCode).toBe(201);
  });
});

describe("API tokens", () => {
  let s: Session;
  let userId: string;
  beforeAll(async () => {
    const user = await buildUser(t.ctx, { role: "auditor" });
    userId = user.id;
    s = await signIn(t, user);
  });

  it("are shown once, stored only as a hash, work as Bearer, and stop working when revoked", async () => {
    const id = crypto.randomUUID();
    const created = await t.app.inject({
      method: "POST",
      url: "/api/v1/auth/tokens",
      headers: s.headers,
      payload: { id, name: "nightly export", expiresInDays: 30 },
    });
    expect(created.statusCode).toBe(201);
    const token = created.json().token as string;
    expect(token).toMatch(/^wgt_/);
    const retry = await t.app.inject({
      method: "POST",
      url: "/api/v1/auth/tokens",
      headers: s.headers,
      payload: { id, name: "nightly export", expiresInDays: 30 },
    });
    expect(retry.statusCode).toBe(200);
    expect(retry.json().token).toBeNull();

    const stored = await t.ctx.db.selectFrom("api_token").selectAll().where("user_id", "=", userId).execute();
    expect(JSON.stringify(stored)).not.toContain(token.slice(4));

    const me = await t.app.inject({
      method: "GET",
      url: "/api/v1/auth/me",
      headers: { authorization: `Bearer ${token}` },
    });
    expect(me.json()).toMatchObject({ via: "token", csrfToken: null });

    expect(
      (await t.app.inject({ method: "DELETE", url: `/api/v1/auth/tokens/${id}`, headers: s.headers })).statusCode,
    ).toBe(204);
    const after = await t.app.inject({
      method: "GET",
      url: "/api/v1/auth/me",
      headers: { authorization: `Bearer ${token}` },
    });
    expect(after.statusCode).toBe(401);
    expect(after.json().code).toBe("AUTH_TOKEN_INVALID");
  });

  it("expire", async () => {
    const created = await t.app.inject({
      method: "POST",
      url: "/api/v1/auth/tokens",
      headers: s.headers,
      payload: { id: crypto.randomUUID(), name: "short", expiresInDays: 1 },
    });
    const token = created.json().token as string;
    t.clock.advanceMinutes(24 * 60 + 1);
    const res = await t.app.inject({
      method: "GET",
      url: "/api/v1/auth/tokens",
      headers: { authorization: `Bearer ${token}` },
    });
    t.clock.advanceMinutes(-(24 * 60 + 1));
    expect(res.statusCode).toBe(401);
  });

  it("answer a create with another user's token id as that id's revocation would (not found), not as a conflict", async () => {
    const id = crypto.randomUUID();
    await t.app.inject({
      method: "POST",
      url: "/api/v1/auth/tokens",
      headers: s.headers,
      payload: { id, name: "mine too" },
    });
    const other = await signIn(t, await buildUser(t.ctx, { role: "auditor" }));
    const taken = await t.app.inject({
      method: "POST",
      url: "/api/v1/auth/tokens",
      headers: other.headers,
      payload: { id, name: "mine too" },
    });
    const revokeUnknown = await t.app.inject({
      method: "DELETE",
      url: `/api/v1/auth/tokens/${crypto.randomUUID()}`,
      headers: other.headers,
    });
    expect({ status: taken.statusCode, code: taken.json().code }).toEqual({
      status: revokeUnknown.statusCode,
      code: revokeUnknown.json().code,
    });
    expect(taken.statusCode).toBe(404);
    // Its owner, who sees it, is told of the conflict.
    const renamed = await t.app.inject({
      method: "POST",
      url: "/api/v1/auth/tokens",
      headers: s.headers,
      payload: { id, name: "another name" },
    });
    expect({ status: renamed.statusCode, code: renamed.json().code }).toEqual({
      status: 409,
      code: "USER_ID_CONFLICT",
    });
  });

  it("cannot be revoked by another user, who is told it does not exist", async () => {
    const created = await t.app.inject({
      method: "POST",
      url: "/api/v1/auth/tokens",
      headers: s.headers,
      payload: { id: crypto.randomUUID(), name: "mine" },
    });
    const other = await signIn(t, await buildUser(t.ctx, { role: "auditor" }));
    const res = await t.app.inject({
      method: "DELETE",
      url: `/api/v1/auth/tokens/${created.json().id}`,
      headers: other.headers,
    });
    expect(res.statusCode).toBe(404);
  });
});

describe("TOTP second factor", () => {
  it("is set up with a first code, then asked for at every sign-in, and a used code cannot be replayed", async () => {
    const user = await buildUser(t.ctx, { role: "auditor" });
    const s = await signIn(t, user);
    const setup = await t.app.inject({ method: "POST", url: "/api/v1/auth/totp/setup", headers: s.headers });
    expect(setup.statusCode).toBe(200);
    const secret = setup.json().secret as string;
    expect(setup.json().otpauthUri).toContain(`secret=${secret}`);
    const bad = await t.app.inject({
      method: "POST",
      url: "/api/v1/auth/totp/enable",
      headers: s.headers,
      payload: { code: "000000" },
    });
    expect(bad.json().code).toBe("AUTH_TOTP_INVALID");
    const enable = await t.app.inject({
      method: "POST",
      url: "/api/v1/auth/totp/enable",
      headers: s.headers,
      payload: { code: totpAt(secret, t.clock.now) },
    });
    expect(enable.statusCode).toBe(204);
    const stored = await t.ctx.db
      .selectFrom("app_user")
      .select("totp_secret_enc")
      .where("id", "=", user.id)
      .executeTakeFirstOrThrow();
    expect(stored.totp_secret_enc).not.toContain(secret);

    const first = await login(user.username, user.password);
    expect(first.json().step).toBe("totp");
    const cookie = `wangge_session=${first.cookies.find((c) => c.name === "wangge_session")?.value}`;
    expect((await t.app.inject({ method: "GET", url: "/api/v1/auth/me", headers: { cookie } })).statusCode).toBe(401);
    t.clock.advanceMinutes(1);
    const code = totpAt(secret, t.clock.now);
    const second = await t.app.inject({
      method: "POST",
      url: "/api/v1/auth/login/totp",
      headers: { cookie },
      payload: { code },
    });
    expect(second.statusCode).toBe(200);
    expect(second.json().me.user.username).toBe(user.username);
    expect((await t.app.inject({ method: "GET", url: "/api/v1/auth/me", headers: { cookie } })).statusCode).toBe(200);

    const again = await login(user.username, user.password);
    const cookie2 = `wangge_session=${again.cookies.find((c) => c.name === "wangge_session")?.value}`;
    const replay = await t.app.inject({
      method: "POST",
      url: "/api/v1/auth/login/totp",
      headers: { cookie: cookie2 },
      payload: { code },
    });
    expect(replay.json().code).toBe("AUTH_TOTP_INVALID");
    t.clock.advanceMinutes(-1);
  });

  it("is required before anything else when an admin makes it mandatory for the role", async () => {
    const tree = await buildAreaTree(t.ctx);
    await t.ctx.db.updateTable("role").set({ requires_totp: true }).where("key", "=", "mediator").execute();
    try {
      const user = await buildUser(t.ctx, { role: "mediator", areaCode: tree.village.code });
      const res = await login(user.username, user.password);
      expect(res.json().me.restriction).toBe("totp_setup");
      const s = await signIn(t, user);
      const blocked = await t.app.inject({ method: "GET", url: "/api/v1/areas", headers: s.headers });
      expect(blocked.statusCode).toBe(403);
      expect(blocked.json().code).toBe("AUTH_TOTP_SETUP_REQUIRED");
      expect(
        (await t.app.inject({ method: "POST", url: "/api/v1/auth/totp/setup", headers: s.headers })).statusCode,
      ).toBe(200);
    } finally {
      await t.ctx.db.updateTable("role").set({ requires_totp: false }).where("key", "=", "mediator").execute();
    }
  });
});

describe("POST /api/v1/auth/password", () => {
  it("changes the password under the policy, ends other sessions, and keeps this one", async () => {
    const user = await buildUser(t.ctx, { role: "auditor" });
    const other = await signIn(t, user);
    const s = await signIn(t, user);
    const weak = await t.app.inject({
      method: "POST",
      url: "/api/v1/auth/password",
      headers: s.headers,
      payload: { currentPassword: TEST_PASSWORD, newPassword: user.username },
    });
    expect(weak.statusCode).toBe(400);
    expect(weak.json().errors.map((e: { path: string }) => e.path)).toContain("newPassword");
    const wrong = await t.app.inject({
      method: "POST",
      url: "/api/v1/auth/password",
      headers: s.headers,
      payload: { currentPassword: "nope nope nope", newPassword: "a brand new passphrase" },
    });
    expect(wrong.json().code).toBe("AUTH_PASSWORD_WRONG");
    const ok = await t.app.inject({
      method: "POST",
      url: "/api/v1/auth/password",
      headers: s.headers,
      payload: { currentPassword: TEST_PASSWORD, newPassword: "a brand new passphrase" },
    });
    expect(ok.statusCode).toBe(204);
    expect((await t.app.inject({ method: "GET", url: "/api/v1/auth/me", headers: s.headers })).statusCode).toBe(200);
    expect((await t.app.inject({ method: "GET", url: "/api/v1/auth/me", headers: other.headers })).statusCode).toBe(
      401,
    );
  });
});

describe("resident sign-in by SMS code", () => {
  it("sends a code, signs a new resident in with it, and refuses it a second time", async () => {
    const phone = `139${String(Date.now()).slice(-8)}`;
    const req = await t.app.inject({ method: "POST", url: "/api/v1/auth/otp/request", payload: { phone } });
    expect(req.statusCode).toBe(202);
    const sent = t.sms.at(-1);
    expect(sent?.phone).toBe(phone);
    const code = sent?.message.match(/\d{6}/)?.[0] as string;
    const wrong = await t.app.inject({
      method: "POST",
      url: "/api/v1/auth/otp/verify",
      payload: { phone, code: code === "000000" ? "111111" : "000000" },
    });
    expect(wrong.json().code).toBe("AUTH_OTP_INVALID");
    const ok = await t.app.inject({ method: "POST", url: "/api/v1/auth/otp/verify", payload: { phone, code } });
    expect(ok.statusCode).toBe(200);
    expect(ok.json().me.roles).toEqual(["resident"]);
    expect(ok.json().me.permissions).toEqual(["event.report", "resident.self"]);
    const reuse = await t.app.inject({ method: "POST", url: "/api/v1/auth/otp/verify", payload: { phone, code } });
    expect(reuse.statusCode).toBe(401);
    const rows = await t.ctx.db
      .selectFrom("app_user")
      .select(["phone_enc", "display_name"])
      .where("phone_bidx", "=", t.ctx.crypto.blindIndex(phone))
      .execute();
    expect(rows).toHaveLength(1);
    expect(JSON.stringify(rows)).not.toContain(phone);
    const codes = await t.ctx.db.selectFrom("otp_challenge").selectAll().execute();
    expect(JSON.stringify(codes)).not.toContain(`"${code}"`);
  });

  it("does not sign staff in with a code", async () => {
    const phone = `137${String(Date.now()).slice(-8)}`;
    await buildUser(t.ctx, { role: "auditor", phone });
    await t.app.inject({ method: "POST", url: "/api/v1/auth/otp/request", payload: { phone } });
    const code = t.sms.at(-1)?.message.match(/\d{6}/)?.[0];
    const res = await t.app.inject({ method: "POST", url: "/api/v1/auth/otp/verify", payload: { phone, code } });
    expect(res.json().code).toBe("AUTH_OTP_STAFF_ACCOUNT");
    expect(res.cookies.find((c) => c.name === "wangge_session")).toBeUndefined();
  });

  it("rejects a number that is not a mainland mobile and limits codes per number", async () => {
    const bad = await t.app.inject({ method: "POST", url: "/api/v1/auth/otp/request", payload: { phone: "12345" } });
    expect(bad.statusCode).toBe(400);
    const phone = `136${String(Date.now()).slice(-8)}`;
    for (let i = 0; i < 5; i++)
      expect(
        (await t.app.inject({ method: "POST", url: "/api/v1/auth/otp/request", payload: { phone } })).statusCode,
      ).toBe(202);
    const sixth = await t.app.inject({ method: "POST", url: "/api/v1/auth/otp/request", payload: { phone } });
    expect(sixth.statusCode).toBe(429);
    expect(sixth.json().code).toBe("AUTH_OTP_TOO_MANY");
  });
});

describe("rate limits", () => {
  it("refuse sign-in attempts from one address beyond the per-minute limit with 429", async () => {
    const limited = await buildTestApp({ WANGGE_LOGIN_RATE_LIMIT_PER_MINUTE: "3" });
    try {
      const codes: number[] = [];
      for (let i = 0; i < 4; i++) {
        codes.push(
          (
            await limited.app.inject({
              method: "POST",
              url: "/api/v1/auth/login",
              payload: { username: "x-user", password: "y-password" },
            })
          ).statusCode,
        );
      }
      expect(codes).toEqual([401, 401, 401, 429]);
      const last = await limited.app.inject({
        method: "POST",
        url: "/api/v1/auth/login",
        payload: { username: "x", password: "y" },
      });
      expect(last.json().code).toBe("RATE_LIMITED");
    } finally {
      await limited.close();
    }
  });
});

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildTestApp, type TestApp } from "../../test/build-test-app.ts";
import { buildUser, type Session, signIn } from "../../test/factories.ts";
import { totpAt } from "./totp.ts";

/**
 * Limits that must hold under parallel requests (issue #16 items 2, 3, 15): the password lockout, the
 * codes tried on a pending TOTP sign-in, API tokens after a reset or a disable, and SMS codes on a
 * server with no sender chosen.
 */
let t: TestApp;
let admin: Session;
beforeAll(async () => {
  t = await buildTestApp();
  admin = await signIn(t, await buildUser(t.ctx, { role: "admin" }));
});
afterAll(async () => {
  await t?.close();
});

const login = (username: string, password: string) =>
  t.app.inject({ method: "POST", url: "/api/v1/auth/login", payload: { username, password } });

const codesOf = (answers: { statusCode: number; json(): { code?: string } }[]) =>
  answers.map((a) => (a.statusCode === 200 ? "OK" : (a.json().code as string)));

const count = (codes: string[], code: string) => codes.filter((c) => c === code).length;

describe("the password lockout", () => {
  it("checks at most five of 18 parallel wrong passwords and refuses the right one after them", async () => {
    const user = await buildUser(t.ctx, { role: "grid_worker" });
    const answers = await Promise.all(
      Array.from({ length: 18 }, (_, i) => login(user.username, `wrong password number ${i}`)),
    );
    const codes = codesOf(answers);
    expect(count(codes, "AUTH_INVALID_CREDENTIALS")).toBeLessThanOrEqual(5);
    expect(count(codes, "AUTH_INVALID_CREDENTIALS") + count(codes, "AUTH_ACCOUNT_LOCKED")).toBe(18);
    const right = await login(user.username, user.password);
    expect(right.statusCode).toBe(423);
    expect(right.json().code).toBe("AUTH_ACCOUNT_LOCKED");
    const checked = await t.ctx.db
      .selectFrom("login_attempt")
      .select("outcome")
      .where("username", "=", user.username)
      .execute();
    expect(checked.filter((r) => r.outcome === "failure").length).toBeLessThanOrEqual(5);
  });

  it("refuses the right password sent alongside wrong ones once five are counted", async () => {
    const user = await buildUser(t.ctx, { role: "grid_worker" });
    for (let i = 0; i < 5; i++) expect((await login(user.username, "not it at all")).statusCode).toBe(401);
    const answers = await Promise.all([login(user.username, user.password), login(user.username, "still wrong")]);
    expect(codesOf(answers)).toEqual(["AUTH_ACCOUNT_LOCKED", "AUTH_ACCOUNT_LOCKED"]);
  });
});

/** A user with a second factor set up: their password, the TOTP secret, and helpers to sign in. */
async function totpUser() {
  const user = await buildUser(t.ctx, { role: "auditor" });
  const s = await signIn(t, user);
  const secret = (await t.app.inject({ method: "POST", url: "/api/v1/auth/totp/setup", headers: s.headers })).json()
    .secret as string;
  const enabled = await t.app.inject({
    method: "POST",
    url: "/api/v1/auth/totp/enable",
    headers: s.headers,
    payload: { code: totpAt(secret, t.clock.now) },
  });
  expect(enabled.statusCode).toBe(204);
  const pending = async () => {
    const res = await login(user.username, user.password);
    expect(res.json().step).toBe("totp");
    return `wangge_session=${res.cookies.find((c) => c.name === "wangge_session")?.value}`;
  };
  const tryCode = (cookie: string, code: string) =>
    t.app.inject({ method: "POST", url: "/api/v1/auth/login/totp", headers: { cookie }, payload: { code } });
  const wrongCode = () =>
    totpAt(secret, new Date(t.clock.now.getTime() + 3_600_000)) === "000000" ? "111111" : "000000";
  const rightCode = () => totpAt(secret, t.clock.now);
  return { user, pending, tryCode, wrongCode, rightCode };
}

describe("a pending TOTP sign-in", () => {
  it("ends after wrong codes, and the right code is refused after them", async () => {
    const u = await totpUser();
    const cookie = await u.pending();
    const codes: string[] = [];
    for (let i = 0; i < 5; i++) codes.push(codesOf([await u.tryCode(cookie, u.wrongCode())])[0] as string);
    // The fifth wrong code is also the account's fifth failure: it locks.
    expect(codes).toEqual([...Array(4).fill("AUTH_TOTP_INVALID"), "AUTH_ACCOUNT_LOCKED"]);
    t.clock.advanceMinutes(2);
    const right = await u.tryCode(cookie, u.rightCode());
    expect(right.statusCode).toBe(401);
    expect(right.json().code).toBe("AUTH_REQUIRED");
  });

  it("checks no more than five of 40 codes sent in parallel", async () => {
    const u = await totpUser();
    const cookie = await u.pending();
    const answers = await Promise.all(Array.from({ length: 40 }, () => u.tryCode(cookie, u.wrongCode())));
    const codes = codesOf(answers);
    expect(
      count(codes, "AUTH_TOTP_INVALID") + count(codes, "AUTH_TOTP_TOO_MANY") + count(codes, "AUTH_ACCOUNT_LOCKED"),
    ).toBe(5);
    expect(count(codes, "AUTH_ACCOUNT_LOCKED")).toBe(1);
    expect(count(codes, "AUTH_REQUIRED")).toBe(35);
    const session = await t.ctx.db
      .selectFrom("session")
      .select(["revoked_at", "stage"])
      .where("user_id", "=", u.user.id)
      .where("stage", "=", "totp")
      .orderBy("created_at", "desc")
      .executeTakeFirstOrThrow();
    expect(session.revoked_at).not.toBeNull();
  });
});

describe("guessing TOTP codes with the password known", () => {
  it("locks the account: seven rounds of a sign-in and five wrong codes check five codes in all", async () => {
    const u = await totpUser();
    const answers: string[] = [];
    for (let round = 0; round < 7; round++) {
      const res = await login(u.user.username, u.user.password);
      if (res.statusCode !== 200) {
        answers.push(res.json().code);
        continue;
      }
      const cookie = `wangge_session=${res.cookies.find((c) => c.name === "wangge_session")?.value}`;
      for (let i = 0; i < 5; i++) answers.push(codesOf([await u.tryCode(cookie, u.wrongCode())])[0] as string);
    }
    expect(answers).toEqual([
      ...Array(4).fill("AUTH_TOTP_INVALID"),
      "AUTH_ACCOUNT_LOCKED",
      ...Array(6).fill("AUTH_ACCOUNT_LOCKED"),
    ]);
    // Locked: the right password and the right code are refused too, until the lock ends.
    expect((await login(u.user.username, u.user.password)).json().code).toBe("AUTH_ACCOUNT_LOCKED");
    const checked = await t.ctx.db
      .selectFrom("audit_log")
      .select("reason")
      .where("actor_user_id", "=", u.user.id)
      .where("action", "=", "auth.login.totp")
      .where("outcome", "=", "failure")
      .execute();
    expect(checked).toHaveLength(5);
    const lock = await t.ctx.db
      .selectFrom("audit_log")
      .select("action")
      .where("actor_user_id", "=", u.user.id)
      .where("action", "=", "auth.lockout")
      .execute();
    expect(lock).toHaveLength(1);
  });

  it("locks whatever pending sign-ins the codes are spread over, and refuses the right code while locked", async () => {
    const u = await totpUser();
    const cookies = [await u.pending(), await u.pending(), await u.pending()];
    for (const cookie of cookies.slice(0, 2))
      for (let i = 0; i < 2; i++)
        expect((await u.tryCode(cookie, u.wrongCode())).json().code).toBe("AUTH_TOTP_INVALID");
    expect((await u.tryCode(cookies[2] as string, u.wrongCode())).json().code).toBe("AUTH_ACCOUNT_LOCKED");
    t.clock.advanceMinutes(1);
    const right = await u.tryCode(cookies[0] as string, u.rightCode());
    expect(right.statusCode).toBe(423);
    expect(right.json().code).toBe("AUTH_ACCOUNT_LOCKED");
    // After the lock, the account signs in again, and a completed sign-in forgets its failures.
    t.clock.advanceMinutes(16);
    const cookie = await u.pending();
    expect((await u.tryCode(cookie, u.wrongCode())).json().code).toBe("AUTH_TOTP_INVALID");
    t.clock.advanceMinutes(1);
    expect((await u.tryCode(cookie, u.rightCode())).statusCode).toBe(200);
    const row = await t.ctx.db
      .selectFrom("login_lock")
      .selectAll()
      .where("username", "=", u.user.username)
      .executeTakeFirst();
    expect(row).toBeUndefined();
  });

  it("does not count a right password as a failure: four mistyped codes, then a sign-in that completes", async () => {
    const u = await totpUser();
    for (let round = 0; round < 4; round++)
      expect((await u.tryCode(await u.pending(), u.wrongCode())).json().code).toBe("AUTH_TOTP_INVALID");
    const cookie = await u.pending();
    t.clock.advanceMinutes(1);
    expect((await u.tryCode(cookie, u.rightCode())).statusCode).toBe(200);
  });
});

describe("guessing the current password through a password change", () => {
  it("counts towards the lockout: five wrong ones lock the account, and the right one is refused after them", async () => {
    const user = await buildUser(t.ctx, { role: "grid_worker" });
    const session = await signIn(t, user);
    const change = (currentPassword: string) =>
      t.app.inject({
        method: "POST",
        url: "/api/v1/auth/password",
        headers: session.headers,
        payload: { currentPassword, newPassword: "a brand new long passphrase" },
      });
    const answers: string[] = [];
    for (let i = 0; i < 6; i++) answers.push((await change(`guess number ${i}`)).json().code);
    expect(answers).toEqual([...Array(4).fill("AUTH_PASSWORD_WRONG"), "AUTH_ACCOUNT_LOCKED", "AUTH_ACCOUNT_LOCKED"]);
    expect((await change(user.password)).json().code).toBe("AUTH_ACCOUNT_LOCKED");
    expect((await login(user.username, user.password)).json().code).toBe("AUTH_ACCOUNT_LOCKED");
  });
});

describe("API tokens", () => {
  const createToken = (headers: Record<string, string>) =>
    t.app.inject({
      method: "POST",
      url: "/api/v1/auth/tokens",
      headers,
      payload: { id: crypto.randomUUID(), name: "script", expiresInDays: 30 },
    });
  const me = (token: string) =>
    t.app.inject({ method: "GET", url: "/api/v1/auth/me", headers: { authorization: `Bearer ${token}` } });

  it("stop working when someone else resets the password", async () => {
    const user = await buildUser(t.ctx, { role: "grid_worker" });
    const token = (await createToken((await signIn(t, user)).headers)).json().token as string;
    expect((await me(token)).statusCode).toBe(200);
    const reset = await t.app.inject({
      method: "POST",
      url: `/api/v1/users/${user.id}/password-reset`,
      headers: admin.headers,
      payload: {},
    });
    expect(reset.statusCode).toBe(200);
    expect((await me(token)).json().code).toBe("AUTH_TOKEN_INVALID");
  });

  it("are revoked when the account is disabled, and stay revoked when it is enabled again", async () => {
    const user = await buildUser(t.ctx, { role: "grid_worker" });
    const token = (await createToken((await signIn(t, user)).headers)).json().token as string;
    const patch = (status: string) =>
      t.app.inject({ method: "PATCH", url: `/api/v1/users/${user.id}`, headers: admin.headers, payload: { status } });
    expect((await patch("disabled")).statusCode).toBe(200);
    const rows = await t.ctx.db.selectFrom("api_token").select("revoked_at").where("user_id", "=", user.id).execute();
    expect(rows.map((r) => r.revoked_at !== null)).toEqual([true]);
    expect((await patch("active")).statusCode).toBe(200);
    expect((await me(token)).json().code).toBe("AUTH_TOKEN_INVALID");
  });

  it("cannot create tokens, nor change the password or the second factor", async () => {
    const user = await buildUser(t.ctx, { role: "grid_worker" });
    const token = (await createToken((await signIn(t, user)).headers)).json().token as string;
    const bearer = { authorization: `Bearer ${token}` };
    const minted = await createToken(bearer);
    expect(minted.statusCode).toBe(403);
    expect(minted.json().code).toBe("AUTH_SESSION_REQUIRED");
    const password = await t.app.inject({
      method: "POST",
      url: "/api/v1/auth/password",
      headers: bearer,
      payload: { currentPassword: user.password, newPassword: "a brand new long passphrase" },
    });
    expect(password.json().code).toBe("AUTH_SESSION_REQUIRED");
    const totp = await t.app.inject({ method: "POST", url: "/api/v1/auth/totp/setup", headers: bearer });
    expect(totp.json().code).toBe("AUTH_SESSION_REQUIRED");
    const tokens = await t.ctx.db.selectFrom("api_token").select("id").where("user_id", "=", user.id).execute();
    expect(tokens).toHaveLength(1);
  });
});

describe("sign-in codes by SMS on a server with no sender chosen", () => {
  it("answer 503 AUTH_SMS_UNAVAILABLE and store and send nothing", async () => {
    const bare = await buildTestApp({}, { configuredSms: true });
    try {
      const before = await bare.ctx.db.selectFrom("otp_challenge").select("id").execute();
      const res = await bare.app.inject({
        method: "POST",
        url: "/api/v1/auth/otp/request",
        payload: { phone: "13912345678" },
      });
      expect(res.statusCode).toBe(503);
      expect(res.headers["content-type"]).toMatch(/^application\/problem\+json/);
      expect(res.json().code).toBe("AUTH_SMS_UNAVAILABLE");
      expect(await bare.ctx.db.selectFrom("otp_challenge").select("id").execute()).toEqual(before);
    } finally {
      await bare.close();
    }
  });
});

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildTestApp, type TestApp } from "../../test/build-test-app.ts";
import { buildAreaTree, buildUser, signIn } from "../../test/factories.ts";

/** The field app's vault secret: per user, to a signed-in browser session only, never stored. */
let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(async () => {
  await t?.close();
});

describe("the field vault key", () => {
  it("is the same for a user on every sign-in, differs between users, and is not cached", async () => {
    const tree = await buildAreaTree(t.ctx);
    const worker = await buildUser(t.ctx, { role: "grid_worker", areaCode: tree.grid.code });
    const other = await buildUser(t.ctx, { role: "grid_worker", areaCode: tree.grid.code });
    const ask = async (headers: Record<string, string>) =>
      t.app.inject({ method: "GET", url: "/api/v1/auth/field-vault-key", headers });
    const first = await ask((await signIn(t, worker)).headers);
    expect(first.statusCode).toBe(200);
    expect(first.headers["cache-control"]).toBe("no-store");
    const { secret } = first.json();
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect((await ask((await signIn(t, worker)).headers)).json().secret).toBe(secret);
    expect((await ask((await signIn(t, other)).headers)).json().secret).not.toBe(secret);
    // Nowhere in the database.
    const tables = ["session", "app_user", "audit_log"] as const;
    for (const table of tables)
      expect(JSON.stringify(await t.ctx.db.selectFrom(table).selectAll().execute())).not.toContain(secret);
  });

  it("is refused without a session, and to an API token", async () => {
    expect((await t.app.inject({ method: "GET", url: "/api/v1/auth/field-vault-key" })).statusCode).toBe(401);
    const user = await buildUser(t.ctx, { role: "auditor" });
    const s = await signIn(t, user);
    const created = await t.app.inject({
      method: "POST",
      url: "/api/v1/auth/tokens",
      headers: s.headers,
      payload: { id: crypto.randomUUID(), name: "export", expiresInDays: 30 },
    });
    const token = created.json().token as string;
    const res = await t.app.inject({
      method: "GET",
      url: "/api/v1/auth/field-vault-key",
      headers: { authorization: `Bearer ${token}` },
    });
    expect(res.statusCode).toBe(403);
    expect(res.json().code).toBe("AUTH_SESSION_REQUIRED");
  });

  it("changes with the user's password (their own change, an admin's reset), and a session of before it ends", async () => {
    const tree = await buildAreaTree(t.ctx);
    const worker = await buildUser(t.ctx, { role: "grid_worker", areaCode: tree.grid.code });
    const admin = await buildUser(t.ctx, { role: "admin" });
    const ask = async (headers: Record<string, string>) =>
      t.app.inject({ method: "GET", url: "/api/v1/auth/field-vault-key", headers });
    const phone = await signIn(t, worker);
    const before = (await ask(phone.headers)).json().secret as string;

    const changed = await t.app.inject({
      method: "POST",
      url: "/api/v1/auth/password",
      headers: phone.headers,
      payload: { currentPassword: worker.password, newPassword: "Gx-港北-网格员-2026" },
    });
    expect(changed.statusCode).toBe(204);
    const afterChange = (await ask(phone.headers)).json().secret as string;
    expect(afterChange).not.toBe(before);

    // A phone is lost: the admin resets the password. The lost phone's session is refused, and the
    // secret the worker gets at their next sign-in is another again.
    const reset = await t.app.inject({
      method: "POST",
      url: `/api/v1/users/${worker.id}/password-reset`,
      headers: (await signIn(t, admin)).headers,
      payload: {},
    });
    expect(reset.statusCode).toBe(200);
    expect((await ask(phone.headers)).statusCode).toBe(401);
    const temporary = reset.json().temporaryPassword as string;
    const restricted = await signIn(t, { username: worker.username, password: temporary });
    await t.app.inject({
      method: "POST",
      url: "/api/v1/auth/password",
      headers: restricted.headers,
      payload: { currentPassword: temporary, newPassword: "Gx-港北-换机后-2026" },
    });
    const afterReset = (await ask(restricted.headers)).json().secret as string;
    expect(afterReset).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect([before, afterChange]).not.toContain(afterReset);
  });
});

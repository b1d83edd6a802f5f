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
});

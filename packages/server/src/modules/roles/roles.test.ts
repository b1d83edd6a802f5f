import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildTestApp, type TestApp } from "../../test/build-test-app.ts";
import { buildAreaTree, buildUser, type Session, signIn } from "../../test/factories.ts";

let t: TestApp;
let admin: Session;
beforeAll(async () => {
  t = await buildTestApp();
  admin = await signIn(t, await buildUser(t.ctx, { role: "admin" }));
});
afterAll(async () => {
  await t?.close();
});

describe("PUT /api/v1/roles/:key", () => {
  it("changes what holders of the role may do at once, and records before and after", async () => {
    const tree = await buildAreaTree(t.ctx);
    const s = await signIn(t, await buildUser(t.ctx, { role: "volunteer", areaCode: tree.village.code }));
    expect((await t.app.inject({ method: "GET", url: "/api/v1/areas", headers: s.headers })).statusCode).toBe(403);
    const before = (await t.app.inject({ method: "GET", url: "/api/v1/roles", headers: admin.headers }))
      .json()
      .find((r: { key: string }) => r.key === "volunteer");
    const res = await t.app.inject({
      method: "PUT",
      url: "/api/v1/roles/volunteer",
      headers: admin.headers,
      payload: { permissions: [...before.permissions, "area.read"] },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().permissions).toContain("area.read");
    expect((await t.app.inject({ method: "GET", url: "/api/v1/areas", headers: s.headers })).statusCode).toBe(200);
    const audit = await t.ctx.db
      .selectFrom("audit_log")
      .selectAll()
      .where("action", "=", "role.permissions.update")
      .where("target_id", "=", "volunteer")
      .orderBy("seq", "desc")
      .executeTakeFirstOrThrow();
    expect(audit.details).toMatchObject({ before: before.permissions, after: expect.arrayContaining(["area.read"]) });
    await t.app.inject({
      method: "PUT",
      url: "/api/v1/roles/volunteer",
      headers: admin.headers,
      payload: { permissions: before.permissions },
    });
  });

  it("keeps audit permissions with the auditor role", async () => {
    const res = await t.app.inject({
      method: "PUT",
      url: "/api/v1/roles/admin",
      headers: admin.headers,
      payload: { permissions: ["user.manage", "audit.read"] },
    });
    expect(res.statusCode).toBe(422);
    expect(res.json()).toMatchObject({ code: "ROLE_AUDITOR_ONLY_PERMISSION", errors: [{ path: "permissions.0" }] });
  });

  it("rejects unknown permissions and unknown roles", async () => {
    const bad = await t.app.inject({
      method: "PUT",
      url: "/api/v1/roles/volunteer",
      headers: admin.headers,
      payload: { permissions: ["fly"] },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors[0].path).toBe("body.permissions.0");
    const unknown = await t.app.inject({
      method: "PUT",
      url: "/api/v1/roles/astronaut",
      headers: admin.headers,
      payload: { permissions: [] },
    });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().code).toBe("ROLE_NOT_FOUND");
  });
});

import { type Permission, systemPrincipal } from "@wangge/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { up as trimAuditRole } from "../../db/migrations/2026_12_06_1320_trim_audit_role.ts";
import { up as grantAuditorAreaRead } from "../../db/migrations/2026_12_07_1000_grant_auditor_area_read.ts";
import { buildTestApp, type TestApp } from "../../test/build-test-app.ts";
import { buildAreaTree, buildUser, type Session, signIn } from "../../test/factories.ts";
import { setRolePermissions } from "./roles.service.ts";

const meta = { requestId: "test", ip: null, userAgent: null };

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
    expect(res.json()).toMatchObject({
      code: "ROLE_AUDITOR_ONLY_PERMISSION",
      errors: [{ path: "body.permissions.1" }],
    });
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

  it("leaves the auditor role to auditors: the admin can change neither its permissions nor its second factor (三员分立)", async () => {
    const before = await t.ctx.db
      .selectFrom("role_permission")
      .select("permission")
      .where("role_key", "=", "auditor")
      .orderBy("permission")
      .execute();
    for (const payload of [
      { permissions: [] },
      { permissions: before.map((p) => p.permission), requiresTotp: false },
    ]) {
      const res = await t.app.inject({ method: "PUT", url: "/api/v1/roles/auditor", headers: admin.headers, payload });
      expect(res.statusCode).toBe(403);
    }
    const after = await t.ctx.db
      .selectFrom("role_permission")
      .select("permission")
      .where("role_key", "=", "auditor")
      .orderBy("permission")
      .execute();
    expect(after).toEqual(before);
    const denied = await t.ctx.db
      .selectFrom("audit_log")
      .select("outcome")
      .where("outcome", "=", "denied")
      .where("target_id", "in", ["auditor", "PUT /api/v1/roles/auditor"])
      .execute();
    expect(denied.length).toBeGreaterThan(0);
  });

  it("lets an auditor require a second factor of the auditor role, but not give it the admin's powers", async () => {
    const auditor = await signIn(t, await buildUser(t.ctx, { role: "auditor" }));
    const current: Permission[] = ["area.read", "audit.export", "audit.read", "user.read"];
    const grab = await t.app.inject({
      method: "PUT",
      url: "/api/v1/roles/auditor",
      headers: auditor.headers,
      payload: { permissions: [...current, "user.manage"] },
    });
    expect(grab.json()).toMatchObject({
      code: "ROLE_AUDIT_PERMISSIONS_LIMITED",
      errors: [{ path: "body.permissions.4" }],
    });
    const totp = await t.app.inject({
      method: "PUT",
      url: "/api/v1/roles/auditor",
      headers: auditor.headers,
      payload: { permissions: current, requiresTotp: true },
    });
    expect(totp.statusCode).toBe(200);
    expect(totp.json()).toMatchObject({ key: "auditor", requiresTotp: true });
    // At once: the auditor must now set up TOTP before anything else.
    const next = await t.app.inject({ method: "GET", url: "/api/v1/roles", headers: auditor.headers });
    expect(next.json().code).toBe("AUTH_TOTP_SETUP_REQUIRED");
    // Back as it was: later tests sign auditors in with a password alone.
    await setRolePermissions(t.ctx, systemPrincipal(), meta, "auditor", { permissions: current, requiresTotp: false });
  });

  it("keeps the auditor role to reading the trail, accounts and areas: no resident data, whoever edits it", async () => {
    const auditor = await signIn(t, await buildUser(t.ctx, { role: "auditor" }));
    const stored = async () =>
      (
        await t.ctx.db
          .selectFrom("role_permission")
          .select("permission")
          .where("role_key", "=", "auditor")
          .orderBy("permission")
          .execute()
      ).map((p) => p.permission);
    const before = await stored();
    const wanted: Permission[] = [
      "audit.read",
      "audit.export",
      "user.read",
      "person.read",
      "person.reveal",
      "tag.sensitive.read",
      "event.read",
    ];
    const res = await t.app.inject({
      method: "PUT",
      url: "/api/v1/roles/auditor",
      headers: auditor.headers,
      payload: { permissions: wanted },
    });
    expect(res.statusCode).toBe(422);
    expect(res.json()).toMatchObject({
      code: "ROLE_AUDIT_PERMISSIONS_LIMITED",
      errors: [3, 4, 5, 6].map((i) => ({ path: `body.permissions.${i}`, message: "not for the auditor" })),
    });
    expect(await stored()).toEqual(before);
    const people = await t.app.inject({ method: "GET", url: "/api/v1/people?q=test", headers: auditor.headers });
    expect(people.statusCode).toBe(403);
    // The CLI on the server is held to the same list.
    await expect(
      setRolePermissions(t.ctx, systemPrincipal(), meta, "auditor", { permissions: wanted }),
    ).rejects.toMatchObject({ code: "ROLE_AUDIT_PERMISSIONS_LIMITED" });
    // Reading areas, to tell where the trail's records happened, it may hold.
    const areas = await setRolePermissions(t.ctx, systemPrincipal(), meta, "auditor", {
      permissions: [...before, "area.read"] as Permission[],
    });
    expect(areas.permissions).toContain("area.read");
    await setRolePermissions(t.ctx, systemPrincipal(), meta, "auditor", { permissions: before as Permission[] });
  });

  it("confers on an auditor no more than the list, whatever the stored role says, and the upgrade trims it", async () => {
    await t.ctx.db
      .insertInto("role_permission")
      .values([
        { role_key: "auditor", permission: "person.read" },
        { role_key: "auditor", permission: "person.reveal" },
        { role_key: "volunteer", permission: "audit.read" },
      ])
      .execute();
    const auditor = await signIn(t, await buildUser(t.ctx, { role: "auditor" }));
    const me = (await t.app.inject({ method: "GET", url: "/api/v1/auth/me", headers: auditor.headers })).json();
    expect(me.permissions.sort()).toEqual(["area.read", "audit.export", "audit.read", "user.read"]);
    const people = await t.app.inject({ method: "GET", url: "/api/v1/people?q=test", headers: auditor.headers });
    expect(people.statusCode).toBe(403);
    await trimAuditRole(t.ctx.db);
    const left = await t.ctx.db
      .selectFrom("role_permission")
      .select(["role_key", "permission"])
      .where((eb) => eb.or([eb("role_key", "=", "auditor"), eb("permission", "=", "audit.read")]))
      .orderBy("permission")
      .execute();
    expect(left).toEqual([
      { role_key: "auditor", permission: "area.read" },
      { role_key: "auditor", permission: "audit.export" },
      { role_key: "auditor", permission: "audit.read" },
      { role_key: "auditor", permission: "user.read" },
    ]);
  });

  it("gives the default auditor role area.read: a fresh deployment seeds it, the upgrade adds it to an existing one", async () => {
    const tree = await buildAreaTree(t.ctx);
    const auditor = await signIn(t, await buildUser(t.ctx, { role: "auditor" }));
    const areas = () => t.app.inject({ method: "GET", url: "/api/v1/areas", headers: auditor.headers });
    expect((await areas()).statusCode).toBe(200);
    const held = async () =>
      (
        await t.ctx.db.selectFrom("role_permission").select("permission").where("role_key", "=", "auditor").execute()
      ).map((p) => p.permission);
    expect(await held()).toContain("area.read");
    // A deployment seeded before: the auditor role without area.read, refused the areas.
    await t.ctx.db
      .deleteFrom("role_permission")
      .where("role_key", "=", "auditor")
      .where("permission", "=", "area.read")
      .execute();
    await setRolePermissions(t.ctx, systemPrincipal(), meta, "auditor", {
      permissions: ["audit.read", "audit.export", "user.read"],
    });
    expect((await areas()).statusCode).toBe(403);
    await grantAuditorAreaRead(t.ctx.db);
    await grantAuditorAreaRead(t.ctx.db);
    await setRolePermissions(t.ctx, systemPrincipal(), meta, "auditor", {
      permissions: (await held()) as Permission[],
    });
    expect((await held()).sort()).toEqual(["area.read", "audit.export", "audit.read", "user.read"]);
    const seen = await areas();
    expect(seen.statusCode).toBe(200);
    expect(JSON.stringify(seen.json())).toContain(tree.village.code.slice(0, 6));
  });

  it("lets the CLI (the system) change the auditor role", async () => {
    const role = await setRolePermissions(t.ctx, systemPrincipal(), meta, "auditor", {
      permissions: ["audit.read", "audit.export", "user.read"],
    });
    expect(role.permissions).toEqual(["audit.export", "audit.read", "user.read"]);
  });
});

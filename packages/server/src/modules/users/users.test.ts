import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildTestApp, type TestApp } from "../../test/build-test-app.ts";
import { type AreaTree, buildAreaTree, buildUser, type Session, signIn } from "../../test/factories.ts";
import { xlsxOfXml } from "../../test/zip.ts";

let t: TestApp;
let tree: AreaTree;
let admin: Session & { id: string };
let township: Session;

beforeAll(async () => {
  t = await buildTestApp();
  tree = await buildAreaTree(t.ctx);
  const a = await buildUser(t.ctx, { role: "admin" });
  admin = { ...(await signIn(t, a)), id: a.id };
  township = await signIn(t, await buildUser(t.ctx, { role: "township_official", areaCode: tree.township.code }));
});
afterAll(async () => {
  await t?.close();
});

let phones = 0;
/** A new account's fields; its mobile number is its own (one number per account), ending in 5678. */
const newUser = (overrides: Record<string, unknown> = {}) => ({
  id: crypto.randomUUID(),
  username: `zhang.${crypto.randomUUID().slice(0, 8)}`,
  displayName: "张三",
  phone: `139${String(phones++).padStart(4, "0")}5678`,
  ...overrides,
});

describe("POST /api/v1/users", () => {
  it("creates an account with a temporary password shown once, the phone encrypted and masked", async () => {
    const body = newUser({ phone: "13912345678" });
    const res = await t.app.inject({ method: "POST", url: "/api/v1/users", headers: admin.headers, payload: body });
    expect(res.statusCode).toBe(201);
    const { user, initialPassword } = res.json();
    expect(user).toMatchObject({
      id: body.id,
      username: body.username,
      phone: "139****5678",
      mustChangePassword: true,
      status: "active",
    });
    expect(initialPassword).toMatch(/^\S{16}$/);
    const row = await t.ctx.db.selectFrom("app_user").selectAll().where("id", "=", body.id).executeTakeFirstOrThrow();
    expect(JSON.stringify(row)).not.toContain("13912345678");
    expect(JSON.stringify(row)).not.toContain(initialPassword);
    expect(row.password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);

    const retry = await t.app.inject({ method: "POST", url: "/api/v1/users", headers: admin.headers, payload: body });
    expect(retry.statusCode).toBe(200);
    expect(retry.json().initialPassword).toBeNull();
    const conflict = await t.app.inject({
      method: "POST",
      url: "/api/v1/users",
      headers: admin.headers,
      payload: { ...body, username: "someone.else" },
    });
    expect(conflict.statusCode).toBe(409);
    expect(conflict.json().code).toBe("USER_ID_CONFLICT");
  });

  it("answers an id held by an account out of the caller's sight as not found, not as a conflict", async () => {
    const outside = await buildUser(t.ctx, { role: "grid_worker", areaCode: tree.otherGrid.code });
    const res = await t.app.inject({
      method: "POST",
      url: "/api/v1/users",
      headers: township.headers,
      payload: newUser({ id: outside.id, assignment: { roleKey: "grid_instructor", areaCode: tree.village.code } }),
    });
    const unknown = await t.app.inject({
      method: "GET",
      url: `/api/v1/users/${crypto.randomUUID()}`,
      headers: township.headers,
    });
    expect({ status: res.statusCode, code: res.json().code }).toEqual({ status: 404, code: unknown.json().code });
  });

  it("requires the user to set their own password before anything else", async () => {
    const body = newUser();
    const created = await t.app.inject({
      method: "POST",
      url: "/api/v1/users",
      headers: admin.headers,
      payload: { ...body, assignment: { roleKey: "grid_worker", areaCode: tree.grid.code } },
    });
    const s = await signIn(t, { username: body.username, password: created.json().initialPassword });
    const blocked = await t.app.inject({ method: "GET", url: "/api/v1/areas", headers: s.headers });
    expect(blocked.json().code).toBe("AUTH_PASSWORD_CHANGE_REQUIRED");
    const changed = await t.app.inject({
      method: "POST",
      url: "/api/v1/auth/password",
      headers: s.headers,
      payload: { currentPassword: created.json().initialPassword, newPassword: "my very own passphrase" },
    });
    expect(changed.statusCode).toBe(204);
    expect((await t.app.inject({ method: "GET", url: "/api/v1/areas", headers: s.headers })).statusCode).toBe(200);
  });

  it("refuses a taken username and a weak password, naming the fields", async () => {
    const first = newUser();
    await t.app.inject({ method: "POST", url: "/api/v1/users", headers: admin.headers, payload: first });
    const taken = await t.app.inject({
      method: "POST",
      url: "/api/v1/users",
      headers: admin.headers,
      payload: newUser({ username: first.username.toUpperCase() }),
    });
    expect(taken.statusCode).toBe(409);
    expect(taken.json()).toMatchObject({ code: "USER_USERNAME_TAKEN", errors: [{ path: "username" }] });
    const weak = await t.app.inject({
      method: "POST",
      url: "/api/v1/users",
      headers: admin.headers,
      payload: newUser({ password: "woaini1314" }),
    });
    expect(weak.statusCode).toBe(400);
    expect(weak.json().errors).toEqual([{ path: "password", message: "is too common; choose a longer phrase" }]);
    const invalid = await t.app.inject({
      method: "POST",
      url: "/api/v1/users",
      headers: admin.headers,
      payload: { id: "x", username: "!", displayName: "", phone: 5 },
    });
    expect(
      invalid
        .json()
        .errors.map((e: { path: string }) => e.path)
        .sort(),
    ).toEqual(["body.displayName", "body.id", "body.phone", "body.username"]);
    const phone = await t.app.inject({
      method: "POST",
      url: "/api/v1/users",
      headers: admin.headers,
      payload: newUser({ phone: "12345" }),
    });
    expect(phone.json()).toMatchObject({ code: "VALIDATION_FAILED", errors: [{ path: "phone" }] });
  });

  it("makes an area manager give the new account a role in their area, and only roles they could hold", async () => {
    const bare = await t.app.inject({
      method: "POST",
      url: "/api/v1/users",
      headers: township.headers,
      payload: newUser(),
    });
    expect(bare.json()).toMatchObject({ code: "VALIDATION_FAILED", errors: [{ path: "assignment" }] });
    const tooStrong = await t.app.inject({
      method: "POST",
      url: "/api/v1/users",
      headers: township.headers,
      payload: newUser({ assignment: { roleKey: "admin", areaCode: tree.grid.code } }),
    });
    expect(tooStrong.statusCode).toBe(403);
    const fine = await t.app.inject({
      method: "POST",
      url: "/api/v1/users",
      headers: township.headers,
      payload: newUser({
        assignment: { roleKey: "grid_instructor", areaCode: tree.village.code, homeUnit: "区司法局" },
      }),
    });
    expect(fine.statusCode).toBe(201);
    expect(fine.json().user.assignments[0]).toMatchObject({
      roleKey: "grid_instructor",
      areaCode: tree.village.code,
      homeUnit: "区司法局",
    });
  });
});

describe("GET /api/v1/users", () => {
  it("lists only accounts in the caller's area, with filters", async () => {
    const inside = await buildUser(t.ctx, { role: "grid_worker", areaCode: tree.grid.code });
    const outside = await buildUser(t.ctx, { role: "grid_worker", areaCode: tree.otherGrid.code });
    const list = await t.app.inject({ method: "GET", url: "/api/v1/users?limit=200", headers: township.headers });
    const names = list.json().items.map((u: { username: string }) => u.username);
    expect(names).toContain(inside.username);
    expect(names).not.toContain(outside.username);
    const filtered = await t.app.inject({
      method: "GET",
      url: `/api/v1/users?q=${inside.username}&roleKey=grid_worker`,
      headers: admin.headers,
    });
    expect(filtered.json()).toMatchObject({ total: 1, items: [{ username: inside.username }] });
    const bad = await t.app.inject({ method: "GET", url: "/api/v1/users?limit=0&status=gone", headers: admin.headers });
    expect(
      bad
        .json()
        .errors.map((e: { path: string }) => e.path)
        .sort(),
    ).toEqual(["query.limit", "query.status"]);
  });
});

describe("GET /api/v1/users/:id", () => {
  it("answers 404 for an unknown id and for a user outside the scope alike", async () => {
    const outside = await buildUser(t.ctx, { role: "grid_worker", areaCode: tree.otherGrid.code });
    const unknown = await t.app.inject({
      method: "GET",
      url: `/api/v1/users/${crypto.randomUUID()}`,
      headers: township.headers,
    });
    const hidden = await t.app.inject({ method: "GET", url: `/api/v1/users/${outside.id}`, headers: township.headers });
    expect(unknown.statusCode).toBe(404);
    expect(hidden.statusCode).toBe(404);
    expect(hidden.json().code).toBe(unknown.json().code);
  });
});

describe("PATCH /api/v1/users/:id", () => {
  it("locks an account so it can no longer sign in, and never one's own", async () => {
    const worker = await buildUser(t.ctx, { role: "grid_worker", areaCode: tree.grid.code });
    const s = await signIn(t, worker);
    const locked = await t.app.inject({
      method: "PATCH",
      url: `/api/v1/users/${worker.id}`,
      headers: township.headers,
      payload: { status: "locked" },
    });
    expect(locked.json().status).toBe("locked");
    expect((await t.app.inject({ method: "GET", url: "/api/v1/auth/me", headers: s.headers })).statusCode).toBe(401);
    const self = await t.app.inject({
      method: "PATCH",
      url: `/api/v1/users/${admin.id}`,
      headers: admin.headers,
      payload: { status: "disabled" },
    });
    expect(self.json().code).toBe("USER_SELF_DISABLE");
    const audit = await t.ctx.db
      .selectFrom("audit_log")
      .select(["action", "outcome"])
      .where("target_id", "=", worker.id)
      .where("action", "=", "user.status.locked")
      .execute();
    expect(audit).toEqual([{ action: "user.status.locked", outcome: "success" }]);
  });
});

describe("POST /api/v1/users/:id/password-reset", () => {
  it("refuses to reset the caller's own password (no current password asked), records the refusal, changes nothing", async () => {
    const official = await buildUser(t.ctx, { role: "township_official", areaCode: tree.township.code });
    const s = await signIn(t, official);
    const before = await t.ctx.db
      .selectFrom("app_user")
      .select("password_hash")
      .where("id", "=", official.id)
      .executeTakeFirstOrThrow();
    const res = await t.app.inject({
      method: "POST",
      url: `/api/v1/users/${official.id}/password-reset`,
      headers: s.headers,
      payload: { password: "a brand new passphrase 42" },
    });
    expect({ status: res.statusCode, code: res.json().code }).toEqual({
      status: 403,
      code: "USER_SELF_PASSWORD_RESET",
    });
    const after = await t.ctx.db
      .selectFrom("app_user")
      .select(["password_hash", "must_change_password"])
      .where("id", "=", official.id)
      .executeTakeFirstOrThrow();
    expect(after).toEqual({ password_hash: before.password_hash, must_change_password: false });
    // The session lives on and the old password still signs in.
    expect((await t.app.inject({ method: "GET", url: "/api/v1/auth/me", headers: s.headers })).statusCode).toBe(200);
    await signIn(t, official);
    const denied = await t.ctx.db
      .selectFrom("audit_log")
      .select(["outcome", "reason"])
      .where("action", "=", "user.password.reset")
      .where("target_id", "=", official.id)
      .execute();
    expect(denied).toEqual([{ outcome: "denied", reason: "USER_SELF_PASSWORD_RESET" }]);
    // Someone with authority over the account still resets it.
    const byAdmin = await t.app.inject({
      method: "POST",
      url: `/api/v1/users/${official.id}/password-reset`,
      headers: admin.headers,
      payload: {},
    });
    expect(byAdmin.statusCode).toBe(200);
    expect(byAdmin.json().temporaryPassword).toMatch(/^\S{16}$/);
  });
});

describe("assignments", () => {
  it("never lets an admin grant themselves the auditor role, and records the refusal", async () => {
    const res = await t.app.inject({
      method: "POST",
      url: "/api/v1/assignments",
      headers: admin.headers,
      payload: { id: crypto.randomUUID(), userId: admin.id, roleKey: "auditor", areaCode: null },
    });
    expect(res.statusCode).toBe(403);
    expect(res.json().code).toBe("ASSIGNMENT_SELF_GRANT_FORBIDDEN");
    const denied = await t.ctx.db
      .selectFrom("audit_log")
      .selectAll()
      .where("action", "=", "assignment.create")
      .where("outcome", "=", "denied")
      .where("target_id", "=", admin.id)
      .execute();
    expect(denied).toHaveLength(1);
  });

  it("never lets the admin create an auditor or make anyone an auditor (三员分立), and records the refusals", async () => {
    const body = newUser({
      password: "an admin's chosen passphrase",
      assignment: { roleKey: "auditor", areaCode: null },
    });
    const created = await t.app.inject({ method: "POST", url: "/api/v1/users", headers: admin.headers, payload: body });
    expect({ status: created.statusCode, code: created.json().code }).toEqual({
      status: 403,
      code: "ROLE_AUDIT_SEPARATION",
    });
    expect(
      await t.ctx.db.selectFrom("app_user").select("id").where("id", "=", body.id).executeTakeFirst(),
    ).toBeUndefined();
    const someone = await buildUser(t.ctx, { role: "grid_worker", areaCode: tree.grid.code });
    const granted = await t.app.inject({
      method: "POST",
      url: "/api/v1/assignments",
      headers: admin.headers,
      payload: { id: crypto.randomUUID(), userId: someone.id, roleKey: "auditor", areaCode: null },
    });
    expect({ status: granted.statusCode, code: granted.json().code }).toEqual({
      status: 403,
      code: "ROLE_AUDIT_SEPARATION",
    });
    const denied = await t.ctx.db
      .selectFrom("audit_log")
      .select("target_id")
      .where("action", "=", "assignment.create")
      .where("outcome", "=", "denied")
      .where("target_id", "in", [body.id, someone.id])
      .execute();
    expect(denied).toHaveLength(2);
    const posts = await t.ctx.db
      .selectFrom("assignment")
      .select("role_key")
      .where("user_id", "=", someone.id)
      .execute();
    expect(posts).toEqual([{ role_key: "grid_worker" }]);
  });

  it("lets an auditor create an auditor with a temporary password, which the admin can neither set nor reset", async () => {
    const auditor = await signIn(t, await buildUser(t.ctx, { role: "auditor" }));
    const body = newUser();
    const created = await t.app.inject({
      method: "POST",
      url: "/api/v1/auditors",
      headers: auditor.headers,
      payload: body,
    });
    expect(created.statusCode).toBe(201);
    expect(created.json().user.assignments).toMatchObject([{ roleKey: "auditor", areaCode: null }]);
    const password = created.json().initialPassword as string;
    expect(password).toMatch(/^\S{16}$/);
    const retry = await t.app.inject({
      method: "POST",
      url: "/api/v1/auditors",
      headers: auditor.headers,
      payload: body,
    });
    expect({ status: retry.statusCode, initialPassword: retry.json().initialPassword }).toEqual({
      status: 200,
      initialPassword: null,
    });
    const chosen = await t.app.inject({
      method: "POST",
      url: "/api/v1/auditors",
      headers: auditor.headers,
      payload: newUser({ password: "a password of my choosing" }),
    });
    expect(chosen.json()).toMatchObject({ code: "VALIDATION_FAILED" });
    const byAdmin = await t.app.inject({
      method: "POST",
      url: "/api/v1/auditors",
      headers: admin.headers,
      payload: newUser(),
    });
    expect(byAdmin.statusCode).toBe(403);
    const reset = await t.app.inject({
      method: "POST",
      url: `/api/v1/users/${body.id}/password-reset`,
      headers: admin.headers,
      payload: {},
    });
    expect({ status: reset.statusCode, code: reset.json().code }).toEqual({
      status: 403,
      code: "ROLE_AUDIT_SEPARATION",
    });
    await signIn(t, { username: body.username, password });
  });

  it("counts only the permissions a manager holds in the target area, not those of a post elsewhere", async () => {
    // A township official who is also grid head of a grid in the next township: the grid head's
    // patrol.checkin is not theirs to hand out in their own township.
    const both = await buildUser(t.ctx, { role: "township_official", areaCode: tree.township.code });
    await t.app.inject({
      method: "POST",
      url: "/api/v1/assignments",
      headers: admin.headers,
      payload: { id: crypto.randomUUID(), userId: both.id, roleKey: "grid_head", areaCode: tree.otherGrid.code },
    });
    const s = await signIn(t, both);
    const target = await buildUser(t.ctx, { role: "grid_instructor", areaCode: tree.grid.code });
    const res = await t.app.inject({
      method: "POST",
      url: "/api/v1/assignments",
      headers: s.headers,
      payload: { id: crypto.randomUUID(), userId: target.id, roleKey: "grid_worker", areaCode: tree.grid.code },
    });
    expect({ status: res.statusCode, code: res.json().code }).toEqual({ status: 403, code: "AUTH_FORBIDDEN" });
    const inOwnTownship = await t.app.inject({
      method: "POST",
      url: "/api/v1/assignments",
      headers: s.headers,
      payload: { id: crypto.randomUUID(), userId: target.id, roleKey: "grid_instructor", areaCode: tree.village.code },
    });
    expect(inOwnTownship.statusCode).toBe(201);
  });

  it("answers an assignment id held by an account out of sight as not found, not as a conflict", async () => {
    const outside = await buildUser(t.ctx, { role: "grid_worker", areaCode: tree.otherGrid.code });
    const held = await t.ctx.db
      .selectFrom("assignment")
      .select("id")
      .where("user_id", "=", outside.id)
      .executeTakeFirstOrThrow();
    const target = await buildUser(t.ctx, { role: "grid_instructor", areaCode: tree.grid.code });
    const res = await t.app.inject({
      method: "POST",
      url: "/api/v1/assignments",
      headers: township.headers,
      payload: { id: held.id, userId: target.id, roleKey: "grid_instructor", areaCode: tree.village.code },
    });
    expect(res.statusCode).toBe(404);
  });

  it("gives a sunk official a second role in a grid, takes it away, and answers 404 for an unknown role area", async () => {
    const official = await buildUser(t.ctx, { role: "township_official", areaCode: tree.township.code });
    const id = crypto.randomUUID();
    const granted = await t.app.inject({
      method: "POST",
      url: "/api/v1/assignments",
      headers: admin.headers,
      payload: { id, userId: official.id, roleKey: "grid_instructor", areaCode: tree.grid.code, homeUnit: "镇政府" },
    });
    expect(granted.statusCode).toBe(201);
    expect(
      granted
        .json()
        .assignments.map((a: { roleKey: string }) => a.roleKey)
        .sort(),
    ).toEqual(["grid_instructor", "township_official"]);
    const unknownArea = await t.app.inject({
      method: "POST",
      url: "/api/v1/assignments",
      headers: admin.headers,
      payload: { id: crypto.randomUUID(), userId: official.id, roleKey: "grid_instructor", areaCode: "NOPE999" },
    });
    expect(unknownArea.json()).toMatchObject({ code: "AREA_NOT_FOUND", errors: [{ path: "areaCode" }] });
    const removed = await t.app.inject({ method: "DELETE", url: `/api/v1/assignments/${id}`, headers: admin.headers });
    expect(removed.statusCode).toBe(204);
  });
});

describe("POST /api/v1/users/import-staff", () => {
  const post = (format: "csv" | "xlsx", content: Buffer, headers = admin.headers) =>
    t.app.inject({
      method: "POST",
      url: "/api/v1/users/import-staff",
      headers,
      payload: { format, content: content.toString("base64") },
    });

  it("creates accounts for new people, adds posts for known ones, and reports every bad row with its reason (CSV)", async () => {
    const phone = `158${String(Date.now()).slice(-8)}`;
    const known = await buildUser(t.ctx, {
      role: "grid_worker",
      areaCode: tree.grid.code,
      phone: `159${String(Date.now()).slice(-8)}`,
    });
    const knownPhone = (
      await t.ctx.db.selectFrom("app_user").select("phone_enc").where("id", "=", known.id).executeTakeFirstOrThrow()
    ).phone_enc as string;
    const csv = [
      "姓名,手机号,派出单位,网格代码,角色",
      `王指导,${phone},"港北区司法局",${tree.grid.code},网格指导员`,
      `老网格员,${t.ctx.crypto.decrypt(knownPhone)},,${tree.otherGrid.code},网格长`,
      `缺单位,13600000000,,${tree.grid.code},网格指导员`,
      `错电话,12345,,${tree.grid.code},网格员`,
      `错网格,13600000001,,NOPE,网格员`,
      `错角色,13600000002,,${tree.grid.code},村长`,
    ].join("\r\n");
    const res = await post("csv", Buffer.from(`\uFEFF${csv}`));
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ created: 1, assigned: 1, rejected: 4 });
    expect(body.rows[0]).toMatchObject({
      row: 2,
      outcome: "created",
      username: expect.stringMatching(/^staff-/),
      temporaryPassword: expect.stringMatching(/^\S{16}$/),
    });
    expect(body.rows[1]).toEqual({ row: 3, outcome: "assigned", username: known.username });
    expect(
      body.rows.slice(2).map((r: { row: number; errors: { path: string }[] }) => [r.row, r.errors[0]?.path]),
    ).toEqual([
      [4, "rows.4.homeUnit"],
      [5, "rows.5.phone"],
      [6, "rows.6.gridCode"],
      [7, "rows.7.role"],
    ]);
    const created = await t.ctx.db
      .selectFrom("app_user")
      .selectAll()
      .where("username", "=", body.rows[0].username)
      .executeTakeFirstOrThrow();
    expect(created.display_name).toBe("王指导");
    expect(JSON.stringify(created)).not.toContain(phone);
    const again = await post("csv", Buffer.from(csv));
    expect(again.json().rows[0]).toMatchObject({ outcome: "unchanged" });
  });

  it("reads the same roster from XLSX with English headers", async () => {
    const ExcelJS = (await import("exceljs")).default;
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet("staff");
    sheet.addRow(["Name", "Phone", "Home unit", "Grid code", "Role"]);
    sheet.addRow(["Li Grid", `157${String(Date.now()).slice(-8)}`, "", tree.grid.code, "part_time_grid_worker"]);
    const buffer = Buffer.from(await workbook.xlsx.writeBuffer());
    const res = await post("xlsx", buffer);
    expect(res.json()).toMatchObject({ created: 1, rejected: 0 });
    const staff = await t.app.inject({
      method: "GET",
      url: `/api/v1/areas/${tree.grid.code}/staff`,
      headers: admin.headers,
    });
    expect(staff.json()).toContainEqual(
      expect.objectContaining({ displayName: "Li Grid", roleKey: "grid_worker", employment: "part_time" }),
    );
  });

  it("names missing columns and refuses an unreadable file", async () => {
    const missing = await post("csv", Buffer.from("姓名,手机号\n张三,13800000000\n"));
    expect(missing.json()).toMatchObject({
      code: "VALIDATION_FAILED",
      errors: [{ path: "body.content", message: "missing columns: home unit, grid code, role" }],
    });
    const junk = await post("xlsx", Buffer.from("not a spreadsheet"));
    expect(junk.json().errors[0].message).toBe("not a readable XLSX file");
    // A quote that would shift the columns of the rows after it is named, row and field.
    const quoted = await post(
      "csv",
      Buffer.from('姓名,手机号,派出单位,网格代码,角色\n\n张"三,13800000000,,X,网格员\n'),
    );
    expect(quoted.json()).toMatchObject({
      code: "VALIDATION_FAILED",
      errors: [
        {
          path: "body.content",
          message: "CSV row 3: a quote inside the unquoted field 1 (a field with quotes must be quoted)",
        },
      ],
    });
  });

  it("numbers rows as a spreadsheet shows the file: blank lines count, a cell over two lines is one row", async () => {
    const csv = `姓名,手机号,派出单位,网格代码,角色\n\n"两行\n名字",13600000003,,NOPE,网格员\n错网格,13600000004,,NOPE,网格员\n`;
    const res = await post("csv", Buffer.from(csv));
    expect(res.json().rows.map((r: { row: number; errors: { path: string }[] }) => [r.row, r.errors[0]?.path])).toEqual(
      [
        [3, "rows.3.gridCode"],
        [4, "rows.4.gridCode"],
      ],
    );
  });

  it("refuses a number held by an account out of the importer's sight in the same words whoever holds it, audited", async () => {
    const unique = String(Date.now()).slice(-8);
    const elsewhere = await buildUser(t.ctx, {
      role: "grid_worker",
      areaCode: tree.otherGrid.code,
      phone: `155${unique}`,
    });
    const resident = await buildUser(t.ctx, { role: "resident", phone: `156${unique}` });
    const csv = [
      "name,phone,home unit,grid code,role",
      `外镇网格员,155${unique},,${tree.grid.code},grid_worker`,
      `居民,156${unique},,${tree.grid.code},grid_worker`,
    ].join("\n");
    const res = await post("csv", Buffer.from(csv), township.headers);
    expect(res.statusCode).toBe(200);
    const rows = res.json().rows as { row: number; outcome: string; errors: { path: string; message: string }[] }[];
    expect(rows.map((r) => [r.outcome, r.errors])).toEqual([
      ["rejected", [{ path: "rows.2.phone", message: rows[0]?.errors[0]?.message }]],
      ["rejected", [{ path: "rows.3.phone", message: rows[0]?.errors[0]?.message }]],
    ]);
    expect(res.body).not.toContain(elsewhere.id);
    expect(res.body).not.toContain(resident.id);
    expect(res.body).not.toContain("RESOURCE_NOT_FOUND");
    // Nobody got a post in the township's grid.
    const posts = await t.ctx.db
      .selectFrom("assignment")
      .select("user_id")
      .where("user_id", "in", [elsewhere.id, resident.id])
      .where("area_path", "=", tree.grid.path)
      .execute();
    expect(posts).toEqual([]);
    const audit = await t.ctx.db
      .selectFrom("audit_log")
      .select("details")
      .where("action", "=", "user.import.staff")
      .orderBy("seq", "desc")
      .executeTakeFirstOrThrow();
    expect(audit.details).toMatchObject({ rows: 2, rejected: 2, refusedNumbers: 2 });
  });

  it("draws each refusal from the importer's look-ups by number, then refuses every unseen number alike", async () => {
    const manager = await buildUser(t.ctx, { role: "township_official", areaCode: tree.township.code });
    const session = await signIn(t, manager);
    const unique = String(Date.now() + 7).slice(-8);
    await buildUser(t.ctx, { role: "grid_worker", areaCode: tree.otherGrid.code, phone: `153${unique}` });
    await buildUser(t.ctx, { role: "grid_worker", areaCode: tree.otherGrid.code, phone: `154${unique}` });
    const roster = (phone: string) =>
      Buffer.from(`name,phone,home unit,grid code,role
某人,${phone},,${tree.grid.code},grid_worker
`);
    const first = await post("csv", roster(`153${unique}`), session.headers);
    expect(first.json().rows[0]).toMatchObject({ outcome: "rejected", errors: [{ path: "rows.2.phone" }] });
    const lookups = () => t.ctx.db.selectFrom("person_lookup").select("id").where("user_id", "=", manager.id).execute();
    expect(await lookups()).toHaveLength(1);
    // The rest of the allowance (20 in ten minutes) spent on searches.
    const now = t.clock.now;
    await t.ctx.db
      .insertInto("person_lookup")
      .values(Array.from({ length: 19 }, () => ({ id: crypto.randomUUID(), user_id: manager.id, at: now })))
      .execute();
    const held = await post("csv", roster(`154${unique}`), session.headers);
    const free = await post("csv", roster(`152${unique}`), session.headers);
    expect(held.json().rows[0]).toEqual(free.json().rows[0]);
    expect(free.json().rows[0]).toEqual({
      row: 2,
      outcome: "rejected",
      errors: [{ path: "rows.2.phone", message: "limit of number look-ups reached; import the rest later" }],
    });
    expect(await lookups()).toHaveLength(20);
  });

  it("refuses a row whose cells hold text the database cannot store, naming the field, and imports the rest", async () => {
    const unique = String(Date.now() + 11).slice(-8);
    const csv = [
      "姓名,手机号,派出单位,网格代码,角色",
      `好人,150${unique},,${tree.grid.code},网格员`,
      `空\u0000字符,151${unique},,${tree.grid.code},网格员`,
    ].join("\n");
    const res = await post("csv", Buffer.from(csv));
    expect(res.statusCode).toBe(200);
    const reason =
      "contains text that cannot be stored (a NUL character, a control character or bytes that are not UTF-8)";
    expect(res.json()).toMatchObject({ created: 1, rejected: 1 });
    expect(res.json().rows[1]).toEqual({
      row: 3,
      outcome: "rejected",
      errors: [{ path: "rows.3.name", message: reason }],
    });
    const xlsx = xlsxOfXml([
      ["姓名", "手机号", "派出单位", "网格代码", "角色"],
      ["指导员", `149${unique}`, "司法局&#0;", tree.grid.code, "网格指导员"],
    ]);
    const fromXlsx = await post("xlsx", xlsx);
    expect(fromXlsx.statusCode, fromXlsx.body).toBe(200);
    expect(fromXlsx.json().rows).toEqual([
      { row: 2, outcome: "rejected", errors: [{ path: "rows.2.homeUnit", message: reason }] },
    ]);
  });

  it("rejects rows outside an area manager's township", async () => {
    const csv = `name,phone,home unit,grid code,role\n外镇,13700000009,,${tree.otherGrid.code},grid_worker\n`;
    const res = await post("csv", Buffer.from(csv), township.headers);
    expect(res.json().rows[0]).toMatchObject({ outcome: "rejected", errors: [{ path: "rows.2.gridCode" }] });
  });
});

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildTestApp, type TestApp } from "../../test/build-test-app.ts";
import { type AreaTree, buildAreaTree, buildUser, type Session, signIn } from "../../test/factories.ts";

let t: TestApp;
let admin: Session;
let tree: AreaTree;
let v: string;

const rect = (w: number, s: number, e: number, n: number) => ({
  type: "Polygon",
  coordinates: [
    [
      [w, s],
      [e, s],
      [e, n],
      [w, n],
      [w, s],
    ],
  ],
});
const post = (url: string, payload: Record<string, unknown>, headers = admin.headers) =>
  t.app.inject({ method: "POST", url, headers, payload });
const get = (url: string) => t.app.inject({ method: "GET", url, headers: admin.headers });
const locate = async (lng: number, lat: number, asOf?: string) =>
  (await get(`/api/v1/areas/locate?lng=${lng}&lat=${lat}${asOf ? `&asOf=${asOf}` : ""}`)).json();

beforeAll(async () => {
  t = await buildTestApp();
  admin = await signIn(t, await buildUser(t.ctx, { role: "admin" }));
  tree = await buildAreaTree(t.ctx);
  v = tree.village.code;
  await t.app.inject({
    method: "PUT",
    url: `/api/v1/areas/${v}/boundary`,
    headers: admin.headers,
    payload: { geometry: rect(109.6, 23.1, 109.64, 23.12) },
  });
  const features = [
    { code: `${v}G05`, geometry: rect(109.6, 23.1, 109.62, 23.12) },
    { code: `${v}G06`, geometry: rect(109.63, 23.1, 109.64, 23.12) },
  ].map((f) => ({
    type: "Feature",
    properties: { code: f.code, parent_code: v, name: `网格${f.code}` },
    geometry: f.geometry,
  }));
  const res = await post("/api/v1/areas/import", { collection: { type: "FeatureCollection", features } });
  expect(res.json()).toMatchObject({ applied: true, created: 2 });
});
afterAll(async () => {
  await t?.close();
});

describe("splitting a grid", () => {
  const changeId = crypto.randomUUID();
  let before = "";
  let parts: string[] = [];

  it("refuses parts that overlap or leave a gap, naming each, and changes nothing", async () => {
    const res = await post(`/api/v1/areas/${v}G05/split`, {
      id: crypto.randomUUID(),
      reason: "新建小区",
      parts: [
        { name: "西片", geometry: rect(109.6, 23.1, 109.612, 23.12) },
        { name: "东片", geometry: rect(109.61, 23.1, 109.618, 23.12) },
      ],
    });
    expect(res.statusCode).toBe(422);
    expect(res.headers["content-type"]).toMatch(/problem\+json/);
    const problem = res.json();
    expect(problem.code).toBe("AREA_RESHAPE_INVALID");
    expect(problem.errors.map((e: { path: string }) => e.path)).toEqual(["body.parts.1.geometry", "body.parts"]);
    expect((await locate(109.605, 23.11)).area.code).toBe(`${v}G05`);
    // The factory's grid G01 and the two imported ones.
    expect((await get(`/api/v1/areas/${v}/children`)).json()).toHaveLength(3);
  });

  it("refuses a split without a reason or with one part, by field", async () => {
    const res = await post(`/api/v1/areas/${v}G05/split`, {
      id: crypto.randomUUID(),
      parts: [{ name: "全部", geometry: rect(109.6, 23.1, 109.62, 23.12) }],
    });
    expect(res.statusCode).toBe(400);
    expect(
      res
        .json()
        .errors.map((e: { path: string }) => e.path)
        .sort(),
    ).toEqual(["body.parts", "body.reason"]);
  });

  it("splits into parts with codes derived from the village, moves the staff, and keeps the old grid in history", async () => {
    const head = await buildUser(t.ctx, { role: "grid_head", areaCode: `${v}G05` });
    before = t.ctx.now().toISOString();
    t.clock.advanceMinutes(1);
    const res = await post(`/api/v1/areas/${v}G05/split`, {
      id: changeId,
      reason: "新建小区，户数超过三百",
      parts: [
        { name: "西片", geometry: rect(109.6, 23.1, 109.61, 23.12) },
        { name: "东片", kind: "rural", geometry: rect(109.61, 23.1, 109.62, 23.12) },
      ],
      staffTo: 1,
    });
    expect(res.statusCode, res.body).toBe(200);
    // G01 belongs to the factory's grid and G05, G06 to the imported ones: the next free codes.
    expect(res.json()).toMatchObject({
      id: changeId,
      change: "split",
      from: [`${v}G05`],
      to: [
        { code: `${v}G02`, name: "西片" },
        { code: `${v}G03`, name: "东片" },
      ],
    });
    parts = res.json().to.map((p: { code: string }) => p.code);
    expect((await locate(109.605, 23.11)).area).toMatchObject({ code: parts[0], kind: null });
    expect((await locate(109.615, 23.11)).area).toMatchObject({ code: parts[1], kind: "rural" });
    const then = await locate(109.605, 23.11, before);
    expect(then.area?.code, JSON.stringify(then) + before).toBe(`${v}G05`);
    const staff = (await get(`/api/v1/areas/${parts[1]}/staff`)).json();
    expect(staff.map((s: { displayName: string }) => s.displayName)).toEqual([`测试用户 ${head.username}`]);
    const lineage = (await get(`/api/v1/areas/${v}G05/lineage`)).json();
    expect(lineage).toEqual([
      expect.objectContaining({ change: "split", direction: "into", code: parts[0], reason: "新建小区，户数超过三百" }),
      expect.objectContaining({ change: "split", direction: "into", code: parts[1] }),
    ]);
    const audit = await t.ctx.db
      .selectFrom("audit_log")
      .select(["target_id", "reason"])
      .where("action", "=", "area.split")
      .execute();
    expect(audit).toEqual([{ target_id: `${v}G05`, reason: "新建小区，户数超过三百" }]);
    t.clock.advanceMinutes(-1);
  });

  it("answers a retry with the same id with what was done, creating nothing more", async () => {
    const res = await post(`/api/v1/areas/${v}G05/split`, {
      id: changeId,
      reason: "新建小区，户数超过三百",
      parts: [
        { name: "西片", geometry: rect(109.6, 23.1, 109.61, 23.12) },
        { name: "东片", geometry: rect(109.61, 23.1, 109.62, 23.12) },
      ],
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().to.map((p: { code: string }) => p.code)).toEqual(parts);
    const children = (await get(`/api/v1/areas/${v}/children`)).json();
    expect(children.map((c: { code: string }) => c.code).sort()).toEqual([tree.grid.code, ...parts, `${v}G06`].sort());
  });

  it("refuses to split the abolished grid again with a new id, and reuses of the id for another change", async () => {
    const again = await post(`/api/v1/areas/${v}G05/split`, {
      id: crypto.randomUUID(),
      reason: "再分",
      parts: [
        { name: "a", geometry: rect(109.6, 23.1, 109.61, 23.12) },
        { name: "b", geometry: rect(109.61, 23.1, 109.62, 23.12) },
      ],
    });
    expect(again.statusCode).toBe(422);
    expect(again.json().errors[0].message).toMatch(/no longer exists/);
    const reused = await post("/api/v1/areas/merge", {
      id: changeId,
      reason: "合并",
      codes: parts,
      into: { name: "合并" },
    });
    expect(reused.statusCode).toBe(409);
    expect(reused.json().code).toBe("AREA_CHANGE_CONFLICT");
  });

  it("answers 404 for a grid outside the caller's scope, as for an unknown one", async () => {
    // An admin's role held for another county only: area.manage there, nothing here.
    const elsewhere = await buildAreaTree(t.ctx);
    const outsider = await signIn(t, await buildUser(t.ctx, { role: "admin", areaCode: elsewhere.county.code }));
    const res = await post(
      `/api/v1/areas/${parts[0]}/split`,
      {
        id: crypto.randomUUID(),
        reason: "越权",
        parts: [
          { name: "a", geometry: rect(109.6, 23.1, 109.605, 23.12) },
          { name: "b", geometry: rect(109.605, 23.1, 109.61, 23.12) },
        ],
      },
      outsider.headers,
    );
    expect(res.statusCode).toBe(404);
    expect(res.json().code).toBe("AREA_NOT_FOUND");
  });

  it("answers a change id recorded out of the caller's sight as not found, neither replaying nor conflicting", async () => {
    const elsewhere = await buildAreaTree(t.ctx);
    const outsider = await signIn(t, await buildUser(t.ctx, { role: "admin", areaCode: elsewhere.county.code }));
    const replayed = await post(
      `/api/v1/areas/${v}G05/split`,
      {
        id: changeId,
        reason: "重放",
        parts: [
          { name: "a", geometry: rect(109.6, 23.1, 109.61, 23.12) },
          { name: "b", geometry: rect(109.61, 23.1, 109.62, 23.12) },
        ],
      },
      outsider.headers,
    );
    expect({ status: replayed.statusCode, code: replayed.json().code }).toEqual({
      status: 404,
      code: "AREA_NOT_FOUND",
    });
    const reused = await post(
      "/api/v1/areas/merge",
      {
        id: changeId,
        reason: "合并",
        codes: [elsewhere.grid.code, `${elsewhere.village.code}G02`],
        into: { name: "合并" },
      },
      outsider.headers,
    );
    expect({ status: reused.statusCode, code: reused.json().code }).toEqual({ status: 404, code: "AREA_NOT_FOUND" });
  });

  it("lets an official who may manage areas redraw only their own area, not the grids under it (work scope)", async () => {
    const roles = (await get("/api/v1/roles")).json() as { key: string; permissions: string[] }[];
    const township = roles.find((r) => r.key === "township_official") as { permissions: string[] };
    await t.app.inject({
      method: "PUT",
      url: "/api/v1/roles/township_official",
      headers: admin.headers,
      payload: { permissions: [...township.permissions, "area.manage"] },
    });
    try {
      const official = await signIn(
        t,
        await buildUser(t.ctx, { role: "township_official", areaCode: tree.township.code }),
      );
      const redraw = await t.app.inject({
        method: "PUT",
        url: `/api/v1/areas/${v}G06/boundary`,
        headers: official.headers,
        payload: { geometry: rect(109.63, 23.1, 109.635, 23.12) },
      });
      expect({ status: redraw.statusCode, code: redraw.json().code }).toEqual({ status: 403, code: "AUTH_FORBIDDEN" });
      const split = await post(
        `/api/v1/areas/${v}G06/split`,
        {
          id: crypto.randomUUID(),
          reason: "越级",
          parts: [
            { name: "a", geometry: rect(109.63, 23.1, 109.635, 23.12) },
            { name: "b", geometry: rect(109.635, 23.1, 109.64, 23.12) },
          ],
        },
        official.headers,
      );
      expect({ status: split.statusCode, code: split.json().code }).toEqual({ status: 403, code: "AUTH_FORBIDDEN" });
      const imported = await post(
        "/api/v1/areas/import",
        {
          collection: {
            type: "FeatureCollection",
            features: [
              {
                type: "Feature",
                properties: { code: `${v}G06`, parent_code: v, name: "改名" },
                geometry: rect(109.63, 23.1, 109.64, 23.12),
              },
            ],
          },
        },
        official.headers,
      );
      expect(imported.json()).toMatchObject({ rejected: 1, features: [{ outcome: "rejected" }] });
      const beats = await post(
        "/api/v1/police-beats/import",
        { collection: { type: "FeatureCollection", features: [] } },
        official.headers,
      );
      expect({ status: beats.statusCode, code: beats.json().code }).toEqual({ status: 403, code: "AUTH_FORBIDDEN" });
      expect((await get(`/api/v1/areas/${v}G06`)).json().name).toBe(`网格${v}G06`);
      const own = await t.app.inject({
        method: "PUT",
        url: `/api/v1/areas/${tree.township.code}/boundary`,
        headers: official.headers,
        payload: { geometry: rect(109.5, 23.0, 109.7, 23.2) },
      });
      expect(own.statusCode).toBe(200);
    } finally {
      await t.app.inject({
        method: "PUT",
        url: "/api/v1/roles/township_official",
        headers: admin.headers,
        payload: { permissions: township.permissions },
      });
    }
  });

  it("merges neighbours back into one grid and refuses grids that do not touch", async () => {
    const apart = await post("/api/v1/areas/merge", {
      id: crypto.randomUUID(),
      reason: "合并",
      codes: [parts[0], `${v}G06`],
      into: { name: "远" },
    });
    expect(apart.statusCode).toBe(422);
    expect(apart.json().errors[0]).toMatchObject({
      path: "body.codes",
      message: expect.stringMatching(/do not touch/),
    });

    const res = await post("/api/v1/areas/merge", {
      id: crypto.randomUUID(),
      reason: "两片人口减少，合并管理",
      codes: parts,
      into: { code: `${v}G20`, name: "合并网格" },
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ change: "merge", from: parts, to: [{ code: `${v}G20`, name: "合并网格" }] });
    expect((await locate(109.605, 23.11)).area.code).toBe(`${v}G20`);
    expect((await locate(109.615, 23.11)).area.code).toBe(`${v}G20`);
    const staff = (await get(`/api/v1/areas/${v}G20/staff`)).json();
    expect(staff).toHaveLength(1);
    const lineage = (await get(`/api/v1/areas/${v}G20/lineage`)).json();
    expect(lineage.map((l: { direction: string; code: string }) => [l.direction, l.code])).toEqual([
      ["from", parts[0]],
      ["from", parts[1]],
    ]);
    const boundary = (await get(`/api/v1/areas/${v}G20/boundary/history`)).json();
    expect(boundary).toHaveLength(1);
  });
});

import { systemPrincipal } from "@wangge/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildTestApp, type TestApp } from "../../test/build-test-app.ts";
import { type AreaTree, buildAreaTree, buildUser, type Session, signIn } from "../../test/factories.ts";
import { importDivisions } from "./areas.service.ts";
import { readDivisions } from "./divisions-source.ts";

let t: TestApp;
let admin: Session;
const meta = { requestId: "test", ip: null, userAgent: null };

beforeAll(async () => {
  t = await buildTestApp();
  admin = await signIn(t, await buildUser(t.ctx, { role: "admin" }));
});
afterAll(async () => {
  await t?.close();
});

const square = (x: number, y: number, size: number) => [
  [x, y],
  [x + size, y],
  [x + size, y + size],
  [x, y + size],
  [x, y],
];
const feature = (code: string, parent: string, coordinates: unknown, type = "Polygon", name = `网格${code}`) => ({
  type: "Feature",
  properties: { code, parent_code: parent, name, kind: "community" },
  geometry: { type, coordinates },
});
const importFc = (features: unknown[], extra: Record<string, unknown> = {}) =>
  t.app.inject({
    method: "POST",
    url: "/api/v1/areas/import",
    headers: admin.headers,
    payload: { collection: { type: "FeatureCollection", features }, kindProperty: "kind", ...extra },
  });
const locate = (lng: number, lat: number, asOf?: string) =>
  t.app.inject({
    method: "GET",
    url: `/api/v1/areas/locate?lng=${lng}&lat=${lat}${asOf ? `&asOf=${asOf}` : ""}`,
    headers: admin.headers,
  });

describe("wangge import divisions (the official list)", () => {
  it("loads Guigang with the package's counts, is idempotent, restores renamed names and marks vanished codes abolished", async () => {
    const divisions = await readDivisions("4508");
    const expected = (level: string) => divisions.filter((d) => d.level === level).length;
    const first = await importDivisions(t.ctx, systemPrincipal(), meta, "4508", divisions);
    expect(first.byLevel).toMatchObject({
      province: 1,
      city: 1,
      county: 5,
      township: expected("township"),
      village: expected("village"),
    });
    expect(expected("village")).toBeGreaterThan(1000);

    const detail = await t.app.inject({ method: "GET", url: "/api/v1/areas/4508", headers: admin.headers });
    expect(detail.statusCode).toBe(200);
    expect(detail.json()).toMatchObject({
      code: "4508",
      name: "贵港市",
      level: "city",
      source: "nbs",
      ancestors: [{ code: "45", name: "广西壮族自治区" }],
      descendants: { county: 5, township: expected("township"), village: expected("village") },
    });
    const children = await t.app.inject({ method: "GET", url: "/api/v1/areas/4508/children", headers: admin.headers });
    expect(children.json().map((c: { name: string }) => c.name)).toEqual([
      "港北区",
      "港南区",
      "覃塘区",
      "平南县",
      "桂平市",
    ]);

    await t.ctx.db.updateTable("area").set({ name: "旧名" }).where("code", "=", "450802001").execute();
    await t.ctx.db
      .insertInto("area")
      .values({
        id: crypto.randomUUID(),
        code: "450802999",
        name: "已撤销镇",
        level: "township",
        parent_id: null,
        path: "/45/4508/450802/450802999/",
        source: "nbs",
      })
      .execute();
    const again = await importDivisions(t.ctx, systemPrincipal(), meta, "4508", divisions);
    expect(again).toMatchObject({ inserted: 0, renamed: 1, restored: 0, abolished: ["450802999"] });
    const township = await t.app.inject({ method: "GET", url: "/api/v1/areas/450802001", headers: admin.headers });
    expect(township.json().name).toBe("贵城街道");
    const history = await t.app.inject({
      method: "GET",
      url: "/api/v1/areas/450802001/history",
      headers: admin.headers,
    });
    expect(history.json()).toEqual([expect.objectContaining({ name: "旧名", parentCode: "450802" })]);
    const gone = await t.app.inject({ method: "GET", url: "/api/v1/areas/450802999", headers: admin.headers });
    expect(gone.statusCode).toBe(404);
  });
});

describe("GET /api/v1/areas/:code", () => {
  it("answers 404 outside the caller's scope, as for an unknown code, and rejects a malformed code", async () => {
    const tree = await buildAreaTree(t.ctx);
    const other = await buildAreaTree(t.ctx);
    const official = await signIn(
      t,
      await buildUser(t.ctx, { role: "township_official", areaCode: tree.township.code }),
    );
    const mine = await t.app.inject({
      method: "GET",
      url: `/api/v1/areas/${tree.grid.code}`,
      headers: official.headers,
    });
    expect(mine.statusCode).toBe(200);
    const theirs = await t.app.inject({
      method: "GET",
      url: `/api/v1/areas/${other.grid.code}`,
      headers: official.headers,
    });
    const unknown = await t.app.inject({ method: "GET", url: "/api/v1/areas/NOSUCHCODE", headers: official.headers });
    expect(theirs.statusCode).toBe(404);
    expect(unknown.json().code).toBe(theirs.json().code);
    const bad = await t.app.inject({ method: "GET", url: "/api/v1/areas/%20bad!", headers: official.headers });
    expect(bad.json().errors[0].path).toBe("params.code");
  });
});

describe("grid boundaries, locate and history", () => {
  let tree: AreaTree;
  const codes = { a: "", b: "", c: "" };
  beforeAll(async () => {
    tree = await buildAreaTree(t.ctx);
    const v = tree.village.code;
    // The village's own boundary, then three grids: A (with a pond), B beside it sharing the edge x = 109.61, C in two parts.
    await t.app.inject({
      method: "PUT",
      url: `/api/v1/areas/${v}/boundary`,
      headers: admin.headers,
      payload: { geometry: { type: "Polygon", coordinates: [square(109.6, 23.1, 0.02)] } },
    });
    codes.a = `${v}G11`;
    codes.b = `${v}G12`;
    codes.c = `${v}G13`;
    const res = await importFc([
      feature(codes.a, v, [square(109.6, 23.1, 0.01), square(109.604, 23.104, 0.002)]),
      feature(codes.b, v, [square(109.61, 23.1, 0.01)]),
      feature(codes.c, v, [[square(109.6, 23.112, 0.004)], [square(109.614, 23.114, 0.004)]], "MultiPolygon"),
    ]);
    expect(res.json()).toMatchObject({ applied: true, created: 3, rejected: 0 });
  });

  it.each([
    ["inside grid A", 109.602, 23.102, "a"],
    ["inside grid B", 109.615, 23.105, "b"],
    ["on the edge A and B share: the eastern grid", 109.61, 23.105, "b"],
    ["in the second part of grid C", 109.616, 23.116, "c"],
  ] as const)("routes a point %s", async (_label, lng, lat, which) => {
    const res = await locate(lng, lat);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      area: { code: codes[which], level: "grid", kind: "community" },
      unassigned: false,
    });
    expect(res.json().path.map((p: { code: string }) => p.code)).toEqual([
      tree.county.code,
      tree.township.code,
      tree.village.code,
      codes[which],
    ]);
  });

  it("answers the village, unassigned, for a point in grid A's pond", async () => {
    expect((await locate(109.605, 23.105)).json()).toMatchObject({
      area: { code: tree.village.code },
      unassigned: true,
    });
  });

  it("answers no area at all far away", async () => {
    expect((await locate(100.5, 30.1)).json()).toEqual({ area: null, path: [], unassigned: true, staff: [] });
  });

  it("lists the staff on duty of the grid", async () => {
    const worker = await buildUser(t.ctx, { role: "grid_worker", areaCode: tree.village.code });
    await t.app.inject({
      method: "POST",
      url: "/api/v1/assignments",
      headers: admin.headers,
      payload: { id: crypto.randomUUID(), userId: worker.id, roleKey: "grid_head", areaCode: codes.b },
    });
    const res = await locate(109.615, 23.105);
    expect(res.json().staff).toEqual([
      expect.objectContaining({ roleKey: "grid_head", roleName: { "zh-CN": "网格长", en: "Grid head" } }),
    ]);
  });

  it("keeps the old boundary in history: locate as of before the redraw answers the old grid", async () => {
    const before = new Date().toISOString();
    t.clock.advanceMinutes(1);
    const redraw = await t.app.inject({
      method: "PUT",
      url: `/api/v1/areas/${codes.b}/boundary`,
      headers: admin.headers,
      payload: { geometry: { type: "Polygon", coordinates: [square(109.612, 23.1, 0.008)] } },
    });
    expect(redraw.json()).toEqual({ code: codes.b, outcome: "redrawn" });
    const point = [109.611, 23.105] as const;
    const now = (await locate(...point)).json();
    expect(now, JSON.stringify(now)).toMatchObject({ area: { code: tree.village.code } });
    const then = (await locate(...point, before)).json();
    expect(then, JSON.stringify(then)).toMatchObject({ area: { code: codes.b } });
    const history = await t.app.inject({
      method: "GET",
      url: `/api/v1/areas/${codes.b}/boundary/history`,
      headers: admin.headers,
    });
    expect(history.json()).toHaveLength(2);
    expect(history.json()[1].validTo).not.toBeNull();
    t.clock.advanceMinutes(-1);
  });

  it("reports a broken feature by index and reason, imports the good ones, and writes nothing with allOrNothing", async () => {
    const v = tree.village.code;
    const features = [
      feature(`${v}G21`, v, [square(109.601, 23.101, 0.001)]),
      feature(`${v}G22`, v, [
        [
          [109.6, 23.1],
          [109.61, 23.11],
          [109.61, 23.1],
          [109.6, 23.11],
          [109.6, 23.1],
        ],
      ]),
      feature(`${v}G23`, "NOPARENT", [square(109.602, 23.101, 0.001)]),
    ];
    const strict = await importFc(features, { allOrNothing: true });
    expect(strict.json()).toMatchObject({ applied: false, created: 0, rejected: 2 });
    expect(strict.json().features).toEqual([
      { index: 0, code: `${v}G21`, outcome: "accepted" },
      {
        index: 1,
        code: `${v}G22`,
        outcome: "rejected",
        errors: [{ path: "features.1.geometry.coordinates.0", message: expect.stringContaining("intersects itself") }],
      },
      {
        index: 2,
        code: `${v}G23`,
        outcome: "rejected",
        errors: [{ path: "features.2.properties.parent_code", message: "no area NOPARENT in your scope" }],
      },
    ]);
    expect(
      (await t.app.inject({ method: "GET", url: `/api/v1/areas/${v}G21`, headers: admin.headers })).statusCode,
    ).toBe(404);
    const lenient = await importFc(features);
    expect(lenient.json()).toMatchObject({ applied: true, created: 1, rejected: 2 });
    // Renaming a grid by importing it again keeps its former name in its history.
    const beforeRename = new Date().toISOString();
    t.clock.advanceMinutes(1);
    const renamed = await importFc([feature(`${v}G21`, v, [square(109.601, 23.101, 0.001)], "Polygon", "新名字网格")]);
    t.clock.advanceMinutes(-1);
    const then = await t.app.inject({
      method: "GET",
      url: `/api/v1/areas/${v}G21?asOf=${beforeRename}`,
      headers: admin.headers,
    });
    expect(then.json().name).toBe(`网格${v}G21`);
    const now = await t.app.inject({ method: "GET", url: `/api/v1/areas/${v}G21`, headers: admin.headers });
    expect(now.json().name).toBe("新名字网格");
    const beforeBirth = await t.app.inject({
      method: "GET",
      url: `/api/v1/areas/${v}G21?asOf=2020-01-01`,
      headers: admin.headers,
    });
    expect(beforeBirth.statusCode).toBe(404);
    expect(renamed.json().features[0].outcome).toBe("updated");
    const history = await t.app.inject({ method: "GET", url: `/api/v1/areas/${v}G21/history`, headers: admin.headers });
    expect(history.json()).toEqual([
      expect.objectContaining({ name: `网格${v}G21`, kind: "community", parentCode: v }),
    ]);
  });

  it("refuses a grid mostly outside its village, and a boundary that is not a polygon", async () => {
    const v = tree.village.code;
    const outside = await importFc([feature(`${v}G31`, v, [square(109.615, 23.115, 0.02)])]);
    expect(outside.json().features[0].errors[0].message).toMatch(/mostly outside its parent/);
    const point = await t.app.inject({
      method: "PUT",
      url: `/api/v1/areas/${v}/boundary`,
      headers: admin.headers,
      payload: { geometry: { type: "Point", coordinates: [1, 2] } },
    });
    expect(point.statusCode).toBe(400);
  });

  it("exports the village and its grids as GeoJSON", async () => {
    const res = await t.app.inject({
      method: "GET",
      url: `/api/v1/areas/${tree.village.code}/export`,
      headers: admin.headers,
    });
    expect(res.headers["content-type"]).toMatch(/^application\/geo\+json/);
    const fc = JSON.parse(res.body);
    expect(fc.type).toBe("FeatureCollection");
    expect(fc.features.map((f: { id: string }) => f.id)).toEqual(
      expect.arrayContaining([tree.village.code, codes.a, codes.c]),
    );
  });
});

describe("GET /api/v1/areas/:code/coverage", () => {
  it("counts grids holding each post, lists grids lacking one, and finds overlaps and gaps", async () => {
    const tree = await buildAreaTree(t.ctx);
    const v = tree.village.code;
    await t.app.inject({
      method: "PUT",
      url: `/api/v1/areas/${v}/boundary`,
      headers: admin.headers,
      payload: { geometry: { type: "Polygon", coordinates: [square(109.7, 23.2, 0.02)] } },
    });
    const res = await importFc([
      feature(`${v}G41`, v, [
        [
          [109.7, 23.2],
          [109.711, 23.2],
          [109.711, 23.21],
          [109.7, 23.21],
          [109.7, 23.2],
        ],
      ]),
      feature(`${v}G42`, v, [
        [
          [109.71, 23.2],
          [109.72, 23.2],
          [109.72, 23.21],
          [109.71, 23.21],
          [109.71, 23.2],
        ],
      ]),
    ]);
    expect(res.json().created).toBe(2);
    const head = await buildUser(t.ctx, { role: "grid_head", areaCode: `${v}G41` });
    expect(head.id).toBeTruthy();
    const coverage = await t.app.inject({
      method: "GET",
      url: `/api/v1/areas/${tree.township.code}/coverage`,
      headers: admin.headers,
    });
    expect(coverage.statusCode).toBe(200);
    const body = coverage.json();
    // The factory's own grid (no boundary, no staff) counts too.
    expect(body.grids).toBe(3);
    expect(body.posts.find((p: { roleKey: string }) => p.roleKey === "grid_head")).toEqual({
      roleKey: "grid_head",
      filled: 1,
      share: 0.333,
    });
    expect(body.gridsMissingPosts).toEqual([
      { code: tree.grid.code, name: tree.grid.name, missing: ["grid_head", "grid_worker", "grid_instructor"] },
      { code: `${v}G41`, name: `网格${v}G41`, missing: ["grid_worker", "grid_instructor"] },
      { code: `${v}G42`, name: `网格${v}G42`, missing: ["grid_head", "grid_worker", "grid_instructor"] },
    ]);
    expect(body.overlaps.features).toHaveLength(1);
    expect(body.overlaps.features[0].properties).toMatchObject({ parent: v, a: `${v}G41`, b: `${v}G42` });
    expect(body.overlaps.features[0].properties.areaM2).toBeGreaterThan(100_000);
    expect(body.gaps.features).toHaveLength(1);
    expect(body.gaps.features[0].properties.parent).toBe(v);
    // The upper half of the village (0.02° × 0.01°, about 2.28 km²) has no grid.
    expect(body.gaps.features[0].properties.areaM2).toBeGreaterThan(2_200_000);
  });
});

describe("police beats", () => {
  it("links a beat to the grids it overlaps with the share covered, and shows its officer on the grid", async () => {
    const tree = await buildAreaTree(t.ctx);
    const v = tree.village.code;
    await importFc([
      feature(`${v}G51`, v, [square(109.8, 23.3, 0.01)]),
      feature(`${v}G52`, v, [square(109.81, 23.3, 0.01)]),
    ]);
    const officer = await buildUser(t.ctx, { role: "police_liaison", areaCode: tree.township.code });
    const beat = (code: string, coordinates: unknown) => ({
      type: "Feature",
      properties: { code, name: `警格${code}`, station: "贵城派出所", officer: officer.username },
      geometry: { type: "Polygon", coordinates },
    });
    const res = await t.app.inject({
      method: "POST",
      url: "/api/v1/police-beats/import",
      headers: admin.headers,
      payload: {
        collection: {
          type: "FeatureCollection",
          features: [beat(`B${v}`, [square(109.8, 23.3, 0.015)]), beat("X", [[[109.8, 23.3]]])],
        },
        officerProperty: "officer",
      },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      applied: true,
      features: [
        { index: 0, code: `B${v}`, outcome: "created", grids: 2 },
        { index: 1, outcome: "rejected" },
      ],
    });
    const first = await t.app.inject({ method: "GET", url: `/api/v1/areas/${v}G51/beats`, headers: admin.headers });
    expect(first.json()).toEqual([
      {
        code: `B${v}`,
        name: `警格B${v}`,
        station: "贵城派出所",
        share: 1,
        officer: expect.stringContaining("测试用户"),
      },
    ]);
    // Disputes and hazards routed to the grid reach the beat's officer, who follows them; litter does not.
    const worker = await signIn(t, await buildUser(t.ctx, { role: "grid_worker", areaCode: `${v}G51` }));
    const policeSession = await signIn(t, officer);
    const report = async (categoryKey: string) => {
      const id = crypto.randomUUID();
      const made = await t.app.inject({
        method: "POST",
        url: "/api/v1/events",
        headers: worker.headers,
        payload: { id, categoryKey, description: "警网融合测试", lng: 109.805, lat: 23.305 },
      });
      expect(made.statusCode, made.body).toBe(201);
      return id;
    };
    const dispute = await report("dispute.neighbour");
    await report("environment.sanitation");
    await t.app.inject({
      method: "POST",
      url: `/api/v1/events/${dispute}/transitions`,
      headers: worker.headers,
      payload: { action: "accept" },
    });
    const told = (
      await t.app.inject({ method: "GET", url: "/api/v1/notifications", headers: policeSession.headers })
    ).json().items;
    expect(told.map((n: { eventId: string; kind: string }) => [n.eventId, n.kind])).toEqual([
      [dispute, "accept"],
      [dispute, "report"],
    ]);
    const second = await t.app.inject({ method: "GET", url: `/api/v1/areas/${v}G52/beats`, headers: admin.headers });
    expect(second.json()[0].share).toBeCloseTo(0.5, 1);
    // Redrawing the grid outside the beat unlinks it.
    await t.app.inject({
      method: "PUT",
      url: `/api/v1/areas/${v}G52/boundary`,
      headers: admin.headers,
      payload: { geometry: { type: "Polygon", coordinates: [square(109.816, 23.3, 0.004)] } },
    });
    expect(
      (await t.app.inject({ method: "GET", url: `/api/v1/areas/${v}G52/beats`, headers: admin.headers })).json(),
    ).toEqual([]);
  });
});

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildTestApp, type TestApp } from "../../test/build-test-app.ts";
import {
  type AreaTree,
  buildAreaTree,
  buildUser,
  drawVillageAndGrid,
  type Session,
  signIn,
} from "../../test/factories.ts";

/**
 * What every map opens on (issue #17 item 4): the signed-in user's own areas and the grids under
 * them, not the deployment's configured centre; and the names that lists show instead of codes.
 */
let t: TestApp;
let admin: Session;
let tree: AreaTree;
let other: AreaTree;

beforeAll(async () => {
  t = await buildTestApp();
  admin = await signIn(t, await buildUser(t.ctx, { role: "admin" }));
  tree = await buildAreaTree(t.ctx);
  other = await buildAreaTree(t.ctx);
  await drawVillageAndGrid(t, admin, tree, [109.6, 23.1]);
  await drawVillageAndGrid(t, admin, other, [110.5, 24.5]);
});
afterAll(async () => {
  await t?.close();
});

const get = (session: Session | undefined, url: string) =>
  t.app.inject({ method: "GET", url, headers: session?.headers ?? {} });

describe("GET /api/v1/areas/mine", () => {
  it("gives a village official the village's extent and its grids, labelled, and nothing of another county", async () => {
    const official = await signIn(t, await buildUser(t.ctx, { role: "village_official", areaCode: tree.village.code }));
    const res = await get(official, "/api/v1/areas/mine");
    expect(res.statusCode).toBe(200);
    const map = res.json();
    expect(map.areas).toEqual([{ code: tree.village.code, name: tree.village.name, level: "village" }]);
    expect(map.bounds).toEqual([109.6, 23.1, 109.62, 23.12]);
    expect(map.truncated).toBe(false);
    expect(map.features.features.map((f: { id: string }) => f.id)).toEqual([tree.village.code, tree.grid.code]);
    const grid = map.features.features[1];
    expect(grid.properties).toMatchObject({ code: tree.grid.code, name: "一网格", level: "grid" });
    // The label point lies inside the grid.
    expect(grid.properties.labelLng).toBeGreaterThan(109.6);
    expect(grid.properties.labelLng).toBeLessThan(109.61);
    expect(JSON.stringify(map)).not.toContain(other.village.code);
  });

  it("gives a volunteer (no area permission) the map of the area they serve, and a resident an empty one", async () => {
    const volunteer = await signIn(t, await buildUser(t.ctx, { role: "volunteer", areaCode: tree.village.code }));
    const mine = (await get(volunteer, "/api/v1/areas/mine")).json();
    expect(mine.bounds).toEqual([109.6, 23.1, 109.62, 23.12]);
    const resident = await signIn(t, await buildUser(t.ctx, { role: "resident" }));
    const res = await get(resident, "/api/v1/areas/mine");
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      areas: [],
      bounds: null,
      truncated: false,
      features: { type: "FeatureCollection", features: [] },
    });
  });

  it("covers every area of a user with posts in two counties", async () => {
    const both = await signIn(
      t,
      await buildUser(t.ctx, {
        role: "grid_worker",
        areaCode: tree.grid.code,
        posts: [{ role: "grid_worker", areaCode: other.grid.code }],
      }),
    );
    const map = (await get(both, "/api/v1/areas/mine")).json();
    expect(map.areas.map((a: { code: string }) => a.code).sort()).toEqual([tree.grid.code, other.grid.code].sort());
    expect(map.bounds).toEqual([109.6, 23.1, 110.51, 24.51]);
  });

  it("answers 401 without a session", async () => {
    const res = await get(undefined, "/api/v1/areas/mine");
    expect(res.statusCode).toBe(401);
  });
});

describe("GET /api/v1/areas/names", () => {
  it("names the codes in the caller's scope and leaves out the others", async () => {
    const worker = await signIn(t, await buildUser(t.ctx, { role: "grid_worker", areaCode: tree.grid.code }));
    const res = await get(worker, `/api/v1/areas/names?codes=${tree.grid.code},${other.grid.code},NOSUCH`);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual([{ code: tree.grid.code, name: "一网格", level: "grid" }]);
  });

  it("refuses a malformed code with its path", async () => {
    const res = await get(admin, "/api/v1/areas/names?codes=bad-code!");
    expect(res.statusCode).toBe(400);
    expect(res.json().errors[0].path).toMatch(/^query\.codes/);
  });
});

describe("the area tree", () => {
  it("tells which nodes have children, so a grid shows no expand arrow", async () => {
    const res = await get(admin, `/api/v1/areas/${tree.township.code}/children`);
    expect(res.json()).toEqual([expect.objectContaining({ code: tree.village.code, hasChildren: true })]);
    const grids = await get(admin, `/api/v1/areas/${tree.village.code}/children`);
    expect(grids.json()).toEqual([expect.objectContaining({ code: tree.grid.code, hasChildren: false })]);
  });
});

import { gunzipSync } from "node:zlib";
import { VectorTile } from "@mapbox/vector-tile";
import Pbf from "pbf";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildTestApp, type TestApp } from "../../test/build-test-app.ts";
import {
  type AreaTree,
  buildAreaTree,
  buildUser,
  drawVillageAndGrid,
  type Session,
  signIn,
  squareGeometry,
} from "../../test/factories.ts";
import { levelsAtZoom, tileBounds } from "./outline-tiles.service.ts";

/**
 * The offline base map (issue #20 item 6): with no tile server, every map still shows the division
 * outlines the deployment knows and their names, as vector tiles the server cuts from the boundaries.
 */
let t: TestApp;
let admin: Session;
let tree: AreaTree;

beforeAll(async () => {
  t = await buildTestApp();
  admin = await signIn(t, await buildUser(t.ctx, { role: "admin" }));
  tree = await buildAreaTree(t.ctx);
  // Township 0.04° square at 109.6/23.1 holding the village (0.02°) holding its grid (0.01°).
  const res = await t.app.inject({
    method: "PUT",
    url: `/api/v1/areas/${tree.township.code}/boundary`,
    headers: admin.headers,
    payload: { geometry: squareGeometry(109.6, 23.1, 0.04) },
  });
  expect(res.statusCode).toBe(200);
  await drawVillageAndGrid(t, admin, tree, [109.6, 23.1]);
});
afterAll(async () => {
  await t?.close();
});

/** The tile of zoom z holding a point. */
function tileAt(z: number, lng: number, lat: number): [number, number, number] {
  const n = 2 ** z;
  const x = Math.floor(((lng + 180) / 360) * n);
  const r = (lat * Math.PI) / 180;
  const y = Math.floor(((1 - Math.log(Math.tan(r) + 1 / Math.cos(r)) / Math.PI) / 2) * n);
  return [z, x, y];
}

const get = (session: Session | undefined, url: string, headers: Record<string, string> = {}) =>
  t.app.inject({ method: "GET", url, headers: { ...(session?.headers ?? {}), ...headers } });

function layerFeatures(body: Buffer, layer: string): { name: string; level: string; code: string }[] {
  const tile = new VectorTile(new Pbf(body));
  const l = tile.layers[layer];
  if (!l) return [];
  return Array.from({ length: l.length }, (_, i) => l.feature(i).properties as never);
}

const url = ([z, x, y]: [number, number, number]) => `/api/v1/areas/outlines/${z}/${x}/${y}`;

describe("GET /api/v1/areas/outlines/:z/:x/:y", () => {
  it("gives any signed-in user the outlines of the divisions around, and names those readable at the zoom — never grids", async () => {
    const worker = await signIn(t, await buildUser(t.ctx, { role: "grid_worker", areaCode: tree.grid.code }));
    const at = tileAt(13, 109.605, 23.105);
    const res = await get(worker, url(at));
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-type"]).toBe("application/vnd.mapbox-vector-tile");
    const divisions = layerFeatures(res.rawPayload, "divisions");
    expect(divisions.map((f) => [f.code, f.level]).sort()).toEqual(
      [
        [tree.township.code, "township"],
        [tree.village.code, "village"],
      ].sort(),
    );
    expect(divisions.find((f) => f.level === "village")?.name).toBe("测试村");
    // Zoom 13 names villages; townships are named from 9 to 12.
    expect(layerFeatures(res.rawPayload, "labels")).toEqual([
      { code: tree.village.code, name: "测试村", level: "village" },
    ]);
    expect(res.rawPayload.toString("latin1")).not.toContain(tree.grid.code);

    const zoom10 = await get(worker, url(tileAt(10, 109.605, 23.105)));
    expect(layerFeatures(zoom10.rawPayload, "labels")).toEqual([
      { code: tree.township.code, name: "测试镇", level: "township" },
    ]);
  });

  it("draws a level only from the zoom at which it reads", async () => {
    const res = await get(admin, url(tileAt(9, 109.605, 23.105)));
    expect(layerFeatures(res.rawPayload, "divisions").map((f) => f.level)).toEqual(["township"]);
    expect(levelsAtZoom(5)).toEqual({ outlines: ["province", "city"], labels: ["province", "city"] });
  });

  it("answers 204 where no division has a boundary, and cuts the tile at its own bounds", async () => {
    const res = await get(admin, url(tileAt(13, 100.2, 30.1)));
    expect(res.statusCode).toBe(204);
    const [west, south, east, north] = tileBounds(1, 1, 0);
    expect([west, east]).toEqual([0, 180]);
    expect(south).toBe(0);
    expect(north).toBeCloseTo(85.0511, 3);
  });

  it("sends gzip when asked, revalidates with the ETag, and makes a new tile when a boundary changes", async () => {
    const at = url(tileAt(12, 109.605, 23.105));
    const first = await get(admin, at, { "accept-encoding": "gzip, deflate, br" });
    expect(first.statusCode).toBe(200);
    expect(first.headers["content-encoding"]).toBe("gzip");
    expect(first.headers["cache-control"]).toBe("private, no-cache");
    expect(first.headers.vary).toBe("Accept-Encoding");
    const etag = String(first.headers.etag);
    // Zoom 12 names townships (9–12) and villages (from 11).
    expect(
      layerFeatures(gunzipSync(first.rawPayload), "labels")
        .map((f) => f.name)
        .sort(),
    ).toEqual(["测试村", "测试镇"].sort());
    const again = await get(admin, at, { "if-none-match": etag });
    expect(again.statusCode).toBe(304);
    expect(again.rawPayload.length).toBe(0);

    const moved = await t.app.inject({
      method: "PUT",
      url: `/api/v1/areas/${tree.village.code}/boundary`,
      headers: admin.headers,
      payload: { geometry: squareGeometry(109.601, 23.101, 0.015) },
    });
    expect(moved.statusCode).toBe(200);
    const after = await get(admin, at, { "if-none-match": etag });
    expect(after.statusCode).toBe(200);
    expect(after.headers.etag).not.toBe(etag);
  });

  it("leaves out abolished divisions", async () => {
    const other = await buildAreaTree(t.ctx);
    await drawVillageAndGrid(t, admin, other, [111.2, 22.4]);
    const at = url(tileAt(13, 111.205, 22.405));
    expect(layerFeatures((await get(admin, at)).rawPayload, "divisions").map((f) => f.code)).toEqual([
      other.village.code,
    ]);
    await t.ctx.db
      .updateTable("area")
      .set({ abolished_at: new Date(), updated_at: new Date() })
      .where("code", "=", other.village.code)
      .execute();
    // Another process's change shows once the revision is read again (within seconds); here at once.
    const { outlineTilesFor } = await import("./outline-tiles.service.ts");
    outlineTilesFor(t.ctx.db).invalidate();
    expect((await get(admin, at)).statusCode).toBe(204);
  });

  it("refuses a tile beyond its zoom or past the deepest zoom, naming the parameter", async () => {
    const beyond = await get(admin, "/api/v1/areas/outlines/3/8/0");
    expect(beyond.statusCode).toBe(400);
    expect(beyond.json().errors[0].path).toBe("params.x");
    const deep = await get(admin, "/api/v1/areas/outlines/17/0/0");
    expect(deep.statusCode).toBe(400);
    expect(deep.json().errors[0].path).toBe("params.z");
    const text = await get(admin, "/api/v1/areas/outlines/3/a/0");
    expect(text.statusCode).toBe(400);
  });

  it("answers 401 without a session", async () => {
    expect((await get(undefined, url(tileAt(13, 109.605, 23.105)))).statusCode).toBe(401);
  });
});

import type { Kysely } from "kysely";
import { bboxOf, geometryAreaM2, labelPoint, type PolygonalGeometry } from "../packages/core/src/index.ts";
import type { DB } from "../packages/server/src/db/schema.ts";
import { uuidv7 } from "../packages/server/src/ids.ts";
import { OutlineTiles } from "../packages/server/src/modules/areas/outline-tiles.service.ts";
import { eachBenchEngine, mulberry32, syntheticCells } from "./support.ts";

/**
 * The offline base map's vector tiles (issue #20 item 6) for a prefecture-sized deployment, on PGlite
 * and PostgreSQL: Guigang's extent holding one city boundary (4,000 vertices), 5 counties (1,500),
 * 80 townships (600), 1,200 villages (20–60) and the grids under them (not drawn, but in the table the
 * tile query reads; default 12,000). Measured through the service the route calls: a tile cut cold
 * (nothing cached) at the zooms a user pans through — the city (z7), a county (z9), a township (z11),
 * a community (z13), a grid (z15) — and the same tiles again from the cache; with their gzip size.
 * Usage: npm run bench -- outlines [grids=12000]
 */
const EXTENT = { west: 109.2, south: 22.6, east: 110.6, north: 23.7 };

/** A star-shaped ring of `vertices` around (cx, cy), radii w/2 and h/2 give or take a fifth. */
function ring(cx: number, cy: number, w: number, h: number, vertices: number, random: () => number) {
  const out: [number, number][] = [];
  for (let k = 0; k < vertices; k++) {
    const a = (2 * Math.PI * k) / vertices;
    const r = 0.4 + random() * 0.1;
    out.push([cx + Math.cos(a) * w * r, cy + Math.sin(a) * h * r]);
  }
  out.push(out[0] as [number, number]);
  return out;
}

async function loadPrefecture(db: Kysely<DB>, gridCount: number) {
  const random = mulberry32(4508);
  const areas: Record<string, unknown>[] = [];
  const boundaries: Record<string, unknown>[] = [];
  const add = (
    code: string,
    name: string,
    level: string,
    parent: { id: string; path: string } | undefined,
    coordinates: [number, number][],
  ) => {
    const row = {
      id: uuidv7(),
      code,
      name,
      level,
      parent_id: parent?.id ?? null,
      path: `${parent?.path ?? "/"}${code}/`,
    };
    areas.push({ ...row, kind: level === "grid" ? "community" : null, source: level === "grid" ? "local" : "nbs" });
    const geometry: PolygonalGeometry = { type: "Polygon", coordinates: [coordinates] };
    const [minLng, minLat, maxLng, maxLat] = bboxOf(geometry);
    const [labelLng, labelLat] = labelPoint(geometry);
    boundaries.push({
      id: uuidv7(),
      area_id: row.id,
      geometry: JSON.stringify(geometry),
      min_lng: minLng,
      min_lat: minLat,
      max_lng: maxLng,
      max_lat: maxLat,
      label_lng: labelLng,
      label_lat: labelLat,
      area_m2: geometryAreaM2(geometry),
      valid_from: new Date("2026-01-01T00:00:00Z"),
      valid_to: null,
    });
    return row;
  };
  const w = EXTENT.east - EXTENT.west;
  const h = EXTENT.north - EXTENT.south;
  const city = add(
    "4508",
    "贵港市",
    "city",
    undefined,
    ring(EXTENT.west + w / 2, EXTENT.south + h / 2, w, h, 4000, random),
  );
  const level = (
    count: number,
    vertices: (r: () => number) => number,
    name: (i: number) => string,
    code: (parent: { code: string }, i: number) => string,
    levelName: string,
    parents: { id: string; path: string; code: string }[],
  ) =>
    syntheticCells(count, random, EXTENT).map(({ cx, cy, w: cw, h: ch }, i) => {
      const parent = parents[i % parents.length] as (typeof parents)[number];
      return add(code(parent, i), name(i), levelName, parent, ring(cx, cy, cw, ch, vertices(random), random));
    });
  const counties = level(
    5,
    () => 1500,
    (i) => `县${i + 1}`,
    (_p, i) => `45080${i + 1}`,
    "county",
    [city],
  );
  const townships = level(
    80,
    () => 600,
    (i) => `镇${i + 1}`,
    (p, i) => `${p.code}${String(i + 1).padStart(3, "0")}`,
    "township",
    counties,
  );
  const villages = level(
    1200,
    (r) => 20 + Math.floor(r() * 41),
    (i) => `村${i + 1}`,
    (p, i) => `${p.code}${String(i + 1).padStart(3, "0")}`,
    "village",
    townships,
  );
  level(
    gridCount,
    (r) => 20 + Math.floor(r() * 41),
    (i) => `网格${i + 1}`,
    (p, i) => `${p.code}G${i + 1}`,
    "grid",
    villages,
  );
  for (let i = 0; i < areas.length; i += 1000)
    await db
      .insertInto("area")
      .values(areas.slice(i, i + 1000) as never)
      .execute();
  for (let i = 0; i < boundaries.length; i += 500)
    await db
      .insertInto("area_boundary")
      .values(boundaries.slice(i, i + 500) as never)
      .execute();
  return { boundaries: boundaries.length };
}

/** The tiles of zoom z around the middle of the extent: a 3×3 block, as a screen shows. */
function tilesAround(z: number): [number, number, number][] {
  const n = 2 ** z;
  const lng = (EXTENT.west + EXTENT.east) / 2;
  const lat = ((EXTENT.south + EXTENT.north) / 2) * (Math.PI / 180);
  const x = Math.floor(((lng + 180) / 360) * n);
  const y = Math.floor(((1 - Math.log(Math.tan(lat) + 1 / Math.cos(lat)) / Math.PI) / 2) * n);
  const out: [number, number, number][] = [];
  for (let dx = -1; dx <= 1; dx++) for (let dy = -1; dy <= 1; dy++) out.push([z, x + dx, y + dy]);
  return out;
}

const percentile = (ms: number[], p: number) => {
  const sorted = [...ms].sort((a, b) => a - b);
  return Math.round((sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0) * 10) / 10;
};

export async function run(args: string[]): Promise<Record<string, number>> {
  const gridCount = Number(args[0] ?? 12_000);
  const figures: Record<string, number> = { grids: gridCount };
  const rows: Record<string, unknown>[] = [];
  await eachBenchEngine("outlines", async (e, ctx) => {
    let t = performance.now();
    const loaded = await loadPrefecture(ctx.db, gridCount);
    const loadS = Math.round((performance.now() - t) / 100) / 10;
    rows.push({ engine: e, zoom: "-", measure: "boundaries loaded (s)", value: `${loaded.boundaries} (${loadS})` });
    const cold: number[] = [];
    const warm: number[] = [];
    for (const z of [7, 9, 11, 13, 15]) {
      // A fresh service: nothing cached, as after a boundary change.
      const tiles = new OutlineTiles(ctx.db);
      const coldMs: number[] = [];
      const warmMs: number[] = [];
      let bytes = 0;
      for (const [tz, x, y] of tilesAround(z)) {
        t = performance.now();
        const tile = await tiles.tile(tz, x, y);
        coldMs.push(performance.now() - t);
        bytes = Math.max(bytes, tile.gzip.length);
      }
      for (const [tz, x, y] of tilesAround(z)) {
        t = performance.now();
        await tiles.tile(tz, x, y);
        warmMs.push(performance.now() - t);
      }
      tiles.close();
      cold.push(...coldMs);
      warm.push(...warmMs);
      const kb = Math.round(bytes / 102.4) / 10;
      figures[`${e}_z${z}_cold_p95_ms`] = percentile(coldMs, 0.95);
      figures[`${e}_z${z}_gzip_max_kb`] = kb;
      rows.push({
        engine: e,
        zoom: z,
        measure: "9 tiles cut cold: p50 / p95 ms; largest gzip KB; cached p50 ms",
        value: `${percentile(coldMs, 0.5)} / ${percentile(coldMs, 0.95)}; ${kb}; ${percentile(warmMs, 0.5)}`,
      });
    }
    figures[`${e}_cold_p95_ms`] = percentile(cold, 0.95);
    figures[`${e}_cached_p95_ms`] = percentile(warm, 0.95);
    figures[`${e}_load_s`] = loadS;
  });
  console.table(rows);
  return figures;
}

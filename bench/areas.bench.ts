import {
  AreaIndex,
  bboxOf,
  geometryAreaM2,
  type IndexedArea,
  type PolygonalGeometry,
} from "../packages/core/src/index.ts";
import { GUANGXI_EXTENT, mulberry32, postgresForBench, syntheticCells } from "./support.ts";

/**
 * Province-sized routing: 115,000 synthetic grids (20–60 vertices each) over Guangxi's extent, the
 * in-memory index built over them, and random point look-ups; then, on PostgreSQL, the roll-up that
 * counts every grid under each of 111 counties by materialised-path prefix.
 * Usage: npm run bench -- areas [grids=115000] [lookups=1000000]
 */
const EXTENT = GUANGXI_EXTENT;

/** A lattice of cells over the extent, each a star-shaped polygon of 20–60 vertices inside its cell. */
function syntheticGrids(count: number, random: () => number): IndexedArea[] {
  const grids: IndexedArea[] = [];
  for (const [i, { ring }] of syntheticCells(count, random).entries()) {
    const geometry: PolygonalGeometry = { type: "Polygon", coordinates: [ring] };
    grids.push({
      code: `G${i}`,
      depth: 5,
      geometry,
      // The box of the boundary itself, as the server stores it with every boundary.
      bbox: bboxOf(geometry),
      areaM2: geometryAreaM2(geometry),
    });
  }
  return grids;
}

export async function run(args: string[]): Promise<Record<string, number>> {
  const gridCount = Number(args[0] ?? 115_000);
  const lookups = Number(args[1] ?? 1_000_000);
  const random = mulberry32(45);
  const grids = syntheticGrids(gridCount, random);
  let t = performance.now();
  const index = new AreaIndex(grids);
  const buildMs = performance.now() - t;
  const indexMb = index.bytes / 1024 / 1024;
  const points = new Float64Array(lookups * 2);
  for (let i = 0; i < lookups; i++) {
    points[2 * i] = EXTENT.west + random() * (EXTENT.east - EXTENT.west);
    points[2 * i + 1] = EXTENT.south + random() * (EXTENT.north - EXTENT.south);
  }
  let found = 0;
  t = performance.now();
  for (let i = 0; i < lookups; i++) if (index.locate(points[2 * i] as number, points[2 * i + 1] as number)) found++;
  const lookupMs = performance.now() - t;
  const figures: Record<string, number> = {
    grids: gridCount,
    index_build_ms: Math.round(buildMs),
    index_memory_mb: Math.round(indexMb),
    locate_per_s: Math.round((lookups / lookupMs) * 1000),
    located_share_pct: Math.round((found / lookups) * 100),
  };
  const rows: Record<string, unknown>[] = [
    { measure: "grids indexed", value: gridCount },
    { measure: "index build (ms)", value: figures.index_build_ms },
    { measure: "index memory: R-tree + flattened rings (MB)", value: figures.index_memory_mb },
    { measure: "point look-ups per second (1 core)", value: figures.locate_per_s },
    { measure: "points that fell in a grid (%)", value: figures.located_share_pct },
  ];

  const counties = Array.from({ length: 111 }, (_, i) => `45${String(i + 1).padStart(4, "0")}`);
  const paths: string[] = [];
  for (let i = 0; i < gridCount; i++) {
    const county = counties[i % counties.length] as string;
    const township = `${county}${String(i % 12).padStart(3, "0")}`;
    const village = `${township}${String(i % 13).padStart(3, "0")}`;
    paths.push(`/45/${county.slice(0, 4)}/${county}/${township}/${village}/G${i}/`);
  }
  // The same roll-up on both engines: one grouped scan of the province's prefix answers all 111 counties.
  const rollUp = async (query: (text: string, params?: unknown[]) => Promise<{ rows: unknown[] }>) => {
    await query("create table bench_area (code text primary key, level text not null, path text not null)");
    for (let i = 0; i < paths.length; i += 5000) {
      const chunk = paths.slice(i, i + 5000);
      await query(
        `insert into bench_area (code, level, path) values ${chunk.map((p) => `('${p.split("/").at(-2)}','grid','${p}')`).join(",")}`,
      );
    }
    await query("create index bench_area_path on bench_area (path text_pattern_ops)");
    await query("analyze bench_area");
    const once = async () => {
      const started = performance.now();
      const res = await query(
        "select split_part(path, '/', 4) as county, count(*)::int as grids from bench_area where level = 'grid' and path like '/45/%' group by 1",
      );
      if (res.rows.length !== 111) throw new Error(`expected 111 counties, got ${res.rows.length}`);
      return performance.now() - started;
    };
    await once();
    return Math.round(Math.min(await once(), await once(), await once()) * 10) / 10;
  };

  const { PGlite } = await import("@electric-sql/pglite");
  const pglite = new PGlite();
  await pglite.exec("set work_mem = '64MB'; set random_page_cost = 1.1;");
  figures.pglite_count_grids_per_county_all_111_ms = await rollUp((text) => pglite.query(text));
  await pglite.close();
  rows.push({
    measure: "PGlite: count grids under each of 111 counties, all together (ms)",
    value: figures.pglite_count_grids_per_county_all_111_ms,
  });

  const pg = await postgresForBench();
  if (pg) {
    const { default: pgLib } = await import("pg");
    const client = new pgLib.Client({ connectionString: pg.url });
    await client.connect();
    try {
      figures.postgres_count_grids_per_county_all_111_ms = await rollUp((text) => client.query(text));
      rows.push({
        measure: "PostgreSQL: count grids under each of 111 counties, all together (ms)",
        value: figures.postgres_count_grids_per_county_all_111_ms,
      });
    } finally {
      await client.end();
      pg.stop();
    }
  }
  console.table(rows);
  return figures;
}

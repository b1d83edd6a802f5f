import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import http from "node:http";
import path from "node:path";
import type { Kysely } from "kysely";
import type { DB } from "../packages/server/src/db/schema.ts";
import { uuidv7 } from "../packages/server/src/ids.ts";

export const ROOT = path.resolve(import.meta.dirname, "..");

/** Whether a benchmark can have PostgreSQL: BENCH_DATABASE_URL, or the binaries to start a cluster. */
export const postgresAvailable = () =>
  Boolean(
    process.env.BENCH_DATABASE_URL || process.env.WANGGE_PG_BIN || existsSync("/usr/lib/postgresql/15/bin/initdb"),
  );

/** PostgreSQL for a benchmark: DATABASE_URL if set, else a throwaway cluster when the binaries exist. */
export async function postgresForBench(): Promise<{ url: string; stop: () => void } | undefined> {
  if (process.env.BENCH_DATABASE_URL) return { url: process.env.BENCH_DATABASE_URL, stop: () => {} };
  if (!postgresAvailable()) return undefined;
  const { startPostgresCluster } = (await import(path.join(ROOT, "scripts/postgres-cluster.mjs"))) as {
    startPostgresCluster: () => Promise<{ url: string; stop: () => void }>;
  };
  return startPostgresCluster();
}

export function startServerProcess(
  env: Record<string, string>,
): Promise<{ url: string; child: ChildProcess; stop: () => Promise<void> }> {
  // BENCH_SERVER_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" profiles the server under load.
  const nodeArgs = process.env.BENCH_SERVER_NODE_ARGS?.split(" ").filter(Boolean) ?? [];
  const child = spawn(
    process.execPath,
    [...nodeArgs, path.join(ROOT, "packages/server/bin/wangge.mjs"), "serve", "--port", "0", "--host", "127.0.0.1"],
    {
      env: { ...process.env, LOG_LEVEL: "warn", WANGGE_WEB_DIST: "/nonexistent", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let out = "";
  return new Promise((resolve, reject) => {
    const onData = (d: Buffer) => {
      out += d;
      const m = out.match(/is running: (http:\/\/localhost:\d+)/);
      if (m?.[1]) {
        resolve({
          url: m[1].replace("localhost", "127.0.0.1"),
          child,
          stop: () =>
            new Promise<void>((r) => {
              child.once("exit", () => r());
              child.kill("SIGTERM");
            }),
        });
      }
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.once("exit", (code) => reject(new Error(`server exited ${code}: ${out}`)));
  });
}

export interface LoadResult {
  requests: number;
  errors: number;
  /** The first few error answers (status and body), to say what went wrong. */
  errorSamples: string[];
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
}

/** A closed-loop load: `concurrency` keep-alive clients sending back to back for `durationMs`. */
export async function load(
  url: string,
  options: {
    method?: string;
    body?: () => string;
    headers?: Record<string, string>;
    concurrency: number;
    durationMs: number;
  },
): Promise<LoadResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: options.concurrency });
  const target = new URL(url);
  const latencies: number[] = [];
  const errorSamples: string[] = [];
  let errors = 0;
  const deadline = performance.now() + options.durationMs;
  const one = () =>
    new Promise<void>((resolve) => {
      const body = options.body?.();
      const started = performance.now();
      const req = http.request(
        {
          agent,
          host: target.hostname,
          port: target.port,
          path: target.pathname,
          method: options.method ?? "GET",
          headers: {
            ...options.headers,
            ...(body ? { "content-type": "application/json", "content-length": Buffer.byteLength(body) } : {}),
          },
        },
        (res) => {
          const failed = (res.statusCode ?? 500) >= 400;
          let text = "";
          if (failed && errorSamples.length < 3) res.on("data", (d: Buffer) => (text += d));
          else res.resume();
          res.on("end", () => {
            latencies.push(performance.now() - started);
            if (failed) {
              errors++;
              if (errorSamples.length < 3) errorSamples.push(`${res.statusCode} ${text.slice(0, 300)}`);
            }
            resolve();
          });
        },
      );
      req.on("error", () => {
        errors++;
        resolve();
      });
      req.end(body);
    });
  const started = performance.now();
  await Promise.all(
    Array.from({ length: options.concurrency }, async () => {
      while (performance.now() < deadline) await one();
    }),
  );
  const elapsed = performance.now() - started;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))] ?? 0;
  return {
    requests: latencies.length,
    errors,
    errorSamples,
    perSecond: Math.round((latencies.length / elapsed) * 1000),
    p50Ms: Number(pct(0.5).toFixed(2)),
    p99Ms: Number(pct(0.99).toFixed(2)),
  };
}

/**
 * CPU time used so far (ms, user + system, from /proc: Linux only) by a process and, with
 * `children`, by the children it has waited for. Undefined where /proc cannot tell.
 */
export function processCpuMs(pid: number, children = false): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after the command (which may hold spaces) in parentheses: state is field 3, utime 14.
    const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const ticks = (i: number) => Number(f[i - 3]);
    const total = ticks(14) + ticks(15) + (children ? ticks(16) + ticks(17) : 0);
    return (total * 1000) / CLOCK_TICKS;
  } catch {
    return undefined;
  }
}

/** Clock ticks per second of /proc's times (USER_HZ: 100 on every Linux that matters). */
const CLOCK_TICKS = 100;

/**
 * CPU time used so far (ms) by the PostgreSQL server listening on `port`: its postmaster with the
 * backends it has reaped, plus the live ones — so connections that come and go in between count.
 */
export function postgresCpuMs(port: number): number | undefined {
  if (!existsSync("/proc/self/stat")) return undefined;
  const pids = readdirSync("/proc").filter((d) => /^\d+$/.test(d));
  const parentOf = (pid: string) => {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
    } catch {
      return -1;
    }
  };
  const postmaster = pids.find((pid) => {
    try {
      const args = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0");
      return path.basename(args[0] ?? "") === "postgres" && args[args.indexOf("-p") + 1] === String(port);
    } catch {
      return false;
    }
  });
  if (!postmaster) return undefined;
  let total = processCpuMs(Number(postmaster), true) ?? 0;
  for (const pid of pids) if (parentOf(pid) === Number(postmaster)) total += processCpuMs(Number(pid)) ?? 0;
  return total;
}

/** A small seeded generator, so a benchmark's data is the same on every run. */
export function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** An area row as the benchmarks load it straight into the `area` table. */
export interface BenchArea {
  id: string;
  code: string;
  name: string;
  level: string;
  parent_id: string | null;
  path: string;
}

/** The row as stored: grids rural and locally drawn, the other levels from the NBS. */
export type BenchAreaRow = BenchArea & { kind: string | null; source: string; abolished_at: null };

/**
 * A county (港北区, 450802) of 20 townships, 100 villages and `gridCount` grids spread evenly over the
 * villages, as rows for the `area` table (grids rural and local, the rest from the NBS).
 */
export function countyAreas(gridCount: number) {
  const areas: BenchAreaRow[] = [];
  const add = (code: string, name: string, level: string, parent?: BenchArea): BenchArea => {
    const row = {
      id: uuidv7(),
      code,
      name,
      level,
      parent_id: parent?.id ?? null,
      path: `${parent?.path ?? "/"}${code}/`,
    };
    areas.push({
      ...row,
      kind: level === "grid" ? "rural" : null,
      source: level === "grid" ? "local" : "nbs",
      abolished_at: null,
    });
    return row;
  };
  const county = add("450802", "港北区", "county");
  const townships = Array.from({ length: 20 }, (_, i) =>
    add(`450802${String(i + 1).padStart(3, "0")}`, `镇${i + 1}`, "township", county),
  );
  const villages = Array.from({ length: 100 }, (_, i) => {
    const t = townships[i % 20] as BenchArea;
    return add(`${t.code}${String(Math.floor(i / 20) + 1).padStart(3, "0")}`, `村${i + 1}`, "village", t);
  });
  const grids = Array.from({ length: gridCount }, (_, i) => {
    const v = villages[i % 100] as BenchArea;
    return {
      ...add(`${v.code}G${String(Math.floor(i / 100) + 1).padStart(2, "0")}`, `网格${i + 1}`, "grid", v),
      village: v.code,
    };
  });
  return { areas, county, townships, villages, grids };
}

/** Loads area rows (countyAreas().areas) in batches. */
export async function insertAreas(db: Kysely<DB>, areas: readonly BenchAreaRow[]): Promise<void> {
  for (let i = 0; i < areas.length; i += 1000)
    await db
      .insertInto("area")
      .values(areas.slice(i, i + 1000) as never)
      .execute();
}

/** Guangxi's extent (WGS-84), over which the province benchmarks lay their synthetic grids. */
export const GUANGXI_EXTENT = { west: 104.45, south: 20.9, east: 112.07, north: 26.4 };

/**
 * `count` cells in a lattice over the extent, each a star-shaped polygon of 20–60 vertices inside its
 * cell (its centre always inside), with the cell's centre and size.
 */
export function syntheticCells(
  count: number,
  random: () => number,
  extent = GUANGXI_EXTENT,
): { cx: number; cy: number; w: number; h: number; ring: [number, number][] }[] {
  const cols = Math.ceil(Math.sqrt((count * (extent.east - extent.west)) / (extent.north - extent.south)));
  const rows = Math.ceil(count / cols);
  const w = (extent.east - extent.west) / cols;
  const h = (extent.north - extent.south) / rows;
  return Array.from({ length: count }, (_, i) => {
    const cx = extent.west + ((i % cols) + 0.5) * w;
    const cy = extent.south + (Math.floor(i / cols) + 0.5) * h;
    const n = 20 + Math.floor(random() * 41);
    const ring: [number, number][] = [];
    for (let k = 0; k < n; k++) {
      const angle = (2 * Math.PI * k) / n;
      const r = 0.35 + random() * 0.15;
      ring.push([cx + Math.cos(angle) * w * r, cy + Math.sin(angle) * h * r]);
    }
    ring.push(ring[0] as [number, number]);
    return { cx, cy, w, h, ring };
  });
}

/** The engines a database benchmark runs on. */
export type BenchEngine = "pglite" | "postgres";

/**
 * Runs `body` once per engine on a fresh, migrated database: PGlite in a temporary directory, then
 * PostgreSQL when one can be had (postgresForBench); `only` keeps one of them. Each context is closed
 * after its run, the cluster stopped and the directory removed at the end, whatever happened.
 */
export async function eachBenchEngine(
  label: string,
  body: (engine: BenchEngine, ctx: import("../packages/server/src/context.ts").AppContext) => Promise<void>,
  options: { only?: BenchEngine | undefined } = {},
): Promise<void> {
  const [{ randomBytes }, { mkdtempSync, rmSync }, { tmpdir }] = await Promise.all([
    import("node:crypto"),
    import("node:fs"),
    import("node:os"),
  ]);
  // Loaded here, so that benchmarks that never open a database do not load the server.
  const [{ createContext }, { loadConfig }, { createFieldCrypto }, { openDatabase }, { migrateToLatest }] =
    await Promise.all([
      import("../packages/server/src/app.ts"),
      import("../packages/server/src/config.ts"),
      import("../packages/server/src/crypto/field-crypto.ts"),
      import("../packages/server/src/db/database.ts"),
      import("../packages/server/src/db/migrate.ts"),
    ]);
  const dir = mkdtempSync(path.join(tmpdir(), `wangge-bench-${label}-`));
  const pg = options.only === "pglite" ? undefined : await postgresForBench();
  try {
    const engines: { name: BenchEngine; env: Record<string, string> }[] = [];
    if (options.only !== "postgres")
      engines.push({ name: "pglite", env: { WANGGE_DATA_DIR: path.join(dir, "pglite") } });
    if (pg) engines.push({ name: "postgres", env: { DATABASE_URL: pg.url, WANGGE_DATA_DIR: path.join(dir, "pg") } });
    for (const engine of engines) {
      const config = loadConfig({ ...engine.env, WANGGE_WEB_DIST: "/nonexistent" });
      const database = await openDatabase(config.database);
      try {
        const ctx = createContext({ config, database, crypto: createFieldCrypto(randomBytes(32)) });
        await migrateToLatest(ctx.db);
        await body(engine.name, ctx);
      } finally {
        await database.close();
      }
    }
  } finally {
    pg?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs `f` once to warm up, then `times` times: its median, 95th percentile and slowest, in ms (0.1 ms). */
export async function timeRepeatedMs(
  times: number,
  f: () => Promise<unknown>,
): Promise<{ p50: number; p95: number; max: number }> {
  await f();
  const ms: number[] = [];
  for (let i = 0; i < times; i++) {
    const t = performance.now();
    await f();
    ms.push(performance.now() - t);
  }
  ms.sort((a, b) => a - b);
  const at = (q: number) => Math.round((ms[Math.min(ms.length - 1, Math.floor(ms.length * q))] ?? 0) * 10) / 10;
  return { p50: at(0.5), p95: at(0.95), max: at(1) };
}

import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { type Kysely, sql } from "kysely";
import { bboxOf, geometryAreaM2, type PolygonalGeometry, systemPrincipal } from "../packages/core/src/index.ts";
import { createContext } from "../packages/server/src/app.ts";
import { loadConfig } from "../packages/server/src/config.ts";
import { createFieldCrypto } from "../packages/server/src/crypto/field-crypto.ts";
import { type Database, openDatabase } from "../packages/server/src/db/database.ts";
import { migrateToLatest } from "../packages/server/src/db/migrate.ts";
import type { DB } from "../packages/server/src/db/schema.ts";
import { uuidv7 } from "../packages/server/src/ids.ts";
import { createApiToken } from "../packages/server/src/modules/auth/api-tokens.service.ts";
import { ensureDefaultCategories } from "../packages/server/src/modules/events/categories.service.ts";
import { sweepOverdue } from "../packages/server/src/modules/events/escalation.service.ts";
import { ensureDefaultRoles } from "../packages/server/src/modules/roles/roles.service.ts";
import { findUserById } from "../packages/server/src/modules/users/users.queries.ts";
import { createUser, loadPrincipal } from "../packages/server/src/modules/users/users.service.ts";
import {
  load,
  mulberry32,
  postgresCpuMs,
  postgresForBench,
  processCpuMs,
  startServerProcess,
  syntheticCells,
} from "./support.ts";

/**
 * Event intake and escalation at a province's scale, on PGlite and PostgreSQL:
 * - the areas benchmark's province (14 cities, 111 counties, 1,280 townships, villages, and by
 *   default 115,000 grids of 20–60 vertices over Guangxi's extent) loaded into the database;
 * - a real server process, and 50 keep-alive clients reporting events at random points in grids
 *   (POST /api/v1/events: routing by the in-memory index, number, deadline, timeline, audit);
 * - then 100,000 open events, 1% of them past their deadline, and one escalation sweep over them
 *   (plus the sweep when nothing is due, as every 30 s).
 * Usage: npm run bench -- events [grids=115000] [seconds=10] [clients=50] [openEvents=100000]
 * BENCH_ENGINE=postgres (or pglite) runs one engine only. Besides the rate, the CPU time each report
 * cost the server process and (on PostgreSQL) the database server, read from /proc.
 */
interface Province {
  grids: { code: string; cx: number; cy: number; w: number; h: number }[];
}

/** Loads the hierarchy and the grids' boundaries straight into the tables, in large batches. */
async function loadProvince(db: Kysely<DB>, gridCount: number, random: () => number): Promise<Province> {
  const areas: { id: string; code: string; name: string; level: string; parent_id: string | null; path: string }[] = [];
  const add = (code: string, name: string, level: string, parent?: { id: string; path: string }) => {
    const row = {
      id: uuidv7(),
      code,
      name,
      level,
      parent_id: parent?.id ?? null,
      path: `${parent?.path ?? "/"}${code}/`,
    };
    areas.push(row);
    return row;
  };
  const province = add("45", "广西壮族自治区", "province");
  const cities = Array.from({ length: 14 }, (_, i) =>
    add(`45${String(i + 1).padStart(2, "0")}`, `市${i + 1}`, "city", province),
  );
  const counties = Array.from({ length: 111 }, (_, i) => {
    const city = cities[i % 14] as (typeof cities)[number];
    return add(`${city.code}${String(Math.floor(i / 14) + 1).padStart(2, "0")}`, `县${i + 1}`, "county", city);
  });
  const townships = Array.from({ length: 1280 }, (_, i) => {
    const county = counties[i % 111] as (typeof counties)[number];
    return add(`${county.code}${String(Math.floor(i / 111) + 1).padStart(3, "0")}`, `镇${i + 1}`, "township", county);
  });
  const villageCount = Math.ceil(gridCount / 7);
  const villages = Array.from({ length: villageCount }, (_, i) => {
    const township = townships[i % townships.length] as (typeof townships)[number];
    return add(
      `${township.code}${String(Math.floor(i / townships.length) + 1).padStart(3, "0")}`,
      `村${i + 1}`,
      "village",
      township,
    );
  });
  const cells = syntheticCells(gridCount, random);
  const grids: Province["grids"] = [];
  const boundaries: Record<string, unknown>[] = [];
  const since = new Date("2026-01-01T00:00:00Z");
  for (let i = 0; i < gridCount; i++) {
    const village = villages[i % villageCount] as (typeof villages)[number];
    const grid = add(
      `${village.code}G${String(Math.floor(i / villageCount) + 1).padStart(2, "0")}`,
      `网格${i + 1}`,
      "grid",
      village,
    );
    const { cx, cy, w, h, ring } = cells[i] as (typeof cells)[number];
    const geometry: PolygonalGeometry = { type: "Polygon", coordinates: [ring] };
    const [minLng, minLat, maxLng, maxLat] = bboxOf(geometry);
    boundaries.push({
      id: uuidv7(),
      area_id: grid.id,
      geometry: JSON.stringify(geometry),
      min_lng: minLng,
      min_lat: minLat,
      max_lng: maxLng,
      max_lat: maxLat,
      label_lng: cx,
      label_lat: cy,
      area_m2: geometryAreaM2(geometry),
      valid_from: since,
      valid_to: null,
      created_by: null,
    });
    grids.push({ code: grid.code, cx, cy, w, h });
  }
  for (let i = 0; i < areas.length; i += 2000)
    await db
      .insertInto("area")
      .values(
        areas.slice(i, i + 2000).map((a) => ({
          ...a,
          level: a.level as "grid",
          kind: a.level === "grid" ? ("rural" as const) : null,
          source: a.level === "grid" ? ("local" as const) : ("nbs" as const),
          abolished_at: null,
        })),
      )
      .execute();
  for (let i = 0; i < boundaries.length; i += 1000)
    await db
      .insertInto("area_boundary")
      .values(boundaries.slice(i, i + 1000) as never)
      .execute();
  await sql`analyze`.execute(db);
  return { grids };
}

/** A user who may report anywhere in the province, and an API token for the load clients. */
async function reporterToken(ctx: ReturnType<typeof createContext>): Promise<string> {
  const meta = { requestId: "bench", ip: null, userAgent: null };
  const { user } = await createUser(ctx, systemPrincipal(), meta, {
    id: uuidv7(),
    username: "bench-reporter",
    displayName: "压测上报员",
    password: "bench bench bench bench",
    assignment: { roleKey: "city_official", areaCode: "45" },
  });
  const row = await findUserById(ctx.db, user.id);
  if (!row) throw new Error("no user");
  const principal = await loadPrincipal(ctx.db, row, "session");
  const { token } = await createApiToken(ctx, principal, meta, { id: uuidv7(), name: "bench", expiresInDays: 1 });
  if (!token) throw new Error("no token");
  return token;
}

/** 100,000 open events at grid level over the province, `overdue` of them past their deadline. */
async function loadOpenEvents(db: Kysely<DB>, province: Province, count: number, overdue: number) {
  const now = Date.now();
  const paths = await db.selectFrom("area").select(["id", "code", "path"]).where("level", "=", "grid").execute();
  const categories = ["dispute.neighbour", "environment.sanitation", "facility.damaged", "request.livelihood"];
  for (let i = 0; i < count; i += 2000) {
    const rows = [];
    for (let k = i; k < Math.min(count, i + 2000); k++) {
      const grid = paths[k % paths.length] as (typeof paths)[number];
      const created = new Date(now - 3 * 86_400_000);
      rows.push({
        id: uuidv7(),
        number: `GX-BENCH-${k}`,
        category_key: categories[k % categories.length] as string,
        title: "压测事件",
        description: "压测用的开放事件",
        lng: null,
        lat: null,
        area_id: grid.id,
        area_path: grid.path,
        level: "grid",
        state: k % 3 === 0 ? "accepted" : "reported",
        state_before_suspension: null,
        priority: "normal",
        source: "console",
        reporter_user_id: null,
        reporter_name: "bench",
        assignee_user_id: null,
        due_at: new Date(k < overdue ? now - 60_000 - k : now + 86_400_000 + k * 1000),
        remaining_minutes: null,
        resolved_level: null,
        attributes: "{}",
        occurred_at: created,
        created_at: created,
        updated_at: created,
        closed_at: null,
        origin_path: grid.path,
      });
    }
    await db.insertInto("event").values(rows).execute();
  }
  void province;
  await sql`analyze event`.execute(db);
}

export async function run(args: string[]): Promise<Record<string, number>> {
  const gridCount = Number(args[0] ?? 115_000);
  const seconds = Number(args[1] ?? 10);
  const clients = Number(args[2] ?? 50);
  const openEvents = Number(args[3] ?? 100_000);
  const overdue = Math.round(openEvents / 100);
  const figures: Record<string, number> = {
    grids: gridCount,
    clients,
    open_events: openEvents,
    overdue_events: overdue,
  };
  const rows: Record<string, unknown>[] = [];
  const dir = mkdtempSync(path.join(tmpdir(), "wangge-bench-events-"));
  const pg = process.env.BENCH_ENGINE === "pglite" ? undefined : await postgresForBench();
  // The load comes from one address with one token: the per-client rate limit would refuse it.
  const unlimited = { WANGGE_RATE_LIMIT_PER_MINUTE: "100000000" };
  try {
    const only = process.env.BENCH_ENGINE;
    const engines: { name: "pglite" | "postgres"; env: Record<string, string> }[] = [];
    if (only !== "postgres")
      engines.push({ name: "pglite", env: { WANGGE_DATA_DIR: path.join(dir, "pglite"), ...unlimited } });
    if (pg && only !== "pglite")
      engines.push({
        name: "postgres",
        env: { DATABASE_URL: pg.url, DATABASE_POOL_SIZE: "20", WANGGE_DATA_DIR: path.join(dir, "pg"), ...unlimited },
      });
    for (const engine of engines) {
      const e = engine.name;
      const config = loadConfig({ ...engine.env, WANGGE_WEB_DIST: "/nonexistent" });
      const open = (): Promise<Database> => openDatabase(config.database);
      let database = await open();
      let ctx = createContext({ config, database, crypto: createFieldCrypto(randomBytes(32)) });
      await migrateToLatest(ctx.db);
      await ensureDefaultRoles(ctx.db);
      await ensureDefaultCategories(ctx.db);
      let t = performance.now();
      const province = await loadProvince(ctx.db, gridCount, mulberry32(45));
      figures[`${e}_load_province_s`] = Math.round((performance.now() - t) / 100) / 10;
      const token = await reporterToken(ctx);
      await database.close();

      const server = await startServerProcess(engine.env);
      try {
        const random = mulberry32(7);
        const body = () => {
          const g = province.grids[Math.floor(random() * province.grids.length)] as Province["grids"][number];
          return JSON.stringify({
            id: crypto.randomUUID(),
            categoryKey: "environment.sanitation",
            description: "压测上报：道路两侧垃圾堆积",
            lng: g.cx + (random() - 0.5) * g.w * 0.2,
            lat: g.cy + (random() - 0.5) * g.h * 0.2,
            source: "field",
          });
        };
        const headers = { authorization: `Bearer ${token}` };
        await load(`${server.url}/api/v1/events`, {
          method: "POST",
          body,
          headers,
          concurrency: clients,
          durationMs: 2000,
        });
        // CPU per report, beside the rate: on a busy machine the rate moves with whatever else runs,
        // the CPU time each report costs the server and the database much less.
        const pgPort = e === "postgres" && pg ? Number(new URL(pg.url).port) : undefined;
        const cpu = () => ({
          server: processCpuMs(server.child.pid ?? -1),
          db: pgPort ? postgresCpuMs(pgPort) : undefined,
        });
        const cpuBefore = cpu();
        const r = await load(`${server.url}/api/v1/events`, {
          method: "POST",
          body,
          headers,
          concurrency: clients,
          durationMs: seconds * 1000,
        });
        const cpuAfter = cpu();
        const perReport = (k: "server" | "db") => {
          const a = cpuAfter[k];
          const b = cpuBefore[k];
          return a === undefined || b === undefined ? undefined : Math.round(((a - b) / r.requests) * 1000) / 1000;
        };
        for (const [k, label] of [
          ["server", "server process"],
          ["db", "PostgreSQL server"],
        ] as const) {
          const ms = perReport(k);
          if (ms === undefined) continue;
          figures[`${e}_report_${k}_cpu_ms`] = ms;
          rows.push({ engine: e, measure: `CPU per report, ${label} (ms)`, value: ms });
        }
        if (r.errors > 0) console.error(`${e}: ${r.errors} errors, e.g. ${r.errorSamples.join(" | ")}`);
        Object.assign(figures, {
          [`${e}_report_per_s`]: r.perSecond,
          [`${e}_report_p50_ms`]: r.p50Ms,
          [`${e}_report_p99_ms`]: r.p99Ms,
          [`${e}_report_errors`]: r.errors,
        });
        rows.push(
          { engine: e, measure: `events reported per second (${clients} clients, HTTP)`, value: r.perSecond },
          { engine: e, measure: "report latency p50 / p99 (ms)", value: `${r.p50Ms} / ${r.p99Ms}` },
          { engine: e, measure: "errors", value: r.errors },
        );
      } finally {
        await server.stop();
      }

      database = await open();
      ctx = createContext({ config, database, crypto: createFieldCrypto(randomBytes(32)) });
      try {
        await loadOpenEvents(ctx.db, province, openEvents, overdue);
        t = performance.now();
        const escalated = await sweepOverdue(ctx);
        const sweepMs = Math.round(performance.now() - t);
        t = performance.now();
        await sweepOverdue(ctx);
        const idleMs = Math.round((performance.now() - t) * 10) / 10;
        Object.assign(figures, {
          [`${e}_sweep_ms`]: sweepMs,
          [`${e}_sweep_escalated`]: escalated,
          [`${e}_sweep_idle_ms`]: idleMs,
        });
        rows.push(
          {
            engine: e,
            measure: `escalation sweep over ${openEvents} open events, ${overdue} overdue (ms)`,
            value: `${sweepMs} (${escalated} escalated)`,
          },
          { engine: e, measure: "sweep when nothing is due (ms)", value: idleMs },
        );
      } finally {
        await database.close();
      }
      if (e === "pglite") rmSync(path.join(dir, "pglite"), { recursive: true, force: true });
    }
  } finally {
    pg?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  console.table(rows);
  return figures;
}

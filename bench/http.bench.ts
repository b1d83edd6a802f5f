import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { load, postgresForBench, startServerProcess } from "./support.ts";

/**
 * Throughput of the HTTP edge in a real server process, on PGlite and on PostgreSQL: a read with a
 * database round trip (health), a read without one (config), and an idempotent write (crash report).
 * Usage: npm run bench -- http [durationSeconds=5] [concurrency=32]
 */
export async function run(args: string[]): Promise<Record<string, number>> {
  const durationMs = Number(args[0] ?? 5) * 1000;
  const concurrency = Number(args[1] ?? 32);
  const figures: Record<string, number> = {};
  const rows: Record<string, unknown>[] = [];

  const engines: { name: string; env: Record<string, string>; cleanup: () => void }[] = [];
  const dataDir = mkdtempSync(path.join(tmpdir(), "wangge-bench-"));
  engines.push({
    name: "pglite",
    env: { WANGGE_DATA_DIR: dataDir },
    cleanup: () => rmSync(dataDir, { recursive: true, force: true }),
  });
  const pg = await postgresForBench();
  if (pg)
    engines.push({
      name: "postgres",
      env: { DATABASE_URL: pg.url, DATABASE_POOL_SIZE: "10" },
      cleanup: () => pg.stop(),
    });

  for (const engine of engines) {
    const server = await startServerProcess(engine.env);
    try {
      const cases = [
        { key: "health", path: "/api/health" },
        { key: "config", path: "/api/v1/config" },
        {
          key: "client_error_write",
          path: "/api/v1/client-errors",
          method: "POST",
          body: () =>
            JSON.stringify({
              id: crypto.randomUUID(),
              app: "field",
              message: "bench",
              url: "/field",
              occurredAt: new Date().toISOString(),
            }),
        },
      ];
      for (const c of cases) {
        await load(`${server.url}${c.path}`, { ...c, concurrency, durationMs: 500 }); // warm-up
        const r = await load(`${server.url}${c.path}`, { ...c, concurrency, durationMs });
        rows.push({
          engine: engine.name,
          route: `${c.method ?? "GET"} ${c.path}`,
          "req/s": r.perSecond,
          "p50 ms": r.p50Ms,
          "p99 ms": r.p99Ms,
          errors: r.errors,
        });
        figures[`${engine.name}_${c.key}_per_s`] = r.perSecond;
        figures[`${engine.name}_${c.key}_p99_ms`] = r.p99Ms;
        figures[`${engine.name}_${c.key}_errors`] = r.errors;
      }
    } finally {
      await server.stop();
      engine.cleanup();
    }
  }
  console.table(rows);
  return figures;
}

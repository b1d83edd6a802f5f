import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { openDatabase } from "../packages/server/src/db/database.ts";
import { migrateToLatest } from "../packages/server/src/db/migrate.ts";
import { postgresForBench } from "./support.ts";

/**
 * What a database costs to get: a new migrated PGlite data directory versus a copy of a migrated
 * template (what the test helper does), and a PostgreSQL database created from a template.
 * Usage: npm run bench -- database [rounds=3]
 */
export async function run(args: string[]): Promise<Record<string, number>> {
  const rounds = Number(args[0] ?? 3);
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
  const timeIt = async (fn: () => Promise<void>) => {
    const t = performance.now();
    await fn();
    return performance.now() - t;
  };
  const fresh: number[] = [];
  const cloned: number[] = [];
  const template = mkdtempSync(path.join(tmpdir(), "wangge-bench-template-"));
  {
    const db = await openDatabase({ kind: "pglite", dataDir: template });
    await migrateToLatest(db.db);
    await db.close();
  }
  for (let i = 0; i < rounds; i++) {
    const dir = mkdtempSync(path.join(tmpdir(), "wangge-bench-db-"));
    fresh.push(
      await timeIt(async () => {
        const db = await openDatabase({ kind: "pglite", dataDir: dir });
        await migrateToLatest(db.db);
        await db.close();
      }),
    );
    rmSync(dir, { recursive: true, force: true });
    const copy = mkdtempSync(path.join(tmpdir(), "wangge-bench-db-"));
    cloned.push(
      await timeIt(async () => {
        cpSync(path.join(template, "pgdata"), path.join(copy, "pgdata"), { recursive: true });
        const db = await openDatabase({ kind: "pglite", dataDir: copy });
        await migrateToLatest(db.db);
        await db.close();
      }),
    );
    rmSync(copy, { recursive: true, force: true });
  }
  rmSync(template, { recursive: true, force: true });
  const figures: Record<string, number> = {
    pglite_new_migrated_ms: Math.round(median(fresh)),
    pglite_template_copy_ms: Math.round(median(cloned)),
  };
  const rows = [
    { case: "PGlite: new data dir + migrate", "median ms": figures.pglite_new_migrated_ms },
    { case: "PGlite: copy migrated template + open", "median ms": figures.pglite_template_copy_ms },
  ];

  const pg = await postgresForBench();
  if (pg) {
    const { default: pgLib } = await import("pg");
    const admin = new pgLib.Client({ connectionString: pg.url });
    await admin.connect();
    await admin.query("create database bench_template");
    const u = new URL(pg.url);
    u.pathname = "/bench_template";
    const t = await openDatabase({ kind: "postgres", url: u.toString(), poolSize: 1 });
    await migrateToLatest(t.db);
    await t.close();
    const times: number[] = [];
    for (let i = 0; i < rounds; i++) {
      times.push(
        await timeIt(async () => {
          await admin.query(`create database bench_${i} template bench_template`);
        }),
      );
      await admin.query(`drop database bench_${i}`);
    }
    await admin.end();
    pg.stop();
    figures.postgres_create_from_template_ms = Math.round(median(times));
    rows.push({
      case: "PostgreSQL: create database from template",
      "median ms": figures.postgres_create_from_template_ms,
    });
  }
  console.table(rows);
  return figures;
}

import { randomBytes } from "node:crypto";
import { cp, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { inject } from "vitest";
import type { Config } from "../config.ts";
import { type Database, openDatabase } from "../db/database.ts";

type DatabaseConfig = Config["database"];

/**
 * Hands each test file its own migrated database, on the engine the run is for:
 * - PGlite (default): a copy of the migrated template data directory made by global-setup.ts
 *   (opening a copy takes a quarter of a second; creating and migrating a new one takes seconds);
 * - PostgreSQL when WANGGE_TEST_DATABASE_URL is set: a fresh database created from the migrated
 *   template database, dropped again when the file is done.
 * Files isolate by data, so they may share nothing else and run in parallel.
 */
export interface TestDatabase extends Database {
  /** PGlite data directory or PostgreSQL URL of this file's database. */
  location: string;
}

declare module "vitest" {
  interface ProvidedContext {
    pgliteTemplateDir: string;
    postgresTemplate: { adminUrl: string; templateName: string } | null;
  }
}

export function withDatabaseName(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

/**
 * A fresh migrated database that nothing has opened yet, as the environment a server process or the
 * CLI would be started with (`WANGGE_DATA_DIR` or `DATABASE_URL`), and a function that removes it.
 */
export interface TestDatabaseLocation {
  config: DatabaseConfig;
  env: Record<string, string>;
  remove(): Promise<void>;
}

export async function prepareTestDatabase(): Promise<TestDatabaseLocation> {
  const postgres = inject("postgresTemplate");
  if (postgres) {
    const name = `wangge_test_${randomBytes(6).toString("hex")}`;
    const admin = new pg.Client({ connectionString: postgres.adminUrl });
    await admin.connect();
    try {
      await admin.query(`create database "${name}" template "${postgres.templateName}"`);
    } finally {
      await admin.end();
    }
    const url = withDatabaseName(postgres.adminUrl, name);
    return {
      config: { kind: "postgres", url, poolSize: 5 },
      env: { DATABASE_URL: url },
      async remove() {
        const client = new pg.Client({ connectionString: postgres.adminUrl });
        await client.connect();
        try {
          await client.query(`drop database if exists "${name}" with (force)`);
        } finally {
          await client.end();
        }
      },
    };
  }
  const dataDir = await mkdtemp(path.join(tmpdir(), "wangge-test-"));
  await cp(inject("pgliteTemplateDir"), path.join(dataDir, "pgdata"), { recursive: true });
  return {
    config: { kind: "pglite", dataDir },
    env: { WANGGE_DATA_DIR: dataDir },
    remove: () => rm(dataDir, { recursive: true, force: true }),
  };
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const location = await prepareTestDatabase();
  const database = await openDatabase(location.config);
  return {
    ...database,
    location: location.config.kind === "postgres" ? location.config.url : location.config.dataDir,
    async close() {
      await database.close();
      await location.remove();
    },
  };
}

import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rename, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import type { TestProject } from "vitest/node";
import { openDatabase } from "../db/database.ts";
import { migrateToLatest } from "../db/migrate.ts";
import { migrations } from "../db/migrations/index.ts";
import { ensureDefaultCategories } from "../modules/events/categories.service.ts";
import { ensureDefaultTags } from "../modules/registry/tags.service.ts";
import { ensureDefaultRoles } from "../modules/roles/roles.service.ts";

/**
 * Builds the migrated template once per run (PGlite) or per run and server (PostgreSQL). The PGlite
 * template is cached in the temp directory under a hash of the migration files and the PGlite version,
 * so an unchanged schema costs nothing on the next run.
 */
async function templateKey(): Promise<string> {
  const hash = createHash("sha256");
  const dir = path.resolve(import.meta.dirname, "../db/migrations");
  for (const name of Object.keys(migrations).sort()) {
    hash.update(name);
    hash.update(await readFile(path.join(dir, `${name}.ts`)));
  }
  hash.update(await readFile(path.resolve(import.meta.dirname, "../../../core/src/auth/roles.ts")));
  for (const file of ["registry/tags.ts", "events/categories.ts", "events/working-time.ts"])
    hash.update(await readFile(path.resolve(import.meta.dirname, "../../../core/src", file)));
  const pglitePkg = path.resolve(import.meta.dirname, "../../../../node_modules/@electric-sql/pglite/package.json");
  hash.update(existsSync(pglitePkg) ? await readFile(pglitePkg) : "pglite");
  return hash.digest("hex").slice(0, 16);
}

async function buildPgliteTemplate(): Promise<string> {
  const target = path.join(tmpdir(), `wangge-pglite-template-${await templateKey()}`);
  if (existsSync(path.join(target, "PG_VERSION"))) return target;
  const work = await mkdtemp(path.join(tmpdir(), "wangge-template-build-"));
  const database = await openDatabase({ kind: "pglite", dataDir: work });
  await migrateToLatest(database.db);
  await ensureDefaultRoles(database.db);
  await ensureDefaultTags(database.db);
  await ensureDefaultCategories(database.db);
  await database.close();
  try {
    await rename(path.join(work, "pgdata"), target);
  } catch (error) {
    // Another run built the same template at the same moment: theirs is as good as ours.
    if (!existsSync(path.join(target, "PG_VERSION"))) throw error;
  }
  await rm(work, { recursive: true, force: true });
  return target;
}

async function buildPostgresTemplate(adminUrl: string): Promise<{ adminUrl: string; templateName: string }> {
  const templateName = `wangge_template_${process.pid}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`drop database if exists "${templateName}" with (force)`);
    await admin.query(`create database "${templateName}"`);
  } finally {
    await admin.end();
  }
  const u = new URL(adminUrl);
  u.pathname = `/${templateName}`;
  const database = await openDatabase({ kind: "postgres", url: u.toString(), poolSize: 2 });
  await migrateToLatest(database.db);
  await ensureDefaultRoles(database.db);
  await ensureDefaultTags(database.db);
  await ensureDefaultCategories(database.db);
  await database.close();
  return { adminUrl, templateName };
}

export default async function setup(project: TestProject) {
  const adminUrl = process.env.WANGGE_TEST_DATABASE_URL;
  const postgres = adminUrl ? await buildPostgresTemplate(adminUrl) : null;
  project.provide("postgresTemplate", postgres);
  project.provide("pgliteTemplateDir", postgres ? "" : await buildPgliteTemplate());
  return async () => {
    if (postgres) {
      const admin = new pg.Client({ connectionString: postgres.adminUrl });
      await admin.connect();
      try {
        await admin.query(`drop database if exists "${postgres.templateName}" with (force)`);
      } finally {
        await admin.end();
      }
    }
  };
}

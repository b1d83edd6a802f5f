import { DomainError } from "@wangge/core";
import { type Kysely, type Migration, type MigrationProvider, Migrator, sql } from "kysely";
import { type RestoreReport, restoreDeferred } from "./deferred-ddl.ts";
import { migrations as allMigrations } from "./migrations/index.ts";

/**
 * Forward-only migrations, applied on start and by `wangge migrate`. Kysely's migrator runs all
 * pending migrations in one transaction under a PostgreSQL advisory lock, so two processes that start
 * together apply each migration once. A database that has migrations this code does not know was
 * upgraded by a newer Wangge: we refuse to touch it rather than guess.
 */
export const MIGRATION_TABLE = "wangge_migration";
export const MIGRATION_LOCK_TABLE = "wangge_migration_lock";

class StaticProvider implements MigrationProvider {
  constructor(private readonly migrations: Record<string, Migration>) {}
  async getMigrations(): Promise<Record<string, Migration>> {
    return this.migrations;
  }
}

export interface MigrationReport {
  applied: string[];
  current: string | undefined;
  /** Indexes and foreign keys a bulk load set aside and did not get to build again (it stopped). */
  restored: RestoreReport;
}

export async function listAppliedMigrations(db: Kysely<any>): Promise<string[]> {
  const exists = await sql<{ exists: boolean }>`select to_regclass(${MIGRATION_TABLE}) is not null as exists`.execute(
    db,
  );
  if (!exists.rows[0]?.exists) return [];
  const rows = await db.selectFrom(MIGRATION_TABLE).select("name").orderBy("name").execute();
  return rows.map((r: { name: string }) => r.name);
}

export async function migrateToLatest(
  db: Kysely<any>,
  migrations: Record<string, Migration> = allMigrations,
): Promise<MigrationReport> {
  const known = new Set(Object.keys(migrations));
  const unknown = (await listAppliedMigrations(db)).filter((name) => !known.has(name));
  if (unknown.length > 0) {
    throw new DomainError(
      "DB_NEWER_THAN_CODE",
      `the database was migrated by a newer version of Wangge (it has ${unknown.join(", ")}, which this version does not know); upgrade Wangge, downgrades are not supported`,
      { details: { unknownMigrations: unknown } },
    );
  }
  // Before migrating, so migrations meet the schema they were written against.
  const restored = await restoreDeferred(db);
  const migrator = new Migrator({
    db,
    provider: new StaticProvider(migrations),
    migrationTableName: MIGRATION_TABLE,
    migrationLockTableName: MIGRATION_LOCK_TABLE,
  });
  const { error, results = [] } = await migrator.migrateToLatest();
  if (error) {
    const failed = results.find((r) => r.status === "Error");
    const reason = error instanceof Error ? error.message : String(error);
    throw new DomainError(
      "DB_MIGRATION_FAILED",
      `migration ${failed?.migrationName ?? "(setup)"} failed: ${reason}; nothing of it was kept`,
      { details: { migration: failed?.migrationName } },
    );
  }
  const applied = results.filter((r) => r.status === "Success").map((r) => r.migrationName);
  const names = Object.keys(migrations).sort();
  return { applied, current: names.at(-1), restored };
}

import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { loadConfig } from "../../config.ts";
import { type Database, openDatabase } from "../../db/database.ts";
import { createLogger } from "../../logger.ts";
import { startServer } from "../../main.ts";
import { runCli } from "../../test/run-cli.ts";
import { prepareTestDatabase, type TestDatabaseLocation } from "../../test/test-database.ts";
import { recordAudit } from "./audit.service.ts";
import { auditTamperRisk } from "./audit-hardening.service.ts";

vi.setConfig({ testTimeout: 120_000 });

const onPostgres = Boolean(process.env.WANGGE_TEST_DATABASE_URL);

// Roles, owners and triggers that a role cannot switch off exist only on a PostgreSQL server; the
// embedded database runs inside the server process as its only (super)user.
describe.runIf(!onPostgres)("wangge db harden on the embedded database", () => {
  it("refuses with one line: there are no roles to separate", async () => {
    const location = await prepareTestDatabase();
    try {
      const result = await runCli(["db", "harden", "--owner", "a", "--app", "b"], location.env);
      expect(result.code).toBe(1);
      expect(result.stderr).toBe(
        "wangge: db harden is for PostgreSQL (DATABASE_URL): the embedded database has no roles to separate\n",
      );
    } finally {
      await location.remove();
    }
  });
});

describe.runIf(onPostgres)("the audit table's owner on PostgreSQL", () => {
  const suffix = randomBytes(4).toString("hex");
  const owner = `wangge_audit_owner_${suffix}`;
  const app = `wangge_app_${suffix}`;
  let location: TestDatabaseLocation;
  let admin: Database;
  let dataDir: string;
  let appUrl: string;

  beforeAll(async () => {
    location = await prepareTestDatabase();
    dataDir = mkdtempSync(path.join(tmpdir(), "wangge-harden-"));
    admin = await openDatabase(location.config);
    await sql`create role ${sql.id(owner)} nologin`.execute(admin.db);
    await sql`create role ${sql.id(app)} login`.execute(admin.db);
    // As a deployment whose application role migrated the database: it owns every table (their sequences
    // follow) and function.
    await sql`grant usage, create on schema public to ${sql.id(app)}`.execute(admin.db);
    // (A DO block takes no parameters; the role's name is ours, hex digits and underscores.)
    await sql
      .raw(`
      do $$ declare r record; begin
        for r in select c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace
                 where n.nspname = 'public' and c.relkind in ('r', 'p', 'v', 'm') loop
          execute format('alter table %I owner to ${app}', r.relname);
        end loop;
        for r in select p.oid::regprocedure as fn from pg_proc p join pg_namespace n on n.oid = p.pronamespace
                 where n.nspname = 'public' loop
          execute format('alter function %s owner to ${app}', r.fn);
        end loop;
      end $$`)
      .execute(admin.db);
    const url = new URL(location.config.kind === "postgres" ? location.config.url : "");
    url.username = app;
    appUrl = url.toString();
  });
  afterAll(async () => {
    await admin?.close();
    await location?.remove();
    rmSync(dataDir, { recursive: true, force: true });
    const cleanup = await openDatabase({
      kind: "postgres",
      url: process.env.WANGGE_TEST_DATABASE_URL ?? "",
      poolSize: 1,
    });
    try {
      await sql`drop role if exists ${sql.id(app)}`.execute(cleanup.db);
      await sql`drop role if exists ${sql.id(owner)}`.execute(cleanup.db);
    } finally {
      await cleanup.close();
    }
  });

  /** Starts the server as the application's role and returns its warnings about the audit trail. */
  async function startAndCollectWarnings(): Promise<Record<string, unknown>[]> {
    const lines: string[] = [];
    const logger = createLogger("warn", { write: (line: string) => void lines.push(line) });
    const config = loadConfig({
      DATABASE_URL: appUrl,
      WANGGE_DATA_DIR: dataDir,
      PORT: "0",
      HOST: "127.0.0.1",
      WANGGE_WEB_DIST: "/nonexistent",
    });
    const server = await startServer(config, logger);
    await server.stop();
    return lines.map((l) => JSON.parse(l)).filter((l) => /can remove audit rows/.test(l.msg));
  }

  it("warns at start while the application's role owns audit_log, and no longer after wangge db harden", async () => {
    expect(await auditTamperRisk({ db: admin.db, dbKind: "postgres" })).toMatchObject({
      reasons: ["is a superuser"],
    });

    const before = await startAndCollectWarnings();
    expect(before).toHaveLength(1);
    expect(before[0]).toMatchObject({
      level: 40,
      role: app,
      reasons: [
        `owns the table audit_log (as ${app}): can disable its triggers`,
        "owns the trigger function audit_log_append_only(): can replace it",
      ],
    });

    const hardened = await runCli(["db", "harden", "--owner", owner, "--app", app], {
      DATABASE_URL: location.config.kind === "postgres" ? location.config.url : "",
      WANGGE_DATA_DIR: dataDir,
    });
    expect(hardened.stderr).toBe("");
    expect(hardened.stdout).toBe(`audit_log and its trigger belong to ${owner}; ${app} may INSERT and SELECT it\n`);
    expect(hardened.code).toBe(0);

    expect(await startAndCollectWarnings()).toEqual([]);

    // What the application's role can and cannot do now.
    const asApp = await openDatabase({ kind: "postgres", url: appUrl, poolSize: 1 });
    try {
      const config = loadConfig({ DATABASE_URL: appUrl, WANGGE_DATA_DIR: dataDir });
      const seq = await recordAudit({ config, now: () => new Date() }, asApp.db, {
        action: "test.still-appends",
        outcome: "success",
      });
      expect(seq).toBeGreaterThan(0);
      await expect(sql`alter table audit_log disable trigger audit_log_no_update`.execute(asApp.db)).rejects.toThrow(
        /must be owner/,
      );
      await expect(
        sql`create or replace function audit_log_append_only() returns trigger language plpgsql as $$ begin return old; end $$`.execute(
          asApp.db,
        ),
      ).rejects.toThrow(/must be owner/);
      await expect(sql`delete from audit_log where seq = ${seq}`.execute(asApp.db)).rejects.toThrow(
        /permission denied/,
      );
      await expect(sql`drop table audit_log`.execute(asApp.db)).rejects.toThrow(/must be owner/);
    } finally {
      await asApp.close();
    }
    const trail = await admin.db
      .selectFrom("audit_log")
      .select("action")
      .where("action", "=", "audit.harden")
      .execute();
    expect(trail).toHaveLength(1);

    // An application role that can become the owner could still do it all: the warning says so.
    await sql`grant ${sql.id(owner)} to ${sql.id(app)}`.execute(admin.db);
    try {
      const asMember = await openDatabase({ kind: "postgres", url: appUrl, poolSize: 1 });
      try {
        expect((await auditTamperRisk({ db: asMember.db, dbKind: "postgres" }))?.reasons).toEqual([
          `owns the table audit_log (as ${owner}): can disable its triggers`,
          "owns the trigger function audit_log_append_only(): can replace it",
        ]);
      } finally {
        await asMember.close();
      }
    } finally {
      await sql`revoke ${sql.id(owner)} from ${sql.id(app)}`.execute(admin.db);
    }
  });
});

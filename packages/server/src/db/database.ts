import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { Kysely, PostgresDialect } from "kysely";
import pg from "pg";
import type { Config } from "../config.ts";
import { type Bulk, pgliteBulk, postgresBulk } from "./bulk.ts";
import { acquireDataDirLock } from "./data-dir-lock.ts";
import { PGliteDialect } from "./pglite-dialect.ts";
import { makePrivate } from "./private-files.ts";
import type { DB } from "./schema.ts";

/**
 * One factory for both engines. PGlite (default) keeps its files in `<data dir>/pgdata` behind a lock
 * file; PostgreSQL is reached through a `pg` pool. Both return the same value types: bigint counts as
 * numbers, `date` as 'YYYY-MM-DD' strings, timestamptz as Date.
 */
export type DatabaseKind = "pglite" | "postgres";

export interface Database {
  db: Kysely<DB>;
  kind: DatabaseKind;
  /** Transactions that COPY rows in, their statements sent at once (imports). */
  bulk: Bulk;
  close(): Promise<void>;
}

const INT8_OID = 20;
const DATE_OID = 1082;
const parseInt8 = (value: string) => {
  const n = Number(value);
  return Number.isSafeInteger(n) ? n : value;
};

export async function openDatabase(
  config: Config["database"],
  options: { lock?: boolean; command?: string } = {},
): Promise<Database> {
  if (config.kind === "postgres") return openPostgres(config.url, config.poolSize);
  makePrivate(config.dataDir);
  const lock = options.lock === false ? undefined : acquireDataDirLock(config.dataDir, options.command);
  try {
    const pglite = new PGlite(path.join(config.dataDir, "pgdata"), {
      parsers: { [INT8_OID]: parseInt8, [DATE_OID]: (v: string) => v },
      // A registry of a million people needs more than PGlite's 128MB of buffers to stay quick
      // (WANGGE_PGLITE_SHARED_BUFFERS); the memory is taken when the database opens.
      ...(config.sharedBuffers
        ? { startParams: [...PGlite.defaultStartParams, "-c", `shared_buffers=${config.sharedBuffers}`] }
        : {}),
    });
    await pglite.waitReady;
    // PGlite writes the files it unpacks with mode 0666: private before anything is stored in them.
    makePrivate(config.dataDir);
    // PGlite's defaults plan hierarchy drill-downs poorly (DESIGN.md: 20 ms becomes 130 ms).
    await pglite.exec("set work_mem = '64MB'; set random_page_cost = 1.1; set timezone = 'UTC';");
    const db = new Kysely<DB>({ dialect: new PGliteDialect(pglite) });
    return {
      db,
      kind: "pglite",
      bulk: pgliteBulk(db, pglite),
      async close() {
        await db.destroy();
        if (!pglite.closed) await pglite.close();
        makePrivate(config.dataDir);
        lock?.release();
      },
    };
  } catch (error) {
    lock?.release();
    throw error;
  }
}

export function postgresTypes(): pg.CustomTypesConfig {
  return {
    getTypeParser: ((oid: number, format?: string) => {
      if (oid === INT8_OID) return parseInt8;
      if (oid === DATE_OID) return (v: string) => v;
      return pg.types.getTypeParser(oid, format as "text");
    }) as pg.CustomTypesConfig["getTypeParser"],
  };
}

async function openPostgres(url: string, poolSize: number): Promise<Database> {
  const pool = new pg.Pool({
    connectionString: url,
    max: poolSize,
    application_name: "wangge",
    types: postgresTypes(),
    options: "-c timezone=UTC",
  });
  // An idle client that loses its connection must not crash the process; the next query reconnects.
  pool.on("error", () => {});
  const client = await pool.connect();
  client.release();
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
  return {
    db,
    kind: "postgres",
    bulk: postgresBulk(pool),
    async close() {
      await db.destroy();
    },
  };
}

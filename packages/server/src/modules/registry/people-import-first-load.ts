import type { AppContext } from "../../context.ts";
import { deferIndexes, restoreDeferred } from "../../db/deferred-ddl.ts";
import { analyzeImportedTables, isTableEmpty } from "./import-jobs.queries.ts";

/**
 * A first load: a file imported into an empty registry (a county's register, when the deployment
 * starts). Its ID numbers need no look-up (people-import-plan.ts, `lookUp`), and from a size on, the
 * tables it fills set their secondary indexes and foreign keys aside and build them again at the end.
 */

/**
 * From this many rows, a file loaded into an empty registry sets aside the secondary indexes and
 * foreign keys of the tables it fills and builds them again at the end (db/deferred-ddl.ts): for a
 * county's first load that is half of the database's work per person. Searches of people, households,
 * places and tags read the whole table until the load ends.
 */
export const DEFER_INDEXES_FROM = 20_000;
/** The tables a people import fills, whose indexes a first load sets aside: people, and their households, places and tags. */
const LOADED_TABLES = ["person", "household", "place", "subject_tag"] as const;

/** Whether the registry is empty (a first load), and then which of the tables for places and households are. */
export async function firstLoadOf(
  ctx: Pick<AppContext, "db">,
): Promise<{ places: boolean; households: boolean } | undefined> {
  if (!(await isTableEmpty(ctx.db, "person"))) return undefined;
  return { places: await isTableEmpty(ctx.db, "place"), households: await isTableEmpty(ctx.db, "household") };
}

/**
 * Runs `load` with the loaded tables' indexes set aside (when `defer`), and builds them again
 * afterwards whether the load finished or not (if that fails too, the next start builds them).
 */
export async function withIndexesDeferred<T>(
  ctx: AppContext,
  jobId: string,
  defer: boolean,
  load: () => Promise<T>,
): Promise<T> {
  const deferred: string[] = [];
  let failed = false;
  try {
    if (defer) for (const table of LOADED_TABLES) if ((await deferIndexes(ctx.db, table)) > 0) deferred.push(table);
    return await load();
  } catch (error) {
    failed = true;
    throw error;
  } finally {
    // Two restorers share the work of all the tables (each takes the next definition): on PostgreSQL
    // two indexes build at once, on PGlite they take turns.
    if (deferred.length > 0)
      await Promise.all([restoreDeferred(ctx.db, deferred), restoreDeferred(ctx.db, deferred)]).then(
        (restored) => {
          const unvalidated = restored.flatMap((r) => r.unvalidated);
          if (unvalidated.length > 0) ctx.log.warn({ importId: jobId, unvalidated }, "foreign keys left NOT VALID");
        },
        (error) => {
          if (!failed) throw error;
          ctx.log.warn({ importId: jobId, err: error }, "indexes not built again after a failed import");
        },
      );
  }
}

/**
 * The planner's statistics of the tables an import filled, refreshed once it is done: PGlite has no
 * autovacuum to do it, and until then searches are planned with the statistics of the table as it
 * was before (typically empty).
 */
export const refreshStatistics = (ctx: Pick<AppContext, "db">) => analyzeImportedTables(ctx.db);

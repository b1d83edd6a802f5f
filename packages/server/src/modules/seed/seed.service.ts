import type { Kysely } from "kysely";
import type { Logger } from "pino";
import type { DB } from "../../db/schema.ts";
import { VERSION } from "../../version.ts";
import { findDeploymentFact, recordDeploymentFact } from "../platform/platform.service.ts";

/**
 * `wangge seed demo`: each module contributes one part that loads its demonstration data (a county
 * with townships, villages and grids; staff; households; events …). Parts run in order, each in its
 * own transaction, and must be idempotent: seeding twice changes nothing. `npm start` seeds once, on
 * the first start of an empty database, and records that it did.
 */
export interface SeedContext {
  db: Kysely<DB>;
  logger: Pick<Logger, "info">;
  now: Date;
}

export interface SeedPart {
  name: string;
  run(ctx: SeedContext): Promise<{ summary: string }>;
}

/** In dependency order. Modules append their part as they land (areas first, then registry, events). */
export const DEMO_SEED_PARTS: SeedPart[] = [];

export const DEMO_SEED_META_KEY = "demo_seed";

export interface DemoSeedRecord {
  version: string;
  seededAt: string;
  parts: { name: string; summary: string }[];
}

export async function findDemoSeedRecord(db: Kysely<DB>): Promise<DemoSeedRecord | undefined> {
  return (await findDeploymentFact(db, DEMO_SEED_META_KEY)) as DemoSeedRecord | undefined;
}

export async function seedDemo(
  ctx: SeedContext,
  parts: SeedPart[] = DEMO_SEED_PARTS,
  earlier: DemoSeedRecord["parts"] = [],
): Promise<DemoSeedRecord> {
  const results: DemoSeedRecord["parts"] = earlier.filter((e) => !parts.some((p) => p.name === e.name));
  for (const part of parts) {
    const { summary } = await ctx.db.transaction().execute((trx) => part.run({ ...ctx, db: trx }));
    ctx.logger.info({ part: part.name, summary }, "demo data loaded");
    results.push({ name: part.name, summary });
  }
  const record: DemoSeedRecord = { version: VERSION, seededAt: ctx.now.toISOString(), parts: results };
  await recordDeploymentFact(ctx.db, DEMO_SEED_META_KEY, record, ctx.now);
  return record;
}

/**
 * `npm start` (serve --demo): seeds everything on the first start of an empty database; on a later
 * start of a demo database, loads only the parts of modules added since (after an upgrade), so a
 * demo keeps showing every module. Returns undefined when there was nothing to do.
 */
export async function seedDemoOnStart(
  ctx: SeedContext,
  parts: SeedPart[] = DEMO_SEED_PARTS,
): Promise<DemoSeedRecord | undefined> {
  const previous = await findDemoSeedRecord(ctx.db);
  if (!previous) return seedDemo(ctx, parts);
  const done = new Set(previous.parts.map((p) => p.name));
  const missing = parts.filter((p) => !done.has(p.name));
  if (missing.length === 0) return undefined;
  return seedDemo(ctx, missing, previous.parts);
}

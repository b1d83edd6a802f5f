import { VERSION } from "../../version.ts";
import { findDeploymentFact, recordDeploymentFact } from "../platform/platform.service.ts";
import { DEMO_SEED_PARTS } from "./demo-parts.ts";
import type { SeedContext, SeedPart } from "./seed.types.ts";

/**
 * `wangge seed demo`: each module contributes one part that loads its demonstration data (areas,
 * accounts, later households and events). Parts run in order and are idempotent. `npm start` seeds on
 * the first start of an empty database and, on later starts, loads only parts added since.
 */
export const DEMO_SEED_META_KEY = "demo_seed";

export interface DemoSeedRecord {
  version: string;
  seededAt: string;
  parts: { name: string; summary: string }[];
}

export async function findDemoSeedRecord(seed: Pick<SeedContext, "ctx">): Promise<DemoSeedRecord | undefined> {
  return (await findDeploymentFact(seed.ctx.db, DEMO_SEED_META_KEY)) as DemoSeedRecord | undefined;
}

export async function seedDemo(
  seed: SeedContext,
  parts: SeedPart[] = DEMO_SEED_PARTS,
  earlier: DemoSeedRecord["parts"] = [],
): Promise<DemoSeedRecord> {
  const results: DemoSeedRecord["parts"] = earlier.filter((e) => !parts.some((p) => p.name === e.name));
  for (const part of parts) {
    const { summary } = await part.run(seed);
    seed.logger.info({ part: part.name, summary }, "demo data loaded");
    results.push({ name: part.name, summary });
  }
  const now = seed.ctx.now();
  const record: DemoSeedRecord = { version: VERSION, seededAt: now.toISOString(), parts: results };
  await recordDeploymentFact(seed.ctx.db, DEMO_SEED_META_KEY, record, now);
  return record;
}

/** First start of an empty database: every part; later starts of a demo database: parts added since. */
export async function seedDemoOnStart(
  seed: SeedContext,
  parts: SeedPart[] = DEMO_SEED_PARTS,
): Promise<DemoSeedRecord | undefined> {
  const previous = await findDemoSeedRecord(seed);
  if (!previous) return seedDemo(seed, parts);
  const done = new Set(previous.parts.map((p) => p.name));
  const missing = parts.filter((p) => !done.has(p.name));
  if (missing.length === 0) return undefined;
  return seedDemo(seed, missing, previous.parts);
}

export type { SeedContext, SeedPart } from "./seed.types.ts";

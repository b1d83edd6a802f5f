import type { Logger } from "pino";
import type { AppContext } from "../../context.ts";

/** One module's demonstration data. `run` must be idempotent: seeding twice changes nothing. */
export interface SeedContext {
  ctx: AppContext;
  logger: Pick<Logger, "info">;
  /** Lines for the person who ran the seed (passwords are printed here once, never logged). */
  print: (line: string) => void;
}

export interface SeedPart {
  name: string;
  run(seed: SeedContext): Promise<{ summary: string }>;
}

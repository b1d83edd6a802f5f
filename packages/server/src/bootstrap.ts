import type { Logger } from "pino";
import type { AppContext } from "./context.ts";
import { migrateToLatest } from "./db/migrate.ts";
import { systemPrincipal } from "./modules/auth/auth.service.ts";
import { ensureDefaultCategories } from "./modules/events/categories.service.ts";
import { sealStoredFreeText } from "./modules/events/free-text-sealing.service.ts";
import { rebuildFiguresIfRequested } from "./modules/figures/figures-rebuild.service.ts";
import { ensureDefaultTags } from "./modules/registry/tags.service.ts";
import { ensureDefaultRoles } from "./modules/roles/roles.service.ts";
import { seedDemoOnStart } from "./modules/seed/seed.service.ts";
import { warnAboutSharedPhones } from "./modules/users/user-phones.service.ts";
import { ensureBootstrapAdmin } from "./modules/users/users.service.ts";

/**
 * What every start does before serving: migrate, seal free text written before it was sealed (once), make
 * sure the default roles, tags, event categories and calendar exist, create the first administrator on an
 * empty deployment, and (for `npm start`) load the demo data.
 */
export async function prepareDeployment(
  ctx: AppContext,
  logger: Pick<Logger, "info" | "warn">,
  options: { demo?: boolean; print?: (line: string) => void } = {},
): Promise<void> {
  const print = options.print ?? ((line: string) => process.stdout.write(`${line}\n`));
  const { applied, restored } = await migrateToLatest(ctx.db);
  if (restored.indexes.length + restored.foreignKeys.length > 0)
    logger.warn(restored, "indexes and foreign keys an interrupted import had set aside were built again");
  if (restored.unvalidated.length > 0)
    logger.warn({ unvalidated: restored.unvalidated }, "foreign keys left NOT VALID: some rows do not satisfy them");
  if (applied.length > 0) logger.info({ applied }, "database migrated");
  const sealing = await sealStoredFreeText(ctx);
  if (sealing.sealed > 0)
    logger.warn(
      sealing,
      "personal numbers in free text written before this version are now masked and sealed; VACUUM FULL these tables to drop the old row versions from the database files",
    );
  const figures = await rebuildFiguresIfRequested(ctx);
  if (figures) logger.info(figures, "figures counted from the events, visits and close-outs written before");
  await warnAboutSharedPhones({ db: ctx.db, log: logger });
  const roles = await ensureDefaultRoles(ctx.db);
  if (roles.length > 0) logger.info({ roles }, "default roles created");
  await ensureDefaultTags(ctx.db);
  await ensureDefaultCategories(ctx.db);
  const admin = await ensureBootstrapAdmin(ctx, systemPrincipal());
  if (admin.created) {
    logger.warn({ username: "admin" }, "first start: administrator account created");
    if (admin.generatedPassword) {
      // Printed once, to the operator's terminal; it is stored only as an argon2id hash.
      print(
        `\nFirst start: sign in as "admin" with the password ${admin.generatedPassword} (shown once; change it after signing in).\n`,
      );
    }
  }
  if (options.demo) {
    const seeded = await seedDemoOnStart({ ctx, logger, print });
    if (seeded) logger.info({ parts: seeded.parts.map((p) => p.name) }, "demo data loaded");
  }
}

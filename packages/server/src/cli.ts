import { isDomainError } from "@wangge/core";
import { Command, CommanderError } from "commander";
import { loadConfig } from "./config.ts";
import { openDatabase } from "./db/database.ts";
import { migrateToLatest } from "./db/migrate.ts";
import { createLogger } from "./logger.ts";
import { startServer, stopOnSignals } from "./main.ts";
import { seedDemo } from "./modules/seed/seed.service.ts";
import { VERSION } from "./version.ts";

/**
 * The `wangge` command. Like HTTP, it is an edge: parse, then call the same services. Every failure
 * ends with one line `wangge: <reason>` on stderr and a non-zero exit.
 */
export function buildCli(): Command {
  const program = new Command("wangge")
    .description("Wangge (网格): grid-based grassroots governance — server and administration")
    .version(VERSION, "-v, --version")
    .showHelpAfterError("(run with --help for usage)")
    .configureOutput({ outputError: (str, write) => write(str) });

  program
    .command("serve")
    .description("migrate the database and serve the API and the four web apps")
    .option("-p, --port <port>", "port to listen on (default: PORT or 3000)")
    .option("--host <host>", "address to listen on (default: HOST or 0.0.0.0)")
    .option("--demo", "load the demo data on the first start of an empty database (npm start does this)")
    .action(async (opts: { port?: string; host?: string; demo?: boolean }) => {
      const config = loadConfig({
        ...process.env,
        ...(opts.port !== undefined ? { PORT: opts.port } : {}),
        ...(opts.host !== undefined ? { HOST: opts.host } : {}),
      });
      const logger = createLogger(config.logLevel);
      const server = await startServer(config, logger, { demo: opts.demo ?? false });
      process.stdout.write(
        `\nWangge ${VERSION} is running: ${server.url}  (console ${server.url}/ · screen ${server.url}/screen · field ${server.url}/field · resident ${server.url}/h5 · API docs ${server.url}/api/docs)\n\n`,
      );
      stopOnSignals(server, logger, config.shutdownTimeoutMs);
    });

  program
    .command("migrate")
    .description("apply pending database migrations and exit")
    .action(async () => {
      const config = loadConfig();
      const database = await openDatabase(config.database, { command: "migrate" });
      try {
        const { applied, current } = await migrateToLatest(database.db);
        process.stdout.write(
          applied.length > 0
            ? `applied ${applied.length} migration(s): ${applied.join(", ")}\n`
            : `database is up to date (${current ?? "no migrations"})\n`,
        );
      } finally {
        await database.close();
      }
    });

  const seed = program.command("seed").description("load data into the database");
  seed
    .command("demo")
    .description("load the demonstration data of every module (idempotent)")
    .action(async () => {
      const config = loadConfig();
      const logger = createLogger(config.logLevel);
      const database = await openDatabase(config.database, { command: "seed demo" });
      try {
        await migrateToLatest(database.db);
        const record = await seedDemo({ db: database.db, logger, now: new Date() });
        const parts = record.parts.map((p) => `${p.name}: ${p.summary}`);
        process.stdout.write(
          `demo data loaded (${record.parts.length} part(s))${parts.length ? `\n  ${parts.join("\n  ")}` : ""}\n`,
        );
      } finally {
        await database.close();
      }
    });

  return program;
}

export async function runCli(argv: string[]): Promise<void> {
  const program = buildCli();
  program.exitOverride();
  for (const cmd of program.commands) cmd.exitOverride();
  try {
    await program.parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version exit 0; usage errors were already printed by commander.
      process.exit(error.exitCode);
    }
    const reason = isDomainError(error) ? error.message : error instanceof Error ? error.message : String(error);
    process.stderr.write(`wangge: ${reason.split("\n")[0]}\n`);
    process.exit(1);
  }
}

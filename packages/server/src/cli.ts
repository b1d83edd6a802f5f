import { createWriteStream, readFileSync, writeFileSync } from "node:fs";
import {
  CreateUserBodySchema,
  DomainError,
  describeChainBreak,
  describeCheckpointProblem,
  isDomainError,
  redactPersonalNumbers,
  systemPrincipal,
} from "@wangge/core";
import { Command, CommanderError } from "commander";
import { createContext } from "./app.ts";
import { prepareDeployment } from "./bootstrap.ts";
import { loadConfig } from "./config.ts";
import type { AppContext } from "./context.ts";
import { countStale, reencryptAll } from "./crypto/reencrypt.ts";
import { openDatabase } from "./db/database.ts";
import { migrateToLatest } from "./db/migrate.ts";
import { privateFileCreation } from "./db/private-files.ts";
import { uuidv7 } from "./ids.ts";
import { createLogger } from "./logger.ts";
import { startServer, stopOnSignals } from "./main.ts";
import { importBoundaries } from "./modules/areas/area-boundaries.service.ts";
import { importDivisions } from "./modules/areas/areas.service.ts";
import { DIVISIONS_DATA_YEAR, readDivisions } from "./modules/areas/divisions-source.ts";
import { importBeats } from "./modules/areas/police-beats.service.ts";
import { exportAuditTrail, recordAudit } from "./modules/audit/audit.service.ts";
import { auditCheckpointer, verifyAuditTrailWithCheckpoints } from "./modules/audit/audit-checkpoints.service.ts";
import { hardenAuditTable } from "./modules/audit/audit-hardening.service.ts";
import { clearLoginLock, revokeCredentials } from "./modules/auth/auth.service.ts";
import { createOpen311Key, listOpen311Keys, revokeOpen311Key } from "./modules/events/open311-keys.service.ts";
import { rebuildFigures } from "./modules/figures/figures-rebuild.service.ts";
import { rotateDataKey } from "./modules/platform/keys.service.ts";
import { rejectedRowsReport } from "./modules/registry/import-reports.service.ts";
import { importPeopleFile } from "./modules/registry/people-import.service.ts";
import { seedDemo } from "./modules/seed/seed.service.ts";
import { readStaffFile } from "./modules/users/staff-file.ts";
import { importStaffPosts } from "./modules/users/staff-import.service.ts";
import { findUserByUsername } from "./modules/users/users.queries.ts";
import { createUser, normalizeUsername, resetPassword, updateUser } from "./modules/users/users.service.ts";
import { tuneV8ForImports } from "./v8-tuning.ts";
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
      // Migrating only; roles and the first admin are created by the first serve (or any other command).
      try {
        const { applied, current, restored } = await migrateToLatest(database.db);
        const rebuilt = [...restored.indexes, ...restored.foreignKeys];
        if (rebuilt.length > 0)
          process.stdout.write(`built again what an interrupted import had set aside: ${rebuilt.join(", ")}\n`);
        if (restored.unvalidated.length > 0)
          process.stdout.write(`left NOT VALID, some rows do not satisfy them: ${restored.unvalidated.join(", ")}\n`);
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
    .description("load the demonstration data of every module (idempotent); prints the demo password once")
    .action(async () => {
      await withDeployment("seed demo", async (ctx, logger) => {
        const record = await seedDemo({ ctx, logger, print });
        const parts = record.parts.map((p) => `${p.name}: ${p.summary}`);
        print(`demo data loaded (${record.parts.length} part(s))${parts.length ? `\n  ${parts.join("\n  ")}` : ""}`);
      });
    });

  const figures = program.command("figures").description("the command centre's figures (kept as matters change)");
  figures
    .command("rebuild")
    .description(
      "count every figure again from the events, disputes, visits and close-outs (and the grids they cover), the open matters and the live grids per area (the server may run on PostgreSQL; PGlite needs it stopped)",
    )
    .action(async () => {
      await withDeployment("figures rebuild", async (ctx) => {
        const { rows, openRows, gridRows } = await rebuildFigures(ctx);
        print(
          `figures rebuilt: ${rows} row(s) of area, day and category; ${openRows} row(s) of open matters by area and deadline day; ${gridRows} row(s) of live grids by area`,
        );
      });
    });

  const user = program.command("user").description("manage accounts (as the system; every change is audited)");
  user
    .command("create")
    .description("create an account; prints a temporary password unless --password-stdin is given")
    .argument("<username>", "login name (letters, digits, . _ -)")
    .requiredOption("--name <displayName>", "name shown in the apps")
    .option("--role <roleKey>", "give this role (admin, auditor, township_official, grid_worker, …)")
    .option("--area <code>", "in this area (omit for deployment-wide roles)")
    .option("--home-unit <unit>", "home unit of a sunk official (grid instructor)")
    .option("--phone <mobile>", "mobile number (stored encrypted)")
    .option("--password-stdin", "read the password from standard input")
    .action(
      async (
        username: string,
        opts: {
          name: string;
          role?: string;
          area?: string;
          homeUnit?: string;
          phone?: string;
          passwordStdin?: boolean;
        },
      ) => {
        const password = opts.passwordStdin ? await readStdin() : undefined;
        await withDeployment("user create", async (ctx) => {
          const input = {
            id: uuidv7(),
            username,
            displayName: opts.name,
            phone: opts.phone,
            password,
            ...(opts.role
              ? { assignment: { roleKey: opts.role, areaCode: opts.area ?? null, homeUnit: opts.homeUnit } }
              : {}),
          };
          const parsed = CreateUserBodySchema.safeParse(input);
          if (!parsed.success) throw validationError(parsed.error.issues);
          const { user: created, initialPassword } = await createUser(ctx, systemPrincipal(), CLI_META, parsed.data);
          print(`created ${created.username} (${created.id})`);
          if (initialPassword)
            print(`temporary password (shown once; must be changed at first sign-in): ${initialPassword}`);
        });
      },
    );
  user
    .command("reset-password")
    .description("set a new password (or print a temporary one) and end the user's sessions")
    .argument("<username>")
    .option("--password-stdin", "read the new password from standard input")
    .action(async (username: string, opts: { passwordStdin?: boolean }) => {
      const password = opts.passwordStdin ? await readStdin() : undefined;
      await withDeployment("user reset-password", async (ctx) => {
        const target = await requireUser(ctx, username);
        const { temporaryPassword } = await resetPassword(
          ctx,
          systemPrincipal(),
          CLI_META,
          target.id,
          { password },
          (trx, id) => revokeCredentials(ctx, trx, id),
        );
        print(
          temporaryPassword
            ? `temporary password for ${username} (shown once): ${temporaryPassword}`
            : `password of ${username} changed`,
        );
      });
    });
  for (const [command, status, description] of [
    ["disable", "disabled", "disable an account (it can no longer sign in; its records stay)"],
    ["enable", "active", "re-enable a disabled or locked account and clear a sign-in lockout"],
  ] as const) {
    user
      .command(command)
      .description(description)
      .argument("<username>")
      .action(async (username: string) => {
        await withDeployment(`user ${command}`, async (ctx) => {
          const target = await requireUser(ctx, username);
          await updateUser(ctx, systemPrincipal(), CLI_META, target.id, { status }, (trx, id) =>
            revokeCredentials(ctx, trx, id),
          );
          if (status === "active") await clearLoginLock(ctx, username);
          print(`${username} is ${status}`);
        });
      });
  }

  const importCommand = program
    .command("import")
    .description("load official divisions, grid boundaries, police beats, staff rosters and people");
  importCommand
    .command("divisions")
    .description(
      `load the official divisions (National Bureau of Statistics codes, ${DIVISIONS_DATA_YEAR} edition) under a root code; idempotent`,
    )
    .requiredOption("--root <code>", "2-digit province (45 = Guangxi) or a 4/6/9/12-digit division under it")
    .action(async (opts: { root: string }) => {
      const divisions = await readDivisions(opts.root);
      await withDeployment("import divisions", async (ctx) => {
        const report = await importDivisions(ctx, systemPrincipal(), CLI_META, opts.root, divisions);
        const levels = Object.entries(report.byLevel)
          .map(([level, n]) => `${n} ${level}`)
          .join(", ");
        print(`divisions under ${report.root} (${report.dataYear} edition): ${report.total} (${levels})`);
        print(
          `inserted ${report.inserted}, renamed ${report.renamed}, restored ${report.restored}, abolished ${report.abolished.length}${report.abolished.length ? ` (${report.abolished.slice(0, 10).join(", ")}${report.abolished.length > 10 ? ", …" : ""})` : ""}`,
        );
      });
    });
  importCommand
    .command("grids")
    .description(
      "import grid boundaries from a GeoJSON FeatureCollection; reports every feature; exits 1 if any was rejected",
    )
    .argument("<file>", "GeoJSON file (WGS-84 / CGCS2000)")
    .option("--parent-code-property <name>", "property holding the parent area's code", "parent_code")
    .option("--code-property <name>", "property holding the grid's code", "code")
    .option("--name-property <name>", "property holding the grid's name", "name")
    .option("--kind-property <name>", "property holding the kind (community, rural, border, coastal, dedicated)")
    .option("--all-or-nothing", "write nothing if any feature is rejected")
    .action(
      async (
        file: string,
        opts: {
          parentCodeProperty: string;
          codeProperty: string;
          nameProperty: string;
          kindProperty?: string;
          allOrNothing?: boolean;
        },
      ) => {
        const collection = readJsonFile(file);
        await withDeployment("import grids", async (ctx) => {
          const report = await importBoundaries(
            ctx,
            systemPrincipal(),
            CLI_META,
            collection,
            { ...opts, allOrNothing: opts.allOrNothing ?? false },
            { isGlobal: true, view: [], workSubtrees: [], workAreas: [] },
          );
          for (const f of report.features) {
            const reasons =
              f.outcome === "rejected" ? `: ${f.errors.map((e) => `${e.path} ${e.message}`).join("; ")}` : "";
            print(`feature ${f.index}${f.code ? ` (${f.code})` : ""}: ${f.outcome}${reasons}`);
          }
          const summary = `${report.created} created, ${report.updated} updated, ${report.unchanged} unchanged, ${report.rejected} rejected${report.applied ? "" : " — nothing was written (--all-or-nothing)"}`;
          if (report.rejected > 0) throw new DomainError("AREA_BOUNDARY_INVALID", summary);
          print(summary);
        });
      },
    );

  importCommand
    .command("beats")
    .description(
      "import police beats (警格) from GeoJSON and link them to the grids they overlap; exits 1 if any was rejected",
    )
    .argument("<file>", "GeoJSON file (WGS-84 / CGCS2000)")
    .option("--code-property <name>", "property holding the beat's code", "code")
    .option("--name-property <name>", "property holding the beat's name", "name")
    .option("--station-property <name>", "property holding the police station", "station")
    .option("--officer-property <name>", "property holding the community officer's username")
    .option("--all-or-nothing", "write nothing if any feature is rejected")
    .action(
      async (
        file: string,
        opts: {
          codeProperty: string;
          nameProperty: string;
          stationProperty: string;
          officerProperty?: string;
          allOrNothing?: boolean;
        },
      ) => {
        const collection = readJsonFile(file);
        await withDeployment("import beats", async (ctx) => {
          const report = await importBeats(ctx, systemPrincipal(), CLI_META, collection, {
            ...opts,
            allOrNothing: opts.allOrNothing ?? false,
          });
          for (const f of report.features) {
            const detail =
              f.outcome === "rejected"
                ? `: ${f.errors.map((e) => `${e.path} ${e.message}`).join("; ")}`
                : ` (${f.grids} grid(s) linked)`;
            print(`feature ${f.index}${f.code ? ` (${f.code})` : ""}: ${f.outcome}${detail}`);
          }
          const rejected = report.features.filter((f) => f.outcome === "rejected").length;
          const summary = `${report.features.length - rejected} beat(s) ${report.applied ? "imported" : "accepted"}, ${rejected} rejected${report.applied ? "" : " — nothing was written (--all-or-nothing)"}`;
          if (rejected > 0) throw new DomainError("AREA_BOUNDARY_INVALID", summary);
          print(summary);
        });
      },
    );

  importCommand
    .command("staff")
    .description(
      "import staff posts from a CSV or XLSX roster: name, phone, home unit, grid code, role (网格长/网格员/网格指导员/社区民警)",
    )
    .argument("<file>", "a .csv (UTF-8) or .xlsx file whose first row names the columns")
    .action(async (file: string) => {
      const format = file.toLowerCase().endsWith(".xlsx") ? "xlsx" : "csv";
      let content: Buffer;
      try {
        content = readFileSync(file);
      } catch (error) {
        throw new DomainError("VALIDATION_FAILED", `cannot read ${file}: ${(error as Error).message}`);
      }
      const roster = await readStaffFile(content, format);
      if (!roster.ok)
        throw new DomainError("VALIDATION_FAILED", `${file} lacks columns: ${roster.missingColumns.join(", ")}`);
      await withDeployment("import staff", async (ctx) => {
        const results = await importStaffPosts(ctx, systemPrincipal(), CLI_META, roster.rows);
        for (const r of results) {
          if (r.outcome === "rejected") print(`row ${r.row}: rejected: ${r.errors.map((e) => e.message).join("; ")}`);
          else if (r.outcome === "created")
            print(`row ${r.row}: created ${r.username}, temporary password (shown once): ${r.temporaryPassword}`);
          else print(`row ${r.row}: ${r.outcome} ${r.username}`);
        }
        const rejected = results.filter((r) => r.outcome === "rejected").length;
        const summary = `${results.length - rejected} row(s) imported, ${rejected} rejected`;
        if (rejected > 0) throw new DomainError("VALIDATION_FAILED", summary);
        print(summary);
      });
    });

  importCommand
    .command("people")
    .description(
      "import people with their households and addresses from a CSV or XLSX file in the template's columns (GET /api/v1/imports/people/template); re-importing changes nothing; rejected rows go to a report; exits 1 if any row was rejected",
    )
    .argument("<file>", "a .csv (UTF-8) or .xlsx file whose first row names the columns")
    .option("--all-or-nothing", "write nothing if any row is rejected")
    .option(
      "--report <file>",
      "where to write the rejected rows with their reasons (default: beside the file, NAME.report.xlsx)",
    )
    .action(async (file: string, opts: { allOrNothing?: boolean; report?: string }) => {
      await withDeployment("import people", async (ctx) => {
        let shown = Date.now();
        const { counts, job } = await importPeopleFile(ctx, systemPrincipal(), CLI_META, {
          file,
          allOrNothing: opts.allOrNothing ?? false,
          // Progress on the terminal, every few seconds; nothing when the output goes to a file.
          onProgress: (processed, total) => {
            if (!process.stderr.isTTY || Date.now() - shown < 3000) return;
            shown = Date.now();
            process.stderr.write(`${processed}${total ? ` of ${total}` : ""} rows\n`);
          },
        });
        const applied = !(opts.allOrNothing && counts.rejected > 0);
        const summary = `${counts.created} created, ${counts.updated} updated, ${counts.unchanged} unchanged, ${counts.rejected} rejected${applied ? "" : " — nothing was written (--all-or-nothing)"}`;
        if (counts.rejected === 0) {
          print(summary);
          return;
        }
        const reportFile = opts.report ?? `${file.replace(/\.(csv|xlsx)$/i, "")}.report.xlsx`;
        writeFileSync(reportFile, await rejectedRowsReport(ctx, job, ctx.config.defaultLocale), { mode: 0o600 });
        print(`rejected rows with their reasons: ${reportFile}`);
        throw new DomainError("VALIDATION_FAILED", summary);
      });
    });

  const keys = program.command("keys").description("the data keys that encrypt ID and phone numbers");
  keys
    .command("rotate")
    .description(
      "make a new data key current and re-encrypt every stored value (with the embedded database, stop the server first or use POST /api/v1/system/keys/rotate)",
    )
    .action(async () => {
      await withDeployment(
        "keys rotate",
        async (ctx) => {
          const rotated = await rotateDataKey(ctx, { userId: null, username: "system" }, CLI_META);
          print(`data key ${rotated.newKeyId} is current; ${rotated.retiredKeyId} is retired (kept to decrypt)`);
          const result = await reencryptAll(ctx.db, ctx.crypto);
          print(`re-encrypted ${result.reencrypted} value(s)`);
        },
        { prepare: false },
      );
    });
  keys
    .command("reencrypt")
    .description(
      "re-encrypt values still under a retired key (after changing WANGGE_DATA_KEY, or an interrupted rotation)",
    )
    .action(async () => {
      await withDeployment(
        "keys reencrypt",
        async (ctx) => {
          const result = await reencryptAll(ctx.db, ctx.crypto);
          print(
            `re-encrypted ${result.reencrypted} value(s); ${await countStale(ctx.db, ctx.crypto)} left under an older key`,
          );
        },
        { prepare: false },
      );
    });

  const open311 = program.command("open311").description("the Open311 GeoReport v2 interface");
  const open311Key = open311.command("key").description("API keys of Open311 clients (needed to POST requests)");
  open311Key
    .command("create")
    .description("create a key for a client; the key is printed once and cannot be shown again")
    .argument("<name>", "who the key is for, e.g. fixmystreet")
    .option("--private", "the client's requests are not public (by default they are, as GeoReport has it)")
    .action(async (name: string, options: { private?: boolean }) => {
      await withDeployment("open311 key create", async (ctx) => {
        const key = await createOpen311Key(ctx, { userId: null, username: "system" }, CLI_META, name, {
          requestsPublic: !options.private,
        });
        print(
          `Open311 key "${key.name}" (${key.id}) created${key.requestsPublic ? "" : " (its requests are not public)"}. Give it to the client now; it is not shown again:`,
        );
        print(key.key);
      });
    });
  open311Key
    .command("list")
    .description("list the keys (names and prefixes, never the keys)")
    .action(async () => {
      await withDeployment("open311 key list", async (ctx) => {
        for (const k of await listOpen311Keys(ctx))
          print(
            `${k.id}  ${k.prefix}…  ${k.name}${k.requestsPublic ? "" : "  (private)"}${k.revokedAt ? `  (revoked ${k.revokedAt})` : ""}`,
          );
      });
    });
  open311Key
    .command("revoke")
    .description("revoke a key by its id; clients using it get 403 from then on")
    .argument("<id>", "the key's id (from list)")
    .action(async (id: string) => {
      await withDeployment("open311 key revoke", async (ctx) => {
        await revokeOpen311Key(ctx, { userId: null, username: "system" }, CLI_META, id);
        print(`Open311 key ${id} revoked`);
      });
    });

  const dbCommand = program.command("db").description("the PostgreSQL database");
  dbCommand
    .command("harden")
    .description(
      "give the audit table and its trigger to an owner role, so the application's role (INSERT and SELECT only) cannot switch its append-only trigger off; run with a superuser's DATABASE_URL",
    )
    .requiredOption("--owner <role>", "the role that owns audit_log (not the application's; NOLOGIN is best)")
    .requiredOption("--app <role>", "the role the server connects as")
    .action(async (opts: { owner: string; app: string }) => {
      await withDeployment(
        "db harden",
        async (ctx) => {
          const done = await hardenAuditTable(ctx, CLI_META, opts.owner, opts.app);
          print(`audit_log and its trigger belong to ${done.owner}; ${done.app} may INSERT and SELECT it`);
          if (done.reasons.length > 0)
            throw new DomainError(
              "VALIDATION_FAILED",
              `${done.app} can still remove audit rows: ${done.reasons.join("; ")}`,
            );
        },
        { prepare: false, migrate: false },
      );
    });

  const audit = program.command("audit").description("the tamper-evident audit trail");
  audit
    .command("verify")
    .description(
      "check every row's hash chain, and that the trail still holds every checkpoint written outside the database; exits 1 listing every run of edited, relinked or missing rows and every checkpoint that does not hold or is not genuine",
    )
    .option(
      "--checkpoints <files...>",
      "checkpoint files to check (default: WANGGE_DATA_DIR/audit/checkpoints.ndjson; give copies from other hosts too)",
    )
    .action(async (opts: { checkpoints?: string[] }) => {
      await withDeployment(
        "audit verify",
        async (ctx) => {
          const verdict = await verifyAuditTrailWithCheckpoints(ctx, opts.checkpoints);
          const { checkpoints: cps, chain } = verdict;
          // Every run of bad rows, not only the first: an edit further on must not hide behind one.
          for (const b of chain.breaks) print(describeChainBreak(b));
          if (chain.moreBreaks > 0) print(`… and ${chain.moreBreaks} more run(s) of bad rows`);
          for (const p of cps.problems) print(describeCheckpointProblem(p, p.file));
          if (!chain.ok) {
            const places = chain.breaks.length + chain.moreBreaks;
            throw new DomainError(
              "AUDIT_CHAIN_BROKEN",
              `audit trail broken in ${places} place(s), first at row ${chain.firstBadSeq} (${chain.problem?.replace("_", " ")}): ${chain.badRows} row(s) edited, relinked or missing (listed above) among ${chain.rows} read`,
            );
          }
          if (!verdict.ok) {
            // The widest loss first: the missing rows of the latest checkpoint that saw them.
            const order = ["rows_missing", "row_replaced", "not_genuine", "unreadable"];
            const worst = [...cps.problems].sort(
              (a, b) => order.indexOf(a.problem) - order.indexOf(b.problem) || (b.seq ?? 0) - (a.seq ?? 0),
            )[0];
            const more = cps.problems.length > 1 ? ` (${cps.problems.length} checkpoint problem(s), listed above)` : "";
            throw new DomainError(
              "AUDIT_CHAIN_BROKEN",
              `${worst ? describeCheckpointProblem(worst, worst.file) : "audit checkpoints do not hold"}${more}`,
            );
          }
          const held = cps.latest
            ? `${cps.checked} checkpoint(s) hold, the latest of ${cps.latest.at} at row ${cps.latest.seq}`
            : `no checkpoint yet in ${cps.files.map((f) => f.file).join(", ")}`;
          const other = cps.otherDatabase > 0 ? ` (${cps.otherDatabase} of another database skipped)` : "";
          print(`audit trail intact: ${chain.rows} row(s), last hash ${chain.lastHash.slice(0, 16)}…; ${held}${other}`);
        },
        { prepare: false },
      );
    });
  audit
    .command("export")
    .description("write the trail as NDJSON (each row with its hashes) for archiving")
    .option("--from <iso>", "first time to include (ISO 8601)")
    .option("--to <iso>", "time to stop before (ISO 8601)")
    .option("-o, --out <file>", "write to this file instead of standard output")
    .action(async (opts: { from?: string; to?: string; out?: string }) => {
      await withDeployment(
        "audit export",
        async (ctx) => {
          const range = {
            ...(opts.from ? { from: parseDate(opts.from, "--from") } : {}),
            ...(opts.to ? { to: parseDate(opts.to, "--to") } : {}),
          };
          const out = opts.out ? createWriteStream(opts.out, { flags: "wx", mode: 0o600 }) : process.stdout;
          let rows = 0;
          for await (const line of exportAuditTrail(ctx.db, range)) {
            rows++;
            if (!out.write(line)) await new Promise<void>((r) => out.once("drain", () => r()));
          }
          await recordAudit(ctx, ctx.db, {
            action: "audit.export",
            outcome: "success",
            actor: { userId: null, username: "system" },
            meta: CLI_META,
            details: { rows, via: "cli" },
          });
          if (opts.out) {
            await new Promise<void>((r) => (out as ReturnType<typeof createWriteStream>).end(() => r()));
            process.stderr.write(`exported ${rows} row(s) to ${opts.out}\n`);
          }
        },
        { prepare: false },
      );
    });

  return program;
}

const CLI_META = { requestId: "cli", ip: null, userAgent: `wangge cli (${process.env.USER ?? "unknown"})` };
const print = (line: string) => process.stdout.write(`${line}\n`);

/**
 * Opens the database (with the data-directory lock), prepares it, runs `fn`, writes an audit checkpoint
 * if the trail grew, and always closes it.
 */
async function withDeployment(
  command: string,
  fn: (ctx: AppContext, logger: ReturnType<typeof createLogger>) => Promise<void>,
  options: { prepare?: boolean; migrate?: boolean } = {},
): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel === "info" ? "warn" : config.logLevel);
  const database = await openDatabase(config.database, { command });
  try {
    const ctx = createContext({ config, database, logger });
    if (options.prepare !== false) await prepareDeployment(ctx, logger, { print });
    else if (options.migrate !== false) await migrateToLatest(database.db);
    await fn(ctx, logger);
    await auditCheckpointer(ctx).checkpoint();
  } finally {
    await database.close();
  }
}

function readJsonFile(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    throw new DomainError("VALIDATION_FAILED", `cannot read ${file} as JSON: ${(error as Error).message}`);
  }
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks)
    .toString("utf8")
    .replace(/\r?\n$/, "");
}

async function requireUser(ctx: AppContext, username: string) {
  const found = await findUserByUsername(ctx.db, normalizeUsername(username));
  if (!found) throw new DomainError("RESOURCE_NOT_FOUND", `no user ${username}`);
  return found;
}

function parseDate(value: string, option: string): Date {
  const date = new Date(value);
  if (Number.isNaN(date.getTime()))
    throw new DomainError("VALIDATION_FAILED", `${option} must be an ISO 8601 date or time`);
  return date;
}

function validationError(issues: { path: PropertyKey[]; message: string }[]): DomainError {
  return new DomainError(
    "VALIDATION_FAILED",
    issues.map((i) => `${i.path.join(".") || "input"}: ${i.message}`).join("; "),
  );
}

export async function runCli(argv: string[]): Promise<void> {
  tuneV8ForImports();
  // Every command may write into the data directory (keys, database, reports): private files only.
  privateFileCreation();
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
    const fields =
      isDomainError(error) && error.errors?.length
        ? `: ${error.errors.map((e) => `${e.path} ${e.message}`).join("; ")}`
        : "";
    const reason = `${error instanceof Error ? error.message : String(error)}${fields}`;
    // stderr ends up in the service's journal: a log like any other, so no ID or phone number in clear.
    process.stderr.write(`wangge: ${redactPersonalNumbers(reason.split("\n")[0] ?? "")}\n`);
    process.exit(1);
  }
}

import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import ExcelJS from "exceljs";
import type { FastifyInstance } from "fastify";
import { type Kysely, sql } from "kysely";
import { checkCharacter, type Principal, systemPrincipal } from "../packages/core/src/index.ts";
import { buildApp, createContext } from "../packages/server/src/app.ts";
import { loadConfig } from "../packages/server/src/config.ts";
import type { AppContext } from "../packages/server/src/context.ts";
import { createFieldCrypto } from "../packages/server/src/crypto/field-crypto.ts";
import { openDatabase } from "../packages/server/src/db/database.ts";
import { migrateToLatest } from "../packages/server/src/db/migrate.ts";
import type { DB } from "../packages/server/src/db/schema.ts";
import { uuidv7 } from "../packages/server/src/ids.ts";
import { authenticateSession, startSession } from "../packages/server/src/modules/auth/sessions.service.ts";
import { listPublished } from "../packages/server/src/modules/disclosures/disclosure-views.service.ts";
import { mySubsidies } from "../packages/server/src/modules/residents/residents.service.ts";
import { ensureDefaultRoles } from "../packages/server/src/modules/roles/roles.service.ts";
import { importSubsidyBatch } from "../packages/server/src/modules/subsidies/batches.service.ts";
import { householdPaymentsStatement } from "../packages/server/src/modules/subsidies/subsidies.queries.ts";
import { loadProvince, spreadVillages } from "./residents-load.ts";
import { postgresForBench } from "./support.ts";

/**
 * A resident's side at a province's scale (issue #19, Measures), on PGlite and PostgreSQL:
 * - the province (residents-load.ts): 16,016 villages, each with 24 months of four-affairs disclosures
 *   (896,896 items); P people (default 1,000,000) in households of three, about 2,500 to a village; 5
 *   years of their published subsidy payments (about 6.5 million for a million people);
 * - "my subsidies" of 200 linked residents (chosen among those paid: three programmes in the household),
 *   taken five ways back to back, so they share the machine's conditions: the one statement alone, the
 *   service the route calls, the route itself through app.inject with the resident's session cookie
 *   (authentication, serialisation), the route's session look-up alone, and a round trip that does
 *   nothing (what any statement waits at least) — p50 / p95 / max (goal < 20 ms p95 on PostgreSQL);
 *   and the statement's planning and execution time as EXPLAIN ANALYZE gives them;
 * - a village's disclosure list (the first page, 30 items, newest period first) of 200 villages spread
 *   over the province, through the service and through the public route: p50 / p95 / max;
 * - a payment batch of R rows (default 100,000) imported from an XLSX through the import service
 *   (read, checked, sealed, looked up, flagged, copied in): rows per second.
 * Usage: npm run bench -- residents [people=1000000] [batchRows=100000] [engines=pglite,postgres]
 *   npm run bench -- residents quick   (100,000 people, a 10,000-row batch: a few minutes)
 * BENCH_RESIDENTS_EXPLAIN=1 prints the plan of one resident's payments.
 */
const SAMPLES = 200;

/**
 * Residents (accounts with the resident role) linked to people who are paid — a 高龄津贴 elder, in a
 * household whose head draws 耕地地力 (and some 低保) — each with a signed-in session.
 */
async function linkResidents(ctx: AppContext, people: number, count: number) {
  const db = ctx.db;
  const out: { principal: Principal; cookie: string }[] = [];
  const meta = { requestId: "bench", ip: null, userAgent: "bench" };
  for (let i = 0; i < count; i++) {
    // p % 20 = 1: an elder on 高龄津贴.
    const n = Math.min(people - 19, Math.floor(((people / count) * i) / 20) * 20 + 1);
    const userId = uuidv7();
    await db
      .insertInto("app_user")
      .values({ id: userId, username: `bench-${i}`, display_name: "居民", status: "active" } as never)
      .execute();
    await db
      .insertInto("assignment")
      .values({ id: uuidv7(), user_id: userId, role_key: "resident", area_id: null, area_path: null } as never)
      .execute();
    await db
      .insertInto("resident_link")
      .values({
        user_id: userId,
        person_id: `00000000-0000-4000-9000-${n.toString(16).padStart(12, "0")}`,
        linked_at: new Date(),
      })
      .execute();
    const user = await db.selectFrom("app_user").selectAll().where("id", "=", userId).executeTakeFirstOrThrow();
    const token = await db.transaction().execute((trx) => startSession(ctx, trx, user, "active", meta));
    out.push({
      principal: { userId, username: `bench-${i}`, displayName: "居民", via: "session", assignments: [] },
      cookie: `wangge_session=${token}`,
    });
  }
  return out;
}

async function batchFile(rows: number): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const sheet = wb.addWorksheet("发放名单");
  sheet.addRow(["姓名", "身份证号码", "金额（元）", "发放日期", "补贴项目"]);
  for (let i = 0; i < rows; i++) {
    const first17 = `4508021950${String(1 + (i % 12)).padStart(2, "0")}${String(1 + (i % 28)).padStart(2, "0")}${String(i % 1000).padStart(3, "0")}`;
    sheet.addRow([`韦某${i}`, `${first17}${checkCharacter(first17)}`, "50.00", "2026-03-15", "高龄津贴"]);
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}

function inline(text: string, parameters: readonly unknown[]): string {
  return text.replace(/\$(\d+)/g, (_, i) => `'${String(parameters[Number(i) - 1]).replaceAll("'", "''")}'`);
}

function percentiles(ms: number[]) {
  ms.sort((a, b) => a - b);
  const at = (q: number) => Math.round((ms[Math.min(ms.length - 1, Math.floor(ms.length * q))] ?? 0) * 10) / 10;
  return { p50: at(0.5), p95: at(0.95), max: at(1) };
}

async function timed<T>(into: number[], fn: () => Promise<T>): Promise<T> {
  const t = performance.now();
  const result = await fn();
  into.push(performance.now() - t);
  return result;
}

/** "My subsidies" three ways, back to back for each resident (the order turning, so none is always first). */
async function measureMySubsidies(
  ctx: AppContext,
  app: FastifyInstance,
  residents: Awaited<ReturnType<typeof linkResidents>>,
) {
  const query: number[] = [];
  const service: number[] = [];
  const route: number[] = [];
  const session: number[] = [];
  const roundTrip: number[] = [];
  let payments = 0;
  const ways = [
    // The floor under everything else: one round trip to the database that does nothing (select 1).
    () => timed(roundTrip, () => sql`select 1`.execute(ctx.db)),
    (r: (typeof residents)[number]) =>
      timed(session, () => authenticateSession(ctx, r.cookie.slice("wangge_session=".length))),
    (r: (typeof residents)[number]) =>
      timed(query, () => householdPaymentsStatement(ctx.db, r.principal.userId).execute()),
    (r: (typeof residents)[number]) => timed(service, () => mySubsidies(ctx, r.principal)),
    async (r: (typeof residents)[number]) => {
      const res = await timed(route, () =>
        app.inject({ method: "GET", url: "/api/v1/residents/me/subsidies", headers: { cookie: r.cookie } }),
      );
      if (res.statusCode !== 200) throw new Error(`my subsidies answered ${res.statusCode}: ${res.body}`);
      payments += (res.json() as unknown[]).length;
    },
  ];
  // Warm up: each way once per resident of the first ten.
  for (const r of residents.slice(0, 10)) for (const way of ways) await way(r);
  for (const list of [query, service, route, session, roundTrip]) list.length = 0;
  payments = 0;
  for (const [i, r] of residents.entries())
    for (let k = 0; k < ways.length; k++) await ways[(i + k) % ways.length]?.(r);
  return {
    query: percentiles(query),
    service: percentiles(service),
    route: percentiles(route),
    session: percentiles(session),
    roundTrip: percentiles(roundTrip),
    paymentsAvg: Math.round(payments / residents.length),
  };
}

/** Planning and execution time of the statement, as the server reports them (median of 20). */
async function planAndRun(db: Kysely<DB>, userId: string) {
  const { sql: text, parameters } = householdPaymentsStatement(db, userId).compile();
  const planning: number[] = [];
  const execution: number[] = [];
  for (let i = 0; i < 20; i++) {
    const rows = await sql.raw(`explain (analyze, format json) ${inline(text, parameters)}`).execute(db);
    const raw = (rows.rows[0] as Record<string, unknown>)["QUERY PLAN"];
    const plan = (typeof raw === "string" ? JSON.parse(raw) : raw) as {
      "Planning Time": number;
      "Execution Time": number;
    }[];
    planning.push(plan[0]?.["Planning Time"] ?? 0);
    execution.push(plan[0]?.["Execution Time"] ?? 0);
  }
  return { planning: percentiles(planning).p50, execution: percentiles(execution).p50 };
}

async function measureDisclosureLists(ctx: AppContext, app: FastifyInstance, villages: string[]) {
  const service: number[] = [];
  const route: number[] = [];
  let items = 0;
  const ways = [
    async (code: string) => {
      items += (await timed(service, () => listPublished(ctx, { areaCode: code, limit: 30 }))).items.length;
    },
    async (code: string) => {
      const res = await timed(route, () => app.inject({ method: "GET", url: `/api/v1/disclosures?areaCode=${code}` }));
      if (res.statusCode !== 200) throw new Error(`the disclosure list answered ${res.statusCode}: ${res.body}`);
    },
  ];
  for (const code of villages.slice(0, 10)) for (const way of ways) await way(code);
  service.length = 0;
  route.length = 0;
  items = 0;
  for (const [i, code] of villages.entries())
    for (let k = 0; k < ways.length; k++) await ways[(i + k) % ways.length]?.(code);
  return { service: percentiles(service), route: percentiles(route), itemsAvg: Math.round(items / villages.length) };
}

export async function run(args: string[]): Promise<Record<string, number>> {
  const quick = args[0] === "quick";
  const people = quick ? 100_000 : Number(args[0] ?? 1_000_000);
  const batchRows = quick ? 10_000 : Number(args[1] ?? 100_000);
  const wanted = ((quick ? args[1] : args[2]) ?? "pglite,postgres").split(",");
  const figures: Record<string, number> = { people, batch_rows: batchRows };
  const table: Record<string, unknown>[] = [];
  const dir = mkdtempSync(path.join(tmpdir(), "wangge-bench-residents-"));
  const pg = wanted.includes("postgres") ? await postgresForBench() : undefined;
  const file = await batchFile(batchRows);
  const progress = (line: string) => console.error(`[residents] ${line}`);
  try {
    const engines: { name: string; env: Record<string, string> }[] = [];
    if (wanted.includes("pglite")) engines.push({ name: "pglite", env: { WANGGE_DATA_DIR: path.join(dir, "pglite") } });
    if (pg) engines.push({ name: "postgres", env: { DATABASE_URL: pg.url, WANGGE_DATA_DIR: path.join(dir, "pg") } });
    for (const { name: e, env } of engines) {
      // The bench's 200 residents all come from one address: the per-address rate limit is not measured here.
      const config = loadConfig({
        ...env,
        WANGGE_WEB_DIST: "/nonexistent",
        WANGGE_RATE_LIMIT_PER_MINUTE: "1000000",
      });
      const database = await openDatabase(config.database);
      const crypto = createFieldCrypto(randomBytes(32));
      let app: FastifyInstance | undefined;
      try {
        const ctx = createContext({ config, database, crypto });
        await migrateToLatest(ctx.db);
        await ensureDefaultRoles(ctx.db);
        progress(`${e}: loading ${people.toLocaleString("en")} people`);
        let t = performance.now();
        const loaded = await loadProvince(ctx, people, new Date(), (line) => progress(`${e}: ${line}`));
        const loadS = Math.round((performance.now() - t) / 100) / 10;
        app = await buildApp({ config, database, crypto });
        const residents = await linkResidents(ctx, people, SAMPLES);
        if (process.env.BENCH_RESIDENTS_EXPLAIN) {
          // The plan of one resident's payments (link, household, payments: one statement), to see where its time goes.
          const { sql: text, parameters } = householdPaymentsStatement(
            ctx.db,
            residents[0]?.principal.userId as string,
          ).compile();
          const plan = await sql.raw(`explain (analyze, buffers) ${inline(text, parameters)}`).execute(ctx.db);
          console.error((plan.rows as { "QUERY PLAN": string }[]).map((r) => r["QUERY PLAN"]).join("\n"));
        }
        const mine = await measureMySubsidies(ctx, app, residents);
        const plan = await planAndRun(ctx.db, residents[0]?.principal.userId as string);
        const lists = await measureDisclosureLists(ctx, app, await spreadVillages(ctx.db, SAMPLES));
        t = performance.now();
        await importSubsidyBatch(
          ctx,
          systemPrincipal(),
          { requestId: "bench", ip: null, userAgent: null },
          { id: uuidv7(), areaCode: loaded.village, title: "bench", fileName: "bench.xlsx" },
          Readable.from(file),
        );
        const importS = (performance.now() - t) / 1000;
        const perSecond = Math.round(batchRows / importS);
        Object.assign(figures, {
          [`${e}_villages`]: loaded.villages,
          [`${e}_people`]: loaded.people,
          [`${e}_payments`]: loaded.payments,
          [`${e}_disclosures`]: loaded.disclosures,
          [`${e}_load_s`]: loadS,
          [`${e}_my_subsidies_route_p50_ms`]: mine.route.p50,
          [`${e}_my_subsidies_route_p95_ms`]: mine.route.p95,
          [`${e}_my_subsidies_service_p50_ms`]: mine.service.p50,
          [`${e}_my_subsidies_service_p95_ms`]: mine.service.p95,
          [`${e}_my_subsidies_query_p50_ms`]: mine.query.p50,
          [`${e}_my_subsidies_query_p95_ms`]: mine.query.p95,
          [`${e}_round_trip_p50_ms`]: mine.roundTrip.p50,
          [`${e}_round_trip_p95_ms`]: mine.roundTrip.p95,
          [`${e}_session_lookup_p50_ms`]: mine.session.p50,
          [`${e}_session_lookup_p95_ms`]: mine.session.p95,
          [`${e}_my_subsidies_planning_ms`]: plan.planning,
          [`${e}_my_subsidies_execution_ms`]: plan.execution,
          [`${e}_my_subsidies_payments_avg`]: mine.paymentsAvg,
          [`${e}_disclosure_list_route_p50_ms`]: lists.route.p50,
          [`${e}_disclosure_list_route_p95_ms`]: lists.route.p95,
          [`${e}_disclosure_list_service_p50_ms`]: lists.service.p50,
          [`${e}_disclosure_list_service_p95_ms`]: lists.service.p95,
          [`${e}_import_rows_per_s`]: perSecond,
        });
        const row = (measure: string, p: { p50: number; p95: number; max: number }) =>
          table.push({ engine: e, measure, value: `${p.p50} / ${p.p95} / ${p.max}` });
        table.push({
          engine: e,
          measure: "villages / people / payments / batches / disclosures (load s)",
          value: `${loaded.villages} / ${loaded.people} / ${loaded.payments} / ${loaded.batches} / ${loaded.disclosures} (${loadS})`,
        });
        row(
          `my subsidies, route (${SAMPLES} residents, avg ${mine.paymentsAvg} payments): p50 / p95 / max ms`,
          mine.route,
        );
        row("my subsidies, service: p50 / p95 / max ms", mine.service);
        row("my subsidies, the statement alone: p50 / p95 / max ms", mine.query);
        row("the route's session look-up alone (authenticateSession): p50 / p95 / max ms", mine.session);
        row("one round trip that does nothing (select 1): p50 / p95 / max ms", mine.roundTrip);
        table.push({
          engine: e,
          measure: "my subsidies, the statement in EXPLAIN ANALYZE: planning / execution ms",
          value: `${plan.planning} / ${plan.execution}`,
        });
        row(
          `disclosure list, route (${SAMPLES} villages, avg ${lists.itemsAvg} items): p50 / p95 / max ms`,
          lists.route,
        );
        row("disclosure list, service: p50 / p95 / max ms", lists.service);
        table.push({ engine: e, measure: `import of a ${batchRows}-row XLSX batch: rows/s`, value: perSecond });
      } finally {
        await app?.close();
        await database.close();
      }
    }
  } finally {
    pg?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  console.table(table);
  return figures;
}

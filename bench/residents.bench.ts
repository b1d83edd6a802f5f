import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import ExcelJS from "exceljs";
import { type Kysely, sql } from "kysely";
import { checkCharacter, type Principal, systemPrincipal } from "../packages/core/src/index.ts";
import { createContext } from "../packages/server/src/app.ts";
import { loadConfig } from "../packages/server/src/config.ts";
import type { AppContext } from "../packages/server/src/context.ts";
import { createFieldCrypto } from "../packages/server/src/crypto/field-crypto.ts";
import { openDatabase } from "../packages/server/src/db/database.ts";
import { migrateToLatest } from "../packages/server/src/db/migrate.ts";
import type { DB } from "../packages/server/src/db/schema.ts";
import { uuidv7 } from "../packages/server/src/ids.ts";
import { mySubsidies } from "../packages/server/src/modules/residents/residents.service.ts";
import { importSubsidyBatch } from "../packages/server/src/modules/subsidies/batches.service.ts";
import { createSubsidyProgram } from "../packages/server/src/modules/subsidies/programs.service.ts";
import { householdPaymentsStatement } from "../packages/server/src/modules/subsidies/subsidies.queries.ts";
import { postgresForBench } from "./support.ts";

/**
 * A resident's side at a province's scale, on PGlite and PostgreSQL:
 * - P people (default 1,000,000) in households of three across 100 villages of one county, each with
 *   an ID number's blind index; 5 years of published subsidy payments: 耕地地力保护补贴 yearly to every
 *   household head, 高龄津贴 monthly to 5% of people and 低保 monthly to 3% (about 6.5 million
 *   payments for a million people), one batch per village, programme and month — loaded with
 *   generate_series straight into the tables;
 * - "my subsidies" of 200 linked residents (chosen among those paid), through the service the route
 *   calls: p50 / p95 / max (goal < 20 ms p95 on PostgreSQL);
 * - a payment batch of R rows (default 100,000) imported from an XLSX through the import service
 *   (read, checked, sealed, looked up, flagged, copied in): rows per second.
 * Four-affairs disclosures are not on this branch (issue #19 item 2): their list is not measured here.
 * Usage: npm run bench -- residents [people=1000000] [batchRows=100000] [engines=pglite,postgres]
 */
const YEARS = 5;

async function loadProvince(ctx: AppContext, people: number, today: Date) {
  const db = ctx.db;
  const county = { id: uuidv7(), code: "450802", path: "/450802/" };
  await db
    .insertInto("area")
    .values({
      id: county.id,
      code: county.code,
      name: "港北区",
      level: "county",
      parent_id: null,
      path: county.path,
    } as never)
    .execute();
  const villages = Array.from({ length: 100 }, (_, i) => {
    const code = `450802${String(Math.floor(i / 10) + 1).padStart(3, "0")}${String((i % 10) + 1).padStart(3, "0")}`;
    return { id: uuidv7(), code, path: `${county.path}${code}/`, name: `村${i + 1}` };
  });
  await db
    .insertInto("area")
    .values(
      villages.map((v) => ({
        id: v.id,
        code: v.code,
        name: v.name,
        level: "village",
        parent_id: county.id,
        path: v.path,
      })) as never,
    )
    .execute();
  await sql`create temp table bench_village (n int, id uuid, path text)`.execute(db);
  await sql`insert into bench_village values ${sql.join(villages.map((v, n) => sql`(${n}, ${v.id}::uuid, ${v.path})`))}`.execute(
    db,
  );
  const uuid = (prefix: string, expr: string) => sql.raw(`('${prefix}' || lpad(to_hex(${expr}), 12, '0'))::uuid`);
  const households = Math.ceil(people / 3);
  await sql`
    insert into household (id, kind, area_id, area_path)
    select ${uuid("00000000-0000-4000-8000-", "h")}, 'family', v.id, v.path
    from generate_series(0, ${households - 1}) h join bench_village v on v.n = h % 100`.execute(db);
  await sql`
    insert into person (id, household_id, relationship, name, area_id, area_path, id_number_bidx, id_number_masked)
    select ${uuid("00000000-0000-4000-9000-", "p")}, ${uuid("00000000-0000-4000-8000-", "p / 3")},
      case when p % 3 = 0 then 'head' when p % 3 = 1 then 'spouse' else 'child' end,
      '居民' || p, v.id, v.path, md5('id' || p), '450802************'
    from generate_series(0, ${people - 1}) p join bench_village v on v.n = (p / 3) % 100`.execute(db);
  const system = systemPrincipal();
  const meta = { requestId: "bench", ip: null, userAgent: null };
  const programs: Record<string, string> = {};
  for (const name of ["耕地地力保护补贴", "高龄津贴", "低保"]) {
    programs[name] = uuidv7();
    await createSubsidyProgram(ctx, system, meta, {
      id: programs[name] as string,
      areaCode: county.code,
      name,
      rules: name,
      publicAmount: "exact",
      minAmountFen: null,
      maxAmountFen: null,
    });
  }
  const startYear = today.getUTCFullYear() - YEARS;
  // Batches: per village, programme and month (耕地地力 once a year, in March).
  await sql`
    insert into subsidy_batch (id, title, area_id, area_path, status, file_name, created_at, published_at)
    select gen_random_uuid(), prog.name || ' ' || m, v.id, v.path, 'published', 'bench.xlsx', d, d
    from bench_village v,
      (values (${programs.耕地地力保护补贴}::uuid, '耕地地力保护补贴'), (${programs.高龄津贴}::uuid, '高龄津贴'),
              (${programs.低保}::uuid, '低保')) as prog(id, name),
      generate_series(0, ${YEARS * 12 - 1}) m,
      lateral (select make_date(${startYear} + m / 12, 1 + m % 12, 15)::timestamptz as d) dd
    where prog.name <> '耕地地力保护补贴' or m % 12 = 2`.execute(db);
  await sql`create temp table bench_batch as
    select b.id, v.n as village, p.id as program_id, p.name as program,
      ((extract(year from b.created_at)::int - ${startYear}) * 12 + extract(month from b.created_at)::int - 1) as m,
      b.created_at::date as paid_on
    from subsidy_batch b join bench_village v on v.path = b.area_path join subsidy_program p on b.title like p.name || ' %'`.execute(
    db,
  );
  await sql`create index on bench_batch (village, program, m)`.execute(db);
  // 耕地地力: every household head, yearly; 高龄津贴: 5% of people, monthly; 低保: 3%, monthly. The
  // rows are made to fit their batches and programmes: the load skips the foreign-key checks.
  await db.transaction().execute(async (trx) => {
    await sql`set local session_replication_role = replica`.execute(trx);
    await sql`
    insert into subsidy_payment (id, batch_id, row, program_id, name, id_number_enc, id_number_bidx, id_number_masked,
      amount_fen, paid_on, published)
    select gen_random_uuid(), b.id, (p / 100)::int, b.program_id, '居民' || p, 'bench', md5('id' || p),
      '450802************', case b.program when '高龄津贴' then 5000 when '低保' then 57500 else 31500 end, b.paid_on, true
    from generate_series(0, ${people - 1}) p
    join bench_batch b on b.village = (p / 3) % 100 and (
      (b.program = '耕地地力保护补贴' and p % 3 = 0) or
      (b.program = '高龄津贴' and p % 20 = 1) or
      (b.program = '低保' and p % 100 in (2, 5, 8)))`.execute(trx);
  });
  await sql`analyze`.execute(db);
  const counts = await sql<{ people: string; payments: string; batches: string }>`
    select (select count(*) from person) as people, (select count(*) from subsidy_payment) as payments,
      (select count(*) from subsidy_batch) as batches`.execute(db);
  return {
    village: villages[0]?.code as string,
    counts: counts.rows[0] as { people: string; payments: string; batches: string },
  };
}

/** Residents linked to people who are paid (a 高龄津贴 elder's household: three programmes' payments). */
async function linkResidents(db: Kysely<DB>, people: number, count: number): Promise<Principal[]> {
  const out: Principal[] = [];
  for (let i = 0; i < count; i++) {
    // p % 20 = 1: an elder on 高龄津贴, in a household whose head draws 耕地地力 (and some 低保).
    const n = Math.min(people - 19, Math.floor(((people / count) * i) / 20) * 20 + 1);
    const userId = uuidv7();
    await db
      .insertInto("app_user")
      .values({ id: userId, username: `bench-${i}`, display_name: "居民", status: "active" } as never)
      .execute();
    await db
      .insertInto("resident_link")
      .values({
        user_id: userId,
        person_id: `00000000-0000-4000-9000-${n.toString(16).padStart(12, "0")}`,
        linked_at: new Date(),
      })
      .execute();
    out.push({ userId, username: `bench-${i}`, displayName: "居民", via: "session", assignments: [] });
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

export async function run(args: string[]): Promise<Record<string, number>> {
  const people = Number(args[0] ?? 1_000_000);
  const batchRows = Number(args[1] ?? 100_000);
  const wanted = (args[2] ?? "pglite,postgres").split(",");
  const figures: Record<string, number> = { people, batch_rows: batchRows };
  const table: Record<string, unknown>[] = [];
  const dir = mkdtempSync(path.join(tmpdir(), "wangge-bench-residents-"));
  const pg = wanted.includes("postgres") ? await postgresForBench() : undefined;
  const file = await batchFile(batchRows);
  try {
    const engines: { name: string; env: Record<string, string> }[] = [];
    if (wanted.includes("pglite")) engines.push({ name: "pglite", env: { WANGGE_DATA_DIR: path.join(dir, "pglite") } });
    if (pg) engines.push({ name: "postgres", env: { DATABASE_URL: pg.url, WANGGE_DATA_DIR: path.join(dir, "pg") } });
    for (const { name: e, env } of engines) {
      const config = loadConfig({ ...env, WANGGE_WEB_DIST: "/nonexistent" });
      const database = await openDatabase(config.database);
      try {
        const ctx = createContext({ config, database, crypto: createFieldCrypto(randomBytes(32)) });
        await migrateToLatest(ctx.db);
        let t = performance.now();
        const loaded = await loadProvince(ctx, people, new Date());
        const loadS = Math.round((performance.now() - t) / 100) / 10;
        const residents = await linkResidents(ctx.db, people, 200);
        for (const r of residents.slice(0, 10)) await mySubsidies(ctx, r);
        if (process.env.BENCH_RESIDENTS_EXPLAIN) {
          // The plan of one resident's payments (link, household, payments: one statement), to see where its time goes.
          const { sql: text, parameters } = householdPaymentsStatement(
            ctx.db,
            residents[0]?.userId as string,
          ).compile();
          const plan = await sql.raw(`explain (analyze, buffers) ${inline(text, parameters)}`).execute(ctx.db);
          console.error((plan.rows as { "QUERY PLAN": string }[]).map((r) => r["QUERY PLAN"]).join("\n"));
        }
        const ms: number[] = [];
        let paymentsSeen = 0;
        for (const r of residents) {
          t = performance.now();
          paymentsSeen += (await mySubsidies(ctx, r)).length;
          ms.push(performance.now() - t);
        }
        const mine = percentiles(ms);
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
          [`${e}_people`]: Number(loaded.counts.people),
          [`${e}_payments`]: Number(loaded.counts.payments),
          [`${e}_load_s`]: loadS,
          [`${e}_my_subsidies_p50_ms`]: mine.p50,
          [`${e}_my_subsidies_p95_ms`]: mine.p95,
          [`${e}_my_subsidies_max_ms`]: mine.max,
          [`${e}_my_subsidies_payments_avg`]: Math.round(paymentsSeen / residents.length),
          [`${e}_import_rows_per_s`]: perSecond,
        });
        table.push(
          {
            engine: e,
            measure: "people / payments / batches (load s)",
            value: `${loaded.counts.people} / ${loaded.counts.payments} / ${loaded.counts.batches} (${loadS})`,
          },
          {
            engine: e,
            measure: `my subsidies, 200 residents (avg ${Math.round(paymentsSeen / residents.length)} payments): p50 / p95 / max ms`,
            value: `${mine.p50} / ${mine.p95} / ${mine.max}`,
          },
          { engine: e, measure: `import of a ${batchRows}-row XLSX batch: rows/s`, value: perSecond },
        );
      } finally {
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

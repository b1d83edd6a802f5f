import { type Kysely, sql } from "kysely";
import { systemPrincipal } from "../packages/core/src/index.ts";
import type { AppContext } from "../packages/server/src/context.ts";
import type { DB } from "../packages/server/src/db/schema.ts";
import { uuidv7 } from "../packages/server/src/ids.ts";
import { createSubsidyProgram } from "../packages/server/src/modules/subsidies/programs.service.ts";

/**
 * The residents bench's province, made on the database server from generate_series (nothing crosses
 * the wire row by row): Guangxi's shape — 14 cities, 8 counties each, 11 townships each, 13 villages
 * each (16,016 villages); P people in households of three, about 2,500 to a village, in the first
 * villages; 5 years of published subsidy payments to them (耕地地力保护补贴 yearly to every household
 * head, 高龄津贴 monthly to 5% of people, 低保 monthly to 3%), one batch per village, programme and
 * month; and 24 months of four-affairs disclosures for every village of the province (finance monthly,
 * party affairs quarterly, services yearly, village affairs in the other eleven months of a year: 56
 * items each), each with its published first version.
 *
 * The big tables are loaded as a restore loads them: secondary indexes dropped first and built once at
 * the end (pg_indexes gives their exact definitions, so the schema measured is the migrations'), the
 * rows' own foreign keys not re-checked (session_replication_role = replica: the rows are made to fit),
 * and ids that grow with the rows, so each primary key is appended to rather than split at random.
 */
export const YEARS = 5;
export const MONTHS_OF_DISCLOSURES = 24;
export const PEOPLE_PER_VILLAGE = 2_500;
const PEOPLE_PER_STATEMENT = 100_000;

type Db = Kysely<DB>;
type Progress = (line: string) => void;

/** A uuid from a growing number: ordered ids, so the primary key's index is appended to. */
const orderedUuid = (prefix: string, expr: string) => sql.raw(`('${prefix}' || lpad(to_hex(${expr}), 12, '0'))::uuid`);

/** Runs `load` with the tables' secondary indexes (not those of constraints) dropped, and builds them after. */
async function withoutIndexes(db: Db, tables: string[], progress: Progress, load: () => Promise<void>) {
  const indexes = await sql<{ indexname: string; indexdef: string }>`
    select i.indexname, i.indexdef from pg_indexes i
    where i.schemaname = current_schema() and i.tablename in (${sql.join(tables)})
      and not exists (select 1 from pg_constraint c where c.conname = i.indexname)`.execute(db);
  for (const i of indexes.rows) await sql.raw(`drop index ${i.indexname}`).execute(db);
  await load();
  const t = performance.now();
  for (const i of indexes.rows) await sql.raw(i.indexdef).execute(db);
  progress(
    `  ${indexes.rows.length} indexes of ${tables.join(", ")} built in ${((performance.now() - t) / 1000).toFixed(1)} s`,
  );
}

/** In one transaction that does not re-check the rows' foreign keys (they are made to fit). */
async function trusted(db: Db, fn: (trx: Db) => Promise<void>) {
  await db.transaction().execute(async (trx) => {
    await sql`set local session_replication_role = replica`.execute(trx);
    await fn(trx as unknown as Db);
  });
}

async function loadAreas(db: Db) {
  await sql`insert into area (id, code, name, level, parent_id, path, source)
    values (gen_random_uuid(), '45', '广西壮族自治区', 'province', null, '/45/', 'nbs')`.execute(db);
  const level = async (child: string, parent: string, per: number, width: number, name: string) =>
    sql`insert into area (id, code, name, level, parent_id, path, source)
      select gen_random_uuid(), p.code || lpad(s::text, ${width}, '0'), ${name} || p.code || '-' || s, ${child},
        p.id, p.path || p.code || lpad(s::text, ${width}, '0') || '/', 'nbs'
      from area p, generate_series(1, ${per}) s where p.level = ${parent}`.execute(db);
  await level("city", "province", 14, 2, "市");
  await level("county", "city", 8, 2, "县");
  await level("township", "county", 11, 3, "镇");
  await level("village", "township", 13, 3, "村");
  await sql`create table bench_village as
    select (row_number() over (order by code) - 1)::int as n, id, code, path from area where level = 'village'`.execute(
    db,
  );
  await sql`create unique index on bench_village (n)`.execute(db);
  const count = await sql<{ n: string }>`select count(*) as n from bench_village`.execute(db);
  return Number(count.rows[0]?.n);
}

async function loadPeople(db: Db, people: number, progress: Progress) {
  const households = Math.ceil(people / 3);
  const perVillage = Math.ceil(PEOPLE_PER_VILLAGE / 3);
  await withoutIndexes(db, ["household", "person"], progress, () =>
    trusted(db, async (trx) => {
      await sql`
        insert into household (id, kind, area_id, area_path)
        select ${orderedUuid("00000000-0000-4000-8000-", "h")}, 'family', v.id, v.path
        from generate_series(0, ${households - 1}) h join bench_village v on v.n = h / ${perVillage}`.execute(trx);
      await sql`
        insert into person (id, household_id, relationship, name, area_id, area_path, id_number_bidx, id_number_masked)
        select ${orderedUuid("00000000-0000-4000-9000-", "p")}, ${orderedUuid("00000000-0000-4000-8000-", "p / 3")},
          case when p % 3 = 0 then 'head' when p % 3 = 1 then 'spouse' else 'child' end,
          '居民' || p, v.id, v.path, md5('id' || p), '450802************'
        from generate_series(0, ${people - 1}) p join bench_village v on v.n = (p / 3) / ${perVillage}`.execute(trx);
    }),
  );
  return { households, villagesWithPeople: Math.ceil(households / perVillage), perVillage };
}

async function loadPayments(ctx: AppContext, people: number, perVillage: number, today: Date, progress: Progress) {
  const db = ctx.db;
  const system = systemPrincipal();
  const meta = { requestId: "bench", ip: null, userAgent: null };
  const programs: Record<string, string> = {};
  for (const name of ["耕地地力保护补贴", "高龄津贴", "低保"]) {
    programs[name] = uuidv7();
    await createSubsidyProgram(ctx, system, meta, {
      id: programs[name] as string,
      areaCode: "45",
      name,
      rules: name,
      publicAmount: "exact",
      minAmountFen: null,
      maxAmountFen: null,
    });
  }
  const startYear = today.getUTCFullYear() - YEARS;
  const villages = Math.ceil(Math.ceil(people / 3) / perVillage);
  // Batches: per village, programme and month (耕地地力 once a year, in March).
  await sql`create table bench_batch as
    select (row_number() over (order by v.n, prog.name, m) - 1)::int as n, gen_random_uuid() as id, v.n as village,
      v.id as area_id, v.path as area_path, prog.id as program_id, prog.name as program, m,
      make_date(${startYear} + m / 12, 1 + m % 12, 15) as paid_on
    from bench_village v,
      (values (${programs.耕地地力保护补贴}::uuid, '耕地地力保护补贴'), (${programs.高龄津贴}::uuid, '高龄津贴'),
              (${programs.低保}::uuid, '低保')) as prog(id, name),
      generate_series(0, ${YEARS * 12 - 1}) m
    where v.n < ${villages} and (prog.name <> '耕地地力保护补贴' or m % 12 = 2)`.execute(db);
  await sql`create index on bench_batch (village, program)`.execute(db);
  await sql`
    insert into subsidy_batch (id, title, area_id, area_path, status, file_name, created_at, published_at)
    select id, program || ' ' || to_char(paid_on, 'YYYY-MM'), area_id, area_path, 'published', 'bench.xlsx',
      paid_on::timestamptz, paid_on::timestamptz
    from bench_batch`.execute(db);
  let done = 0;
  await withoutIndexes(db, ["subsidy_payment"], progress, async () => {
    for (let from = 0; from < people; from += PEOPLE_PER_STATEMENT) {
      const to = Math.min(people, from + PEOPLE_PER_STATEMENT) - 1;
      const t = performance.now();
      // Each programme from its own people only (a stepped series): no row is made to be thrown away.
      const first = (step: number, offset: number) => Math.ceil((from - offset) / step) * step + offset;
      const paid = (program: string, series: ReturnType<typeof sql>) => sql`
        insert into subsidy_payment (id, batch_id, row, program_id, name, id_number_enc, id_number_bidx,
          id_number_masked, amount_fen, paid_on, published)
        select ${orderedUuid("00000000-0000-4000-a000-", "p::bigint * 1000000 + b.n")}, b.id, (p % ${perVillage * 3})::int,
          b.program_id, '居民' || p, 'bench', md5('id' || p), '450802************',
          case b.program when '高龄津贴' then 5000 when '低保' then 57500 else 31500 end, b.paid_on, true
        from ${series} join bench_batch b on b.village = (p / 3) / ${perVillage} and b.program = ${program}`;
      await trusted(db, async (trx) => {
        // 耕地地力保护补贴: every household head (p % 3 = 0); 高龄津贴: p % 20 = 1; 低保: p % 100 in (2, 5, 8).
        await paid("耕地地力保护补贴", sql`generate_series(${first(3, 0)}::int, ${to}::int, 3) p`).execute(trx);
        await paid("高龄津贴", sql`generate_series(${first(20, 1)}::int, ${to}::int, 20) p`).execute(trx);
        for (const k of [2, 5, 8])
          await paid("低保", sql`generate_series(${first(100, k)}::int, ${to}::int, 100) p`).execute(trx);
      });
      done = to + 1;
      progress(`  payments of ${done.toLocaleString("en")} people (${((performance.now() - t) / 1000).toFixed(1)} s)`);
    }
  });
}

/** 24 months of four-affairs disclosures for every village of the province, each with its published version. */
async function loadDisclosures(db: Db, today: Date, progress: Progress) {
  const first = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth() - MONTHS_OF_DISCLOSURES, 1));
  const start = first.toISOString().slice(0, 10);
  // Per village and month m (0–23): finance; party affairs at quarter starts; services in the first
  // month of each year; village affairs mid-month in the other months: 24 + 8 + 2 + 22 = 56 items.
  await sql`create table bench_item (k int, kind text, period_kind text, day int)`.execute(db);
  await sql`insert into bench_item values (0, 'finance', 'month', 1), (1, 'party', 'quarter', 1),
    (2, 'service', 'year', 1), (3, 'village', 'once', 16)`.execute(db);
  await withoutIndexes(db, ["disclosure", "disclosure_version"], progress, () =>
    trusted(db, async (trx) => {
      await sql`create table bench_disclosure as
        select (row_number() over (order by v.n, m, i.k))::bigint as n, v.id as area_id, v.path as area_path,
          i.kind, i.period_kind, (${start}::date + make_interval(months => m))::date + (i.day - 1) as period_start,
          case i.kind when 'finance' then '财务收支公开 ' when 'party' then '党务公开 ' when 'service' then '服务事项公开 '
            else '村务公开 ' end || to_char(${start}::date + make_interval(months => m), 'YYYY-MM') || ' ' || i.k as title
        from bench_village v, generate_series(0, ${MONTHS_OF_DISCLOSURES - 1}) m, bench_item i
        where (i.kind = 'finance') or (i.kind = 'party' and m % 3 = 0) or (i.kind = 'service' and m % 12 = 0)
          or (i.kind = 'village' and m % 12 <> 0)`.execute(trx);
      await sql`
        insert into disclosure (id, area_id, area_path, kind, period_kind, period_start, title, title_search,
          published_version, first_published_at, last_published_at, created_at, updated_at)
        select ${orderedUuid("00000000-0000-4000-b000-", "n")}, area_id, area_path, kind, period_kind, period_start,
          title, lower(title), 1, period_start + 5, period_start + 5, period_start + 3, period_start + 5
        from bench_disclosure`.execute(trx);
      await sql`
        insert into disclosure_version (id, disclosure_id, version, state, title, body, finance_lines, income_fen,
          expense_fen, created_by_name, created_at, updated_at, submitted_at, published_at)
        select ${orderedUuid("00000000-0000-4000-c000-", "n")}, ${orderedUuid("00000000-0000-4000-b000-", "n")}, 1,
          'published', title, '现将有关情况公开如下，接受群众监督。如有疑问，可在公示期内留言或提出异议。',
          case when kind = 'finance' then '[{"direction":"income","subject":"村级组织运转经费","summary":"县财政拨付","amountFen":2500000,"occurredOn":"'
            || period_start || '"},{"direction":"expense","subject":"办公费","summary":"办公用品","amountFen":123650,"occurredOn":"'
            || period_start || '"}]' end::jsonb,
          case when kind = 'finance' then 2500000 end, case when kind = 'finance' then 123650 end,
          '村委会', period_start + 3, period_start + 5, period_start + 4, period_start + 5
        from bench_disclosure`.execute(trx);
    }),
  );
}

export async function loadProvince(ctx: AppContext, people: number, today: Date, progress: Progress) {
  const db = ctx.db;
  let t = performance.now();
  const step = (what: string) => {
    progress(`${what}: ${((performance.now() - t) / 1000).toFixed(1)} s`);
    t = performance.now();
  };
  const villages = await loadAreas(db);
  step(`${villages} villages`);
  const { households, villagesWithPeople, perVillage } = await loadPeople(db, people, progress);
  step(`${people} people in ${households} households of ${villagesWithPeople} villages`);
  await loadPayments(ctx, people, perVillage, today, progress);
  step("5 years of payments");
  await loadDisclosures(db, today, progress);
  step("24 months of disclosures");
  await sql`analyze`.execute(db);
  step("analyze");
  const counts = await sql<{ people: string; payments: string; batches: string; disclosures: string }>`
    select (select count(*) from person) as people, (select count(*) from subsidy_payment) as payments,
      (select count(*) from subsidy_batch) as batches, (select count(*) from disclosure) as disclosures`.execute(db);
  const row = counts.rows[0] as { people: string; payments: string; batches: string; disclosures: string };
  const sample = await sql<{
    code: string;
  }>`select code from bench_village where n < ${villagesWithPeople} order by n limit 1`.execute(db);
  return {
    villages,
    /** A village with people, where the import's batch goes. */
    village: sample.rows[0]?.code as string,
    people: Number(row.people),
    payments: Number(row.payments),
    batches: Number(row.batches),
    disclosures: Number(row.disclosures),
  };
}

/** `count` village codes spread over the province, for the disclosure lists. */
export async function spreadVillages(db: Db, count: number): Promise<string[]> {
  const rows = await sql<{ code: string }>`
    select code from bench_village where n % greatest(1, (select count(*) from bench_village)::int / ${count}) = 0
    order by n limit ${count}`.execute(db);
  return rows.rows.map((r) => r.code);
}

import { type Kysely, sql } from "kysely";
import { systemPrincipal } from "../packages/core/src/index.ts";
import type { DB } from "../packages/server/src/db/schema.ts";
import { ensureDefaultCategories } from "../packages/server/src/modules/events/categories.service.ts";
import { backtest } from "../packages/server/src/modules/risk/backtest.service.ts";
import { countyAreas, eachBenchEngine, insertAreas, timeRepeatedMs } from "./support.ts";

/**
 * The backtest (推演) of risk rules over two years of a county's events, on PGlite and PostgreSQL:
 * - a county of 20 townships, 100 villages and 1,000 grids; E events (default 100,000 — a county's
 *   share of the province's 2,000,000 over two years is about 18,000, so this is five times that)
 *   spread over two years, half of them disputes with two parties each (identity keys as the sweep
 *   writes them), 300 pairs of parties who come back 3–5 times within a month, 8% escalated later,
 *   2% reopened — loaded straight into the tables with generate_series;
 * - a backtest of each of three rules over the two years through the service the route calls:
 *   repeated disputes between the same parties (30 days, 3), a weekly category surge per village
 *   (8 weeks, 3 sd, at least 5) and major disputes unsettled after 15 days.
 * Goal (issue #20): one rule over two years of a county in under 2 s, on both engines.
 * Usage: npm run bench -- warning [events=100000]
 */
const DAY = 86_400_000;

async function loadCounty(db: Kysely<DB>, eventCount: number, end: Date) {
  const { areas, county, grids } = countyAreas(1000);
  await insertAreas(db, areas);
  await sql`create temp table bench_grid (n int, id uuid, path text)`.execute(db);
  await sql`insert into bench_grid values ${sql.join(grids.map((g, n) => sql`(${n}, ${g.id}, ${g.path})`))}`.execute(
    db,
  );
  const start = new Date(end.getTime() - 730 * DAY);
  const categories = [
    "dispute.neighbour",
    "dispute.land_forest",
    "dispute.marriage_family",
    "dispute.labour",
    "environment.sanitation",
    "facility.damaged",
    "hazard.safety",
    "request.livelihood",
    "dispute.neighbour",
    "environment.sanitation",
  ];
  const cat = sql.raw(`(array[${categories.map((c) => `'${c}'`).join(",")}])[1 + (s % 10)]`);
  // Events: spread evenly over two years, each in a grid; categories 40% disputes.
  await sql`
    insert into event (id, number, category_key, title, description, area_id, area_path, level, state, priority,
      source, occurred_at, created_at, updated_at, closed_at)
    select ('00000000-0000-4000-8000-' || lpad(to_hex(s), 12, '0'))::uuid, 'B-' || s, ${cat},
      '事件' || s, '事件描述' || s, g.id, g.path, 'grid',
      case when s % 7 = 0 then 'accepted' else 'closed' end, 'normal', 'field',
      ${start}::timestamptz + (s::float8 / ${eventCount}) * interval '730 days',
      ${start}::timestamptz + (s::float8 / ${eventCount}) * interval '730 days',
      ${start}::timestamptz + (s::float8 / ${eventCount}) * interval '730 days',
      case when s % 7 = 0 then null else ${start}::timestamptz + (s::float8 / ${eventCount}) * interval '730 days' + interval '5 days' end
    from generate_series(1, ${eventCount}) s join bench_grid g on g.n = (s * 7919) % 1000`.execute(db);
  await sql`
    insert into dispute (event_id, risk_grade, created_at, updated_at)
    select id, case when hashtext(id::text) % 20 = 0 then 'major' else 'general' end, created_at, created_at
    from event where category_key like 'dispute.%'`.execute(db);
  // Two parties per dispute from a pool of 20,000 people (random pairs rarely repeat) …
  await sql`
    insert into dispute_party (id, event_id, role, name, phone_enc, phone_masked, ord, created_at, identity_key)
    select gen_random_uuid(), d.event_id, r.role, '当事人', null, null, r.ord, d.created_at,
      'name_phone:p' || ((hashtext(d.event_id::text || r.role) & 2147483647) % 20000)
    from dispute d cross join (values ('applicant', 0), ('respondent', 1)) r(role, ord)`.execute(db);
  // … and 300 pairs who come back 3–5 times within a month: the last disputes of random events.
  await sql`
    with pairs as (select k, (select id from event e where e.category_key like 'dispute.%' order by hashtext(e.id::text || k::text) limit 1) as first_id from generate_series(1, 300) k),
    repeats as (
      select p.k, e.id as event_id from pairs p join event f on f.id = p.first_id
      join lateral (select id from event e2 where e2.category_key like 'dispute.%'
        and e2.area_path like regexp_replace(f.area_path, '^(/[^/]+/[^/]+/[^/]+/).*$', '\\1') || '%'
        and e2.created_at between f.created_at and f.created_at + interval '30 days' order by e2.created_at limit 3 + p.k % 3) e on true
    )
    update dispute_party dp set identity_key = 'name_phone:pair' || r.k || '-' || dp.role
    from repeats r where dp.event_id = r.event_id`.execute(db);
  // Later: 8% escalated two days on, 2% reopened ten days on.
  await sql`
    insert into event_step (id, event_id, action, from_state, to_state, level, area_path, actor_name, at)
    select gen_random_uuid(), id, 'escalate', 'accepted', 'accepted', 'village', area_path, 'bench', created_at + interval '2 days'
    from event where hashtext(id::text || 'esc') % 100 between 0 and 7`.execute(db);
  await sql`
    insert into event_step (id, event_id, action, from_state, to_state, level, area_path, actor_name, at)
    select gen_random_uuid(), id, 'reopen', 'closed', 'reported', 'grid', area_path, 'bench', created_at + interval '10 days'
    from event where hashtext(id::text || 'reo') % 100 between 0 and 1`.execute(db);
  await sql`analyze`.execute(db);
  const c = (
    await sql<{ events: string; disputes: string }>`
      select (select count(*) from event) as events, (select count(*) from dispute) as disputes`.execute(db)
  ).rows[0];
  return { county: county.code, from: start, events: Number(c?.events), disputes: Number(c?.disputes) };
}

const day = (d: Date) => new Date(d.getTime() + 8 * 3_600_000).toISOString().slice(0, 10);

export async function run(args: string[]): Promise<Record<string, number>> {
  const eventCount = Number(args[0] ?? 100_000);
  const figures: Record<string, number> = { events: eventCount };
  const rows: Record<string, unknown>[] = [];
  await eachBenchEngine(
    "warning",
    async (e, ctx) => {
      await ensureDefaultCategories(ctx.db);
      const end = new Date();
      let t = performance.now();
      const county = await loadCounty(ctx.db, eventCount, end);
      const loadS = Math.round((performance.now() - t) / 100) / 10;
      t = performance.now();
      const actor = systemPrincipal();
      const period = { from: day(county.from), to: day(end) };
      const cases = [
        {
          key: "repeated",
          label: "repeated disputes, same parties (30 d, 3)",
          rule: { kind: "repeated_disputes", params: { match: "parties", windowDays: 30, minCount: 3 } },
        },
        {
          key: "surge",
          label: "weekly surge of disputes per village (8 w, 3 sd, ≥ 5)",
          rule: {
            kind: "category_surge",
            params: { categoryPrefix: "dispute.", areaLevel: "village", baselineWeeks: 8, sdFactor: 3, minCount: 5 },
          },
        },
        {
          key: "major",
          label: "major disputes unsettled after 15 days, or reopened",
          rule: { kind: "major_dispute", params: { unsettledDays: 15, includeReopened: true } },
        },
      ] as const;
      Object.assign(figures, {
        [`${e}_events`]: county.events,
        [`${e}_disputes`]: county.disputes,
        [`${e}_load_s`]: loadS,
      });
      rows.push({
        engine: e,
        measure: "events / disputes over two years (load s)",
        value: `${county.events} / ${county.disputes} (${loadS})`,
      });
      if (process.env.BENCH_WARNING_EXPLAIN) {
        const plan = await sql
          .raw(`explain (analyze, buffers) select e.id, e.created_at, e.area_path, array_agg(distinct dp.identity_key) as keys
        from event e join dispute_party dp on dp.event_id = e.id
        where e.category_key like 'dispute.%' and e.area_path like '/450802/%'
          and e.created_at >= '${county.from.toISOString()}' and e.created_at < now() and e.merged_into is null
          and dp.identity_key is not null
        group by e.id, e.created_at, e.area_path having count(distinct dp.identity_key) >= 2`)
          .execute(ctx.db);
        console.error((plan.rows as { "QUERY PLAN": string }[]).map((r) => r["QUERY PLAN"]).join("\n"));
      }
      for (const c of cases) {
        let result: Awaited<ReturnType<typeof backtest>> | undefined;
        const ms = await timeRepeatedMs(3, async () => {
          result = await backtest(ctx, actor, { rule: c.rule as never, areaCode: county.county, ...period });
        });
        Object.assign(figures, {
          [`${e}_${c.key}_backtest_ms`]: ms.p50,
          [`${e}_${c.key}_backtest_max_ms`]: ms.max,
          [`${e}_${c.key}_raised`]: result?.summary.raised ?? 0,
        });
        rows.push({
          engine: e,
          measure: `backtest over 2 years: ${c.label} — raised ${result?.summary.raised} (followed ${result?.summary.followed}); p50 / max ms`,
          value: `${ms.p50} / ${ms.max}`,
        });
      }
    },
    { only: process.env.BENCH_WARNING_ENGINES === "postgres" ? "postgres" : undefined },
  );
  console.table(rows);
  return figures;
}

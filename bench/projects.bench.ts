import { type Kysely, sql } from "kysely";
import type { DB } from "../packages/server/src/db/schema.ts";
import {
  listPublishedProjectViews,
  publicProject,
} from "../packages/server/src/modules/projects/project-views.service.ts";
import { eachBenchEngine, timeRepeatedMs } from "./support.ts";

/**
 * What residents read of livelihood projects (民生项目) at a province's scale, on PGlite and PostgreSQL:
 * - 100 townships with V villages (default 5,000), each village with 6 published projects and each
 *   township with 4 (30,400 projects), 5 milestones per project (152,000), 3 answered questions per
 *   village project — loaded straight into the tables with generate_series;
 * - a village's list (its projects and its township's, with progress counted from the milestones) and
 *   one project's page (versions, milestones, photos, its two acceptances — a failed one, then a
 *   passed one — and answered questions), each through the service the public route calls.
 * The engines and the timing are bench/support.ts's (eachBenchEngine, timeRepeatedMs).
 * Usage: npm run bench -- projects [villages=5000]
 */
async function loadProvince(db: Kysely<DB>, villages: number) {
  await sql`
    insert into area (id, code, name, level, parent_id, path, source)
    select gen_random_uuid(), '450000', '广西壮族自治区', 'province', null, '/450000/', 'nbs'`.execute(db);
  await sql`
    insert into area (id, code, name, level, parent_id, path, source)
    select gen_random_uuid(), '450' || lpad(t::text, 6, '0'), '镇' || t, 'township',
      (select id from area where code = '450000'), '/450000/450' || lpad(t::text, 6, '0') || '/', 'nbs'
    from generate_series(1, 100) t`.execute(db);
  await sql`
    insert into area (id, code, name, level, parent_id, path, source)
    select gen_random_uuid(), t.code || lpad(v::text, 4, '0'), '村' || v, 'village', t.id,
      t.path || t.code || lpad(v::text, 4, '0') || '/', 'nbs'
    from generate_series(1, ${villages}) v
    join area t on t.level = 'township' and t.code = '450' || lpad((1 + v % 100)::text, 6, '0')`.execute(db);
  const now = new Date();
  // Six projects per village, four per township; published, version 1.
  await sql`
    insert into project (id, area_id, area_path, title, title_search, body, budget_fen, funding_source, contractor,
      start_on, planned_end_on, published_version, first_published_at, last_published_at, created_at, updated_at)
    select gen_random_uuid(), a.id, a.path, a.name || (array['村道硬化','饮水安全巩固提升','太阳能路灯安装','文化室修缮','排水沟渠整治','产业路建设'])[1 + n % 6],
      a.name || '项目' || n, '项目简介', 10000000 + n * 1234567, '衔接推进乡村振兴补助资金', '贵港市某建筑工程有限公司',
      date '2026-03-01', date '2026-12-31', 1, ${now}::timestamptz - (n || ' days')::interval,
      ${now}::timestamptz - (n || ' days')::interval, ${now}, ${now}
    from area a cross join generate_series(1, 6) n
    where a.level = 'village' or (a.level = 'township' and n <= 4)`.execute(db);
  await sql`
    insert into project_version (project_id, version, title, body, budget_fen, funding_source, contractor, start_on,
      planned_end_on, reason, published_at)
    select id, 1, title, body, budget_fen, funding_source, contractor, start_on, planned_end_on, null, first_published_at
    from project`.execute(db);
  await sql`
    insert into project_milestone (id, project_id, position, title, planned_on, actual_on, status, note, created_at, updated_at)
    select gen_random_uuid(), p.id, m, '节点' || m, date '2026-03-01' + m * 50,
      case when m <= 2 then date '2026-03-01' + m * 50 end,
      case when m <= 2 then 'done' when m = 3 then 'in_progress' else 'planned' end, '', ${now}, ${now}
    from project p cross join generate_series(1, 5) m`.execute(db);
  // Every project of the first kind (村道硬化) done: a failed acceptance with two rectification items, then a passed one.
  await sql`update project_milestone set status = 'done', actual_on = planned_on
    where project_id in (select id from project where title like '%村道硬化')`.execute(db);
  await sql`update project set acceptance_result = 'passed' where title like '%村道硬化'`.execute(db);
  await sql`
    insert into project_acceptance (id, project_id, accepted_on, accepted_by, result, note, rectifications, signatories,
      recorded_at)
    select gen_random_uuid(), p.id, date '2026-12-01' + (r * 10), '镇人民政府验收组', case r when 0 then 'failed' else 'passed' end,
      '验收意见', case r when 0 then '["路面裂缝处理","补齐路肩培土"]'::jsonb else '[]'::jsonb end,
      '[{"role":"owner","unit":"村民委员会"},{"role":"contractor","unit":"某建筑工程有限公司"}]'::jsonb, ${now}
    from project p cross join generate_series(0, 1) r
    where p.title like '%村道硬化'`.execute(db);
  await sql`
    insert into comment (id, project_id, area_path, kind, author_id, author_name, is_anonymous, signature, text,
      created_at, reply, replied_at, replied_by_name)
    select gen_random_uuid(), p.id, p.area_path, 'question', gen_random_uuid(), '群众', true, null, '什么时候完工？',
      ${now}, '预计年底完工。', ${now}, '村干部'
    from project p cross join generate_series(1, 3) q
    where p.area_path like '/450000/%/%/'`.execute(db);
  await sql`analyze`.execute(db);
  const c = (
    await sql<{ projects: string; milestones: string; acceptances: string; comments: string }>`
      select (select count(*) from project) as projects, (select count(*) from project_milestone) as milestones,
        (select count(*) from project_acceptance) as acceptances, (select count(*) from comment) as comments`.execute(
      db,
    )
  ).rows[0];
  const village = (
    await sql<{
      code: string;
    }>`select code from area where level = 'village' order by code offset ${Math.floor(villages / 2)} limit 1`.execute(
      db,
    )
  ).rows[0]?.code as string;
  const project = (
    await sql<{
      id: string;
    }>`select p.id from project p join area a on a.id = p.area_id where a.code = ${village}
        and p.title like '%村道硬化' limit 1`.execute(db)
  ).rows[0]?.id as string;
  return {
    village,
    project,
    projects: Number(c?.projects),
    milestones: Number(c?.milestones),
    acceptances: Number(c?.acceptances),
    comments: Number(c?.comments),
  };
}

export async function run(args: string[]): Promise<Record<string, number>> {
  const villages = Number(args[0] ?? 5000);
  const figures: Record<string, number> = { villages };
  const rows: Record<string, unknown>[] = [];
  await eachBenchEngine("projects", async (e, ctx) => {
    let t = performance.now();
    const p = await loadProvince(ctx.db, villages);
    const loadS = Math.round((performance.now() - t) / 100) / 10;
    let listed = 0;
    const list = await timeRepeatedMs(50, async () => {
      listed = (await listPublishedProjectViews(ctx, { areaCode: p.village })).length;
    });
    let milestones = 0;
    let acceptances = 0;
    const page = await timeRepeatedMs(50, async () => {
      const read = await publicProject(ctx, p.project);
      milestones = read.milestones.length;
      acceptances = read.acceptances.length;
    });
    t = performance.now();
    Object.assign(figures, {
      [`${e}_projects`]: p.projects,
      [`${e}_milestones`]: p.milestones,
      [`${e}_acceptances`]: p.acceptances,
      [`${e}_load_s`]: loadS,
      [`${e}_village_list_p50_ms`]: list.p50,
      [`${e}_village_list_p95_ms`]: list.p95,
      [`${e}_project_page_p50_ms`]: page.p50,
      [`${e}_project_page_p95_ms`]: page.p95,
    });
    rows.push(
      {
        engine: e,
        measure: "projects / milestones / acceptances / questions (load s)",
        value: `${p.projects} / ${p.milestones} / ${p.acceptances} / ${p.comments} (${loadS})`,
      },
      {
        engine: e,
        measure: `a village's list (${listed} projects): p50 / p95 ms`,
        value: `${list.p50} / ${list.p95}`,
      },
      {
        engine: e,
        measure: `a project's page (${milestones} milestones, ${acceptances} acceptances, 3 questions): p50 / p95 ms`,
        value: `${page.p50} / ${page.p95}`,
      },
    );
  });
  console.table(rows);
  return figures;
}

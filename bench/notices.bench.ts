import { type Kysely, sql } from "kysely";
import { type Principal, systemPrincipal } from "../packages/core/src/index.ts";
import type { DB } from "../packages/server/src/db/schema.ts";
import { uuidv7 } from "../packages/server/src/ids.ts";
import { queueRows } from "../packages/server/src/modules/notices/broadcast.queries.ts";
import { inbox, sendNotice } from "../packages/server/src/modules/notices/notices.service.ts";
import { ensureDefaultTags } from "../packages/server/src/modules/registry/tags.service.ts";
import { ensureDefaultRoles } from "../packages/server/src/modules/roles/roles.service.ts";
import { eachBenchEngine, timeRepeatedMs } from "./support.ts";

/**
 * Notices at a county's scale, on PGlite and PostgreSQL:
 * - a county of 20 townships, 100 villages and G grids (default 500), 67 households per grid with
 *   three people each, 30 people per grid tagged (one in five 独居老人), a resident-app account for one
 *   household in five (its registered phone), two grid workers per grid, a loudspeaker per village —
 *   loaded straight into the tables with generate_series;
 * - sending (recipients settled at once): an urgent notice to a village's 独居老人 households, and a
 *   notice to every household of the county (resident inboxes, grid workers, loudspeakers);
 * - a resident's inbox and a loudspeaker's queue after many notices, as the routes read them.
 * Usage: npm run bench -- notices [grids=500]
 */
async function loadCounty(db: Kysely<DB>, gridCount: number) {
  const areas: Record<string, unknown>[] = [];
  const add = (code: string, name: string, level: string, parent?: { id: string; path: string }) => {
    const row = {
      id: uuidv7(),
      code,
      name,
      level,
      parent_id: parent?.id ?? null,
      path: `${parent?.path ?? "/"}${code}/`,
    };
    areas.push({ ...row, kind: level === "grid" ? "rural" : null, source: level === "grid" ? "local" : "nbs" });
    return row;
  };
  const county = add("450802", "港北区", "county");
  const townships = Array.from({ length: 20 }, (_, i) =>
    add(`450802${String(i + 1).padStart(3, "0")}`, `镇${i + 1}`, "township", county),
  );
  const villages = Array.from({ length: 100 }, (_, i) => {
    const t = townships[i % 20] as (typeof townships)[number];
    return add(`${t.code}${String(Math.floor(i / 20) + 1).padStart(3, "0")}`, `村${i + 1}`, "village", t);
  });
  const grids = Array.from({ length: gridCount }, (_, i) => {
    const v = villages[i % 100] as (typeof villages)[number];
    return add(`${v.code}G${String(Math.floor(i / 100) + 1).padStart(2, "0")}`, `网格${i + 1}`, "grid", v);
  });
  for (let i = 0; i < areas.length; i += 1000)
    await db
      .insertInto("area")
      .values(areas.slice(i, i + 1000) as never)
      .execute();
  await sql`create temp table bench_grid (n int, id uuid, path text, village text)`.execute(db);
  for (let i = 0; i < grids.length; i += 1000)
    await sql`insert into bench_grid values ${sql.join(
      grids.slice(i, i + 1000).map((g, k) => sql`(${i + k}, ${g.id}, ${g.path}, ${g.path.split("/").at(-3)})`),
    )}`.execute(db);
  const uuid = (prefix: string, expr: string) => sql.raw(`('${prefix}' || lpad(to_hex(${expr}), 12, '0'))::uuid`);
  await sql`
    insert into place (id, area_path, division_code, road, house_number, address)
    select ${uuid("00000000-0000-4000-8000-", "g.n * 100 + s")}, g.path, g.village, '村道' || g.n, s::text,
      '村道' || g.n || '号' || s
    from bench_grid g, generate_series(1, 67) s`.execute(db);
  await sql`insert into household (id, place_id, kind, area_path) select id, id, 'family', area_path from place`.execute(
    db,
  );
  await sql`
    insert into person (id, household_id, name, area_path, phone_bidx)
    select ${uuid("00000000-0000-4000-9000-", "g.n * 1000 + s * 10 + k")}, ${uuid("00000000-0000-4000-8000-", "g.n * 100 + s")},
      '居民' || g.n || '-' || s || '-' || k, g.path, 'bench-phone-' || g.n || '-' || s || '-' || k
    from bench_grid g, generate_series(1, 67) s, generate_series(1, 3) k`.execute(db);
  await sql`
    insert into subject_tag (id, subject_type, subject_id, tag_key, area_path, valid_from)
    select gen_random_uuid(), 'person', ${uuid("00000000-0000-4000-9000-", "g.n * 1000 + s * 10 + 1")},
      (array['elderly_alone', 'left_behind_child', 'minimum_subsistence', 'disabled', 'veteran'])[1 + s % 5],
      g.path, current_date - 30
    from bench_grid g, generate_series(1, 30) s`.execute(db);
  // A resident account for the first member of one household in five (its phone is the member's).
  await sql`
    insert into app_user (id, username, display_name, phone_bidx)
    select ${uuid("00000000-0000-4000-a000-", "g.n * 100 + s")}, 'r-' || g.n || '-' || s, '居民', 'bench-phone-' || g.n || '-' || s || '-1'
    from bench_grid g, generate_series(5, 67, 5) s`.execute(db);
  await sql`insert into assignment (id, user_id, role_key) select gen_random_uuid(), id, 'resident' from app_user
    where username like 'r-%'`.execute(db);
  await sql`
    insert into app_user (id, username, display_name)
    select ${uuid("00000000-0000-4000-b000-", "g.n * 10 + k")}, 'w-' || g.n || '-' || k, '网格员'
    from bench_grid g, generate_series(1, 2) k`.execute(db);
  await sql`insert into assignment (id, user_id, role_key, area_id, area_path)
    select gen_random_uuid(), ${uuid("00000000-0000-4000-b000-", "g.n * 10 + k")}, 'grid_worker', g.id, g.path
    from bench_grid g, generate_series(1, 2) k`.execute(db);
  await sql`insert into intake_device (id, device_key, name, secret_enc, kind, area_code, created_at)
    select gen_random_uuid(), 'spk-' || code, code || '喇叭', 'x', 'loudspeaker', code, now() from area where level = 'village'`.execute(
    db,
  );
  await sql`analyze`.execute(db);
  const counts = await sql<{ households: string; residents: string }>`
    select (select count(*) from household) as households, (select count(*) from app_user where username like 'r-%') as residents`.execute(
    db,
  );
  return {
    county: county.code,
    village: (villages[0] as (typeof villages)[number]).code,
    households: Number(counts.rows[0]?.households),
    residents: Number(counts.rows[0]?.residents),
  };
}

export async function run(args: string[]): Promise<Record<string, number>> {
  const gridCount = Number(args[0] ?? 500);
  const figures: Record<string, number> = { grids: gridCount };
  const rows: Record<string, unknown>[] = [];
  await eachBenchEngine("notices", async (e, ctx) => {
    await ensureDefaultRoles(ctx.db);
    await ensureDefaultTags(ctx.db);
    let t = performance.now();
    const county = await loadCounty(ctx.db, gridCount);
    const loadS = Math.round((performance.now() - t) / 100) / 10;
    const actor: Principal = { ...systemPrincipal(), displayName: "周芳" };
    const meta = { requestId: "bench", ip: null, userAgent: null };
    const send = (areaCode: string, over: Record<string, unknown> = {}) =>
      sendNotice(ctx, actor, meta, {
        id: crypto.randomUUID(),
        title: "寒潮预警",
        body: "今晚强降温，请注意保暖。",
        areaCode,
        urgent: false,
        channels: ["app", "field", "loudspeaker"],
        ...over,
      });
    const villageMs = await timeRepeatedMs(10, () => send(county.village, { urgent: true, tagKey: "elderly_alone" }));
    t = performance.now();
    const countyWide = await send(county.county);
    const countyMs = Math.round(performance.now() - t);
    // 40 more notices to the first village, so its residents' inboxes and its loudspeaker's queue are full.
    for (let i = 0; i < 40; i++) await send(county.village);
    const resident = await sql<{ user_id: string }>`
          select r.user_id from notice_recipient r where r.kind = 'resident' group by r.user_id
          order by count(*) desc limit 1`.execute(ctx.db);
    const residentActor: Principal = { ...systemPrincipal(), userId: resident.rows[0]?.user_id as string };
    const inboxMs = await timeRepeatedMs(50, () => inbox(ctx, residentActor, 50));
    const device = await sql<{
      id: string;
    }>`select id from intake_device where area_code = ${county.village}`.execute(ctx.db);
    const queueMs = await timeRepeatedMs(50, () => queueRows(ctx.db, device.rows[0]?.id as string, 20));
    const d = countyWide.notice.delivery;
    Object.assign(figures, {
      [`${e}_households`]: county.households,
      [`${e}_resident_accounts`]: county.residents,
      [`${e}_load_s`]: loadS,
      [`${e}_send_village_tag_p50_ms`]: villageMs.p50,
      [`${e}_send_village_tag_p95_ms`]: villageMs.p95,
      [`${e}_send_county_ms`]: countyMs,
      [`${e}_county_residents`]: d.residents,
      [`${e}_county_workers`]: d.workers,
      [`${e}_inbox_p50_ms`]: inboxMs.p50,
      [`${e}_inbox_p95_ms`]: inboxMs.p95,
      [`${e}_queue_p50_ms`]: queueMs.p50,
      [`${e}_queue_p95_ms`]: queueMs.p95,
    });
    rows.push(
      {
        engine: e,
        measure: "households / resident accounts (load s)",
        value: `${county.households} / ${county.residents} (${loadS})`,
      },
      {
        engine: e,
        measure: "urgent notice to a village's 独居老人: p50 / p95 ms",
        value: `${villageMs.p50} / ${villageMs.p95}`,
      },
      {
        engine: e,
        measure: `notice to the whole county (${d.households} households, ${d.residents} residents, ${d.workers} workers, ${d.loudspeakers} loudspeakers): ms`,
        value: countyMs,
      },
      {
        engine: e,
        measure: "a resident's inbox (50 newest, unread count): p50 / p95 ms",
        value: `${inboxMs.p50} / ${inboxMs.p95}`,
      },
      {
        engine: e,
        measure: "a loudspeaker's queue (20, urgent first): p50 / p95 ms",
        value: `${queueMs.p50} / ${queueMs.p95}`,
      },
    );
  });
  console.table(rows);
  return figures;
}

import { chinaDate, OPEN_STATES } from "@wangge/core";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildTestApp, type TestApp } from "../../test/build-test-app.ts";
import { type AreaTree, buildAreaTree, buildUser, type Session, signIn, type TestUser } from "../../test/factories.ts";
import { seededRandom as random } from "../../test/seeded-random.ts";
import { sweepOverdue } from "../events/escalation.service.ts";
import { rebuildFigures } from "./figures-rebuild.service.ts";
import { chinaDayStart, listOpenMatterRows, recountOpenMatters } from "./open-matters.queries.ts";
import { openMattersOnMap } from "./open-matters.service.ts";

/**
 * The open matters kept per area and deadline day (open_matter_day, kept by triggers on `event`) equal
 * a count of the events: row by row, and as GET /figures/open answers them for every area (open, and
 * past their deadline to the minute: days before today kept, today's read by deadline) — after a random
 * run of reports, actions (accept, start, settle, return, reopen, escalate, dispatch, suspend and
 * resume), merges, the escalation timer, deadlines moved by any writer, parallel reports and actions,
 * and a recount.
 */
let t: TestApp;
let tree: AreaTree;
let worker: TestUser;
let session: Session;

const seed = Number(process.env.FIGURES_SEED ?? 20261211);
const rnd = random(seed);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)] as T;

beforeAll(async () => {
  t = await buildTestApp();
  tree = await buildAreaTree(t.ctx);
  worker = await buildUser(t.ctx, { role: "grid_head", areaCode: tree.county.code });
  session = await signIn(t, worker);
});
afterAll(async () => {
  await t?.close();
});

const ACTIONS = [
  { action: "accept" },
  { action: "start" },
  { action: "resolve", note: "已处理" },
  { action: "return", note: "请补充材料" },
  { action: "reopen", note: "问题反复" },
  { action: "escalate", note: "需上级协调" },
  { action: "suspend", note: "等待当事人返乡" },
  { action: "resume" },
  { action: "verify" },
  { action: "close" },
] as const;

async function report(areaCode: string, who = session): Promise<string> {
  const id = crypto.randomUUID();
  const res = await t.app.inject({
    method: "POST",
    url: "/api/v1/events",
    headers: who.headers,
    payload: { id, categoryKey: "dispute.neighbour", description: "邻里之间因排水沟发生纠纷", areaCode },
  });
  expect(res.statusCode, res.body).toBe(201);
  return id;
}

/** Open matters counted from the events now: per area on each one's path, open and past its deadline. */
async function countedFromEvents(now: Date) {
  const rows = await t.ctx.db
    .selectFrom("event")
    .select(["area_path", "due_at"])
    .where("state", "in", [...OPEN_STATES])
    .where("merged_into", "is", null)
    .execute();
  const counts = new Map<string, { open: number; overdue: number }>();
  for (const r of rows)
    for (const code of r.area_path.split("/").filter(Boolean)) {
      const c = counts.get(code) ?? { open: 0, overdue: 0 };
      c.open++;
      if (r.due_at && r.due_at < now) c.overdue++;
      counts.set(code, c);
    }
  return (code: string) => counts.get(code) ?? { open: 0, overdue: 0 };
}

const AREAS = () => [tree.county, tree.township, tree.otherTownship, tree.village, tree.grid, tree.otherGrid];

/**
 * The big screen's map rows (openMattersOnMap): each shape drawn — every area from the bound one down
 * to the deepest level listed — sums the rows whose path passes through it to the events counted now,
 * whether they come from the kept counts (more open matters than the cap) or from the events.
 */
async function expectMapEqualsCounted(label: string) {
  const counted = await countedFromEvents(t.clock.now);
  const { county, township, otherTownship } = tree;
  // More open matters than the small caps: those cases walk the kept counts; the others (as many or
  // fewer open matters than the cap) read the events.
  expect(counted(county.code).open, label).toBeGreaterThan(3);
  const cases = [
    // The whole tree fits: every area is a shape.
    { bound: county, limit: 3000, shapes: AREAS() },
    { bound: township, limit: 3000, shapes: [township, tree.village, tree.grid] },
    // A cap that cuts below the townships: the county and its townships are drawn.
    { bound: county, limit: 3, shapes: [county, township, otherTownship] },
    { bound: county, limit: 2, shapes: [county] },
  ];
  for (const c of cases) {
    const map = await openMattersOnMap(t.ctx, c.bound, t.clock.now, c.limit);
    expect({ open: map.open, overdue: map.overdue }, `${c.bound.code} ${label}`).toEqual(counted(c.bound.code));
    expect(map.areas.length, `${c.bound.code} within ${c.limit} ${label}`).toBeLessThanOrEqual(c.limit);
    for (const shape of c.shapes) {
      const sum = map.areas
        .filter((a) => a.path.includes(`/${shape.code}/`))
        .reduce((n, a) => ({ open: n.open + a.open, overdue: n.overdue + a.overdue }), { open: 0, overdue: 0 });
      expect(sum, `shape ${shape.code} of ${c.bound.code} within ${c.limit} ${label} (seed ${seed})`).toEqual(
        counted(shape.code),
      );
    }
  }
}

/** Kept rows equal the events' count, and every area's answer equals the events counted now. */
async function expectKeptEqualsCounted(label: string) {
  const { kept, raw } = await listOpenMatterRows(t.ctx.db);
  expect(Object.fromEntries(kept), `rows ${label} (seed ${seed})`).toEqual(Object.fromEntries(raw));
  const counted = await countedFromEvents(t.clock.now);
  for (const area of AREAS()) {
    const res = await t.app.inject({
      method: "GET",
      url: `/api/v1/figures/open?area=${area.code}`,
      headers: session.headers,
    });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect({ open: body.open, overdue: body.overdue }, `${area.code} ${label} (seed ${seed})`).toEqual(
      counted(area.code),
    );
    // The 工作台 links a count to the events list with state=open: it lists exactly what it counts.
    const list = await t.app.inject({
      method: "GET",
      url: `/api/v1/events?box=area&state=open&areaCode=${area.code}&limit=200`,
      headers: session.headers,
    });
    expect(list.statusCode, list.body).toBe(200);
    expect(list.json().length, `the list behind ${area.code}'s count ${label} (seed ${seed})`).toBe(body.open);
    const overdue = await t.app.inject({
      method: "GET",
      url: `/api/v1/events?box=overdue&state=open&areaCode=${area.code}&limit=200`,
      headers: session.headers,
    });
    expect(overdue.statusCode, overdue.body).toBe(200);
    expect(overdue.json().length, `the list behind ${area.code}'s overdue ${label} (seed ${seed})`).toBe(body.overdue);
    expect(body.children.map((c: { code: string }) => c.code).sort()).toEqual(
      AREAS()
        .filter((a) => a.path.startsWith(area.path) && a.path.split("/").length === area.path.split("/").length + 1)
        .map((a) => a.code)
        .sort(),
    );
    for (const child of body.children)
      expect({ open: child.open, overdue: child.overdue }, `${child.code} under ${area.code} ${label}`).toEqual(
        counted(child.code),
      );
  }
}

describe("open matters kept per area and deadline day", () => {
  it("equal the events counted after a random run, deadlines moved today and a recount", async () => {
    const events: string[] = [];
    const grids = [tree.grid.code, tree.otherGrid.code, tree.village.code, tree.township.code];
    for (let step = 0; step < 160; step++) {
      const r = rnd();
      if (r < 0.05) {
        t.clock.advanceMinutes(Math.floor(rnd() * 2 * 24 * 60) + 60);
        await sweepOverdue(t.ctx);
        session = await signIn(t, worker);
      } else if (r < 0.3 || events.length === 0) {
        events.push(await report(pick(grids)));
      } else if (r < 0.37) {
        await t.app.inject({
          method: "POST",
          url: `/api/v1/events/${pick(events)}/transitions`,
          headers: session.headers,
          payload: { action: "dispatch", areaCode: pick([tree.grid.code, tree.otherGrid.code]), note: "请网格处理" },
        });
      } else if (r < 0.42) {
        await t.app.inject({
          method: "POST",
          url: `/api/v1/events/${pick(events)}/transitions`,
          headers: session.headers,
          payload: { action: "merge", note: "同一件事，重复上报", intoId: pick(events) },
        });
      } else {
        // Taken or refused (not allowed from its state): either way the counts must agree.
        await t.app.inject({
          method: "POST",
          url: `/api/v1/events/${pick(events)}/transitions`,
          headers: session.headers,
          payload: pick(ACTIONS),
        });
      }
      if (step % 40 === 39) await expectKeptEqualsCounted(`after step ${step}`);
    }
    const states = await t.ctx.db.selectFrom("event").select("state").distinct().execute();
    expect(states.length, `states reached (seed ${seed})`).toBeGreaterThan(4);
    const merged = await t.ctx.db.selectFrom("event").select("id").where("merged_into", "is not", null).execute();
    expect(merged.length, `merges (seed ${seed})`).toBeGreaterThan(0);

    // Deadlines moved by any writer (here straight in the table): one due earlier today, one later
    // today, one without a deadline — "overdue" is exact to the minute within today.
    const now = t.clock.now;
    const dayStart = chinaDayStart(chinaDate(now));
    const open = await t.ctx.db
      .selectFrom("event")
      .select("id")
      .where("state", "in", [...OPEN_STATES])
      .where("merged_into", "is", null)
      .orderBy("number")
      .limit(3)
      .execute();
    expect(open.length).toBe(3);
    const earlier = new Date(dayStart.getTime() + (now.getTime() - dayStart.getTime()) / 2);
    const later = new Date(now.getTime() + 60_000);
    await sql`update event set due_at = case id when ${open[0]?.id}::uuid then ${earlier}::timestamptz
        when ${open[1]?.id}::uuid then ${later}::timestamptz else null end
      where id in (${open[0]?.id}::uuid, ${open[1]?.id}::uuid, ${open[2]?.id}::uuid)`.execute(t.ctx.db);
    await expectKeptEqualsCounted("deadlines moved");
    await expectMapEqualsCounted("deadlines moved");
    // Two minutes on, the one due later today is past its deadline too.
    t.clock.advanceMinutes(2);
    session = await signIn(t, worker);
    await expectKeptEqualsCounted("two minutes on");
    await expectMapEqualsCounted("two minutes on");

    // Counting again from the events changes nothing; a damaged table is repaired by it.
    const before = await listOpenMatterRows(t.ctx.db);
    await sql`update open_matter_day set open = open + 7`.execute(t.ctx.db);
    const { openRows } = await rebuildFigures(t.ctx);
    expect(openRows).toBe(before.raw.size);
    expect(Object.fromEntries((await listOpenMatterRows(t.ctx.db)).kept)).toEqual(Object.fromEntries(before.kept));
    // An event deleted (a test clean-up, a purge) leaves the counts too.
    await sql`delete from event_step where event_id = ${open[1]?.id}::uuid`.execute(t.ctx.db);
    await sql`delete from event where id = ${open[1]?.id}::uuid`.execute(t.ctx.db).catch(() => undefined);
    await expectKeptEqualsCounted("after a delete");
  }, 180_000);

  it("keep every one of parallel reports and actions on the same area and deadline day", async () => {
    const ids = await Promise.all(Array.from({ length: 12 }, () => report(tree.grid.code)));
    await Promise.all(
      ids.map((id, i) =>
        t.app.inject({
          method: "POST",
          url: `/api/v1/events/${id}/transitions`,
          headers: session.headers,
          payload: i % 3 === 0 ? { action: "escalate", note: "需上级协调" } : { action: "accept" },
        }),
      ),
    );
    await Promise.all(
      ids.map((id) =>
        t.app.inject({
          method: "POST",
          url: `/api/v1/events/${id}/transitions`,
          headers: session.headers,
          payload: { action: "resolve", note: "已调解" },
        }),
      ),
    );
    await expectKeptEqualsCounted("parallel");
    // A recount in parallel with writes loses none of them.
    const more = Promise.all(Array.from({ length: 6 }, () => report(tree.otherGrid.code)));
    await t.ctx.db.transaction().execute((trx) => recountOpenMatters(trx));
    await more;
    await expectKeptEqualsCounted("recount with writes");
  }, 120_000);
});

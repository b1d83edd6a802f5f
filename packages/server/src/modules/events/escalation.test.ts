import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AppDeps, buildApp, createContext } from "../../app.ts";
import { loadConfig } from "../../config.ts";
import type { AppContext } from "../../context.ts";
import { createFieldCrypto } from "../../crypto/field-crypto.ts";
import { TEST_DATA_KEY } from "../../test/build-test-app.ts";
import { type AreaTree, buildAreaTree, buildUser, type Session, signIn, type TestUser } from "../../test/factories.ts";
import { createTestDatabase, type TestDatabase } from "../../test/test-database.ts";
import { startEscalationTimer, sweepOverdue } from "./escalation.service.ts";

/**
 * Escalation must never stop: through the server (HTTP, the sweep and its timer) with a clock the
 * test sets, over the seeded 2026 calendar, and across a restart (the app closed, a new one built
 * on the same database).
 */
interface Server {
  app: FastifyInstance;
  ctx: AppContext;
}

let database: TestDatabase;
let dataDir: string;
let clock = new Date("2026-09-30T16:30:00+08:00");
const servers: Server[] = [];

async function startServer(env: Record<string, string>): Promise<Server> {
  const config = loadConfig({
    WANGGE_DATA_DIR: dataDir,
    WANGGE_WEB_DIST: "/nonexistent-web-dist",
    WANGGE_LOGIN_RATE_LIMIT_PER_MINUTE: "100000",
    WANGGE_RATE_LIMIT_PER_MINUTE: "100000",
    ...env,
  });
  const deps: AppDeps = { config, database, crypto: createFieldCrypto(TEST_DATA_KEY), now: () => clock };
  const app = await buildApp(deps);
  await app.ready();
  const server = { app, ctx: createContext(deps) };
  servers.push(server);
  return server;
}

beforeAll(async () => {
  database = await createTestDatabase();
  dataDir = await mkdtemp(path.join(tmpdir(), "wangge-test-escalation-"));
});
afterAll(async () => {
  for (const s of servers) await s.app.close();
  await database?.close();
  await rm(dataDir, { recursive: true, force: true });
});

const at = (local: string) => new Date(`${local}+08:00`);

/** Sets the deadlines of a category through the API. */
async function setDeadlines(s: Server, admin: Session, key: string, deadlines: Record<string, number>) {
  const list = (await s.app.inject({ method: "GET", url: "/api/v1/event-categories", headers: admin.headers })).json();
  const { key: _k, parentKey: _p, ...settings } = list.find((c: { key: string }) => c.key === key);
  const res = await s.app.inject({
    method: "PUT",
    url: `/api/v1/event-categories/${key}`,
    headers: admin.headers,
    payload: { ...settings, deadlines },
  });
  expect(res.statusCode, res.body).toBe(200);
}

async function report(s: Server, who: Session, body: Record<string, unknown>): Promise<string> {
  const id = crypto.randomUUID();
  const res = await s.app.inject({
    method: "POST",
    url: "/api/v1/events",
    headers: who.headers,
    payload: { id, categoryKey: "dispute.neighbour", description: "测试时限的纠纷", ...body },
  });
  expect(res.statusCode, res.body).toBe(201);
  return id;
}

const act = (s: Server, who: Session, id: string, body: Record<string, unknown>) =>
  s.app.inject({ method: "POST", url: `/api/v1/events/${id}/transitions`, headers: who.headers, payload: body });

async function event(s: Server, who: Session, id: string) {
  const res = await s.app.inject({ method: "GET", url: `/api/v1/events/${id}`, headers: who.headers });
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}

describe("escalation over the working calendar", () => {
  let s: Server;
  let handler: TestUser;
  let tree: AreaTree;
  // Sessions end after 30 idle minutes: each jump of the clock signs in again.
  const session = () => signIn(s, handler);

  beforeAll(async () => {
    s = await startServer({});
    tree = await buildAreaTree(s.ctx);
    handler = await buildUser(s.ctx, { role: "grid_head", areaCode: tree.county.code });
    const admin = await signIn(s, await buildUser(s.ctx, { role: "admin" }));
    // Four working hours in the grid, two working days (2 × 6.5 h) in the village.
    await setDeadlines(s, admin, "dispute.neighbour", {
      grid: 240,
      village: 780,
      township: 390,
      county: 390,
      city: 390,
    });
  });

  it("skips National Day (1–7 October) and counts Saturday 10 October, a make-up working day (调休)", async () => {
    clock = at("2026-09-30T16:30:00");
    const id = await report(s, await session(), { areaCode: tree.grid.code });
    // One working hour on Wednesday 30 September, none from 1 to 7 October, three on Thursday 8 October.
    expect((await event(s, await session(), id)).dueAt).toBe(at("2026-10-08T11:30:00").toISOString());

    clock = at("2026-10-07T23:59:00");
    expect(await sweepOverdue(s.ctx)).toBe(0);
    expect((await event(s, await session(), id)).level).toBe("grid");

    clock = at("2026-10-08T11:31:00");
    expect(await sweepOverdue(s.ctx)).toBe(1);
    const village = await event(s, await session(), id);
    expect(village).toMatchObject({ level: "village", areaCode: tree.village.code });
    // 3.5 working hours left on Thursday, 6.5 on Friday, and three on the make-up Saturday (not Monday the 12th).
    expect(village.dueAt).toBe(at("2026-10-10T11:31:00").toISOString());

    clock = at("2026-10-10T11:30:00");
    expect(await sweepOverdue(s.ctx)).toBe(0);
    clock = at("2026-10-10T11:32:00");
    expect(await sweepOverdue(s.ctx)).toBe(1);
    expect((await event(s, await session(), id)).level).toBe("township");
  });
});

describe("events that used to stop escalating, across a restart", () => {
  let handler: TestUser;
  let tree: AreaTree;
  const ids = { returned: "", underTownship: "", top: "", clockless: "" };

  it("escalates an event returned after resolution and one in a grid directly under a township, and keeps one overdue at the top visibly overdue under supervision", async () => {
    clock = at("2026-11-02T09:00:00");
    // A round-the-clock calendar and a one-hour deadline at every level.
    const env = { WANGGE_WORKING_HOURS: "00:00-24:00", WANGGE_WEEKEND: "" };
    const first = await startServer(env);
    tree = await buildAreaTree(first.ctx);
    // Reports and handles events anywhere in the county.
    handler = await buildUser(first.ctx, { role: "grid_head", areaCode: tree.county.code });
    const admin = await signIn(first, await buildUser(first.ctx, { role: "admin" }));
    await setDeadlines(first, admin, "dispute.neighbour", {
      grid: 60,
      village: 60,
      township: 60,
      county: 60,
      city: 60,
    });
    let me = await signIn(first, handler);

    ids.returned = await report(first, me, { areaCode: tree.grid.code });
    for (const body of [
      { action: "accept" },
      { action: "resolve", note: "已调解" },
      { action: "return", note: "当事人不认可，退回重办" },
    ])
      expect((await act(first, me, ids.returned, body)).statusCode).toBe(200);
    const returned = await event(first, me, ids.returned);
    expect(returned).toMatchObject({ state: "returned", resolvedLevel: null });
    // A fresh deadline for its level: the clock runs again.
    expect(returned.dueAt).toBe(new Date(clock.getTime() + 60 * 60_000).toISOString());

    // otherGrid sits directly under otherTownship: there is no village above it.
    ids.underTownship = await report(first, me, { areaCode: tree.otherGrid.code });
    // Reported at the county, the root of this deployment's tree: no area above it.
    ids.top = await report(first, me, { areaCode: tree.county.code });
    expect((await event(first, me, ids.top)).level).toBe("county");
    // An open event that earlier versions left without a deadline (returned after resolution, or
    // overdue at the top).
    ids.clockless = await report(first, me, { areaCode: tree.grid.code });
    await first.ctx.db.updateTable("event").set({ due_at: null }).where("id", "=", ids.clockless).execute();

    // The server stops; the deadlines pass while it is down; a new one starts on the same database.
    await first.app.close();
    servers.splice(servers.indexOf(first), 1);
    clock = new Date(clock.getTime() + 2 * 3_600_000);
    const second = await startServer(env);
    // As main.ts does: the timer sweeps at once, then every interval.
    await startEscalationTimer(second.ctx, { intervalMs: 60_000 }).stop();
    me = await signIn(second, handler);

    expect(await event(second, me, ids.returned)).toMatchObject({ level: "village", areaCode: tree.village.code });
    expect(await event(second, me, ids.underTownship)).toMatchObject({
      level: "township",
      areaCode: tree.otherTownship.code,
    });
    const top = await event(second, me, ids.top);
    expect(top).toMatchObject({ level: "county", supervised: true, state: "reported" });
    expect(top.overdueAt).toBe(clock.toISOString());
    expect(new Date(top.dueAt).getTime()).toBeLessThan(clock.getTime());
    expect(top.timeline.filter((s: { action: string }) => s.action === "overdue")).toHaveLength(1);
    const overdueBox = await second.app.inject({
      method: "GET",
      url: "/api/v1/events?box=overdue&limit=200",
      headers: me.headers,
    });
    expect(overdueBox.json().map((e: { id: string }) => e.id)).toContain(ids.top);
    const restarted = await event(second, me, ids.clockless);
    expect(restarted).toMatchObject({ level: "grid", dueAt: new Date(clock.getTime() + 60 * 60_000).toISOString() });
    expect(restarted.timeline.at(-1)).toMatchObject({ action: "deadline", actorName: "系统 / system" });

    // Later sweeps move the others on and flag the top one only once.
    clock = new Date(clock.getTime() + 2 * 3_600_000);
    await sweepOverdue(second.ctx);
    await sweepOverdue(second.ctx);
    me = await signIn(second, handler);
    expect((await event(second, me, ids.returned)).level).toBe("township");
    expect((await event(second, me, ids.underTownship)).level).toBe("county");
    expect((await event(second, me, ids.clockless)).level).toBe("village");
    const still = await event(second, me, ids.top);
    expect(still.timeline.filter((s: { action: string }) => s.action === "overdue")).toHaveLength(1);
    expect(still.overdueAt).toBe(top.overdueAt);
  });

  it("escalates by hand from a grid directly under a township, and leaves closing to the nearest area at or above the close level", async () => {
    const s = servers.at(-1) as Server;
    const worker = await signIn(s, await buildUser(s.ctx, { role: "grid_worker", areaCode: tree.otherGrid.code }));
    const township = await signIn(
      s,
      await buildUser(s.ctx, { role: "township_official", areaCode: tree.otherTownship.code }),
    );
    const id = await report(s, worker, { areaCode: tree.otherGrid.code });
    const up = await act(s, worker, id, { action: "escalate", note: "需镇里协调" });
    expect(up.statusCode, up.body).toBe(200);
    expect(up.json()).toMatchObject({ level: "township", areaCode: tree.otherTownship.code });

    // 房屋宅基地纠纷 closes at the village; above this grid the nearest such area is the township.
    const homestead = await report(s, worker, {
      areaCode: tree.otherGrid.code,
      categoryKey: "dispute.housing_homestead",
    });
    for (const action of ["accept", "resolve", "verify"])
      expect((await act(s, worker, homestead, { action, note: "办结" })).statusCode).toBe(200);
    expect((await act(s, worker, homestead, { action: "close" })).statusCode).toBe(403);
    expect((await act(s, township, homestead, { action: "close" })).json().state).toBe("closed");
  });
});

describe("the sweep and its timer", () => {
  let s: Server;
  let me: Session;
  let tree: AreaTree;

  beforeAll(async () => {
    clock = at("2026-11-16T09:00:00");
    s = await startServer({ WANGGE_WORKING_HOURS: "00:00-24:00", WANGGE_WEEKEND: "" });
    tree = await buildAreaTree(s.ctx);
    const admin = await signIn(s, await buildUser(s.ctx, { role: "admin" }));
    await setDeadlines(s, admin, "dispute.neighbour", { grid: 60, village: 60, township: 60, county: 60, city: 60 });
    me = await signIn(s, await buildUser(s.ctx, { role: "grid_worker", areaCode: tree.grid.code }));
  });

  it("does not stall behind whole batches of rows it cannot move", async () => {
    const stuck = [];
    for (let i = 0; i < 2; i++) stuck.push(await report(s, me, { areaCode: tree.grid.code }));
    const precise = [];
    for (let i = 0; i < 4; i++) precise.push(await report(s, me, { areaCode: tree.grid.code }));
    const plain = await report(s, me, { areaCode: tree.grid.code });
    // Rows the sweep cannot plan (a level it does not know, as another tool might write) come first…
    await s.ctx.db
      .updateTable("event")
      .set({ level: "hamlet", due_at: new Date(clock.getTime() - 3 * 3_600_000) })
      .where("id", "in", stuck)
      .execute();
    // …then deadlines written by SQL, to the microsecond (a bulk load, a repair by hand)…
    for (const [i, id] of precise.entries())
      await s.ctx.db
        .updateTable("event")
        .set({
          due_at: (eb) =>
            eb.fn<Date>("make_timestamptz", [
              eb.val(2026),
              eb.val(11),
              eb.val(16),
              eb.val(0),
              eb.val(10 + i),
              eb.val(0.000123),
              eb.val("UTC"),
            ]),
        })
        .where("id", "=", id)
        .execute();
    clock = new Date(clock.getTime() + 2 * 3_600_000);
    // …each filling a batch of two ahead of the plain one.
    expect(await sweepOverdue(s.ctx, 2)).toBeGreaterThanOrEqual(5);
    const levels = await s.ctx.db
      .selectFrom("event")
      .select(["id", "level"])
      .where("id", "in", [...stuck, ...precise, plain])
      .execute();
    expect(Object.fromEntries(levels.map((r) => [r.id, r.level]))).toEqual(
      Object.fromEntries([
        ...stuck.map((id) => [id, "hamlet"]),
        ...precise.map((id) => [id, "village"]),
        [plain, "village"],
      ]),
    );
    await s.ctx.db.updateTable("event").set({ state: "cancelled" }).where("id", "in", stuck).execute();
  });

  it("never runs two sweeps at once, and lets no ticks pile up behind a slow one", async () => {
    let running = 0;
    let most = 0;
    let runs = 0;
    const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
    const timer = startEscalationTimer(s.ctx, {
      intervalMs: 10,
      sweep: async () => {
        runs++;
        running++;
        most = Math.max(most, running);
        await sleep(60);
        running--;
        return 0;
      },
    });
    await sleep(400);
    const stopping = Date.now();
    await timer.stop();
    expect(Date.now() - stopping).toBeLessThan(100);
    expect(most).toBe(1);
    // 400 ms of 60 ms sweeps with 10 ms between them: at most six or seven, not one per 10 ms tick.
    expect(runs).toBeGreaterThanOrEqual(3);
    expect(runs).toBeLessThanOrEqual(7);
    const after = runs;
    await sleep(100);
    expect(runs).toBe(after);
  });
});

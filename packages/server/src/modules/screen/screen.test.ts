import http from "node:http";
import { chinaDate } from "@wangge/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildTestApp, type TestApp } from "../../test/build-test-app.ts";
import { type AreaTree, buildAreaTree, buildUser, type Session, signIn } from "../../test/factories.ts";
import { keepCloseOutFigures } from "../visits/close-outs.service.ts";

/**
 * The big screen's API (GET /screen/overview, GET /screen/stream): a screen account (role 大屏,
 * screen.view only) bound to a township sees that township's figures, open matters, close-outs and
 * newest matters — areas, categories and counts, never what residents wrote or who they are — and
 * nothing of another township; it reads nothing else (no events list, no figures route).
 */
let t: TestApp;
let tree: AreaTree;
let screen: Session;
let worker: Session;
let neighbourWorker: Session;
let address: string;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  t = await buildTestApp();
  tree = await buildAreaTree(t.ctx);
  screen = await signIn(t, await buildUser(t.ctx, { role: "screen", areaCode: tree.township.code }));
  worker = await signIn(t, await buildUser(t.ctx, { role: "grid_head", areaCode: tree.village.code }));
  neighbourWorker = await signIn(t, await buildUser(t.ctx, { role: "grid_head", areaCode: tree.otherGrid.code }));
  address = await t.app.listen({ port: 0, host: "127.0.0.1" });
});
afterAll(async () => {
  await t?.app.close();
  await t?.close();
});

const WRITTEN = "王小明家门口垃圾堆放，电话13812345678";

async function report(who: Session, areaCode: string, categoryKey = "environment.sanitation"): Promise<string> {
  const id = crypto.randomUUID();
  const res = await t.app.inject({
    method: "POST",
    url: "/api/v1/events",
    headers: who.headers,
    payload: { id, categoryKey, description: WRITTEN, areaCode },
  });
  expect(res.statusCode, res.body).toBe(201);
  return id;
}

const overview = (who: Session | undefined, query = "") =>
  t.app.inject({ method: "GET", url: `/api/v1/screen/overview${query}`, headers: who?.headers ?? {} });

describe("GET /screen/overview", () => {
  it("draws its township: this month, 30 days, categories, open matters per area and the newest matters", async () => {
    const a = await report(worker, tree.grid.code);
    await report(worker, tree.grid.code, "dispute.neighbour");
    await report(neighbourWorker, tree.otherGrid.code);
    for (const action of [{ action: "accept" }, { action: "resolve", note: "已清运" }]) {
      const res = await t.app.inject({
        method: "POST",
        url: `/api/v1/events/${a}/transitions`,
        headers: worker.headers,
        payload: action,
      });
      expect(res.statusCode, res.body).toBe(200);
    }

    const res = await overview(screen);
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    const today = chinaDate(t.clock.now);
    expect(body.area.code).toBe(tree.township.code);
    expect(body.areas).toEqual([{ code: tree.township.code, name: tree.township.name }]);
    expect(body.month).toMatchObject({ from: `${today.slice(0, 8)}01`, to: today });
    expect(body.month.counts).toMatchObject({ reported: 2, settled: 1, settledGrid: 1 });
    expect(body.month.rates.settledInGrid).toBe(100);
    expect(body.trend).toHaveLength(30);
    expect(body.trend.at(-1)).toEqual({ day: today, reported: 2, settled: 1, overdue: 0 });
    // Grouped by top-level category, named in both languages.
    expect(body.categories.map((c: { key: string; reported: number }) => [c.key, c.reported]).sort()).toEqual([
      ["dispute", 1],
      ["environment", 1],
    ]);
    expect(body.categories[0].names.zh).not.toBe(body.categories[0].key);
    expect(body.open).toEqual({
      open: 1,
      overdue: 0,
      areas: [{ code: tree.grid.code, path: tree.grid.path, open: 1, overdue: 0 }],
    });
    expect(body.latest).toHaveLength(2);
    expect(body.latest[0]).toMatchObject({ areaCode: tree.grid.code, areaName: tree.grid.name, level: "grid" });
    expect(body.closeOuts).toMatchObject({ day: chinaDate(t.clock.now, -1), grids: 1, closed: 0, latest: [] });
    expect(body.alerts).toEqual({ total: 0, items: [] });
    // A wall is public: nothing residents wrote, no people.
    expect(res.body).not.toContain("王小明");
    expect(res.body).not.toContain("138");
    expect(res.body).not.toContain("测试用户");
  });

  it("shows an area below its own, and any other area (another township, an unknown code) is not found", async () => {
    const village = await overview(screen, `?area=${tree.village.code}`);
    expect(village.statusCode, village.body).toBe(200);
    expect(village.json().area.code).toBe(tree.village.code);
    for (const code of [tree.otherTownship.code, tree.otherGrid.code, tree.county.code, "ZZ999"]) {
      const res = await overview(screen, `?area=${code}`);
      expect(res.statusCode, code).toBe(404);
      expect(res.json().code).toBe("AREA_NOT_FOUND");
    }
  });

  it("refuses a malformed area code with its path", async () => {
    const res = await overview(screen, "?area=bad%20code!");
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe("VALIDATION_FAILED");
    expect(res.json().errors.map((e: { path: string }) => e.path)).toContain("query.area");
    expect((await overview(screen, "?other=1")).statusCode).toBe(400);
  });

  it("asks who is watching, and refuses those who may not open the screen", async () => {
    const anonymous = await overview(undefined);
    expect(anonymous.statusCode).toBe(401);
    expect(anonymous.json().code).toBe("AUTH_REQUIRED");
    const refused = await overview(worker);
    expect(refused.statusCode).toBe(403);
    expect(refused.json().code).toBe("AUTH_FORBIDDEN");
  });

  it("lets a screen account read only the screen: not the events, the figures or the registry", async () => {
    for (const url of [
      "/api/v1/events",
      `/api/v1/figures?area=${tree.township.code}&from=2026-01-01&to=2026-01-31`,
      "/api/v1/people",
      "/api/v1/alerts?state=active",
    ]) {
      const res = await t.app.inject({ method: "GET", url, headers: screen.headers });
      expect(res.statusCode, url).toBe(403);
    }
  });

  it("is open to an official too, within the official's own areas", async () => {
    const official = await signIn(
      t,
      await buildUser(t.ctx, { role: "township_official", areaCode: tree.township.code }),
    );
    const res = await overview(official);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().area.code).toBe(tree.township.code);
    expect((await overview(official, `?area=${tree.otherTownship.code}`)).statusCode).toBe(404);
  });
});

/** The stream read through node:http from the listening app. */
function openStream(session: Session | undefined, query = "") {
  return new Promise<{ res: http.IncomingMessage; text: () => string; close: () => void }>((resolve, reject) => {
    const req = http.get(`${address}/api/v1/screen/stream${query}`, { headers: session?.headers ?? {} }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => {
        text += chunk;
      });
      resolve({ res, text: () => text, close: () => req.destroy() });
    });
    req.on("error", reject);
  });
}

async function until(read: () => string, fragment: string, ms = 5000) {
  const deadline = Date.now() + ms;
  while (!read().includes(fragment)) {
    if (Date.now() > deadline) throw new Error(`no ${fragment} in ${read().slice(-500)}`);
    await sleep(20);
  }
}

describe("GET /screen/stream", () => {
  it("tells the screen of matters of its areas as they arrive: where and what happened, no text, no people", async () => {
    const stream = await openStream(screen);
    expect(stream.res.statusCode).toBe(200);
    expect(stream.res.headers["content-type"]).toMatch(/^text\/event-stream/);
    await until(stream.text, ": connected");
    const elsewhere = await report(neighbourWorker, tree.otherGrid.code);
    const mine = await report(worker, tree.grid.code);
    await until(stream.text, mine);
    stream.close();
    const frames = stream
      .text()
      .split("\n\n")
      .filter((f) => f.includes("event: change"))
      .map((f) =>
        JSON.parse(
          f
            .split("\n")
            .find((l) => l.startsWith("data: "))
            ?.slice(6) ?? "{}",
        ),
      );
    expect(frames.map((f) => f.id)).toEqual([mine]);
    expect(frames[0]).toEqual({
      id: mine,
      action: "report",
      state: "reported",
      areaCode: tree.grid.code,
      areaPath: tree.grid.path,
      at: expect.any(String),
    });
    expect(stream.text()).not.toContain(elsewhere);
    expect(stream.text()).not.toContain("王小明");
  });

  it("is refused without a session and to those who may not open the screen", async () => {
    const anonymous = await openStream(undefined, "?maxSeconds=0");
    expect(anonymous.res.statusCode).toBe(401);
    anonymous.close();
    const refused = await openStream(worker, "?maxSeconds=0");
    expect(refused.res.statusCode).toBe(403);
    refused.close();
    const invalid = await openStream(screen, "?maxSeconds=-1");
    expect(invalid.res.statusCode).toBe(400);
    invalid.close();
  });
});

describe("the screen's close-outs", () => {
  it("count what was carried over in its own area only, when a worker's close-out also covers a grid beyond it", async () => {
    const both = await signIn(
      t,
      await buildUser(t.ctx, {
        role: "grid_head",
        areaCode: tree.grid.code,
        posts: [{ role: "grid_head", areaCode: tree.otherGrid.code }],
      }),
    );
    await report(both, tree.grid.code);
    await report(both, tree.otherGrid.code);
    const day = await t.app.inject({ method: "GET", url: "/api/v1/close-outs/day", headers: both.headers });
    expect(day.statusCode, day.body).toBe(200);
    const stillOpen = day.json().summary.events.stillOpen as { id: string }[];
    const id = crypto.randomUUID();
    const closed = await t.app.inject({
      method: "POST",
      url: "/api/v1/close-outs",
      headers: both.headers,
      payload: {
        id,
        day: day.json().summary.day,
        carryOvers: stillOpen.map((e) => ({ eventId: e.id, reason: "awaiting_party" })),
      },
    });
    expect(closed.statusCode, closed.body).toBe(201);
    // The worker's day holds matters of both townships; the wall counts only its own township's.
    const carriedHere = (await overview(screen)).json().closeOuts.latest.find((c: { id: string }) => c.id === id);
    const inside = await t.ctx.db
      .selectFrom("close_out_carry_over as co")
      .innerJoin("event as e", "e.id", "co.event_id")
      .select("e.id")
      .where("co.close_out_id", "=", id)
      .where("e.area_path", "like", `${tree.township.path}%`)
      .execute();
    expect(stillOpen.length).toBeGreaterThan(inside.length);
    expect(carriedHere.stillOpen).toBe(inside.length);
  });
});

describe("the screen's close-out count", () => {
  it("is exact beyond 5,000 grids: grids named, under a closed-out village, of a closed-out microgrid, and none twice", async () => {
    const root = `B${Date.now().toString(36).toUpperCase()}`;
    const county = await t.ctx.db
      .insertInto("area")
      .values({
        id: crypto.randomUUID(),
        code: root,
        name: "大县",
        level: "county",
        parent_id: null,
        path: `/${root}/`,
        kind: null,
        abolished_at: null,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    const townshipCode = `${root}001`;
    const township = await t.ctx.db
      .insertInto("area")
      .values({
        id: crypto.randomUUID(),
        code: townshipCode,
        name: "大镇",
        level: "township",
        parent_id: county.id,
        path: `${county.path}${townshipCode}/`,
        kind: null,
        abolished_at: null,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    // 6 villages of 900 grids: 5,400 grids, one of them abolished.
    const villages = [];
    for (let v = 0; v < 6; v++) {
      const code = `${townshipCode}${String(v).padStart(3, "0")}`;
      villages.push(
        await t.ctx.db
          .insertInto("area")
          .values({
            id: crypto.randomUUID(),
            code,
            name: `村${v}`,
            level: "village",
            parent_id: township.id,
            path: `${township.path}${code}/`,
            kind: null,
            abolished_at: null,
          })
          .returningAll()
          .executeTakeFirstOrThrow(),
      );
    }
    const grids = villages.flatMap((village) =>
      Array.from({ length: 900 }, (_, i) => {
        const code = `${village.code}G${String(i).padStart(3, "0")}`;
        return {
          id: crypto.randomUUID(),
          code,
          name: `网格${i}`,
          level: "grid" as const,
          parent_id: village.id,
          path: `${village.path}${code}/`,
          kind: "rural" as const,
          abolished_at: null as Date | null,
        };
      }),
    );
    (grids[5] as { abolished_at: Date | null }).abolished_at = new Date();
    for (let i = 0; i < grids.length; i += 1000)
      await t.ctx.db
        .insertInto("area")
        .values(grids.slice(i, i + 1000))
        .execute();
    const micro = {
      id: crypto.randomUUID(),
      code: `${grids[4000]?.code}M1`,
      name: "微网格",
      level: "microgrid" as const,
      parent_id: grids[4000]?.id as string,
      path: `${grids[4000]?.path}${grids[4000]?.code}M1/`,
      kind: null,
      abolished_at: null,
    };
    await t.ctx.db.insertInto("area").values(micro).execute();

    // Yesterday's close-outs: 3,000 grids by name (0–2999, with the abolished grid 5: not counted), all of
    // village 3 (grids 2700–3599: 300 of them named too) and the microgrid of grid 4000.
    const day = chinaDate(t.clock.now, -1);
    const closer = await buildUser(t.ctx, { role: "grid_head", areaCode: tree.grid.code });
    const closeOutId = crypto.randomUUID();
    await t.ctx.db
      .insertInto("close_out")
      .values({
        id: closeOutId,
        user_id: closer.id,
        day,
        area_paths: [],
        summary: JSON.stringify({ events: { stillOpen: [] } }),
        note: null,
        note_sealed: null,
        confirmed_at: t.clock.now,
        confirmed_by_name: "测试",
      } as never)
      .execute();
    const paths = [...grids.slice(0, 3000).map((g) => g.path), villages[3]?.path as string, micro.path];
    for (let i = 0; i < paths.length; i += 1000)
      await t.ctx.db
        .insertInto("close_out_area")
        .values(paths.slice(i, i + 1000).map((area_path) => ({ close_out_id: closeOutId, day, area_path })))
        .execute();
    // As its confirmation keeps it: the grids it covers recorded, the figures moved.
    await t.ctx.db.transaction().execute((trx) => keepCloseOutFigures(trx, closeOutId, day, paths));

    const wall = await signIn(t, await buildUser(t.ctx, { role: "screen", areaCode: townshipCode }));
    const res = await overview(wall);
    expect(res.statusCode, res.body).toBe(200);
    // The raw count: every live grid, and those with a close-out of the day at, above or below them.
    const liveGrids = await t.ctx.db
      .selectFrom("area")
      .select("path")
      .where("level", "=", "grid")
      .where("abolished_at", "is", null)
      .where("path", "like", `${township.path}%`)
      .execute();
    const closedPaths = (
      await t.ctx.db.selectFrom("close_out_area").select("area_path").where("day", "=", day).execute()
    ).map((r) => r.area_path);
    const prefixesOf = (p: string) =>
      p
        .split("/")
        .slice(1, -1)
        .map((_, i, parts) => `/${parts.slice(0, i + 1).join("/")}/`);
    const closedSet = new Set(closedPaths);
    const underClosed = new Set(closedPaths.flatMap(prefixesOf));
    const raw = {
      grids: liveGrids.length,
      closed: liveGrids.filter((g) => underClosed.has(g.path) || prefixesOf(g.path).some((p) => closedSet.has(p)))
        .length,
    };
    expect(raw).toEqual({ grids: 5399, closed: 2999 + 600 + 1 });
    expect(res.json().closeOuts).toMatchObject({ day, grids: 5399, closed: 3600 });
    // A village's screen (900 grids, all closed out by the village's close-out) and one of its grids.
    const village = await overview(wall, `?area=${villages[3]?.code}`);
    expect(village.json().closeOuts).toMatchObject({ grids: 900, closed: 900 });
    const grid = await overview(wall, `?area=${grids[4000]?.code}`);
    expect(grid.json().closeOuts).toMatchObject({ grids: 1, closed: 1 });
    const open = await overview(wall, `?area=${villages[5]?.code}`);
    expect(open.json().closeOuts).toMatchObject({ grids: 900, closed: 0 });
  }, 120_000);
});

describe("live streams per reader", () => {
  it("keeps at most 5 open per account: a sixth ends the oldest, told so, and leaves other accounts' alone", async () => {
    const wall = await signIn(t, await buildUser(t.ctx, { role: "screen", areaCode: tree.township.code }));
    const other = await openStream(screen);
    const streams = [];
    for (let i = 0; i < 5; i++) {
      const s = await openStream(wall);
      await until(s.text, ": connected");
      streams.push(s);
    }
    const sixth = await openStream(wall);
    await until(sixth.text, ": connected");
    await until(streams[0]?.text ?? (() => ""), "event: superseded");
    const mine = await report(worker, tree.grid.code);
    for (const s of [...streams.slice(1), sixth, other]) await until(s.text, mine);
    expect(streams[0]?.text()).not.toContain(mine);
    for (const s of streams.slice(1)) expect(s.text()).not.toContain("superseded");
    for (const s of [...streams, sixth, other]) s.close();
  });
});

import { DEFAULT_TAGS, systemPrincipal } from "@wangge/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildTestApp, type TestApp } from "../../test/build-test-app.ts";
import { type AreaTree, buildAreaTree, buildUser, type Session, signIn } from "../../test/factories.ts";
import { ensureArea } from "../areas/areas.service.ts";
import type { AreaRow } from "../areas/areas.table.ts";
import { createHousehold } from "../registry/households.service.ts";
import { createPerson } from "../registry/people.service.ts";
import { createPlace } from "../registry/places.service.ts";
import { tagSubject } from "../registry/tags.service.ts";
import { recordVisit } from "./visits.service.ts";

/**
 * "Visits due" as a figure (GET /visits/due-counts): for random areas of a random registry — people
 * with care, service and sensitive tags since random days, households, visits met or not on random
 * days — each number equals the count of the due list behind it (GET /visits/due) for that area and
 * status; and the route's refusals.
 */
let t: TestApp;
let tree: AreaTree;
const areas: AreaRow[] = [];
let county: Session;
let township: Session;
let worker: Session;
const meta = { requestId: "test", ip: null, userAgent: null };
const system = systemPrincipal();

/** A small deterministic generator (mulberry32): a failure names its seed and replays. */
const SEED = Number(process.env.WANGGE_TEST_SEED ?? 20261211);
function random(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = Math.imul(a ^ (a >>> 15), 1 | a);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}
const rnd = random(SEED);
const pick = <T>(items: readonly T[]): T => items[Math.floor(rnd() * items.length)] as T;
const chinaDay = (at: Date) => new Date(at.getTime() + 8 * 3_600_000).toISOString().slice(0, 10);

const RHYTHM_TAGS = DEFAULT_TAGS.filter((d) => d.visitEveryDays !== null && d.category !== "sensitive").map(
  (d) => d.key,
);
const SENSITIVE = "severe_mental_disorder";
const SURNAMES = ["韦", "黄", "覃", "莫", "陆", "梁", "蒙", "农"];
const GIVEN = ["秀英", "桂兰", "建华", "志强", "美玲", "国庆", "春燕", "德明"];

const inject = (session: Session | null, url: string) =>
  t.app.inject({ method: "GET", url, headers: session?.headers ?? {} });

async function household(grid: AreaRow, village: AreaRow, n: number) {
  const placeId = crypto.randomUUID();
  await createPlace(t.ctx, system, meta, {
    id: placeId,
    divisionCode: village.code,
    road: "民主路",
    houseNumber: String(n),
    gridCode: grid.code,
  });
  const householdId = crypto.randomUUID();
  await createHousehold(t.ctx, system, meta, { id: householdId, placeId });
  const people: string[] = [];
  for (let i = 0; i < 1 + Math.floor(rnd() * 3); i++) {
    const personId = crypto.randomUUID();
    await createPerson(t.ctx, system, meta, { id: personId, name: `${pick(SURNAMES)}${pick(GIVEN)}`, householdId });
    people.push(personId);
    const roll = rnd();
    const since = chinaDay(new Date(t.clock.now.getTime() - Math.floor(rnd() * 60) * 86_400_000));
    if (roll < 0.55)
      await tagSubject(t.ctx, system, meta, "person", personId, [{ key: pick(RHYTHM_TAGS), validFrom: since }]);
    else if (roll < 0.65)
      await tagSubject(t.ctx, system, meta, "person", personId, [{ key: SENSITIVE, validFrom: since }]);
  }
  // Visited on a random day of the last four weeks, or not at all; sometimes nobody was home.
  if (rnd() < 0.6) {
    await recordVisit(t.ctx, system, meta, {
      id: crypto.randomUUID(),
      householdId,
      personIds: rnd() < 0.8 ? people : [],
      kind: "routine",
      outcome: rnd() < 0.85 ? "visited" : "nobody_home",
      checklist: [],
      needs: [],
      visitedAt: new Date(t.clock.now.getTime() - Math.floor(rnd() * 28 * 24 + 1) * 3_600_000).toISOString(),
    } as Parameters<typeof recordVisit>[3]);
  }
}

beforeAll(async () => {
  t = await buildTestApp();
  tree = await buildAreaTree(t.ctx);
  const secondGrid = await ensureArea(t.ctx.db, {
    code: `${tree.village.code}G07`,
    name: "河西网格",
    level: "grid",
    parentCode: tree.village.code,
  });
  const secondVillage = await ensureArea(t.ctx.db, {
    code: `${tree.township.code}107`,
    name: "石卡村",
    level: "village",
    parentCode: tree.township.code,
  });
  const thirdGrid = await ensureArea(t.ctx.db, {
    code: `${secondVillage.code}G01`,
    name: "石卡一网格",
    level: "grid",
    parentCode: secondVillage.code,
  });
  const grids: [AreaRow, AreaRow][] = [
    [tree.grid, tree.village],
    [secondGrid, tree.village],
    [thirdGrid, secondVillage],
    [tree.otherGrid, tree.otherTownship],
  ];
  for (let n = 1; n <= 36; n++) {
    const [grid, village] = pick(grids);
    await household(grid, village, n);
  }
  areas.push(
    tree.county,
    tree.township,
    tree.village,
    tree.grid,
    secondGrid,
    secondVillage,
    thirdGrid,
    tree.otherTownship,
    tree.otherGrid,
  );
  // A reader of the county's figures who also keeps its visits (and so may open the due list).
  county = await signIn(t, await buildUser(t.ctx, { role: "township_official", areaCode: tree.county.code }));
  township = await signIn(t, await buildUser(t.ctx, { role: "township_official", areaCode: tree.township.code }));
  worker = await signIn(t, await buildUser(t.ctx, { role: "grid_worker", areaCode: tree.grid.code }));
}, 180_000);

afterAll(async () => {
  await t?.close();
});

describe("GET /visits/due-counts", () => {
  it(`equals the due list behind it for random areas (seed ${SEED})`, async () => {
    const chosen = [...areas].sort(() => rnd() - 0.5).slice(0, 6);
    let seen = 0;
    for (const area of chosen) {
      const res = await inject(county, `/api/v1/visits/due-counts?areaCode=${area.code}`);
      expect(res.statusCode, res.body).toBe(200);
      const figure = res.json();
      expect(figure.area).toEqual({ code: area.code, name: area.name, level: area.level });
      const list = async (status: string) => {
        const r = await inject(county, `/api/v1/visits/due?areaCode=${area.code}&status=${status}&limit=1000`);
        expect(r.statusCode, r.body).toBe(200);
        return r.json() as { total: number; items: { status: string }[] };
      };
      const due = await list("overdue,due");
      const done = await list("done");
      expect(figure.overdue + figure.due, area.code).toBe(due.total);
      expect(due.items).toHaveLength(due.total);
      expect(due.items.filter((i) => i.status === "overdue")).toHaveLength(figure.overdue);
      expect(figure.done, area.code).toBe(done.total);
      expect(done.items).toHaveLength(done.total);
      seen += figure.overdue + figure.due + figure.done;
    }
    // The registry is not empty where the figure looked: every status occurs somewhere.
    expect(seen).toBeGreaterThan(0);
    const whole = (await inject(county, `/api/v1/visits/due-counts?areaCode=${tree.county.code}`)).json();
    expect(whole.overdue).toBeGreaterThan(0);
    expect(whole.due).toBeGreaterThan(0);
    expect(whole.done).toBeGreaterThan(0);
  });

  it("counts a subject done once someone is met, and never one with only a sensitive tag", async () => {
    const counts = async () => (await inject(township, `/api/v1/visits/due-counts?areaCode=${tree.grid.code}`)).json();
    const before = await counts();
    // A new household: due from today (its plan), with one person tagged only sensitively.
    const placeId = crypto.randomUUID();
    await createPlace(t.ctx, system, meta, {
      id: placeId,
      divisionCode: tree.village.code,
      road: "中山路",
      gridCode: tree.grid.code,
    });
    const householdId = crypto.randomUUID();
    await createHousehold(t.ctx, system, meta, { id: householdId, placeId });
    const personId = crypto.randomUUID();
    await createPerson(t.ctx, system, meta, { id: personId, name: "蒙德明", householdId });
    await tagSubject(t.ctx, system, meta, "person", personId, [{ key: SENSITIVE }]);
    const added = await counts();
    expect(added.due).toBe(before.due + 1);
    expect(added.overdue + added.done).toBe(before.overdue + before.done);
    await recordVisit(t.ctx, system, meta, {
      id: crypto.randomUUID(),
      householdId,
      personIds: [personId],
      kind: "routine",
      outcome: "visited",
      checklist: [],
      needs: [],
      visitedAt: new Date(t.clock.now.getTime() - 60_000).toISOString(),
    } as Parameters<typeof recordVisit>[3]);
    const visited = await counts();
    expect(visited.due).toBe(before.due);
    expect(visited.done).toBe(before.done + 1);
  });

  it("refuses bad input, strangers and readers without report.read; another township's area is not found", async () => {
    const bad = await inject(township, "/api/v1/visits/due-counts?areaCode=x!");
    expect(bad.statusCode).toBe(400);
    expect(bad.headers["content-type"]).toContain("application/problem+json");
    expect(bad.json().errors).toEqual([expect.objectContaining({ path: "query.areaCode" })]);
    expect((await inject(null, "/api/v1/visits/due-counts")).statusCode).toBe(401);
    expect((await inject(worker, `/api/v1/visits/due-counts?areaCode=${tree.grid.code}`)).statusCode).toBe(403);
    const other = await inject(township, `/api/v1/visits/due-counts?areaCode=${tree.otherTownship.code}`);
    expect(other.statusCode).toBe(404);
    expect(other.json().code).toBe("AREA_NOT_FOUND");
    // No area asked: the reader's one area.
    expect((await inject(township, "/api/v1/visits/due-counts")).json().area.code).toBe(tree.township.code);
  });
});

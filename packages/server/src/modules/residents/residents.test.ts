import { checkCharacter, systemPrincipal } from "@wangge/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildTestApp, type TestApp } from "../../test/build-test-app.ts";
import {
  type AreaTree,
  buildAreaTree,
  buildUser,
  drawVillageAndGrid,
  type Session,
  signIn,
} from "../../test/factories.ts";
import { createHousehold } from "../registry/households.service.ts";
import { createPerson } from "../registry/people.service.ts";
import { createPlace } from "../registry/places.service.ts";

/**
 * A resident's link to their registry record through the HTTP API against a real database: linking by
 * name and ID number (alike answers for a wrong name and an unknown number, the day lock per account
 * and per number, one account per record in parallel), the household (others masked), who looked at
 * the record and why (posts, not names, by default), unlinking.
 */
let t: TestApp;
let tree: AreaTree;
let gridHead: Session;
let worker: Session;
const meta = { requestId: "test", ip: null, userAgent: null };
const idOf = (first17: string) => `${first17}${checkCharacter(first17)}`;
const WEI = idOf("45080219850312001");
const HUANG = idOf("45080219870716002");
const STRANGER = idOf("45080219900101003");
const ids = {
  place: crypto.randomUUID(),
  household: crypto.randomUUID(),
  wei: crypto.randomUUID(),
  huang: crypto.randomUUID(),
};

const inject = (session: Session | null, method: "GET" | "PUT" | "DELETE" | "POST", url: string, payload?: unknown) =>
  t.app.inject({
    method,
    url,
    headers: session?.headers ?? {},
    ...(payload !== undefined ? { payload: payload as object } : {}),
  });

async function resident(): Promise<Session> {
  return signIn(t, await buildUser(t.ctx, { role: "resident", areaCode: null }));
}

beforeAll(async () => {
  t = await buildTestApp();
  tree = await buildAreaTree(t.ctx);
  const system = systemPrincipal();
  await createPlace(t.ctx, system, meta, {
    id: ids.place,
    divisionCode: tree.village.code,
    road: "平南路",
    houseNumber: "18",
    gridCode: tree.grid.code,
  });
  await createHousehold(t.ctx, system, meta, { id: ids.household, placeId: ids.place });
  await createPerson(t.ctx, system, meta, {
    id: ids.wei,
    name: "韦志强",
    idNumber: WEI,
    phone: "13877120001",
    householdId: ids.household,
    relationship: "head",
  });
  await createPerson(t.ctx, system, meta, {
    id: ids.huang,
    name: "黄秀兰",
    idNumber: HUANG,
    householdId: ids.household,
    relationship: "spouse",
  });
  gridHead = await signIn(t, await buildUser(t.ctx, { role: "grid_head", areaCode: tree.grid.code }));
  worker = await signIn(t, await buildUser(t.ctx, { role: "grid_worker", areaCode: tree.grid.code }));
}, 60_000);
afterAll(async () => {
  await t?.close();
});

describe("linking a resident's record", () => {
  it("answers 401 signed out and 403 to staff, who have no record of their own here", async () => {
    expect((await inject(null, "GET", "/api/v1/residents/me")).statusCode).toBe(401);
    const res = await inject(worker, "PUT", "/api/v1/residents/me/link", { name: "韦志强", idNumber: WEI });
    expect(res.statusCode).toBe(403);
    expect(res.json().code).toBe("AUTH_FORBIDDEN");
  });

  it("refuses what is not an ID number with the field's path, counting no attempt", async () => {
    const me = await resident();
    const res = await inject(me, "PUT", "/api/v1/residents/me/link", {
      name: "韦志强",
      idNumber: "450802198503120010",
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors[0].path).toBe("body.idNumber");
    const bad = await inject(me, "PUT", "/api/v1/residents/me/link", { name: "", idNumber: WEI });
    expect(bad.statusCode).toBe(400);
    expect((await inject(me, "GET", "/api/v1/residents/me")).json()).toMatchObject({
      linked: false,
      lockedUntil: null,
    });
  });

  it("answers a wrong name and an unknown number alike", async () => {
    const me = await resident();
    const wrongName = await inject(me, "PUT", "/api/v1/residents/me/link", { name: "韦志刚", idNumber: WEI });
    const unknown = await inject(me, "PUT", "/api/v1/residents/me/link", { name: "韦志强", idNumber: STRANGER });
    expect(wrongName.statusCode).toBe(422);
    expect(unknown.statusCode).toBe(422);
    const strip = (body: Record<string, unknown>) => ({ ...body, instance: undefined, requestId: undefined });
    expect(strip(wrongName.json())).toEqual(strip(unknown.json()));
    expect(wrongName.json().code).toBe("RESIDENT_LINK_NO_MATCH");
    expect(wrongName.body).not.toContain("韦志强");
  });

  it("locks an account for a day after five failures, even for the right name and number", async () => {
    const me = await resident();
    for (let i = 0; i < 5; i++) {
      // Five numbers nobody is registered under, each tried once: the account's own count locks it.
      const res = await inject(me, "PUT", "/api/v1/residents/me/link", {
        name: "韦志强",
        idNumber: idOf(`4508021991010100${i}`),
      });
      expect(res.json().code).toBe("RESIDENT_LINK_NO_MATCH");
    }
    const right = await inject(me, "PUT", "/api/v1/residents/me/link", { name: "韦志强", idNumber: WEI });
    expect(right.statusCode).toBe(429);
    expect(right.json().code).toBe("RESIDENT_LINK_LOCKED");
    const record = (await inject(me, "GET", "/api/v1/residents/me")).json();
    expect(record.linked).toBe(false);
    expect(new Date(record.lockedUntil).getTime()).toBeGreaterThan(Date.now() + 23 * 3_600_000);
  });

  it("locks a number after five failures from different accounts, so accounts cannot be pooled to guess", async () => {
    const target = idOf("45080219700505004");
    await createPerson(t.ctx, systemPrincipal(), meta, {
      id: crypto.randomUUID(),
      name: "梁文华",
      idNumber: target,
      gridCode: tree.grid.code,
    });
    for (let i = 0; i < 5; i++) {
      const res = await inject(await resident(), "PUT", "/api/v1/residents/me/link", {
        name: `梁${i}`,
        idNumber: target,
      });
      expect(res.json().code).toBe("RESIDENT_LINK_NO_MATCH");
    }
    const sixth = await inject(await resident(), "PUT", "/api/v1/residents/me/link", {
      name: "梁文华",
      idNumber: target,
    });
    expect(sixth.json().code).toBe("RESIDENT_LINK_LOCKED");
  });

  it("links one record to one account when two try in parallel, audited", async () => {
    const [a, b] = [await resident(), await resident()];
    const results = await Promise.all(
      [a, b].map((s) => inject(s, "PUT", "/api/v1/residents/me/link", { name: "韦志强", idNumber: WEI })),
    );
    const statuses = results.map((r) => r.statusCode).sort();
    expect(statuses).toEqual([200, 409]);
    const loser = results.find((r) => r.statusCode === 409);
    expect(loser?.json().code).toBe("RESIDENT_LINK_TAKEN");
    const winner = results.find((r) => r.statusCode === 200);
    expect(winner?.json()).toMatchObject({ linked: true, name: "韦志强", idNumberMasked: "450802************" });
    expect(winner?.body).not.toContain(WEI);
    const audit = await t.ctx.db
      .selectFrom("audit_log")
      .select(["outcome", "reason"])
      .where("action", "=", "resident.link")
      .where("target_id", "=", ids.wei)
      .execute();
    expect(audit.map((r) => r.outcome).sort()).toEqual(["denied", "success"]);
    // The winner unlinks, so the record is free for the tests below.
    const who = winner === results[0] ? a : b;
    expect((await inject(who, "DELETE", "/api/v1/residents/me/link")).statusCode).toBe(204);
  });
});

describe("a linked resident", () => {
  let me: Session;
  beforeAll(async () => {
    me = await resident();
    const res = await inject(me, "PUT", "/api/v1/residents/me/link", { name: " 韦志强 ", idNumber: WEI.toLowerCase() });
    expect(res.statusCode).toBe(200);
  });

  it("answers a retried link again and refuses another record until unlinked", async () => {
    expect((await inject(me, "PUT", "/api/v1/residents/me/link", { name: "韦志强", idNumber: WEI })).statusCode).toBe(
      200,
    );
    const other = await inject(me, "PUT", "/api/v1/residents/me/link", { name: "黄秀兰", idNumber: HUANG });
    expect(other.statusCode).toBe(409);
    expect(other.json().code).toBe("RESIDENT_ALREADY_LINKED");
  });

  it("sees no subsidies (not a refusal) while nobody in the household was paid", async () => {
    const res = await inject(me, "GET", "/api/v1/residents/me/subsidies");
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual([]);
  });

  it("sees their household with the other members partly masked and no numbers", async () => {
    const res = await inject(me, "GET", "/api/v1/residents/me/household");
    expect(res.statusCode).toBe(200);
    expect(res.json().members).toEqual([
      { self: true, name: "韦志强", relationship: "head" },
      { self: false, name: "黄*兰", relationship: "spouse" },
    ]);
    expect(res.body).not.toContain("黄秀兰");
    expect(res.body).not.toContain(HUANG.slice(0, 6));
  });

  it("sees a grid head's reveal with its reason and the post, not the name", async () => {
    const reveal = await inject(gridHead, "POST", `/api/v1/people/${ids.wei}/reveal`, {
      fields: ["idNumber"],
      reason: "核实高龄津贴申请，联系 13877129999",
    });
    expect(reveal.statusCode).toBe(200);
    const res = await inject(me, "GET", "/api/v1/residents/me/access-log");
    expect(res.statusCode).toBe(200);
    const entry = res.json().find((e: { action: string }) => e.action === "reveal");
    expect(entry).toMatchObject({
      action: "reveal",
      fields: ["idNumber"],
      reason: "核实高龄津贴申请，联系 138****9999",
      system: false,
      staffName: null,
      posts: [{ role: { "zh-CN": "网格长", en: "Grid head" }, areaName: "一网格" }],
    });
    expect(res.body).not.toContain("测试用户");
  });

  it("sees a handler read the text and contact of a matter they reported, with the reason and the post", async () => {
    // The village and its grid drawn, so a report at their point lands in the grid head's grid.
    await drawVillageAndGrid(t, await signIn(t, await buildUser(t.ctx, { role: "admin" })), tree);
    const reported = await inject(me, "POST", "/api/v1/events", {
      id: crypto.randomUUID(),
      source: "resident",
      categoryKey: "environment.sanitation",
      lng: 109.605,
      lat: 23.105,
      description: "楼道灯坏了，有事打 13877120001",
      contact: { name: "韦志强", phone: "13877120001" },
      consentNote: "同意留联系方式回访",
    });
    expect(reported.statusCode, reported.body).toBe(201);
    const event = reported.json();
    const before = (await inject(me, "GET", "/api/v1/residents/me/access-log")).json();
    // Reading it masked is no reveal: nothing new in the log.
    expect((await inject(gridHead, "GET", `/api/v1/events/${event.id}`)).statusCode).toBe(200);
    expect((await inject(me, "GET", "/api/v1/residents/me/access-log")).json()).toEqual(before);

    const reveal = await inject(gridHead, "POST", `/api/v1/events/${event.id}/reveal`, {
      reason: "回访居民，电话 13877129999 打不通",
    });
    expect(reveal.statusCode, reveal.body).toBe(200);
    const log = await inject(me, "GET", "/api/v1/residents/me/access-log");
    expect(log.json()).toHaveLength(before.length + 1);
    expect(log.json()[0]).toEqual({
      at: expect.any(String),
      action: "event_reveal",
      fields: ["reportText", "phone"],
      reason: "回访居民，电话 138****9999 打不通",
      system: false,
      staffName: null,
      posts: [{ role: { "zh-CN": "网格长", en: "Grid head" }, areaName: "一网格" }],
    });
    expect(log.body).not.toContain("13877120001");
    // Not the record's: staff reading the person's log do not learn that they reported something, nor why it was read.
    const staffLog = await inject(gridHead, "GET", `/api/v1/people/${ids.wei}/access-log`);
    expect(staffLog.statusCode, staffLog.body).toBe(200);
    expect(staffLog.json().map((e: { action: string }) => e.action)).not.toContain("event_reveal");
    expect(staffLog.body).not.toContain("回访居民");
    // Nor for another account linked to the record later (a relative who knows the name and number).
    expect((await inject(me, "DELETE", "/api/v1/residents/me/link")).statusCode).toBe(204);
    const relative = await resident();
    expect(
      (await inject(relative, "PUT", "/api/v1/residents/me/link", { name: "韦志强", idNumber: WEI })).statusCode,
    ).toBe(200);
    const theirs = await inject(relative, "GET", "/api/v1/residents/me/access-log");
    expect(theirs.json().map((e: { action: string }) => e.action)).not.toContain("event_reveal");
    expect(theirs.json()).toHaveLength(before.length);
    expect((await inject(relative, "DELETE", "/api/v1/residents/me/link")).statusCode).toBe(204);
    expect((await inject(me, "PUT", "/api/v1/residents/me/link", { name: "韦志强", idNumber: WEI })).statusCode).toBe(
      200,
    );
    expect((await inject(me, "GET", "/api/v1/residents/me/access-log")).json()[0].action).toBe("event_reveal");

    // A reporter with no record linked (or an anonymous one) has no log to write to: the reveal still works.
    const unlinked = await resident();
    const other = await inject(unlinked, "POST", "/api/v1/events", {
      id: crypto.randomUUID(),
      source: "resident",
      categoryKey: "environment.sanitation",
      lng: 109.605,
      lat: 23.105,
      description: "路灯不亮",
      contact: { phone: "13877120002" },
      consentNote: "同意留联系方式回访",
    });
    expect(other.statusCode, other.body).toBe(201);
    const before2 = await t.ctx.db.selectFrom("person_access").select("id").execute();
    const second = await inject(gridHead, "POST", `/api/v1/events/${other.json().id}/reveal`, { reason: "回访居民" });
    expect(second.statusCode, second.body).toBe(200);
    expect(await t.ctx.db.selectFrom("person_access").select("id").execute()).toHaveLength(before2.length);
  });

  it("is told to link first once unlinked, and unlinking twice says so", async () => {
    expect((await inject(me, "DELETE", "/api/v1/residents/me/link")).statusCode).toBe(204);
    const res = await inject(me, "GET", "/api/v1/residents/me/household");
    expect(res.statusCode).toBe(409);
    expect(res.json().code).toBe("RESIDENT_NOT_LINKED");
    expect((await inject(me, "DELETE", "/api/v1/residents/me/link")).json().code).toBe("RESIDENT_NOT_LINKED");
    expect((await inject(me, "GET", "/api/v1/residents/me/subsidies")).json().code).toBe("RESIDENT_NOT_LINKED");
  });
});

describe("a deployment that shows staff names", () => {
  it("puts the name beside the post", async () => {
    const named = await buildTestApp({ WANGGE_ACCESS_LOG_SHOWS: "names" });
    try {
      const area = await buildAreaTree(named.ctx);
      const personId = crypto.randomUUID();
      const id = idOf("45080219600808005");
      await createPerson(named.ctx, systemPrincipal(), meta, {
        id: personId,
        name: "陆春梅",
        idNumber: id,
        gridCode: area.grid.code,
      });
      const head = await buildUser(named.ctx, { role: "grid_head", areaCode: area.grid.code });
      const headSession = await signIn(named, head);
      await named.app.inject({
        method: "POST",
        url: `/api/v1/people/${personId}/reveal`,
        headers: headSession.headers,
        payload: { fields: ["idNumber"], reason: "低保复核" },
      });
      const me = await signIn(named, await buildUser(named.ctx, { role: "resident", areaCode: null }));
      await named.app.inject({
        method: "PUT",
        url: "/api/v1/residents/me/link",
        headers: me.headers,
        payload: { name: "陆春梅", idNumber: id },
      });
      const log = await named.app.inject({
        method: "GET",
        url: "/api/v1/residents/me/access-log",
        headers: me.headers,
      });
      expect(log.json()[0]).toMatchObject({
        action: "reveal",
        reason: "低保复核",
        staffName: `测试用户 ${head.username}`,
      });
    } finally {
      await named.close();
    }
  }, 60_000);
});

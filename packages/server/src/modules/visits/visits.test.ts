import { checkCharacter, chinaDate, systemPrincipal } from "@wangge/core";
import jpeg from "jpeg-js";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildTestApp, type TestApp } from "../../test/build-test-app.ts";
import { type AreaTree, buildAreaTree, buildUser, type Session, signIn } from "../../test/factories.ts";
import { ensureArea } from "../areas/areas.service.ts";
import { reportEvent } from "../events/events.service.ts";
import { createHousehold, setLeadHouseholds } from "../registry/households.service.ts";
import { createPerson } from "../registry/people.service.ts";
import { createPlace } from "../registry/places.service.ts";
import { tagSubject } from "../registry/tags.service.ts";
import { scene } from "./photo-scene.test-support.ts";

/**
 * Door-knocking visits through the HTTP API against a real database: plans, the due list derived from
 * the registry, recording (idempotent, scoped, time-bounded), needs handed on, history, coverage and
 * signals — and no ID or phone number in any answer.
 */
let t: TestApp;
let tree: AreaTree;
let siblingGrid: string;
let worker: Session;
let siblingWorker: Session;
let villageOfficial: Session;
let township: Session;
let admin: Session;
const meta = { requestId: "test", ip: null, userAgent: null };
const ID_NUMBER = (() => {
  const first17 = "45080219400101002";
  return `${first17}${checkCharacter(first17)}`;
})();
const PHONE = "13877125678";
const PNG = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==",
  "base64",
);
/** Two households of the grid: one near (east), one far; their places carry points. */
const ids = {
  nearPlace: crypto.randomUUID(),
  farPlace: crypto.randomUUID(),
  near: crypto.randomUUID(),
  far: crypto.randomUUID(),
  lead: crypto.randomUUID(),
  elder: crypto.randomUUID(),
  child: crypto.randomUUID(),
  siblingHousehold: crypto.randomUUID(),
};
const HERE = { lng: 109.6, lat: 23.1 };

const inject = (session: Session | null, method: "GET" | "POST" | "PUT", url: string, payload?: unknown) =>
  t.app.inject({
    method,
    url,
    headers: session?.headers ?? {},
    ...(payload !== undefined ? { payload: payload as object } : {}),
  });

/** The audit trail's records of an action on a visit. */
const audited = (action: string, targetId: string) =>
  t.ctx.db
    .selectFrom("audit_log")
    .select(["outcome", "area_path", "details", "actor_username"])
    .where("action", "=", action)
    .where("target_id", "=", targetId)
    .execute();

const noNumbers = (body: string) => {
  expect(body).not.toContain(ID_NUMBER);
  expect(body).not.toContain(PHONE);
  expect(body).not.toContain(`${ID_NUMBER.slice(0, 6)}*`);
  expect(body).not.toContain("****5678");
};

function newVisit(over: Record<string, unknown> = {}) {
  return {
    id: crypto.randomUUID(),
    householdId: ids.near,
    personIds: [ids.elder],
    kind: "care",
    outcome: "visited",
    checklist: [
      { key: "home_safe", ok: true },
      { key: "health", ok: true },
    ],
    visitedAt: new Date(Date.now() - 60_000).toISOString(),
    lng: HERE.lng,
    lat: HERE.lat,
    ...over,
  };
}

beforeAll(async () => {
  t = await buildTestApp();
  tree = await buildAreaTree(t.ctx);
  siblingGrid = (
    await ensureArea(t.ctx.db, {
      code: `${tree.grid.code}X`,
      name: "二网格",
      level: "grid",
      parentCode: tree.village.code,
    })
  ).code;
  const system = systemPrincipal();
  await createPlace(t.ctx, system, meta, {
    id: ids.nearPlace,
    divisionCode: tree.village.code,
    road: "二路",
    houseNumber: "2",
    gridCode: tree.grid.code,
    lng: HERE.lng + 0.0005,
    lat: HERE.lat,
  });
  await createPlace(t.ctx, system, meta, {
    id: ids.farPlace,
    divisionCode: tree.village.code,
    road: "一路",
    houseNumber: "1",
    gridCode: tree.grid.code,
    lng: HERE.lng + 0.02,
    lat: HERE.lat,
  });
  await createHousehold(t.ctx, system, meta, { id: ids.near, placeId: ids.nearPlace });
  await createHousehold(t.ctx, system, meta, { id: ids.far, placeId: ids.farPlace });
  await createHousehold(t.ctx, system, meta, { id: ids.lead, placeId: ids.farPlace });
  await createPerson(t.ctx, system, meta, {
    id: ids.elder,
    name: "韦奶奶",
    householdId: ids.near,
    idNumber: ID_NUMBER,
    phone: PHONE,
  });
  await createPerson(t.ctx, system, meta, { id: ids.child, name: "覃小明", householdId: ids.far });
  await createPerson(t.ctx, system, meta, {
    id: crypto.randomUUID(),
    name: "党员户主",
    householdId: ids.lead,
    partyMember: true,
  });
  await setLeadHouseholds(t.ctx, system, meta, ids.lead, [ids.far]);
  const siblingPlace = crypto.randomUUID();
  await createPlace(t.ctx, system, meta, {
    id: siblingPlace,
    divisionCode: tree.village.code,
    road: "丙路",
    gridCode: siblingGrid,
  });
  await createHousehold(t.ctx, system, meta, { id: ids.siblingHousehold, placeId: siblingPlace });
  worker = await signIn(t, await buildUser(t.ctx, { role: "grid_worker", areaCode: tree.grid.code }));
  siblingWorker = await signIn(t, await buildUser(t.ctx, { role: "grid_worker", areaCode: siblingGrid }));
  villageOfficial = await signIn(t, await buildUser(t.ctx, { role: "village_official", areaCode: tree.village.code }));
  township = await signIn(t, await buildUser(t.ctx, { role: "township_official", areaCode: tree.township.code }));
  admin = await signIn(t, await buildUser(t.ctx, { role: "admin", areaCode: null }));
}, 120_000);
afterAll(async () => {
  await t?.close();
});

describe("visit plans", () => {
  it("lists every household yearly and the care and service tags' rhythms, never a sensitive tag", async () => {
    const res = await inject(worker, "GET", "/api/v1/visit-plans");
    expect(res.statusCode).toBe(200);
    const plans = res.json() as { key: string; everyDays: number | null; checklist: { key: string }[] }[];
    expect(plans[0]).toMatchObject({ key: "household", subject: "household", everyDays: 365 });
    expect(plans.find((p) => p.key === "elderly_alone")).toMatchObject({ everyDays: 7, category: "care" });
    expect(plans.find((p) => p.key === "elderly_alone")?.checklist.map((c) => c.key)).toContain("heating");
    expect(plans.some((p) => p.key === "community_correction")).toBe(false);
  });

  it("lets the deployment's administrator change a rhythm and checklist, and no one else", async () => {
    const body = {
      everyDays: 14,
      checklist: [{ key: "schooling", label: { "zh-CN": "正常上学", en: "Goes to school" } }],
    };
    expect((await inject(worker, "PUT", "/api/v1/visit-plans/left_behind_child", body)).json().code).toBe(
      "AUTH_FORBIDDEN",
    );
    const res = await inject(admin, "PUT", "/api/v1/visit-plans/left_behind_child", body);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ key: "left_behind_child", everyDays: 14, checklist: body.checklist });
    expect((await inject(worker, "GET", "/api/v1/visit-plans")).json()).toContainEqual(
      expect.objectContaining({ key: "left_behind_child", everyDays: 14 }),
    );
  });

  it("refuses a plan without a rhythm for households, a bad rhythm, and an unknown or sensitive key", async () => {
    const checklist = [{ key: "home_safe", label: { "zh-CN": "居住安全", en: "Home safe" } }];
    const noRhythm = await inject(admin, "PUT", "/api/v1/visit-plans/household", { everyDays: null, checklist });
    expect(noRhythm.statusCode).toBe(400);
    expect(noRhythm.json().errors).toEqual([expect.objectContaining({ path: "body.everyDays" })]);
    const bad = await inject(admin, "PUT", "/api/v1/visit-plans/household", { everyDays: 0, checklist });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().code).toBe("VALIDATION_FAILED");
    for (const key of ["no_such_tag", "community_correction"]) {
      const res = await inject(admin, "PUT", `/api/v1/visit-plans/${key}`, { everyDays: 7, checklist });
      expect(res.statusCode).toBe(404);
      expect(res.json().code).toBe("VISIT_PLAN_NOT_FOUND");
    }
    expect((await inject(null, "GET", "/api/v1/visit-plans")).statusCode).toBe(401);
  });
});

describe("the due list", () => {
  it("shows a person as due the day a 独居老人 tag is set, and the households by address", async () => {
    const before = (await inject(worker, "GET", "/api/v1/visits/due")).json();
    expect(before.items.filter((i: { subjectType: string }) => i.subjectType === "person")).toEqual([]);
    await tagSubject(t.ctx, systemPrincipal(), meta, "person", ids.elder, [{ key: "elderly_alone" }]);
    const res = await inject(worker, "GET", "/api/v1/visits/due");
    expect(res.statusCode).toBe(200);
    const today = chinaDate(new Date());
    expect(res.json().items).toContainEqual(
      expect.objectContaining({
        subjectType: "person",
        personId: ids.elder,
        name: "韦奶奶",
        status: "due",
        dueOn: today,
        tags: ["elderly_alone"],
        everyDays: 7,
      }),
    );
    // By address when no position is given: 一路1号 before 二路2号.
    const households = res
      .json()
      .items.filter((i: { subjectType: string }) => i.subjectType === "household")
      .map((i: { householdId: string }) => i.householdId);
    expect(households.indexOf(ids.far)).toBeLessThan(households.indexOf(ids.near));
    expect(res.json().counts.due).toBe(res.json().total);
    noNumbers(res.body);
  });

  it("orders nearest first from the phone's position", async () => {
    const res = await inject(worker, "GET", `/api/v1/visits/due?lng=${HERE.lng}&lat=${HERE.lat}`);
    const items = res.json().items as { householdId: string; distanceMeters: number }[];
    expect(items[0]?.householdId).toBe(ids.near);
    expect(items[0]?.distanceMeters).toBeGreaterThan(30);
    expect(items[0]?.distanceMeters).toBeLessThan(80);
    expect(items.at(-1)?.householdId).not.toBe(ids.near);
  });

  it("gives the counts on a page past the end too", async () => {
    const all = (await inject(worker, "GET", "/api/v1/visits/due")).json();
    const past = await inject(worker, "GET", "/api/v1/visits/due?offset=5000");
    expect(past.json()).toMatchObject({ counts: all.counts, total: all.total, items: [] });
  });

  it("answers 404 for an area out of sight and 400 for a bad status", async () => {
    expect((await inject(worker, "GET", `/api/v1/visits/due?areaCode=${tree.otherGrid.code}`)).json().code).toBe(
      "AREA_NOT_FOUND",
    );
    expect((await inject(worker, "GET", "/api/v1/visits/due?status=late")).statusCode).toBe(400);
    expect((await inject(null, "GET", "/api/v1/visits/due")).statusCode).toBe(401);
  });
});

describe("recording a visit", () => {
  it("records it once, however often and however concurrently it is sent", async () => {
    const body = newVisit({ outcome: "nobody_home" });
    const first = await inject(worker, "POST", "/api/v1/visits", body);
    expect(first.statusCode).toBe(201);
    expect(first.json()).toMatchObject({ id: body.id, outcome: "nobody_home", visitedAt: body.visitedAt });
    const again = await inject(worker, "POST", "/api/v1/visits", body);
    expect(again.statusCode).toBe(200);
    const parallel = newVisit({ outcome: "nobody_home" });
    const answers = await Promise.all(
      Array.from({ length: 5 }, () => inject(worker, "POST", "/api/v1/visits", parallel)),
    );
    expect(answers.map((a) => a.statusCode).sort()).toEqual([200, 200, 200, 200, 201]);
    const history = (await inject(worker, "GET", `/api/v1/visits?householdId=${ids.near}`)).json();
    expect(history.filter((v: { id: string }) => v.id === parallel.id)).toHaveLength(1);
    // Recorded once in the audit trail too, with its household and outcome (never its free text).
    for (const id of [body.id, parallel.id])
      expect(await audited("visit.record", id)).toEqual([
        expect.objectContaining({
          outcome: "success",
          area_path: tree.grid.path,
          details: expect.objectContaining({ householdId: ids.near, outcome: "nobody_home", kind: body.kind }),
        }),
      ]);
  });

  it("keeps a visit due when nobody was home, and makes it done once someone was met", async () => {
    const due = async () =>
      (await inject(worker, "GET", "/api/v1/visits/due?status=overdue,due,done"))
        .json()
        .items.find((i: { personId: string | null }) => i.personId === ids.elder);
    expect((await due()).status).toBe("due");
    const visit = newVisit({ note: `老人说电话 ${PHONE} 是女儿的` });
    const res = await inject(worker, "POST", "/api/v1/visits", visit);
    expect(res.statusCode).toBe(201);
    expect(res.json().note).toContain("138****5678");
    noNumbers(res.body.replace("138****5678", ""));
    expect(await due()).toMatchObject({ status: "done", lastVisitedOn: chinaDate(new Date(visit.visitedAt)) });
  });

  it("refuses bad input with every field's path, and changes nothing", async () => {
    const body = newVisit({
      personIds: [ids.child],
      visitedAt: new Date(Date.now() + 3_600_000).toISOString(),
      checklist: [{ key: "no_such_item", ok: true }],
      eventId: crypto.randomUUID(),
    });
    const res = await inject(worker, "POST", "/api/v1/visits", body);
    expect(res.statusCode).toBe(400);
    expect(
      res
        .json()
        .errors.map((e: { path: string }) => e.path)
        .sort(),
    ).toEqual(["body.checklist.0.key", "body.eventId", "body.personIds.0", "body.visitedAt"]);
    expect((await inject(worker, "GET", `/api/v1/visits/${body.id}`)).statusCode).toBe(404);
    const old = await inject(worker, "POST", "/api/v1/visits", newVisit({ visitedAt: "2020-01-01T08:00:00+08:00" }));
    expect(old.json().errors).toEqual([expect.objectContaining({ path: "body.visitedAt" })]);
    const schema = await inject(worker, "POST", "/api/v1/visits", { ...newVisit(), outcome: "asleep" });
    expect(schema.statusCode).toBe(400);
    expect(schema.json().code).toBe("VALIDATION_FAILED");
  });

  it("is refused to a worker out of the household's grid, unseen households are not found", async () => {
    const sibling = await inject(siblingWorker, "POST", "/api/v1/visits", newVisit());
    expect(sibling.statusCode).toBe(404);
    expect(sibling.json().code).toBe("HOUSEHOLD_NOT_FOUND");
    // The village official sees the grid's households but does not work in the grid.
    const official = await inject(villageOfficial, "POST", "/api/v1/visits", newVisit());
    expect(official.statusCode).toBe(403);
    expect(official.json().code).toBe("AUTH_FORBIDDEN");
    const unknown = await inject(worker, "POST", "/api/v1/visits", newVisit({ householdId: ids.siblingHousehold }));
    expect(unknown.json().code).toBe("HOUSEHOLD_NOT_FOUND");
    expect((await inject(null, "POST", "/api/v1/visits", newVisit())).statusCode).toBe(401);
  });

  it("refuses a client id already holding another household's visit", async () => {
    const body = newVisit();
    await inject(worker, "POST", "/api/v1/visits", body);
    const res = await inject(worker, "POST", "/api/v1/visits", { ...body, householdId: ids.far, personIds: [] });
    expect(res.statusCode).toBe(409);
    expect(res.json().code).toBe("VISIT_ID_CONFLICT");
    expect((await inject(siblingWorker, "POST", "/api/v1/visits", body)).statusCode).toBe(404);
  });

  it("links a follow-up visit (回访) to its event", async () => {
    const eventId = crypto.randomUUID();
    await reportEvent(t.ctx, systemPrincipal(), meta, {
      id: eventId,
      categoryKey: "dispute.neighbour",
      description: "邻里纠纷",
      areaCode: tree.grid.code,
      source: "console",
    });
    const missing = await inject(worker, "POST", "/api/v1/visits", newVisit({ kind: "follow_up" }));
    expect(missing.json().errors).toEqual([expect.objectContaining({ path: "body.eventId" })]);
    const res = await inject(worker, "POST", "/api/v1/visits", newVisit({ kind: "follow_up", eventId }));
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ kind: "follow_up", eventId });
  });
});

describe("needs found on a visit", () => {
  it("become a pre-filled event with one call, once", async () => {
    const needId = crypto.randomUUID();
    const visit = newVisit({ needs: [{ id: needId, text: "屋顶漏雨，需要维修" }] });
    await inject(worker, "POST", "/api/v1/visits", visit);
    const eventId = crypto.randomUUID();
    const url = `/api/v1/visits/${visit.id}/needs/${needId}/event`;
    const res = await inject(worker, "POST", url, { id: eventId, categoryKey: "request.livelihood" });
    expect(res.statusCode).toBe(200);
    expect(res.json().needs[0]).toMatchObject({ id: needId, eventId });
    const event = (await inject(worker, "GET", `/api/v1/events/${eventId}`)).json();
    expect(event).toMatchObject({ description: "屋顶漏雨，需要维修", areaCode: tree.grid.code, address: "二路2号" });
    expect((await inject(worker, "POST", url, { id: eventId, categoryKey: "request.livelihood" })).statusCode).toBe(
      200,
    );
    const twice = await inject(worker, "POST", url, { id: crypto.randomUUID(), categoryKey: "request.livelihood" });
    expect(twice.statusCode).toBe(409);
    expect(twice.json().code).toBe("VISIT_NEED_ALREADY_HANDED");
    const unknown = await inject(worker, "POST", `/api/v1/visits/${visit.id}/needs/${crypto.randomUUID()}/event`, {
      id: crypto.randomUUID(),
      categoryKey: "request.livelihood",
    });
    expect(unknown.json().code).toBe("VISIT_NEED_NOT_FOUND");
    // Handed on once, in the trail once; the event it made is the visit's time, reached the system now.
    expect(await audited("visit.need.event", visit.id)).toEqual([
      expect.objectContaining({ outcome: "success", details: expect.objectContaining({ needId, eventId }) }),
    ]);
    expect(event.occurredAt).toBe(new Date(visit.visitedAt).toISOString());
  });

  it("go to the household's lead household as a service request, if it has one", async () => {
    const needId = crypto.randomUUID();
    const far = newVisit({
      householdId: ids.far,
      personIds: [],
      checklist: [{ key: "home_safe", ok: true }],
      needs: [{ id: needId, text: "需要代购药品" }],
    });
    expect((await inject(worker, "POST", "/api/v1/visits", far)).statusCode).toBe(201);
    const res = await inject(worker, "POST", `/api/v1/visits/${far.id}/needs/${needId}/service-request`);
    expect(res.statusCode).toBe(200);
    expect(res.json().needs[0]).toMatchObject({ leadHouseholdId: ids.lead });
    expect(await audited("visit.need.lead", far.id)).toEqual([
      expect.objectContaining({
        outcome: "success",
        details: expect.objectContaining({ needId, leadHouseholdId: ids.lead }),
      }),
    ]);
    const otherNeed = crypto.randomUUID();
    const near = newVisit({ needs: [{ id: otherNeed, text: "需要帮助" }] });
    await inject(worker, "POST", "/api/v1/visits", near);
    const none = await inject(worker, "POST", `/api/v1/visits/${near.id}/needs/${otherNeed}/service-request`);
    expect(none.statusCode).toBe(422);
    expect(none.json().code).toBe("VISIT_NO_LEAD_HOUSEHOLD");
  });
});

describe("history, photos, coverage and signals", () => {
  it("lists a household's and a person's visits, newest first, and hides them out of scope", async () => {
    const household = await inject(worker, "GET", `/api/v1/visits?householdId=${ids.near}`);
    expect(household.statusCode).toBe(200);
    const times = household.json().map((v: { visitedAt: string }) => v.visitedAt);
    expect(times).toEqual([...times].sort().reverse());
    const person = await inject(worker, "GET", `/api/v1/visits?personId=${ids.elder}`);
    expect(person.json().length).toBeGreaterThan(0);
    expect(person.json()[0].people).toEqual([{ id: ids.elder, name: "韦奶奶" }]);
    noNumbers(person.body.replaceAll("138****5678", ""));
    expect((await inject(siblingWorker, "GET", `/api/v1/visits?householdId=${ids.near}`)).json().code).toBe(
      "HOUSEHOLD_NOT_FOUND",
    );
    expect((await inject(siblingWorker, "GET", `/api/v1/visits?personId=${ids.elder}`)).json().code).toBe(
      "PERSON_NOT_FOUND",
    );
    const neither = await inject(worker, "GET", "/api/v1/visits");
    expect(neither.statusCode).toBe(400);
    expect(neither.json().errors).toEqual([expect.objectContaining({ path: "query.householdId" })]);
  });

  it("lists an area's visits over a period as its visit figures count them, and nothing out of scope", async () => {
    const today = chinaDate(new Date());
    const period = `areaCode=${tree.grid.code}&from=${today}&to=${today}`;
    const figures = await inject(township, "GET", `/api/v1/figures?area=${tree.grid.code}&from=${today}&to=${today}`);
    expect(figures.statusCode, figures.body).toBe(200);
    const { visits, visitsMet } = figures.json().counts as { visits: number; visitsMet: number };
    expect(visits).toBeGreaterThan(0);
    const all = await inject(township, "GET", `/api/v1/visits?${period}&limit=200`);
    expect(all.statusCode, all.body).toBe(200);
    expect(all.json()).toHaveLength(visits);
    const met = (await inject(township, "GET", `/api/v1/visits?${period}&limit=200&met=true`)).json();
    expect(met).toHaveLength(visitsMet);
    expect(met.every((v: { outcome: string }) => v.outcome === "visited")).toBe(true);
    const notMet = (await inject(township, "GET", `/api/v1/visits?${period}&limit=200&met=false`)).json();
    expect(notMet).toHaveLength(visits - visitsMet);
    // Paged: the second page starts where the first ended.
    const first = (await inject(township, "GET", `/api/v1/visits?${period}&limit=1`)).json();
    const second = (await inject(township, "GET", `/api/v1/visits?${period}&limit=1&offset=1`)).json();
    expect([...first, ...second].map((v: { id: string }) => v.id)).toEqual(
      all
        .json()
        .slice(0, 2)
        .map((v: { id: string }) => v.id),
    );
    // A day before any visit lists none; a reversed period is refused on its field.
    expect(
      (await inject(township, "GET", `/api/v1/visits?areaCode=${tree.grid.code}&from=2020-01-01&to=2020-01-02`)).json(),
    ).toEqual([]);
    const reversed = await inject(
      township,
      "GET",
      `/api/v1/visits?areaCode=${tree.grid.code}&from=${today}&to=2020-01-01`,
    );
    expect(reversed.statusCode).toBe(400);
    expect(reversed.json().errors).toEqual([expect.objectContaining({ path: "query.from" })]);
    // A grid out of the reader's scope is not found, as an unknown one is.
    const out = await inject(siblingWorker, "GET", `/api/v1/visits?areaCode=${tree.grid.code}`);
    expect(out.statusCode).toBe(404);
    expect((await inject(siblingWorker, "GET", "/api/v1/visits?areaCode=999999999999")).json().code).toBe(
      out.json().code,
    );
    expect((await inject(null, "GET", `/api/v1/visits?${period}`)).statusCode).toBe(401);
  });

  it("stores a photo, and signals one used twice and a visit far from the household", async () => {
    const a = newVisit();
    const b = newVisit({ householdId: ids.far, personIds: [], checklist: [] });
    await inject(worker, "POST", "/api/v1/visits", a);
    await inject(worker, "POST", "/api/v1/visits", b);
    const put = (id: string, data: Buffer) =>
      t.app.inject({
        method: "PUT",
        url: `/api/v1/visits/${id}/photo`,
        headers: { ...worker.headers, "content-type": "image/png" },
        payload: data,
      });
    const first = await put(a.id, PNG);
    expect(first.statusCode).toBe(201);
    expect(first.json().hasPhoto).toBe(true);
    expect((await put(a.id, PNG)).statusCode).toBe(200);
    expect((await put(b.id, PNG)).statusCode).toBe(201);
    const notImage = await put(crypto.randomUUID(), PNG);
    expect(notImage.json().code).toBe("VISIT_NOT_FOUND");
    const pdf = await put(b.id, Buffer.from("%PDF-1.4"));
    expect(pdf.json().code).toBe("VISIT_PHOTO_REJECTED");
    // Two different photos sent at once: one is kept, the other refused.
    const c = newVisit();
    await inject(worker, "POST", "/api/v1/visits", c);
    const racing = await Promise.all([put(c.id, PNG), put(c.id, Buffer.concat([PNG, Buffer.from([0])]))]);
    expect(racing.map((r) => r.statusCode).sort()).toEqual([201, 422]);
    const photo = await t.app.inject({ method: "GET", url: `/api/v1/visits/${a.id}/photo`, headers: worker.headers });
    expect(photo.headers["content-type"]).toBe("image/png");
    // The photo stored once, and every look at it, are in the audit trail.
    expect(await audited("visit.photo", a.id)).toEqual([expect.objectContaining({ outcome: "success" })]);
    expect((await audited("visit.photo", c.id)).length).toBe(1);
    await t.app.inject({ method: "GET", url: `/api/v1/visits/${a.id}/photo`, headers: township.headers });
    expect(await audited("visit.photo.read", a.id)).toHaveLength(2);

    const signals = await inject(township, "GET", `/api/v1/visits/signals?areaCode=${tree.township.code}`);
    expect(signals.statusCode).toBe(200);
    const list = signals.json() as { visitId: string; kind: string; detail: string }[];
    expect(list).toContainEqual(expect.objectContaining({ visitId: a.id, kind: "photo_reused", detail: b.id }));
    // b was recorded at HERE, about 2 km from the far household.
    expect(list).toContainEqual(expect.objectContaining({ visitId: b.id, kind: "far_from_household" }));
    expect(list.some((s) => s.visitId === a.id && s.kind === "far_from_household")).toBe(false);
    expect((await inject(worker, "GET", "/api/v1/visits/signals")).json().code).toBe("AUTH_FORBIDDEN");
  });

  it("signals the same picture saved again and resized on another visit, not a different one", async () => {
    const [d, e, f] = [newVisit(), newVisit(), newVisit()];
    for (const v of [d, e, f]) expect((await inject(worker, "POST", "/api/v1/visits", v)).statusCode).toBe(201);
    const put = (id: string, data: Uint8Array) =>
      t.app.inject({
        method: "PUT",
        url: `/api/v1/visits/${id}/photo`,
        headers: { ...worker.headers, "content-type": "image/jpeg" },
        payload: Buffer.from(data),
      });
    expect((await put(d.id, jpeg.encode(scene(800, 600, 1), 90).data)).statusCode).toBe(201);
    expect((await put(e.id, jpeg.encode(scene(400, 300, 1), 55).data)).statusCode).toBe(201);
    expect((await put(f.id, jpeg.encode(scene(800, 600, 2), 90).data)).statusCode).toBe(201);
    const list = (await inject(township, "GET", `/api/v1/visits/signals?areaCode=${tree.township.code}`)).json() as {
      visitId: string;
      kind: string;
      detail: string;
    }[];
    const reused = list.filter((s) => s.kind === "photo_reused");
    expect(reused).toContainEqual(expect.objectContaining({ visitId: d.id, detail: e.id }));
    expect(reused).toContainEqual(expect.objectContaining({ visitId: e.id, detail: d.id }));
    expect(reused.some((s) => s.visitId === f.id || s.detail === f.id)).toBe(false);
    // The village sees it too; a worker never (signals are for supervisors).
    const village = (await inject(villageOfficial, "GET", "/api/v1/visits/signals")).json() as { visitId: string }[];
    expect(village.map((s) => s.visitId)).toContain(d.id);
  });

  it("gives coverage per area with drill-down, and no figure per worker", async () => {
    const res = await inject(township, "GET", `/api/v1/visits/coverage?areaCode=${tree.township.code}`);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.area).toMatchObject({ areaCode: tree.township.code, careSubjects: 1, careNeverVisited: 0 });
    expect(body.area.households).toBe(4);
    expect(body.children).toEqual([expect.objectContaining({ areaCode: tree.village.code, households: 4 })]);
    const village = (await inject(township, "GET", `/api/v1/visits/coverage?areaCode=${tree.village.code}`)).json();
    expect(village.children.map((c: { areaCode: string }) => c.areaCode)).toEqual([tree.grid.code, siblingGrid]);
    const grid = village.children[0];
    // Visited: near and far; not yet: the lead household.
    expect(grid).toMatchObject({ households: 3, householdsNotSeenThisYear: 1 });
    // The sibling's household fell due today, on its first day: not yet judged.
    expect(village.children[1]).toMatchObject({
      households: 1,
      householdsNotSeenThisYear: 1,
      fellDue: 0,
      onTimeShare: null,
    });
    // The households and care subjects met today fell due today and were met in time.
    expect(grid.doneOnTime).toBeGreaterThan(0);
    expect(grid.onTimeShare).toBe(1);
    expect(JSON.stringify(body)).not.toMatch(/recordedBy|username|userId/);
    expect((await inject(township, "GET", `/api/v1/visits/coverage?areaCode=${tree.otherGrid.code}`)).statusCode).toBe(
      404,
    );
    expect((await inject(worker, "GET", "/api/v1/visits/coverage")).statusCode).toBe(403);
  });

  it("packs a grid for the phone: plans, due list, households and members, without ID or phone numbers", async () => {
    const res = await inject(worker, "GET", `/api/v1/visits/field-pack?lng=${HERE.lng}&lat=${HERE.lat}`);
    expect(res.statusCode).toBe(200);
    const pack = res.json();
    expect(pack.households.map((h: { id: string }) => h.id).sort()).toEqual([ids.far, ids.lead, ids.near].sort());
    expect(pack.households.find((h: { id: string }) => h.id === ids.near).members).toEqual([
      { id: ids.elder, name: "韦奶奶", birthYear: 1940, tags: ["elderly_alone"] },
    ]);
    expect(pack.plans[0].key).toBe("household");
    noNumbers(res.body);
    expect(res.body).not.toMatch(/idNumber|phone/i);
    expect(pack.nextBefore).toBeNull();
  });

  it("hands the households over in pieces, newest first, so a sync resumes where it stopped", async () => {
    const seen: string[] = [];
    let before: string | null = null;
    for (let i = 0; i < 5; i++) {
      const url: string = `/api/v1/visits/field-pack?limit=1${before ? `&before=${before}` : ""}`;
      const page = (await inject(worker, "GET", url)).json();
      seen.push(...page.households.map((h: { id: string }) => h.id));
      before = page.nextBefore;
      if (!before) break;
    }
    expect(seen).toEqual([ids.near, ids.far, ids.lead].sort().reverse());
    expect(before).toBeNull();
  });
});

describe("bad input on the other routes", () => {
  it("is answered 400 with the field's path, and a visit is read by id", async () => {
    const cases: [string, string][] = [
      ["/api/v1/visits/field-pack?lng=999&lat=23", "query.lng"],
      [`/api/v1/visits/coverage?areaCode=${"X".repeat(30)}`, "query.areaCode"],
      ["/api/v1/visits/signals?from=yesterday", "query.from"],
      ["/api/v1/visits/not-a-uuid", "params.id"],
    ];
    for (const [url, path] of cases) {
      const res = await inject(township, "GET", url);
      expect({ url, status: res.statusCode, paths: res.json().errors?.map((e: { path: string }) => e.path) }).toEqual({
        url,
        status: 400,
        paths: [path],
      });
    }
    const needId = crypto.randomUUID();
    const visit = newVisit({ needs: [{ id: needId, text: "需要帮助" }] });
    await inject(worker, "POST", "/api/v1/visits", visit);
    const read = await inject(township, "GET", `/api/v1/visits/${visit.id}`);
    expect(read.statusCode).toBe(200);
    expect(read.json()).toMatchObject({ id: visit.id, householdId: ids.near, kind: "care", areaCode: tree.grid.code });
    const needUrl = `/api/v1/visits/${visit.id}/needs/${needId}/event`;
    const noCategory = await inject(worker, "POST", needUrl, { id: crypto.randomUUID() });
    expect(noCategory.statusCode).toBe(400);
    expect(noCategory.json().errors).toEqual([expect.objectContaining({ path: "body.categoryKey" })]);
  });
});

describe("coverage on time, as history", () => {
  it("counts each time a subject fell due in the period, and whether someone was met by its last day", async () => {
    const other = await buildAreaTree(t.ctx);
    const system = systemPrincipal();
    const place = crypto.randomUUID();
    const household = crypto.randomUUID();
    const elder = crypto.randomUUID();
    await createPlace(t.ctx, system, meta, {
      id: place,
      divisionCode: other.village.code,
      road: "榕树路",
      houseNumber: "8",
      gridCode: other.grid.code,
    });
    await createHousehold(t.ctx, system, meta, { id: household, placeId: place });
    await createPerson(t.ctx, system, meta, { id: elder, name: "黄阿婆", householdId: household });
    await tagSubject(t.ctx, system, meta, "person", elder, [{ key: "elderly_alone" }]);
    // Weekly (2 days' grace) since four weeks ago; the household yearly since then.
    const today = chinaDate(new Date());
    const day = (n: number) => chinaDate(new Date(Date.parse(`${today}T12:00:00+08:00`) + n * 86_400_000));
    const since = day(-28);
    await t.ctx.db.updateTable("subject_tag").set({ valid_from: since }).where("subject_id", "=", elder).execute();
    await sql`update household set created_at = ${new Date(`${since}T09:00:00+08:00`)} where id = ${household}`.execute(
      t.ctx.db,
    );
    const otherWorker = await signIn(t, await buildUser(t.ctx, { role: "grid_worker", areaCode: other.grid.code }));
    // Met the day after it fell due, then two days after the next due day (its last day), then on the
    // due day; the fourth due day (three weeks and three days in) passed without anyone coming.
    for (const n of [-27, -18, -11]) {
      const res = await inject(otherWorker, "POST", "/api/v1/visits", {
        id: crypto.randomUUID(),
        householdId: household,
        personIds: [elder],
        kind: "care",
        outcome: "visited",
        checklist: [],
        visitedAt: `${day(n)}T12:00:00+08:00`,
      });
      expect(res.statusCode, res.body).toBe(201);
    }
    // A knock with nobody home is not a visit done.
    await inject(otherWorker, "POST", "/api/v1/visits", {
      id: crypto.randomUUID(),
      householdId: household,
      personIds: [elder],
      kind: "care",
      outcome: "nobody_home",
      checklist: [],
      visitedAt: `${day(-4)}T12:00:00+08:00`,
    });
    const official = await signIn(
      t,
      await buildUser(t.ctx, { role: "township_official", areaCode: other.township.code }),
    );
    const coverageOf = async (query: string) => {
      const res = await inject(official, "GET", `/api/v1/visits/coverage?areaCode=${other.village.code}${query}`);
      expect(res.statusCode, res.body).toBe(200);
      return res.json();
    };
    // The person: due 4 times (met on time 3 times); the household: due once, met on time.
    const all = await coverageOf("");
    expect(all.area).toMatchObject({ fellDue: 5, doneOnTime: 4, onTimeShare: 0.8 });
    expect(all.children).toEqual([
      expect.objectContaining({ areaCode: other.grid.code, fellDue: 5, doneOnTime: 4, onTimeShare: 0.8 }),
    ]);
    expect(all.to).toBe(today);
    // From the fifth day on: the person's three later due days, two met in time.
    const later = await coverageOf(`&from=${day(-23)}`);
    expect(later.area).toMatchObject({ fellDue: 3, doneOnTime: 2 });
    // A period before anything fell due: nothing judged.
    expect((await coverageOf(`&from=${day(-60)}&to=${day(-29)}`)).area).toMatchObject({
      fellDue: 0,
      onTimeShare: null,
    });
    const reversed = await inject(
      official,
      "GET",
      `/api/v1/visits/coverage?areaCode=${other.village.code}&from=${today}&to=${day(-3)}`,
    );
    expect(reversed.statusCode).toBe(400);
    expect(reversed.json().errors).toEqual([expect.objectContaining({ path: "query.from" })]);
  });
});

import { systemPrincipal } from "@wangge/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildTestApp, type TestApp } from "../../test/build-test-app.ts";
import { type AreaTree, buildAreaTree, buildUser, type Session, signIn } from "../../test/factories.ts";
import { ensureArea } from "../areas/areas.service.ts";
import { createHousehold, setLeadHouseholds } from "./households.service.ts";
import { createOrganisation } from "./organisations.service.ts";
import { createPerson } from "./people.service.ts";
import { createPlace } from "./places.service.ts";

/**
 * Registry writes act in the work scope, as event actions do: an official views their whole subtree but
 * changes only what is attributed to their own area; grid staff change what is under their grid. And a
 * record the caller cannot see stays unseen: on the map layer and when its id is reused by a create.
 */
let t: TestApp;
let tree: AreaTree;
let elsewhere: AreaTree;
let gridB: string;
let township: Session;
let worker: Session;
const meta = { requestId: "test", ip: null, userAgent: null };

interface Records {
  place: string;
  household: string;
  lead: string;
  person: string;
  organisation: string;
}
let grid: Records;
let far: Records;

async function records(gridCode: string, villageCode: string): Promise<Records> {
  const system = systemPrincipal();
  const ids = {
    place: crypto.randomUUID(),
    household: crypto.randomUUID(),
    lead: crypto.randomUUID(),
    person: crypto.randomUUID(),
    organisation: crypto.randomUUID(),
  };
  await createPlace(t.ctx, system, meta, {
    id: ids.place,
    divisionCode: villageCode,
    road: "工作路",
    gridCode,
    lng: 109.6,
    lat: 23.1,
  });
  await createHousehold(t.ctx, system, meta, { id: ids.household, placeId: ids.place });
  await createHousehold(t.ctx, system, meta, { id: ids.lead, placeId: ids.place });
  await createPerson(t.ctx, system, meta, { id: ids.person, name: "网格居民", householdId: ids.household });
  await createPerson(t.ctx, system, meta, {
    id: crypto.randomUUID(),
    name: "党员",
    householdId: ids.lead,
    partyMember: true,
  });
  await createOrganisation(t.ctx, system, meta, { id: ids.organisation, kind: "shop", name: "小店", gridCode });
  return ids;
}

beforeAll(async () => {
  t = await buildTestApp();
  tree = await buildAreaTree(t.ctx);
  elsewhere = await buildAreaTree(t.ctx);
  gridB = (
    await ensureArea(t.ctx.db, {
      code: `${tree.village.code}G02`,
      name: "二网格",
      level: "grid",
      parentCode: tree.village.code,
    })
  ).code;
  grid = await records(tree.grid.code, tree.village.code);
  far = await records(elsewhere.grid.code, elsewhere.village.code);
  township = await signIn(t, await buildUser(t.ctx, { role: "township_official", areaCode: tree.township.code }));
  worker = await signIn(t, await buildUser(t.ctx, { role: "grid_worker", areaCode: tree.grid.code }));
}, 60_000);
afterAll(async () => {
  await t?.close();
});

const send = (session: Session, method: "POST" | "PATCH" | "PUT" | "DELETE", url: string, payload?: object) =>
  t.app.inject({ method, url, headers: session.headers, ...(payload ? { payload } : {}) });

describe("registry writes", () => {
  const changes = () =>
    [
      ["edit a person", "PATCH", `/api/v1/people/${grid.person}`, { notes: "镇里改的" }],
      ["transfer a person", "POST", `/api/v1/people/${grid.person}/transfer`, { gridCode: gridB, reason: "搬家" }],
      ["tag a person", "POST", `/api/v1/people/${grid.person}/tags`, { tags: [{ key: "elderly_alone" }] }],
      ["tag a household", "POST", `/api/v1/households/${grid.household}/tags`, { tags: [{ key: "elderly_alone" }] }],
      [
        "make a lead household",
        "PUT",
        `/api/v1/households/${grid.lead}/looks-after`,
        { householdIds: [grid.household] },
      ],
      [
        "register a person",
        "POST",
        "/api/v1/people",
        { id: crypto.randomUUID(), name: "新居民", gridCode: tree.grid.code },
      ],
      [
        "register a place",
        "POST",
        "/api/v1/places",
        { id: crypto.randomUUID(), divisionCode: tree.village.code, road: "新路", gridCode: tree.grid.code },
      ],
      ["register a household", "POST", "/api/v1/households", { id: crypto.randomUUID(), placeId: grid.place }],
      [
        "register an organisation",
        "POST",
        "/api/v1/organisations",
        { id: crypto.randomUUID(), kind: "shop", name: "新店", gridCode: tree.grid.code },
      ],
    ] as const;

  it("refuses a township official every change to a grid's records (work scope, not view scope), audited as denied", async () => {
    for (const [what, method, url, payload] of changes()) {
      const res = await send(township, method, url, payload);
      expect({ what, status: res.statusCode, code: res.json().code }).toEqual({
        what,
        status: 403,
        code: "AUTH_FORBIDDEN",
      });
    }
    const person = await t.ctx.db
      .selectFrom("person")
      .select(["notes", "area_path"])
      .where("id", "=", grid.person)
      .executeTakeFirstOrThrow();
    expect(person).toEqual({ notes: null, area_path: tree.grid.path });
    const denied = await t.ctx.db
      .selectFrom("audit_log")
      .select("action")
      .where("outcome", "=", "denied")
      .where("actor_username", "like", "u%")
      .where("area_path", "like", `${tree.grid.path}%`)
      .execute();
    expect(denied.length).toBeGreaterThanOrEqual(changes().length);
    // The records stay visible to the official: viewing is their subtree.
    expect(
      (await t.app.inject({ method: "GET", url: `/api/v1/people/${grid.person}`, headers: township.headers }))
        .statusCode,
    ).toBe(200);
  });

  it("lets the official change what is attributed to the township itself", async () => {
    const res = await send(township, "POST", "/api/v1/people", {
      id: crypto.randomUUID(),
      name: "镇直居民",
      gridCode: tree.township.code,
    });
    expect(res.statusCode).toBe(201);
    expect((await send(township, "PATCH", `/api/v1/people/${res.json().id}`, { notes: "镇里改的" })).statusCode).toBe(
      200,
    );
  });

  it("lets the grid's worker make the same changes", async () => {
    for (const [what, method, url, payload] of changes()) {
      if (what === "transfer a person" || what === "make a lead household") continue; // gridB and linking: another test
      const res = await send(worker, method, url, payload);
      expect({ what, status: res.statusCode < 300 ? "ok" : res.body }).toEqual({ what, status: "ok" });
    }
  });
});

describe("GET /api/v1/lead-households", () => {
  it("leaves out the looked-after households the caller cannot see", async () => {
    await setLeadHouseholds(t.ctx, systemPrincipal(), meta, grid.lead, [grid.household, far.household]);
    const res = await t.app.inject({
      method: "GET",
      url: `/api/v1/lead-households?areaCode=${tree.grid.code}`,
      headers: worker.headers,
    });
    expect(res.statusCode).toBe(200);
    const shown = res.json().features.map((f: { properties: { householdId: string } }) => f.properties.householdId);
    const hidden = await t.app.inject({
      method: "GET",
      url: `/api/v1/households/${far.household}`,
      headers: worker.headers,
    });
    expect(hidden.statusCode).toBe(404);
    expect(shown).not.toContain(far.household);
    expect(shown).toContain(grid.household);
  });
});

describe("a create reusing an id", () => {
  it.each([
    ["person", "/api/v1/people", "PERSON_NOT_FOUND", (id: string) => ({ id, name: "重用", gridCode: tree.grid.code })],
    [
      "place",
      "/api/v1/places",
      "PLACE_NOT_FOUND",
      (id: string) => ({ id, divisionCode: tree.village.code, road: "重用路", gridCode: tree.grid.code }),
    ],
    ["household", "/api/v1/households", "HOUSEHOLD_NOT_FOUND", (id: string) => ({ id, placeId: crypto.randomUUID() })],
    [
      "organisation",
      "/api/v1/organisations",
      "ORGANISATION_NOT_FOUND",
      (id: string) => ({ id, kind: "shop", name: "重用店", gridCode: tree.grid.code }),
    ],
  ] as const)(
    "answers a %s id held out of the caller's sight as not found, in sight as a conflict",
    async (type, url, code, body) => {
      const outOfSight =
        type === "person"
          ? far.person
          : type === "place"
            ? far.place
            : type === "household"
              ? far.household
              : far.organisation;
      const inSight =
        type === "person"
          ? grid.person
          : type === "place"
            ? grid.place
            : type === "household"
              ? grid.household
              : grid.organisation;
      const hidden = await send(worker, "POST", url, body(outOfSight));
      expect({ status: hidden.statusCode, code: hidden.json().code }).toEqual({ status: 404, code });
      const seen = await send(worker, "POST", url, body(inSight));
      expect({ status: seen.statusCode, code: seen.json().code }).toEqual({
        status: 409,
        code: "REGISTRY_ID_CONFLICT",
      });
    },
  );
});

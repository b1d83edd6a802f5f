import { Readable } from "node:stream";
import { DEFAULT_ROLES, type Permission, type RoleKey, systemPrincipal } from "@wangge/core";
import ExcelJS from "exceljs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { uuidv7 } from "../ids.ts";
import { saveAttachment } from "../modules/events/attachments.service.ts";
import { addParty } from "../modules/events/disputes.service.ts";
import { reportEvent } from "../modules/events/events.service.ts";
import { createHousehold } from "../modules/registry/households.service.ts";
import { createOrganisation } from "../modules/registry/organisations.service.ts";
import { createPerson } from "../modules/registry/people.service.ts";
import { createPlace } from "../modules/registry/places.service.ts";
import { writeReport } from "../modules/reports/reports.service.ts";
import { importSubsidyBatch } from "../modules/subsidies/batches.service.ts";
import { createSubsidyProgram } from "../modules/subsidies/programs.service.ts";
import { grantAssignment } from "../modules/users/assignments.service.ts";
import { recordVisit } from "../modules/visits/visits.service.ts";
import { buildTestApp, type TestApp } from "./build-test-app.ts";
import { type AreaTree, buildAreaTree, buildUser, type Session, signIn, type TestUser } from "./factories.ts";

/**
 * For every role and every /api/v1 route: a user of that role, inside and outside their scope, gets
 * exactly the expected status. Expectations come from the permission catalogue and the default roles;
 * the route list comes from the app itself, and a route without a sample here fails the test.
 */
let t: TestApp;
let tree: AreaTree;
/** A second county: outside the scope of every role that has an area. */
let elsewhere: AreaTree;
const sessions = new Map<RoleKey, Session>();
/** A place, household, person and organisation in each tree's grid (created by the system). */
interface Registry {
  event: string;
  visit: string;
  place: string;
  household: string;
  person: string;
  organisation: string;
  /** A draft subsidy batch of the village, one row flagged (an ID number not in the registry). */
  batch: string;
}
let here: Registry;
let there: Registry;
const reg = (inScope: boolean) => (inScope ? here : there);
/** A monthly report of each tree's grid (every reader sees it) and of its township (whose officials judge it). */
const reportsOf = new Map<boolean, { grid: string; township: string }>();
let reportDay = 0;
async function buildReports(of: AreaTree) {
  const period = { from: "2026-01-01", to: "2026-01-31" };
  const write = async (area: AreaTree["grid"]) =>
    (await writeReport(t.ctx, { id: uuidv7(), kind: "monthly", area, period, trigger: "schedule", by: null })).report
      .id;
  return { grid: await write(of.grid), township: await write(of.township) };
}

async function buildRegistry(grid: string, village: string): Promise<Registry> {
  const actor = systemPrincipal();
  const meta = { requestId: "matrix", ip: null, userAgent: null };
  const ids = {
    event: uuidv7(),
    visit: uuidv7(),
    place: uuidv7(),
    household: uuidv7(),
    person: uuidv7(),
    organisation: uuidv7(),
    batch: uuidv7(),
  };
  await reportEvent(t.ctx, actor, meta, {
    id: ids.event,
    categoryKey: "dispute.neighbour",
    description: "矩阵事件",
    areaCode: grid,
    source: "console",
  });
  await createPlace(t.ctx, actor, meta, { id: ids.place, divisionCode: village, road: "矩阵路", gridCode: grid });
  await createHousehold(t.ctx, actor, meta, { id: ids.household, placeId: ids.place });
  await createPerson(t.ctx, actor, meta, { id: ids.person, name: "矩阵", householdId: ids.household });
  await createOrganisation(t.ctx, actor, meta, { id: ids.organisation, kind: "shop", name: "矩阵店", gridCode: grid });
  await recordVisit(t.ctx, actor, meta, {
    id: ids.visit,
    householdId: ids.household,
    personIds: [],
    kind: "routine",
    outcome: "visited",
    checklist: [],
    needs: [],
    visitedAt: new Date().toISOString(),
  });
  const programName = `矩阵补贴${ids.batch.slice(-6)}`;
  await createSubsidyProgram(t.ctx, actor, meta, {
    id: uuidv7(),
    areaCode: village,
    name: programName,
    rules: "矩阵",
    publicAmount: "exact",
    minAmountFen: null,
    maxAmountFen: null,
  });
  const wb = new ExcelJS.Workbook();
  const sheet = wb.addWorksheet("发放名单");
  sheet.addRow(["姓名", "身份证号码", "金额（元）", "发放日期", "补贴项目"]);
  sheet.addRow(["矩阵", "11010519491231002X", "100", "2026-03-15", programName]);
  await importSubsidyBatch(
    t.ctx,
    actor,
    meta,
    { id: ids.batch, areaCode: village, title: "矩阵批次", fileName: "矩阵.xlsx" },
    Readable.from(Buffer.from(await wb.xlsx.writeBuffer())),
  );
  return ids;
}

/** Where each role's test user is assigned. */
function areaFor(role: RoleKey): string | null {
  switch (role) {
    case "admin":
    case "auditor":
    case "resident":
      return null;
    case "city_official":
    case "county_official":
      return tree.county.code;
    case "township_official":
    case "police_liaison":
    case "screen":
      return tree.township.code;
    case "village_official":
    case "mediator":
    case "volunteer":
      return tree.village.code;
    default:
      return tree.grid.code;
  }
}

const permissionsOf = (role: RoleKey): Permission[] => DEFAULT_ROLES.find((r) => r.key === role)?.permissions ?? [];
const isGlobal = (role: RoleKey) => areaFor(role) === null && role !== "resident";

interface Sample {
  /** The request for a user of `role`; `inScope` false targets another township. */
  build(role: RoleKey, inScope: boolean): Promise<{ url: string; payload?: unknown }>;
  /** Status when the role has the permission (or the route needs none). */
  ok: number;
  /** Whether the route reads or writes records that belong to an area (then out-of-scope is 404). */
  scoped?: boolean;
  /** The permission a non-global holder needs in their scope to succeed (defaults to the route's). */
  okCode?: string;
  /** The code answered outside the scope (defaults by route: AREA_NOT_FOUND or RESOURCE_NOT_FOUND). */
  outsideCode?: string;
  /** A rule of its own (e.g. "the reporter, or a reader of the area"): the expected answer per role. */
  expectFor?: (role: RoleKey, inScope: boolean) => { status: number; code?: string };
}

/** Mediation writes: `mediation.handle` where the event is (officials of a level work only at their level). */
const mediationExpect =
  (ok: { status: number; code?: string }) =>
  (role: RoleKey, inScope: boolean): { status: number; code?: string } => {
    const def = DEFAULT_ROLES.find((r) => r.key === role);
    if (!permissionsOf(role).includes("mediation.handle")) return { status: 403, code: "AUTH_FORBIDDEN" };
    if (!inScope) return { status: 404, code: "EVENT_NOT_FOUND" };
    return def?.workScope === "area" ? { status: 403, code: "AUTH_FORBIDDEN" } : ok;
  };

/** An event's pickers: `event.handle` where the event is (officials of a level work only at their level). */
const handlerExpect =
  (ok: { status: number; code?: string }) =>
  (role: RoleKey, inScope: boolean): { status: number; code?: string } => {
    const def = DEFAULT_ROLES.find((r) => r.key === role);
    if (!permissionsOf(role).includes("event.handle")) return { status: 403, code: "AUTH_FORBIDDEN" };
    if (!inScope) return { status: 404, code: "EVENT_NOT_FOUND" };
    return def?.workScope === "area" ? { status: 403, code: "AUTH_FORBIDDEN" } : ok;
  };

/**
 * Registry writes: `person.manage` in the WORK scope where the record is. Officials (work scope "area")
 * view the grid's records but do not change them; outside the view scope a record is not found.
 */
const registryWrite =
  (ok: { status: number; code?: string }, outsideCode?: string) =>
  (role: RoleKey, inScope: boolean): { status: number; code?: string } => {
    const def = DEFAULT_ROLES.find((r) => r.key === role);
    if (!permissionsOf(role).includes("person.manage")) return { status: 403, code: "AUTH_FORBIDDEN" };
    if (!inScope && outsideCode) return { status: 404, code: outsideCode };
    return def?.workScope === "area" ? { status: 403, code: "AUTH_FORBIDDEN" } : ok;
  };

/**
 * Visit writes: `visit.manage` in the WORK scope where the household is (grid staff); officials view
 * the grid's visits but record none there; out of sight, the visit or household is not found.
 */
const visitWrite =
  (ok: { status: number; code?: string }, outsideCode: string) =>
  (role: RoleKey, inScope: boolean): { status: number; code?: string } => {
    const def = DEFAULT_ROLES.find((r) => r.key === role);
    if (!permissionsOf(role).includes("visit.manage")) return { status: 403, code: "AUTH_FORBIDDEN" };
    if (!inScope) return { status: 404, code: outsideCode };
    return def?.workScope === "area" ? { status: 403, code: "AUTH_FORBIDDEN" } : ok;
  };

/** Routes open to an event's reporter or to readers of its area: everyone else is told it does not exist. */
const readerOrNotFound =
  (ok: { status: number; code?: string }) =>
  (role: RoleKey, inScope: boolean): { status: number; code?: string } =>
    inScope && permissionsOf(role).includes("event.read") ? ok : { status: 404, code: "EVENT_NOT_FOUND" };

/** Routes of risk early warning open to who reads or configures risk; everyone else is refused. */
const riskReaderOr =
  (ok: { status: number; code?: string }) =>
  (role: RoleKey): { status: number; code?: string } =>
    permissionsOf(role).includes("risk.read") || permissionsOf(role).includes("risk.configure")
      ? ok
      : { status: 403, code: "AUTH_FORBIDDEN" };

/** Risk configuration of an area: risk.configure where the area is in view; else the area is an unknown field. */
const configureIn =
  (ok: { status: number; code?: string }) =>
  (role: RoleKey, inScope: boolean): { status: number; code?: string } => {
    if (!permissionsOf(role).includes("risk.configure")) return { status: 403, code: "AUTH_FORBIDDEN" };
    return inScope || isGlobal(role) ? ok : { status: 400, code: "VALIDATION_FAILED" };
  };

async function targetUser(inScope: boolean) {
  return buildUser(t.ctx, { role: "grid_worker", areaCode: inScope ? tree.grid.code : elsewhere.grid.code });
}

const samples: Record<string, Sample> = {
  "GET /api/v1/auth/me": { ok: 200, build: async () => ({ url: "/api/v1/auth/me" }) },
  "POST /api/v1/auth/password": {
    ok: 400,
    okCode: "AUTH_PASSWORD_WRONG",
    build: async () => ({
      url: "/api/v1/auth/password",
      payload: { currentPassword: "not my password", newPassword: "another long passphrase" },
    }),
  },
  "POST /api/v1/auth/totp/setup": { ok: 200, build: async () => ({ url: "/api/v1/auth/totp/setup" }) },
  "POST /api/v1/auth/totp/enable": {
    ok: 401,
    okCode: "AUTH_TOTP_INVALID",
    build: async () => ({ url: "/api/v1/auth/totp/enable", payload: { code: "000000" } }),
  },
  "POST /api/v1/auth/tokens": {
    ok: 201,
    build: async () => ({ url: "/api/v1/auth/tokens", payload: { id: crypto.randomUUID(), name: "matrix" } }),
  },
  "GET /api/v1/auth/tokens": { ok: 200, build: async () => ({ url: "/api/v1/auth/tokens" }) },
  "GET /api/v1/auth/field-vault-key": { ok: 200, build: async () => ({ url: "/api/v1/auth/field-vault-key" }) },
  "DELETE /api/v1/auth/tokens/:id": {
    ok: 404,
    build: async () => ({ url: `/api/v1/auth/tokens/${crypto.randomUUID()}` }),
  },
  "GET /api/v1/users": { ok: 200, build: async () => ({ url: "/api/v1/users" }) },
  "POST /api/v1/users": {
    ok: 201,
    scoped: true,
    build: async (_role, inScope) => ({
      url: "/api/v1/users",
      payload: {
        id: crypto.randomUUID(),
        username: `m${crypto.randomUUID().slice(0, 12)}`,
        displayName: "矩阵测试",
        password: "a long enough passphrase",
        assignment: { roleKey: "grid_instructor", areaCode: inScope ? tree.grid.code : elsewhere.grid.code },
      },
    }),
  },
  "POST /api/v1/auditors": {
    // The auditors' own route (三员分立): only they create auditors.
    ok: 201,
    build: async () => ({
      url: "/api/v1/auditors",
      payload: { id: crypto.randomUUID(), username: `a${crypto.randomUUID().slice(0, 12)}`, displayName: "矩阵审计员" },
    }),
  },
  "GET /api/v1/users/:id": {
    ok: 200,
    scoped: true,
    build: async (_role, inScope) => ({ url: `/api/v1/users/${(await targetUser(inScope)).id}` }),
  },
  "PATCH /api/v1/users/:id": {
    ok: 200,
    scoped: true,
    build: async (_role, inScope) => ({
      url: `/api/v1/users/${(await targetUser(inScope)).id}`,
      payload: { displayName: "改名" },
    }),
  },
  "POST /api/v1/users/:id/password-reset": {
    ok: 200,
    scoped: true,
    build: async (_role, inScope) => ({
      url: `/api/v1/users/${(await targetUser(inScope)).id}/password-reset`,
      payload: {},
    }),
  },
  "POST /api/v1/users/import-staff": {
    ok: 200,
    build: async () => ({
      url: "/api/v1/users/import-staff",
      payload: { format: "csv", content: Buffer.from("姓名,手机号,派出单位,网格代码,角色\n").toString("base64") },
    }),
  },
  "POST /api/v1/assignments": {
    ok: 201,
    scoped: true,
    build: async (_role, inScope) => ({
      url: "/api/v1/assignments",
      payload: {
        id: crypto.randomUUID(),
        userId: (await targetUser(inScope)).id,
        roleKey: "grid_instructor",
        areaCode: inScope ? tree.grid.code : elsewhere.grid.code,
      },
    }),
  },
  "DELETE /api/v1/assignments/:id": {
    ok: 204,
    scoped: true,
    build: async (_role, inScope) => {
      const user = await targetUser(inScope);
      const row = await t.ctx.db
        .selectFrom("assignment")
        .select("id")
        .where("user_id", "=", user.id)
        .executeTakeFirstOrThrow();
      return { url: `/api/v1/assignments/${row.id}` };
    },
  },
  "GET /api/v1/roles": { ok: 200, build: async () => ({ url: "/api/v1/roles" }) },
  "GET /api/v1/permissions": { ok: 200, build: async () => ({ url: "/api/v1/permissions" }) },
  "PUT /api/v1/roles/auditor": {
    // The auditor role is the auditors' own (三员分立): role.manage does not reach it.
    ok: 200,
    build: async () => ({ url: "/api/v1/roles/auditor", payload: { permissions: permissionsOf("auditor") } }),
  },
  "PUT /api/v1/roles/:key": {
    ok: 200,
    build: async () => ({ url: "/api/v1/roles/volunteer", payload: { permissions: permissionsOf("volunteer") } }),
  },
  "GET /api/v1/areas": { ok: 200, build: async () => ({ url: "/api/v1/areas" }) },
  "GET /api/v1/areas/locate": { ok: 200, build: async () => ({ url: "/api/v1/areas/locate?lng=109.6&lat=23.1" }) },
  // Any signed-in user: their own areas' map, and names of the areas they see (others left out).
  "GET /api/v1/areas/mine": { ok: 200, build: async () => ({ url: "/api/v1/areas/mine" }) },
  // Any signed-in user: the offline base map's division outlines (a tile far from every test area is empty).
  "GET /api/v1/areas/outlines/:z/:x/:y": { ok: 204, build: async () => ({ url: "/api/v1/areas/outlines/15/0/0" }) },
  "GET /api/v1/areas/names": {
    ok: 200,
    build: async () => ({ url: `/api/v1/areas/names?codes=${tree.grid.code},${elsewhere.grid.code}` }),
  },
  "GET /api/v1/areas/:code": {
    ok: 200,
    scoped: true,
    build: async (_role, inScope) => ({ url: `/api/v1/areas/${inScope ? tree.grid.code : elsewhere.grid.code}` }),
  },
  "GET /api/v1/areas/:code/children": {
    ok: 200,
    scoped: true,
    build: async (_role, inScope) => ({
      url: `/api/v1/areas/${inScope ? tree.grid.code : elsewhere.grid.code}/children`,
    }),
  },
  "GET /api/v1/areas/:code/history": {
    ok: 200,
    scoped: true,
    build: async (_role, inScope) => ({
      url: `/api/v1/areas/${inScope ? tree.grid.code : elsewhere.grid.code}/history`,
    }),
  },
  "GET /api/v1/areas/:code/boundary/history": {
    ok: 200,
    scoped: true,
    build: async (_role, inScope) => ({
      url: `/api/v1/areas/${inScope ? tree.grid.code : elsewhere.grid.code}/boundary/history`,
    }),
  },
  "GET /api/v1/areas/:code/staff": {
    ok: 200,
    scoped: true,
    build: async (_role, inScope) => ({ url: `/api/v1/areas/${inScope ? tree.grid.code : elsewhere.grid.code}/staff` }),
  },
  "GET /api/v1/areas/:code/beats": {
    ok: 200,
    scoped: true,
    build: async (_role, inScope) => ({ url: `/api/v1/areas/${inScope ? tree.grid.code : elsewhere.grid.code}/beats` }),
  },
  "POST /api/v1/police-beats/import": {
    ok: 200,
    build: async () => ({
      url: "/api/v1/police-beats/import",
      payload: { collection: { type: "FeatureCollection", features: [] } },
    }),
  },
  "GET /api/v1/areas/:code/coverage": {
    ok: 200,
    scoped: true,
    build: async (_role, inScope) => ({
      url: `/api/v1/areas/${inScope ? tree.grid.code : elsewhere.grid.code}/coverage`,
    }),
  },
  "GET /api/v1/areas/:code/export": {
    ok: 200,
    scoped: true,
    build: async (_role, inScope) => ({
      url: `/api/v1/areas/${inScope ? tree.grid.code : elsewhere.grid.code}/export`,
    }),
  },
  "PUT /api/v1/areas/:code/boundary": {
    ok: 200,
    scoped: true,
    build: async (_role, inScope) => ({
      url: `/api/v1/areas/${inScope ? tree.grid.code : elsewhere.grid.code}/boundary`,
      payload: {
        geometry: {
          type: "Polygon",
          coordinates: [
            [
              [109.6, 23.1],
              [109.61, 23.1],
              [109.61, 23.11],
              [109.6, 23.1],
            ],
          ],
        },
      },
    }),
  },
  "POST /api/v1/areas/:code/split": {
    ok: 422,
    okCode: "AREA_RESHAPE_INVALID",
    scoped: true,
    build: async (_role, inScope) => ({
      url: `/api/v1/areas/${inScope ? tree.grid.code : elsewhere.grid.code}/split`,
      payload: {
        id: crypto.randomUUID(),
        reason: "matrix",
        parts: [
          { name: "a", geometry: { type: "Polygon", coordinates: [] } },
          { name: "b", geometry: { type: "Polygon", coordinates: [] } },
        ],
      },
    }),
  },
  "POST /api/v1/areas/merge": {
    ok: 422,
    okCode: "AREA_RESHAPE_INVALID",
    scoped: true,
    build: async (_role, inScope) => {
      const grid = inScope ? tree.grid.code : elsewhere.grid.code;
      return {
        url: "/api/v1/areas/merge",
        payload: { id: crypto.randomUUID(), reason: "matrix", codes: [grid, grid], into: { name: "merged" } },
      };
    },
  },
  "GET /api/v1/areas/:code/lineage": {
    ok: 200,
    scoped: true,
    build: async (_role, inScope) => ({
      url: `/api/v1/areas/${inScope ? tree.grid.code : elsewhere.grid.code}/lineage`,
    }),
  },
  "POST /api/v1/areas/import": {
    ok: 200,
    build: async () => ({
      url: "/api/v1/areas/import",
      payload: { collection: { type: "FeatureCollection", features: [] } },
    }),
  },
  "POST /api/v1/people": {
    expectFor: registryWrite({ status: 201 }),
    ok: 201,
    build: async () => ({
      url: "/api/v1/people",
      payload: { id: crypto.randomUUID(), name: "新人", gridCode: tree.grid.code },
    }),
  },
  "POST /api/v1/people/export": {
    ok: 200,
    build: async () => ({ url: "/api/v1/people/export", payload: { format: "csv", q: "矩阵" } }),
  },
  "GET /api/v1/people": { ok: 200, build: async () => ({ url: "/api/v1/people?q=%E7%9F%A9" }) },
  "GET /api/v1/people/:id": {
    ok: 200,
    scoped: true,
    outsideCode: "PERSON_NOT_FOUND",
    build: async (_role, inScope) => ({ url: `/api/v1/people/${reg(inScope).person}` }),
  },
  "POST /api/v1/people/:id/reveal": {
    ok: 200,
    scoped: true,
    outsideCode: "PERSON_NOT_FOUND",
    build: async (_role, inScope) => ({
      url: `/api/v1/people/${reg(inScope).person}/reveal`,
      payload: { fields: ["phone"], reason: "矩阵核对" },
    }),
  },
  "PATCH /api/v1/people/:id": {
    expectFor: registryWrite({ status: 200 }, "PERSON_NOT_FOUND"),
    ok: 200,
    scoped: true,
    outsideCode: "PERSON_NOT_FOUND",
    build: async (_role, inScope) => ({ url: `/api/v1/people/${reg(inScope).person}`, payload: { notes: "矩阵" } }),
  },
  "GET /api/v1/people/:id/access-log": {
    ok: 200,
    scoped: true,
    outsideCode: "PERSON_NOT_FOUND",
    build: async (_role, inScope) => ({ url: `/api/v1/people/${reg(inScope).person}/access-log` }),
  },
  "POST /api/v1/people/:id/transfer": {
    expectFor: registryWrite({ status: 400, code: "VALIDATION_FAILED" }, "PERSON_NOT_FOUND"),
    // To the grid the person is already in: refused, so the matrix changes nothing.
    ok: 400,
    okCode: "VALIDATION_FAILED",
    scoped: true,
    outsideCode: "PERSON_NOT_FOUND",
    build: async (_role, inScope) => ({
      url: `/api/v1/people/${reg(inScope).person}/transfer`,
      payload: { gridCode: tree.grid.code, reason: "矩阵" },
    }),
  },
  "GET /api/v1/tags": { ok: 200, build: async () => ({ url: "/api/v1/tags" }) },
  "POST /api/v1/places": {
    expectFor: registryWrite({ status: 201 }),
    ok: 201,
    build: async () => ({
      url: "/api/v1/places",
      payload: {
        id: crypto.randomUUID(),
        divisionCode: tree.village.code,
        road: `矩阵路${crypto.randomUUID().slice(0, 8)}`,
        gridCode: tree.grid.code,
      },
    }),
  },
  "GET /api/v1/places": { ok: 200, build: async () => ({ url: "/api/v1/places?q=%E7%9F%A9" }) },
  "GET /api/v1/places/:id": {
    ok: 200,
    scoped: true,
    outsideCode: "PLACE_NOT_FOUND",
    build: async (_role, inScope) => ({ url: `/api/v1/places/${reg(inScope).place}` }),
  },
  "POST /api/v1/households": {
    expectFor: registryWrite({ status: 201 }),
    ok: 201,
    build: async () => ({ url: "/api/v1/households", payload: { id: crypto.randomUUID(), placeId: here.place } }),
  },
  "GET /api/v1/households": { ok: 200, build: async () => ({ url: "/api/v1/households" }) },
  "GET /api/v1/households/:id": {
    ok: 200,
    scoped: true,
    outsideCode: "HOUSEHOLD_NOT_FOUND",
    build: async (_role, inScope) => ({ url: `/api/v1/households/${reg(inScope).household}` }),
  },
  "PUT /api/v1/households/:id/looks-after": {
    expectFor: registryWrite({ status: 422, code: "LEAD_HOUSEHOLD_INVALID" }, "HOUSEHOLD_NOT_FOUND"),
    // No party member lives there: refused, so the matrix changes nothing.
    ok: 422,
    okCode: "LEAD_HOUSEHOLD_INVALID",
    scoped: true,
    outsideCode: "HOUSEHOLD_NOT_FOUND",
    build: async (_role, inScope) => ({
      url: `/api/v1/households/${reg(inScope).household}/looks-after`,
      payload: { householdIds: [crypto.randomUUID()] },
    }),
  },
  "GET /api/v1/lead-households": {
    ok: 200,
    scoped: true,
    outsideCode: "AREA_NOT_FOUND",
    build: async (_role, inScope) => ({
      url: `/api/v1/lead-households?areaCode=${inScope ? tree.grid.code : elsewhere.grid.code}`,
    }),
  },
  "POST /api/v1/organisations": {
    expectFor: registryWrite({ status: 201 }),
    ok: 201,
    build: async () => ({
      url: "/api/v1/organisations",
      payload: { id: crypto.randomUUID(), kind: "shop", name: "矩阵新店", gridCode: tree.grid.code },
    }),
  },
  "GET /api/v1/organisations": { ok: 200, build: async () => ({ url: "/api/v1/organisations" }) },
  "GET /api/v1/organisations/:id": {
    ok: 200,
    scoped: true,
    outsideCode: "ORGANISATION_NOT_FOUND",
    build: async (_role, inScope) => ({ url: `/api/v1/organisations/${reg(inScope).organisation}` }),
  },
  "POST /api/v1/people/:id/tags": {
    expectFor: registryWrite({ status: 400, code: "VALIDATION_FAILED" }, "PERSON_NOT_FOUND"),
    ok: 400,
    okCode: "VALIDATION_FAILED",
    scoped: true,
    outsideCode: "PERSON_NOT_FOUND",
    build: async (_role, inScope) => ({
      url: `/api/v1/people/${reg(inScope).person}/tags`,
      payload: { tags: [{ key: "no_such_tag" }] },
    }),
  },
  "DELETE /api/v1/people/:id/tags/:tagId": {
    expectFor: registryWrite({ status: 422, code: "TAG_NOT_FOUND" }, "PERSON_NOT_FOUND"),
    ok: 422,
    okCode: "TAG_NOT_FOUND",
    scoped: true,
    outsideCode: "PERSON_NOT_FOUND",
    build: async (_role, inScope) => ({ url: `/api/v1/people/${reg(inScope).person}/tags/${crypto.randomUUID()}` }),
  },
  "POST /api/v1/households/:id/tags": {
    expectFor: registryWrite({ status: 400, code: "VALIDATION_FAILED" }, "HOUSEHOLD_NOT_FOUND"),
    ok: 400,
    okCode: "VALIDATION_FAILED",
    scoped: true,
    outsideCode: "HOUSEHOLD_NOT_FOUND",
    build: async (_role, inScope) => ({
      url: `/api/v1/households/${reg(inScope).household}/tags`,
      payload: { tags: [{ key: "no_such_tag" }] },
    }),
  },
  "DELETE /api/v1/households/:id/tags/:tagId": {
    expectFor: registryWrite({ status: 422, code: "TAG_NOT_FOUND" }, "HOUSEHOLD_NOT_FOUND"),
    ok: 422,
    okCode: "TAG_NOT_FOUND",
    scoped: true,
    outsideCode: "HOUSEHOLD_NOT_FOUND",
    build: async (_role, inScope) => ({
      url: `/api/v1/households/${reg(inScope).household}/tags/${crypto.randomUUID()}`,
    }),
  },
  "POST /api/v1/imports/people": {
    // A JSON body is not a file: refused before anything is stored.
    ok: 422,
    okCode: "IMPORT_FILE_INVALID",
    build: async () => ({
      url: `/api/v1/imports/people?id=${crypto.randomUUID()}&fileName=matrix.csv`,
      payload: { not: "a file" },
    }),
  },
  "GET /api/v1/imports": { ok: 200, build: async () => ({ url: "/api/v1/imports" }) },
  "GET /api/v1/imports/:id": {
    ok: 404,
    okCode: "IMPORT_NOT_FOUND",
    build: async () => ({ url: `/api/v1/imports/${crypto.randomUUID()}` }),
  },
  "GET /api/v1/imports/:id/report": {
    ok: 404,
    okCode: "IMPORT_NOT_FOUND",
    build: async () => ({ url: `/api/v1/imports/${crypto.randomUUID()}/report` }),
  },
  "GET /api/v1/imports/people/template": {
    ok: 200,
    build: async () => ({ url: "/api/v1/imports/people/template?format=csv" }),
  },
  "GET /api/v1/system/keys": { ok: 200, build: async () => ({ url: "/api/v1/system/keys" }) },
  "POST /api/v1/system/keys/rotate": { ok: 202, build: async () => ({ url: "/api/v1/system/keys/rotate" }) },
  "GET /api/v1/event-categories": { ok: 200, build: async () => ({ url: "/api/v1/event-categories" }) },
  "PUT /api/v1/event-categories/:key": {
    // An unknown category: refused, so the matrix changes nothing.
    ok: 404,
    okCode: "EVENT_CATEGORY_NOT_FOUND",
    build: async () => ({
      url: "/api/v1/event-categories/dispute.nothing",
      payload: {
        name: { "zh-CN": "无", en: "None" },
        closeLevel: "grid",
        deadlines: { grid: 60, village: 60, township: 60, county: 60, city: 60 },
        priority: "normal",
        attributes: [],
        active: true,
      },
    }),
  },
  "GET /api/v1/work-calendar/:year": { ok: 200, build: async () => ({ url: "/api/v1/work-calendar/2026" }) },
  "PUT /api/v1/work-calendar/:year": {
    ok: 400,
    okCode: "VALIDATION_FAILED",
    build: async () => ({
      url: "/api/v1/work-calendar/2030",
      payload: { days: [{ day: "2030-01-07", kind: "workday" }] },
    }),
  },
  "POST /api/v1/events": {
    // No category and no place: refused for everyone who may report, so the matrix changes nothing.
    ok: 400,
    okCode: "VALIDATION_FAILED",
    build: async () => ({
      url: "/api/v1/events",
      payload: { id: crypto.randomUUID(), categoryKey: "nope", description: "矩阵" },
    }),
  },
  "GET /api/v1/events": {
    // The area box needs event.read; the reported box is open to everyone signed in (residents too).
    ok: 200,
    expectFor: (role) =>
      permissionsOf(role).includes("event.read") ? { status: 200 } : { status: 403, code: "AUTH_FORBIDDEN" },
    build: async () => ({ url: "/api/v1/events?box=area" }),
  },
  "GET /api/v1/events/:id": {
    ok: 200,
    scoped: true,
    expectFor: readerOrNotFound({ status: 200 }),
    build: async (_role, inScope) => ({ url: `/api/v1/events/${reg(inScope).event}` }),
  },
  "POST /api/v1/events/:id/transitions": {
    // Verifying a reported event: the table refuses it before anything else.
    ok: 409,
    scoped: true,
    expectFor: readerOrNotFound({ status: 409, code: "EVENT_TRANSITION_NOT_ALLOWED" }),
    build: async (_role, inScope) => ({
      url: `/api/v1/events/${reg(inScope).event}/transitions`,
      payload: { action: "verify" },
    }),
  },
  "POST /api/v1/events/:id/reveal": {
    // Readers of events see them; those who handle, supervise or mediate there see the numbers in clear.
    ok: 200,
    scoped: true,
    expectFor: (role, inScope) => {
      if (!permissionsOf(role).includes("event.read")) return { status: 403, code: "AUTH_FORBIDDEN" };
      const read = readerOrNotFound({ status: 200 })(role, inScope);
      if (read.status === 404) return read;
      return ["event.handle", "event.supervise", "mediation.handle"].some((p) =>
        permissionsOf(role).includes(p as never),
      )
        ? read
        : { status: 403, code: "AUTH_FORBIDDEN" };
    },
    build: async (_role, inScope) => ({
      url: `/api/v1/events/${reg(inScope).event}/reveal`,
      payload: { reason: "权限矩阵核对" },
    }),
  },
  "PUT /api/v1/events/:id/public": {
    // The matrix's event is a dispute, never public: whoever may handle it there gets the field error,
    // so the matrix changes nothing; readers who may not handle it there are refused (403).
    ok: 400,
    scoped: true,
    expectFor: (role, inScope) => {
      const read = readerOrNotFound({ status: 400, code: "VALIDATION_FAILED" })(role, inScope);
      if (read.status === 404) return read;
      const def = DEFAULT_ROLES.find((r) => r.key === role);
      return permissionsOf(role).includes("event.handle") && def?.workScope !== "area"
        ? read
        : { status: 403, code: "AUTH_FORBIDDEN" };
    },
    build: async (_role, inScope) => ({
      url: `/api/v1/events/${reg(inScope).event}/public`,
      payload: { public: true },
    }),
  },
  "POST /api/v1/events/bulk-transitions": {
    // Each event's refusal is reported in the results; the request itself succeeds.
    ok: 200,
    build: async (_role, inScope) => ({
      url: "/api/v1/events/bulk-transitions",
      payload: { ids: [reg(inScope).event], action: "verify" },
    }),
  },
  "POST /api/v1/events/:id/feedback": {
    // Only the reporter gives feedback (the system reported these).
    ok: 409,
    scoped: true,
    expectFor: (role, inScope) =>
      !permissionsOf(role).includes("event.report")
        ? { status: 403, code: "AUTH_FORBIDDEN" }
        : readerOrNotFound({ status: 409, code: "EVENT_FEEDBACK_NOT_ALLOWED" })(role, inScope),
    build: async (_role, inScope) => ({
      url: `/api/v1/events/${reg(inScope).event}/feedback`,
      payload: { satisfaction: "satisfied" },
    }),
  },
  "GET /api/v1/events/duplicates": {
    ok: 200,
    build: async () => ({
      url: `/api/v1/events/duplicates?categoryKey=dispute.neighbour&description=${encodeURIComponent("矩阵事件")}&lng=109.6&lat=23.1`,
    }),
  },
  "GET /api/v1/events/:id/assignees": {
    ok: 200,
    scoped: true,
    expectFor: handlerExpect({ status: 200 }),
    build: async (_role, inScope) => ({ url: `/api/v1/events/${reg(inScope).event}/assignees?q=zheng` }),
  },
  "GET /api/v1/events/:id/dispatch-targets": {
    ok: 200,
    scoped: true,
    expectFor: handlerExpect({ status: 200 }),
    build: async (_role, inScope) => ({ url: `/api/v1/events/${reg(inScope).event}/dispatch-targets` }),
  },
  "GET /api/v1/events/:id/merge-targets": {
    ok: 200,
    scoped: true,
    expectFor: handlerExpect({ status: 200 }),
    build: async (_role, inScope) => ({ url: `/api/v1/events/${reg(inScope).event}/merge-targets` }),
  },
  "GET /api/v1/events/:id/dispute/mediators": {
    ok: 200,
    scoped: true,
    expectFor: mediationExpect({ status: 200 }),
    build: async (_role, inScope) => ({ url: `/api/v1/events/${reg(inScope).event}/dispute/mediators` }),
  },
  "GET /api/v1/events/settled-levels": { ok: 200, build: async () => ({ url: "/api/v1/events/settled-levels" }) },
  "GET /api/v1/events/stream": { ok: 200, build: async () => ({ url: "/api/v1/events/stream?maxSeconds=0" }) },
  "GET /api/v1/notifications": { ok: 200, build: async () => ({ url: "/api/v1/notifications" }) },
  "POST /api/v1/notifications/read": {
    ok: 200,
    build: async () => ({ url: "/api/v1/notifications/read", payload: { ids: [crypto.randomUUID()] } }),
  },
  "POST /api/v1/events/:id/attachments": {
    // Not a photo: refused, so the matrix stores nothing.
    ok: 422,
    scoped: true,
    expectFor: readerOrNotFound({ status: 422, code: "EVENT_ATTACHMENT_REJECTED" }),
    build: async (_role, inScope) => ({
      url: `/api/v1/events/${reg(inScope).event}/attachments?fileName=a.txt`,
      payload: { not: "a photo" },
    }),
  },
  "GET /api/v1/events/:id/attachments": {
    ok: 200,
    scoped: true,
    expectFor: readerOrNotFound({ status: 200 }),
    build: async (_role, inScope) => ({ url: `/api/v1/events/${reg(inScope).event}/attachments` }),
  },
  "GET /api/v1/events/:id/attachments/:attachmentId": {
    ok: 404,
    scoped: true,
    expectFor: () => ({ status: 404, code: "EVENT_NOT_FOUND" }),
    build: async (_role, inScope) => ({
      url: `/api/v1/events/${reg(inScope).event}/attachments/${crypto.randomUUID()}`,
    }),
  },
  "GET /api/v1/events/:id/dispute": {
    ok: 200,
    scoped: true,
    outsideCode: "EVENT_NOT_FOUND",
    build: async (_role, inScope) => ({ url: `/api/v1/events/${reg(inScope).event}/dispute` }),
  },
  "PUT /api/v1/events/:id/dispute": {
    ok: 400,
    scoped: true,
    expectFor: mediationExpect({ status: 400, code: "VALIDATION_FAILED" }),
    build: async (_role, inScope) => ({
      url: `/api/v1/events/${reg(inScope).event}/dispute`,
      payload: { riskGrade: "general", mediatorUserId: crypto.randomUUID() },
    }),
  },
  "POST /api/v1/events/:id/dispute/parties": {
    ok: 400,
    scoped: true,
    expectFor: mediationExpect({ status: 400, code: "VALIDATION_FAILED" }),
    build: async (_role, inScope) => ({
      url: `/api/v1/events/${reg(inScope).event}/dispute/parties`,
      payload: { id: crypto.randomUUID(), role: "applicant" },
    }),
  },
  "DELETE /api/v1/events/:id/dispute/parties/:partyId": {
    ok: 404,
    scoped: true,
    expectFor: mediationExpect({ status: 404, code: "EVENT_NOT_FOUND" }),
    build: async (_role, inScope) => ({
      url: `/api/v1/events/${reg(inScope).event}/dispute/parties/${crypto.randomUUID()}`,
    }),
  },
  "POST /api/v1/events/:id/dispute/sessions": {
    ok: 400,
    scoped: true,
    expectFor: mediationExpect({ status: 400, code: "VALIDATION_FAILED" }),
    build: async (_role, inScope) => ({
      url: `/api/v1/events/${reg(inScope).event}/dispute/sessions`,
      payload: {
        id: crypto.randomUUID(),
        heldAt: "2999-01-01T00:00:00+08:00",
        place: "矩阵",
        mediators: "矩阵",
        attendees: "矩阵",
        record: "矩阵记录",
        outcome: "continue",
      },
    }),
  },
  "PUT /api/v1/events/:id/dispute/agreement": {
    // No parties yet: refused.
    ok: 400,
    scoped: true,
    expectFor: mediationExpect({ status: 400, code: "VALIDATION_FAILED" }),
    build: async (_role, inScope) => ({
      url: `/api/v1/events/${reg(inScope).event}/dispute/agreement`,
      payload: {
        committee: "矩阵调委会",
        facts: "矩阵事实",
        matters: "矩阵事项",
        obligations: [{ party: "甲", obligation: "道歉", method: "当面", deadline: "2026-12-01" }],
        signedOn: "2026-11-01",
        mediatorName: "矩阵",
      },
    }),
  },
  "GET /api/v1/events/:id/dispute/agreement.pdf": {
    ok: 404,
    okCode: "MEDIATION_AGREEMENT_NOT_FOUND",
    scoped: true,
    outsideCode: "EVENT_NOT_FOUND",
    build: async (_role, inScope) => ({ url: `/api/v1/events/${reg(inScope).event}/dispute/agreement.pdf` }),
  },
  "POST /api/v1/events/:id/dispute/followups": {
    // A visit before the dispute is settled: refused.
    ok: 400,
    scoped: true,
    expectFor: mediationExpect({ status: 400, code: "VALIDATION_FAILED" }),
    build: async (_role, inScope) => ({
      url: `/api/v1/events/${reg(inScope).event}/dispute/followups`,
      payload: { id: crypto.randomUUID(), kind: "visit", at: "2026-11-01T10:00:00+08:00", result: "矩阵回访" },
    }),
  },
  "GET /api/v1/intake/devices": { ok: 200, build: async () => ({ url: "/api/v1/intake/devices" }) },
  "POST /api/v1/intake/devices": {
    ok: 400,
    okCode: "VALIDATION_FAILED",
    build: async () => ({
      url: "/api/v1/intake/devices",
      payload: { deviceKey: "matrix-cam", name: "矩阵", categoryKey: "no.such", areaCode: "nowhere" },
    }),
  },
  "DELETE /api/v1/intake/devices/:id": {
    ok: 404,
    okCode: "DEVICE_NOT_FOUND",
    build: async () => ({ url: `/api/v1/intake/devices/${crypto.randomUUID()}` }),
  },
  "GET /api/v1/broadcast/devices": { ok: 200, build: async () => ({ url: "/api/v1/broadcast/devices" }) },
  "POST /api/v1/broadcast/devices": {
    ok: 400,
    okCode: "VALIDATION_FAILED",
    build: async () => ({
      url: "/api/v1/broadcast/devices",
      payload: { deviceKey: "matrix-spk", name: "矩阵", areaCode: "nowhere" },
    }),
  },
  "DELETE /api/v1/broadcast/devices/:id": {
    ok: 404,
    okCode: "DEVICE_NOT_FOUND",
    build: async () => ({ url: `/api/v1/broadcast/devices/${crypto.randomUUID()}` }),
  },
  "POST /api/v1/broadcast/audio": {
    // Not a recording: refused, so the matrix stores nothing.
    ok: 422,
    okCode: "BROADCAST_AUDIO_REJECTED",
    build: async () => ({ url: `/api/v1/broadcast/audio?id=${crypto.randomUUID()}`, payload: { not: "audio" } }),
  },
  "POST /api/v1/notices": {
    // A phone number in the text: refused, so the matrix sends nothing.
    ok: 400,
    okCode: "VALIDATION_FAILED",
    build: async () => ({
      url: "/api/v1/notices",
      payload: {
        id: crypto.randomUUID(),
        title: "矩阵",
        body: "请致电 13877125678",
        areaCode: tree.village.code,
        channels: ["app"],
      },
    }),
  },
  "GET /api/v1/notices": { ok: 200, build: async () => ({ url: "/api/v1/notices" }) },
  "GET /api/v1/notices/inbox": { ok: 200, build: async () => ({ url: "/api/v1/notices/inbox" }) },
  "POST /api/v1/notices/inbox/:id/read": {
    ok: 404,
    okCode: "NOTICE_NOT_FOUND",
    build: async () => ({ url: `/api/v1/notices/inbox/${crypto.randomUUID()}/read` }),
  },
  "GET /api/v1/notices/:id": {
    ok: 404,
    okCode: "NOTICE_NOT_FOUND",
    build: async () => ({ url: `/api/v1/notices/${crypto.randomUUID()}` }),
  },
  "GET /api/v1/notices/:id/loudspeaker-only": {
    ok: 404,
    okCode: "NOTICE_NOT_FOUND",
    build: async () => ({ url: `/api/v1/notices/${crypto.randomUUID()}/loudspeaker-only` }),
  },
  "GET /api/v1/resident/village": { ok: 200, build: async () => ({ url: "/api/v1/resident/village" }) },
  "PUT /api/v1/resident/village": {
    ok: 400,
    okCode: "VALIDATION_FAILED",
    build: async () => ({ url: "/api/v1/resident/village", payload: { areaCode: "nowhere" } }),
  },
  "GET /api/v1/resident/villages": { ok: 200, build: async () => ({ url: "/api/v1/resident/villages?q=x" }) },
  "GET /api/v1/open311/keys": { ok: 200, build: async () => ({ url: "/api/v1/open311/keys" }) },
  "POST /api/v1/open311/keys": {
    ok: 400,
    okCode: "VALIDATION_FAILED",
    build: async () => ({ url: "/api/v1/open311/keys", payload: { name: "" } }),
  },
  "DELETE /api/v1/open311/keys/:id": {
    ok: 404,
    okCode: "RESOURCE_NOT_FOUND",
    build: async () => ({ url: `/api/v1/open311/keys/${crypto.randomUUID()}` }),
  },
  // Risk early warning: reading rules, playbooks and the calendar needs risk.read or risk.configure.
  "GET /api/v1/risk-rules": {
    ok: 200,
    expectFor: riskReaderOr({ status: 200 }),
    build: async () => ({ url: "/api/v1/risk-rules" }),
  },
  "GET /api/v1/risk-rules/:id": {
    ok: 404,
    expectFor: riskReaderOr({ status: 404, code: "RISK_RULE_NOT_FOUND" }),
    build: async () => ({ url: `/api/v1/risk-rules/${crypto.randomUUID()}` }),
  },
  "POST /api/v1/risk-rules": {
    ok: 201,
    scoped: true,
    expectFor: configureIn({ status: 201 }),
    build: async (_role, inScope) => ({
      url: "/api/v1/risk-rules",
      payload: {
        id: crypto.randomUUID(),
        name: "矩阵规则",
        areaCode: inScope ? tree.township.code : elsewhere.township.code,
        alertLevel: "township",
        enabled: false,
        rule: { kind: "major_dispute", params: { unsettledDays: 15, includeReopened: true } },
      },
    }),
  },
  "PUT /api/v1/risk-rules/:id": {
    ok: 404,
    okCode: "RISK_RULE_NOT_FOUND",
    build: async () => ({
      url: `/api/v1/risk-rules/${crypto.randomUUID()}`,
      payload: {
        version: 1,
        name: "矩阵规则",
        areaCode: tree.township.code,
        alertLevel: "township",
        enabled: false,
        rule: { kind: "major_dispute", params: { unsettledDays: 15, includeReopened: true } },
      },
    }),
  },
  "POST /api/v1/risk-rules/backtest": {
    ok: 200,
    scoped: true,
    outsideCode: "VALIDATION_FAILED",
    expectFor: (role, inScope) =>
      !permissionsOf(role).includes("risk.read")
        ? { status: 403, code: "AUTH_FORBIDDEN" }
        : inScope || isGlobal(role)
          ? { status: 200 }
          : { status: 400, code: "VALIDATION_FAILED" },
    build: async (_role, inScope) => ({
      url: "/api/v1/risk-rules/backtest",
      payload: {
        rule: { kind: "major_dispute", params: { unsettledDays: 15, includeReopened: true } },
        areaCode: inScope ? tree.village.code : elsewhere.village.code,
        from: "2026-01-01",
        to: "2026-03-31",
      },
    }),
  },
  "GET /api/v1/alerts": { ok: 200, build: async () => ({ url: "/api/v1/alerts" }) },
  "GET /api/v1/alerts/:id": {
    ok: 404,
    okCode: "RISK_ALERT_NOT_FOUND",
    build: async () => ({ url: `/api/v1/alerts/${crypto.randomUUID()}` }),
  },
  "POST /api/v1/alerts/:id/acknowledge": {
    ok: 404,
    okCode: "RISK_ALERT_NOT_FOUND",
    build: async () => ({ url: `/api/v1/alerts/${crypto.randomUUID()}/acknowledge`, payload: {} }),
  },
  "POST /api/v1/alerts/:id/close": {
    ok: 404,
    okCode: "RISK_ALERT_NOT_FOUND",
    build: async () => ({ url: `/api/v1/alerts/${crypto.randomUUID()}/close`, payload: { note: "已处置" } }),
  },
  "POST /api/v1/alerts/:id/playbook": {
    ok: 404,
    okCode: "RISK_ALERT_NOT_FOUND",
    build: async () => ({
      url: `/api/v1/alerts/${crypto.randomUUID()}/playbook`,
      payload: { playbookId: crypto.randomUUID() },
    }),
  },
  "POST /api/v1/alert-tasks/:id/finish": {
    ok: 404,
    okCode: "RISK_TASK_NOT_FOUND",
    build: async () => ({ url: `/api/v1/alert-tasks/${crypto.randomUUID()}/finish`, payload: { state: "done" } }),
  },
  "GET /api/v1/playbooks": {
    ok: 200,
    expectFor: riskReaderOr({ status: 200 }),
    build: async () => ({ url: "/api/v1/playbooks" }),
  },
  "POST /api/v1/playbooks": {
    ok: 201,
    expectFor: (role) =>
      isGlobal(role) && permissionsOf(role).includes("risk.configure")
        ? { status: 201 }
        : { status: 403, code: "AUTH_FORBIDDEN" },
    build: async () => ({
      url: "/api/v1/playbooks",
      payload: {
        id: crypto.randomUUID(),
        name: "矩阵预案",
        steps: [{ title: "上门走访", role: "grid_worker", dueHours: 24 }],
      },
    }),
  },
  "PUT /api/v1/playbooks/:id": {
    ok: 404,
    expectFor: (role) =>
      isGlobal(role) && permissionsOf(role).includes("risk.configure")
        ? { status: 404, code: "RISK_PLAYBOOK_NOT_FOUND" }
        : { status: 403, code: "AUTH_FORBIDDEN" },
    build: async () => ({
      url: `/api/v1/playbooks/${crypto.randomUUID()}`,
      payload: { name: "矩阵预案", active: true, steps: [{ title: "上门走访", role: "grid_worker", dueHours: 24 }] },
    }),
  },
  "GET /api/v1/sensitive-dates": {
    ok: 200,
    expectFor: riskReaderOr({ status: 200 }),
    build: async () => ({ url: "/api/v1/sensitive-dates" }),
  },
  "POST /api/v1/sensitive-dates": {
    ok: 201,
    scoped: true,
    expectFor: configureIn({ status: 201 }),
    build: async (_role, inScope) => ({
      url: "/api/v1/sensitive-dates",
      payload: {
        id: crypto.randomUUID(),
        name: "矩阵日期",
        onDate: "2026-10-01",
        recursYearly: true,
        daysBefore: 1,
        daysAfter: 1,
        areaCode: inScope ? tree.township.code : elsewhere.township.code,
      },
    }),
  },
  "PUT /api/v1/sensitive-dates/:id": {
    ok: 404,
    okCode: "RISK_SENSITIVE_DATE_NOT_FOUND",
    build: async () => ({
      url: `/api/v1/sensitive-dates/${crypto.randomUUID()}`,
      payload: {
        name: "矩阵日期",
        onDate: "2026-10-01",
        recursYearly: true,
        daysBefore: 1,
        daysAfter: 1,
        areaCode: null,
      },
    }),
  },
  "DELETE /api/v1/sensitive-dates/:id": {
    ok: 404,
    okCode: "RISK_SENSITIVE_DATE_NOT_FOUND",
    build: async () => ({ url: `/api/v1/sensitive-dates/${crypto.randomUUID()}` }),
  },
  "GET /api/v1/visit-plans": { ok: 200, build: async () => ({ url: "/api/v1/visit-plans" }) },
  "PUT /api/v1/visit-plans/:key": {
    ok: 200,
    build: async () => ({
      url: "/api/v1/visit-plans/household",
      payload: { everyDays: 365, checklist: [{ key: "home_safe", label: { "zh-CN": "居住安全", en: "Home safe" } }] },
    }),
  },
  "GET /api/v1/figures": {
    ok: 200,
    scoped: true,
    outsideCode: "AREA_NOT_FOUND",
    build: async (_role, inScope) => ({
      url: `/api/v1/figures?area=${inScope ? tree.grid.code : elsewhere.grid.code}&from=2026-11-01&to=2026-11-30`,
    }),
  },
  "GET /api/v1/figures/open": {
    ok: 200,
    scoped: true,
    outsideCode: "AREA_NOT_FOUND",
    build: async (_role, inScope) => ({
      url: `/api/v1/figures/open?area=${inScope ? tree.grid.code : elsewhere.grid.code}`,
    }),
  },
  "GET /api/v1/screen/overview": {
    ok: 200,
    scoped: true,
    outsideCode: "AREA_NOT_FOUND",
    build: async (_role, inScope) => ({
      url: `/api/v1/screen/overview?area=${inScope ? tree.grid.code : elsewhere.grid.code}`,
    }),
  },
  "GET /api/v1/screen/stream": { ok: 200, build: async () => ({ url: "/api/v1/screen/stream?maxSeconds=0" }) },
  "GET /api/v1/screen/map": { ok: 200, build: async () => ({ url: "/api/v1/screen/map" }) },
  "POST /api/v1/screen/links": {
    ok: 201,
    scoped: true,
    outsideCode: "AREA_NOT_FOUND",
    build: async (_role, inScope) => ({
      url: "/api/v1/screen/links",
      payload: { id: crypto.randomUUID(), name: "矩阵大屏", areaCode: inScope ? tree.grid.code : elsewhere.grid.code },
    }),
  },
  "GET /api/v1/screen/links": { ok: 200, build: async () => ({ url: "/api/v1/screen/links" }) },
  "DELETE /api/v1/screen/links/:id": {
    ok: 404,
    build: async () => ({ url: `/api/v1/screen/links/${crypto.randomUUID()}` }),
  },
  "GET /api/v1/visits/due": {
    ok: 200,
    scoped: true,
    outsideCode: "AREA_NOT_FOUND",
    build: async (_role, inScope) => ({
      url: `/api/v1/visits/due?areaCode=${inScope ? tree.grid.code : elsewhere.grid.code}`,
    }),
  },
  "GET /api/v1/visits/field-pack": {
    ok: 200,
    scoped: true,
    outsideCode: "AREA_NOT_FOUND",
    build: async (_role, inScope) => ({
      url: `/api/v1/visits/field-pack?areaCode=${inScope ? tree.grid.code : elsewhere.grid.code}`,
    }),
  },
  "GET /api/v1/visits/coverage": {
    ok: 200,
    scoped: true,
    outsideCode: "AREA_NOT_FOUND",
    build: async (_role, inScope) => ({
      url: `/api/v1/visits/coverage?areaCode=${inScope ? tree.grid.code : elsewhere.grid.code}`,
    }),
  },
  "GET /api/v1/visits/due-counts": {
    ok: 200,
    scoped: true,
    outsideCode: "AREA_NOT_FOUND",
    build: async (_role, inScope) => ({
      url: `/api/v1/visits/due-counts?areaCode=${inScope ? tree.grid.code : elsewhere.grid.code}`,
    }),
  },
  "GET /api/v1/visits/signals": {
    ok: 200,
    scoped: true,
    outsideCode: "AREA_NOT_FOUND",
    build: async (_role, inScope) => ({
      url: `/api/v1/visits/signals?areaCode=${inScope ? tree.grid.code : elsewhere.grid.code}`,
    }),
  },
  "POST /api/v1/visits": {
    ok: 201,
    scoped: true,
    expectFor: visitWrite({ status: 201 }, "HOUSEHOLD_NOT_FOUND"),
    build: async (_role, inScope) => ({
      url: "/api/v1/visits",
      payload: {
        id: crypto.randomUUID(),
        householdId: reg(inScope).household,
        kind: "routine",
        outcome: "nobody_home",
        visitedAt: new Date().toISOString(),
      },
    }),
  },
  "GET /api/v1/visits": {
    ok: 200,
    scoped: true,
    outsideCode: "HOUSEHOLD_NOT_FOUND",
    build: async (_role, inScope) => ({ url: `/api/v1/visits?householdId=${reg(inScope).household}` }),
  },
  "GET /api/v1/visits/:id": {
    ok: 200,
    scoped: true,
    outsideCode: "VISIT_NOT_FOUND",
    build: async (_role, inScope) => ({ url: `/api/v1/visits/${reg(inScope).visit}` }),
  },
  "PUT /api/v1/visits/:id/photo": {
    // No file: refused, once the visit is found and worked on.
    ok: 422,
    scoped: true,
    expectFor: visitWrite({ status: 422, code: "VISIT_PHOTO_REJECTED" }, "VISIT_NOT_FOUND"),
    build: async (_role, inScope) => ({ url: `/api/v1/visits/${reg(inScope).visit}/photo` }),
  },
  "GET /api/v1/visits/:id/photo": {
    ok: 404,
    okCode: "VISIT_NOT_FOUND",
    scoped: true,
    outsideCode: "VISIT_NOT_FOUND",
    build: async (_role, inScope) => ({ url: `/api/v1/visits/${reg(inScope).visit}/photo` }),
  },
  "POST /api/v1/visits/:id/needs/:needId/event": {
    ok: 404,
    scoped: true,
    expectFor: visitWrite({ status: 404, code: "VISIT_NEED_NOT_FOUND" }, "VISIT_NOT_FOUND"),
    build: async (_role, inScope) => ({
      url: `/api/v1/visits/${reg(inScope).visit}/needs/${crypto.randomUUID()}/event`,
      payload: { id: crypto.randomUUID(), categoryKey: "request.livelihood" },
    }),
  },
  "POST /api/v1/visits/:id/needs/:needId/service-request": {
    ok: 404,
    scoped: true,
    expectFor: visitWrite({ status: 404, code: "VISIT_NEED_NOT_FOUND" }, "VISIT_NOT_FOUND"),
    build: async (_role, inScope) => ({
      url: `/api/v1/visits/${reg(inScope).visit}/needs/${crypto.randomUUID()}/service-request`,
    }),
  },
  "GET /api/v1/disclosures/settings": { ok: 200, build: async () => ({ url: "/api/v1/disclosures/settings" }) },
  "PUT /api/v1/disclosures/settings/:kind": {
    ok: 200,
    build: async () => ({ url: "/api/v1/disclosures/settings/finance", payload: { requiresReview: true } }),
  },
  "GET /api/v1/disclosures/finance-template": {
    ok: 200,
    build: async () => ({ url: "/api/v1/disclosures/finance-template" }),
  },
  "POST /api/v1/disclosures/finance-table": {
    // No file: refused, whoever may read one.
    ok: 422,
    okCode: "DISCLOSURE_FINANCE_FILE_INVALID",
    build: async () => ({ url: "/api/v1/disclosures/finance-table" }),
  },
  "GET /api/v1/disclosures/manage": { ok: 200, build: async () => ({ url: "/api/v1/disclosures/manage" }) },
  "GET /api/v1/disclosures/review": { ok: 200, build: async () => ({ url: "/api/v1/disclosures/review" }) },
  "POST /api/v1/disclosures": {
    // The village's own staff publish (a village official at the village); officials above see, not work.
    ok: 201,
    scoped: true,
    expectFor: (role, inScope) => {
      if (!permissionsOf(role).includes("disclosure.manage")) return { status: 403, code: "AUTH_FORBIDDEN" };
      if (!inScope) return { status: 404, code: "AREA_NOT_FOUND" };
      return role === "village_official" ? { status: 201 } : { status: 403, code: "AUTH_FORBIDDEN" };
    },
    build: async (_role, inScope) => ({
      url: "/api/v1/disclosures",
      payload: {
        id: crypto.randomUUID(),
        versionId: crypto.randomUUID(),
        areaCode: inScope ? tree.village.code : elsewhere.village.code,
        kind: "party",
        periodKind: "quarter",
        periodStart: "2026-10-01",
        title: "矩阵党务公开",
        body: "矩阵",
      },
    }),
  },
  ...Object.fromEntries(
    (
      [
        ["GET", "manage", undefined],
        ["PUT", "draft", { title: "矩阵", body: "矩阵" }],
        ["POST", "versions", { versionId: crypto.randomUUID(), reason: "矩阵", title: "矩阵", body: "矩阵" }],
        ["POST", "submit", { versionId: crypto.randomUUID() }],
        ["POST", "review", { versionId: crypto.randomUUID(), decision: "approve" }],
      ] as const
    ).map(([method, path, payload]) => [
      `${method} /api/v1/disclosures/:id/${path}`,
      {
        ok: 404,
        okCode: "DISCLOSURE_NOT_FOUND",
        build: async () => ({
          url: `/api/v1/disclosures/${crypto.randomUUID()}/${path}`,
          ...(payload ? { payload } : {}),
        }),
      } satisfies Sample,
    ]),
  ),
  ...Object.fromEntries(
    (["PUT", "DELETE", "GET"] as const).map((method) => [
      `${method} /api/v1/disclosures/:id/draft-files/:fileId`,
      {
        ok: 404,
        okCode: "DISCLOSURE_NOT_FOUND",
        build: async () => ({
          url: `/api/v1/disclosures/${crypto.randomUUID()}/draft-files/${crypto.randomUUID()}`,
        }),
      } satisfies Sample,
    ]),
  ),
  "POST /api/v1/comments": {
    ok: 404,
    okCode: "DISCLOSURE_NOT_FOUND",
    build: async () => ({
      url: "/api/v1/comments",
      payload: {
        id: crypto.randomUUID(),
        disclosureId: crypto.randomUUID(),
        kind: "question",
        text: "矩阵",
        anonymous: true,
      },
    }),
  },
  "GET /api/v1/comments/mine": { ok: 200, build: async () => ({ url: "/api/v1/comments/mine" }) },
  "GET /api/v1/comments": { ok: 200, build: async () => ({ url: "/api/v1/comments" }) },
  "POST /api/v1/comments/:id/reply": {
    ok: 404,
    okCode: "COMMENT_NOT_FOUND",
    build: async () => ({ url: `/api/v1/comments/${crypto.randomUUID()}/reply`, payload: { text: "矩阵" } }),
  },
  "POST /api/v1/comments/:id/hide": {
    ok: 404,
    okCode: "COMMENT_NOT_FOUND",
    build: async () => ({ url: `/api/v1/comments/${crypto.randomUUID()}/hide`, payload: { reason: "矩阵" } }),
  },
  "GET /api/v1/procedures/manage": { ok: 200, build: async () => ({ url: "/api/v1/procedures/manage" }) },
  "POST /api/v1/procedures": {
    // The area's own staff: officials at the area itself (a township official at the township).
    ok: 201,
    scoped: true,
    expectFor: (role, inScope) => {
      if (!permissionsOf(role).includes("disclosure.manage")) return { status: 403, code: "AUTH_FORBIDDEN" };
      if (!inScope) return { status: 404, code: "AREA_NOT_FOUND" };
      return role === "village_official" ? { status: 201 } : { status: 403, code: "AUTH_FORBIDDEN" };
    },
    build: async (_role, inScope) => ({
      url: "/api/v1/procedures",
      payload: {
        id: crypto.randomUUID(),
        areaCode: inScope ? tree.village.code : elsewhere.village.code,
        title: "矩阵指南",
        materials: [],
        location: "矩阵",
      },
    }),
  },
  "PUT /api/v1/procedures/:id": {
    ok: 404,
    okCode: "PROCEDURE_NOT_FOUND",
    build: async () => ({
      url: `/api/v1/procedures/${crypto.randomUUID()}`,
      payload: { title: "矩阵", materials: [], location: "矩阵" },
    }),
  },
  "GET /api/v1/projects/manage": { ok: 200, build: async () => ({ url: "/api/v1/projects/manage" }) },
  "POST /api/v1/projects": {
    // The area's own staff: a village official at the village (officials above see, not work).
    ok: 201,
    scoped: true,
    expectFor: (role, inScope) => {
      if (!permissionsOf(role).includes("project.manage")) return { status: 403, code: "AUTH_FORBIDDEN" };
      if (!inScope) return { status: 404, code: "AREA_NOT_FOUND" };
      return role === "village_official" ? { status: 201 } : { status: 403, code: "AUTH_FORBIDDEN" };
    },
    build: async (_role, inScope) => ({
      url: "/api/v1/projects",
      payload: {
        id: crypto.randomUUID(),
        areaCode: inScope ? tree.village.code : elsewhere.village.code,
        title: "矩阵项目",
        budgetFen: 100,
        fundingSource: "矩阵",
      },
    }),
  },
  ...Object.fromEntries(
    (
      [
        ["GET", "/manage", undefined],
        ["PUT", "", { title: "矩阵", budgetFen: 100, fundingSource: "矩阵" }],
        ["POST", "/publish", undefined],
        ["POST", "/milestones", { id: crypto.randomUUID(), title: "矩阵", plannedOn: "2026-12-01" }],
        [
          "POST",
          "/acceptances",
          {
            id: crypto.randomUUID(),
            acceptedOn: "2026-12-01",
            acceptedBy: "矩阵",
            result: "passed",
            signatories: [{ role: "owner", unit: "矩阵" }],
          },
        ],
      ] as const
    ).map(([method, path, payload]) => [
      `${method} /api/v1/projects/:id${path}`,
      {
        ok: 404,
        okCode: "PROJECT_NOT_FOUND",
        build: async () => ({
          url: `/api/v1/projects/${crypto.randomUUID()}${path}`,
          ...(payload ? { payload } : {}),
        }),
      } satisfies Sample,
    ]),
  ),
  "PUT /api/v1/projects/:id/milestones/:milestoneId": {
    ok: 404,
    okCode: "PROJECT_NOT_FOUND",
    build: async () => ({
      url: `/api/v1/projects/${crypto.randomUUID()}/milestones/${crypto.randomUUID()}`,
      payload: { title: "矩阵", plannedOn: "2026-12-01", status: "planned" },
    }),
  },
  ...Object.fromEntries(
    (
      [
        ["PUT", "files"],
        ["DELETE", "files"],
        ["GET", "manage/files"],
      ] as const
    ).map(([method, path]) => [
      `${method} /api/v1/projects/:id/${path}/:fileId`,
      {
        ok: 404,
        okCode: "PROJECT_NOT_FOUND",
        build: async () => ({ url: `/api/v1/projects/${crypto.randomUUID()}/${path}/${crypto.randomUUID()}` }),
      } satisfies Sample,
    ]),
  ),
  "GET /api/v1/close-outs/day": { ok: 200, build: async () => ({ url: "/api/v1/close-outs/day" }) },
  "POST /api/v1/close-outs": {
    // A day that has not come: refused, whoever asks.
    ok: 400,
    okCode: "VALIDATION_FAILED",
    build: async () => ({ url: "/api/v1/close-outs", payload: { id: crypto.randomUUID(), day: "2999-01-01" } }),
  },
  "GET /api/v1/close-outs/status": {
    ok: 200,
    scoped: true,
    outsideCode: "AREA_NOT_FOUND",
    build: async (_role, inScope) => ({
      url: `/api/v1/close-outs/status?areaCode=${inScope ? tree.grid.code : elsewhere.grid.code}`,
    }),
  },
  "GET /api/v1/reports": { ok: 200, build: async () => ({ url: "/api/v1/reports" }) },
  "POST /api/v1/reports": {
    ok: 201,
    scoped: true,
    outsideCode: "AREA_NOT_FOUND",
    // A daily report of another past day each time: every call writes one.
    build: async (_role, inScope) => ({
      url: "/api/v1/reports",
      payload: {
        id: crypto.randomUUID(),
        kind: "daily",
        area: inScope ? tree.grid.code : elsewhere.grid.code,
        day: new Date(Date.UTC(2025, 0, 1 + reportDay++)).toISOString().slice(0, 10),
      },
    }),
  },
  "GET /api/v1/reports/:id": {
    ok: 200,
    scoped: true,
    outsideCode: "REPORT_NOT_FOUND",
    build: async (_role, inScope) => ({ url: `/api/v1/reports/${reportsOf.get(inScope)?.grid}` }),
  },
  "GET /api/v1/reports/:id/pdf": {
    ok: 200,
    scoped: true,
    outsideCode: "REPORT_NOT_FOUND",
    build: async (_role, inScope) => ({ url: `/api/v1/reports/${reportsOf.get(inScope)?.grid}/pdf` }),
  },
  "GET /api/v1/reports/:id/xlsx": {
    ok: 200,
    scoped: true,
    outsideCode: "REPORT_NOT_FOUND",
    build: async (_role, inScope) => ({ url: `/api/v1/reports/${reportsOf.get(inScope)?.grid}/xlsx` }),
  },
  "POST /api/v1/reports/:id/judgement": {
    ok: 201,
    scoped: true,
    // report.write for the report's own area: the township's officials judge the township's report;
    // the county's read it but judge their own.
    expectFor: (role, inScope) => {
      if (!permissionsOf(role).includes("report.write")) return { status: 403, code: "AUTH_FORBIDDEN" };
      if (!inScope) return { status: 404, code: "REPORT_NOT_FOUND" };
      return role === "township_official" ? { status: 201 } : { status: 403, code: "AUTH_FORBIDDEN" };
    },
    build: async (_role, inScope) => ({
      url: `/api/v1/reports/${reportsOf.get(inScope)?.township}/judgement`,
      payload: { id: crypto.randomUUID(), text: "矩阵研判意见", baseVersion: 0 },
    }),
  },
  "GET /api/v1/close-outs/:id": {
    ok: 404,
    okCode: "CLOSE_OUT_NOT_FOUND",
    build: async () => ({ url: `/api/v1/close-outs/${crypto.randomUUID()}` }),
  },
  "POST /api/v1/close-outs/:id/corrections": {
    ok: 404,
    okCode: "CLOSE_OUT_NOT_FOUND",
    build: async () => ({
      url: `/api/v1/close-outs/${crypto.randomUUID()}/corrections`,
      payload: { id: crypto.randomUUID(), note: "矩阵" },
    }),
  },
  "GET /api/v1/residents/me": { ok: 200, build: async () => ({ url: "/api/v1/residents/me" }) },
  "PUT /api/v1/residents/me/link": {
    // No one is registered under this number: refused alike for a wrong name.
    ok: 422,
    okCode: "RESIDENT_LINK_NO_MATCH",
    build: async () => ({
      url: "/api/v1/residents/me/link",
      payload: { name: "矩阵", idNumber: "11010519491231002X" },
    }),
  },
  "DELETE /api/v1/residents/me/link": {
    ok: 409,
    okCode: "RESIDENT_NOT_LINKED",
    build: async () => ({ url: "/api/v1/residents/me/link" }),
  },
  "GET /api/v1/residents/me/household": {
    ok: 409,
    okCode: "RESIDENT_NOT_LINKED",
    build: async () => ({ url: "/api/v1/residents/me/household" }),
  },
  "GET /api/v1/residents/me/subsidies": {
    ok: 409,
    okCode: "RESIDENT_NOT_LINKED",
    build: async () => ({ url: "/api/v1/residents/me/subsidies" }),
  },
  "GET /api/v1/residents/me/access-log": {
    ok: 409,
    okCode: "RESIDENT_NOT_LINKED",
    build: async () => ({ url: "/api/v1/residents/me/access-log" }),
  },
  "GET /api/v1/subsidies/programs": { ok: 200, build: async () => ({ url: "/api/v1/subsidies/programs" }) },
  "POST /api/v1/subsidies/programs": {
    // Where the official works (their own area); another county's is not found.
    ok: 201,
    scoped: true,
    outsideCode: "AREA_NOT_FOUND",
    build: async (role, inScope) => ({
      url: "/api/v1/subsidies/programs",
      payload: {
        id: crypto.randomUUID(),
        areaCode: inScope ? (areaFor(role) ?? tree.village.code) : elsewhere.village.code,
        name: `矩阵项目${crypto.randomUUID().slice(0, 8)}`,
        rules: "矩阵",
      },
    }),
  },
  "PUT /api/v1/subsidies/programs/:id": {
    ok: 404,
    okCode: "SUBSIDY_PROGRAM_NOT_FOUND",
    build: async () => ({
      url: `/api/v1/subsidies/programs/${crypto.randomUUID()}`,
      payload: { name: "矩阵", rules: "矩阵" },
    }),
  },
  "GET /api/v1/subsidies/template": { ok: 200, build: async () => ({ url: "/api/v1/subsidies/template" }) },
  "POST /api/v1/subsidies/batches": {
    // No file: refused before the area is looked at.
    ok: 422,
    okCode: "SUBSIDY_FILE_INVALID",
    build: async () => ({
      url: `/api/v1/subsidies/batches?id=${crypto.randomUUID()}&areaCode=${tree.village.code}&title=x&fileName=x.xlsx`,
    }),
  },
  "GET /api/v1/subsidies/batches": { ok: 200, build: async () => ({ url: "/api/v1/subsidies/batches" }) },
  "GET /api/v1/subsidies/batches/:id": {
    ok: 200,
    scoped: true,
    outsideCode: "SUBSIDY_BATCH_NOT_FOUND",
    build: async (_role, inScope) => ({ url: `/api/v1/subsidies/batches/${reg(inScope).batch}` }),
  },
  "GET /api/v1/subsidies/batches/:id/rows": {
    ok: 200,
    scoped: true,
    outsideCode: "SUBSIDY_BATCH_NOT_FOUND",
    build: async (_role, inScope) => ({ url: `/api/v1/subsidies/batches/${reg(inScope).batch}/rows` }),
  },
  "DELETE /api/v1/subsidies/batches/:id": {
    ok: 404,
    okCode: "SUBSIDY_BATCH_NOT_FOUND",
    build: async () => ({ url: `/api/v1/subsidies/batches/${crypto.randomUUID()}` }),
  },
  "PUT /api/v1/subsidies/batches/:id/rows/:rowId": {
    ok: 404,
    okCode: "SUBSIDY_BATCH_NOT_FOUND",
    build: async () => ({
      url: `/api/v1/subsidies/batches/${crypto.randomUUID()}/rows/${crypto.randomUUID()}`,
      payload: {
        name: "矩阵",
        idNumber: "11010519491231002X",
        amountFen: 100,
        paidOn: "2026-03-15",
        programId: crypto.randomUUID(),
      },
    }),
  },
  "POST /api/v1/subsidies/batches/:id/rows/:rowId/confirm": {
    ok: 404,
    okCode: "SUBSIDY_BATCH_NOT_FOUND",
    build: async () => ({
      url: `/api/v1/subsidies/batches/${crypto.randomUUID()}/rows/${crypto.randomUUID()}/confirm`,
      payload: { reason: "矩阵核实" },
    }),
  },
  "POST /api/v1/subsidies/batches/:id/publish": {
    // The village's own officials work on it: its open flag holds publication; others above only view.
    ok: 422,
    scoped: true,
    expectFor: (role, inScope) => {
      if (!permissionsOf(role).includes("disclosure.manage")) return { status: 403, code: "AUTH_FORBIDDEN" };
      if (!inScope) return { status: 404, code: "SUBSIDY_BATCH_NOT_FOUND" };
      return role === "village_official"
        ? { status: 422, code: "SUBSIDY_BATCH_FLAGS_OPEN" }
        : { status: 403, code: "AUTH_FORBIDDEN" };
    },
    build: async (_role, inScope) => ({ url: `/api/v1/subsidies/batches/${reg(inScope).batch}/publish` }),
  },
  "GET /api/v1/audit": { ok: 200, build: async () => ({ url: "/api/v1/audit?limit=5" }) },
  "GET /api/v1/audit/verify": { ok: 200, build: async () => ({ url: "/api/v1/audit/verify" }) },
  "GET /api/v1/audit/export": {
    ok: 200,
    build: async () => ({ url: "/api/v1/audit/export?from=2999-01-01T00:00:00Z" }),
  },
};

beforeAll(async () => {
  t = await buildTestApp();
  tree = await buildAreaTree(t.ctx);
  elsewhere = await buildAreaTree(t.ctx);
  here = await buildRegistry(tree.grid.code, tree.village.code);
  there = await buildRegistry(elsewhere.grid.code, elsewhere.village.code);
  reportsOf.set(true, await buildReports(tree));
  reportsOf.set(false, await buildReports(elsewhere));
  for (const role of DEFAULT_ROLES) {
    const user = await buildUser(t.ctx, { role: role.key, areaCode: areaFor(role.key) });
    sessions.set(role.key, await signIn(t, user));
  }
}, 120_000);
afterAll(async () => {
  await t?.close();
});

const closedRoutes = () => (t ? t.app.routeRequirements.filter((r) => !r.public) : []);

describe("authorization matrix", () => {
  it("has a sample request for every protected route", () => {
    const missing = closedRoutes()
      .map((r) => `${r.method} ${r.url}`)
      .filter((key) => !samples[key]);
    expect(missing).toEqual([]);
    expect(closedRoutes().length).toBeGreaterThanOrEqual(Object.keys(samples).length);
  });

  it("answers 401 on every protected route without credentials", async () => {
    for (const route of closedRoutes()) {
      const { url, payload } = await (samples[`${route.method} ${route.url}`] as Sample).build("admin", true);
      const res = await t.app.inject({
        method: route.method as "GET",
        url,
        ...(payload !== undefined ? { payload: payload as object } : {}),
      });
      expect({ route: `${route.method} ${route.url}`, status: res.statusCode, code: res.json().code }).toEqual({
        route: `${route.method} ${route.url}`,
        status: 401,
        code: "AUTH_REQUIRED",
      });
    }
  });

  for (const role of DEFAULT_ROLES.map((r) => r.key)) {
    it(`gives a ${role} exactly the expected status on every route, inside and outside their scope`, async () => {
      const session = sessions.get(role) as Session;
      const results: { route: string; inScope: boolean; status: number; code?: string }[] = [];
      const expected: typeof results = [];
      for (const route of closedRoutes()) {
        const key = `${route.method} ${route.url}`;
        const sample = samples[key] as Sample;
        for (const inScope of sample.scoped ? [true, false] : [true]) {
          const { url, payload } = await sample.build(role, inScope);
          const res = await t.app.inject({
            method: route.method as "GET",
            url,
            headers: session.headers,
            ...(payload !== undefined ? { payload: payload as object } : {}),
          });
          const code = res.statusCode >= 400 ? (res.json().code as string) : undefined;
          results.push({ route: key, inScope, status: res.statusCode, ...(code ? { code } : {}) });
          const allowed = route.anyPermission
            ? route.anyPermission.some((p) => permissionsOf(role).includes(p))
            : route.permission === null || permissionsOf(role).includes(route.permission);
          const own = allowed || sample.expectFor ? sample.expectFor?.(role, inScope) : undefined;
          if (own) expected.push({ route: key, inScope, ...own });
          else if (!allowed) expected.push({ route: key, inScope, status: 403, code: "AUTH_FORBIDDEN" });
          else if (!inScope && !isGlobal(role)) {
            // Creating an account names the area (unknown to this user); the other routes name a user they cannot see.
            const outside =
              sample.outsideCode ??
              (key === "POST /api/v1/users" ||
              key.startsWith("GET /api/v1/areas/") ||
              key.startsWith("PUT /api/v1/areas/")
                ? "AREA_NOT_FOUND"
                : "RESOURCE_NOT_FOUND");
            expected.push({ route: key, inScope, status: 404, code: outside });
          } else
            expected.push({
              route: key,
              inScope,
              status: sample.ok,
              ...(sample.okCode ? { code: sample.okCode } : sample.ok >= 400 ? { code: res.json().code } : {}),
            });
        }
      }
      expect(results).toEqual(expected);
    }, 60_000);
  }
});

/**
 * Managing an account hands it over (a reset password is a sign-in), so it needs authority over every
 * post the account holds: a township official who sees an admin, an auditor or a county official
 * through a grid post they also hold must not be able to change that account in any way.
 */
describe("account management across posts", () => {
  const meta = { requestId: "matrix", ip: null, userAgent: null };
  interface Target {
    user: TestUser;
    gridPost: string;
  }
  const targets = new Map<string, Target>();

  async function withGridPost(role: RoleKey, areaCode: string | null): Promise<Target> {
    const user = await buildUser(t.ctx, { role, areaCode });
    const gridPost = uuidv7();
    await grantAssignment(t.ctx, systemPrincipal(), meta, {
      id: gridPost,
      userId: user.id,
      roleKey: "grid_worker",
      areaCode: tree.grid.code,
    });
    return { user, gridPost };
  }

  beforeAll(async () => {
    targets.set("an admin", await withGridPost("admin", null));
    targets.set("an auditor", await withGridPost("auditor", null));
    targets.set("a county official", await withGridPost("county_official", tree.county.code));
    targets.set("a grid worker of another township too", await withGridPost("grid_worker", elsewhere.grid.code));
  }, 60_000);

  const attempts = (target: Target) =>
    [
      ["edit", "PATCH", `/api/v1/users/${target.user.id}`, { displayName: "冒名" }, "user.update"],
      ["disable", "PATCH", `/api/v1/users/${target.user.id}`, { status: "disabled" }, "user.update"],
      ["reset the password of", "POST", `/api/v1/users/${target.user.id}/password-reset`, {}, "user.password.reset"],
      [
        "give a post to",
        "POST",
        "/api/v1/assignments",
        { id: uuidv7(), userId: target.user.id, roleKey: "grid_instructor", areaCode: tree.grid.code },
        "assignment.create",
      ],
      ["take a post from", "DELETE", `/api/v1/assignments/${target.gridPost}`, undefined, "assignment.delete"],
    ] as const;

  for (const name of ["an admin", "an auditor", "a county official", "a grid worker of another township too"]) {
    it(`refuses a township official every change to ${name} who holds a grid post in the township, and audits it`, async () => {
      const target = targets.get(name) as Target;
      const township = sessions.get("township_official") as Session;
      // The account is visible through its grid post: refused as forbidden, not hidden.
      const seen = await t.app.inject({
        method: "GET",
        url: `/api/v1/users/${target.user.id}`,
        headers: township.headers,
      });
      expect(seen.statusCode).toBe(200);
      for (const [verb, method, url, payload, action] of attempts(target)) {
        const res = await t.app.inject({
          method,
          url,
          headers: township.headers,
          ...(payload !== undefined ? { payload } : {}),
        });
        expect({ verb, status: res.statusCode, code: res.json().code }).toEqual({
          verb,
          status: 403,
          code: "USER_MANAGE_FORBIDDEN",
        });
        const denied = await t.ctx.db
          .selectFrom("audit_log")
          .select(["actor_username", "outcome"])
          .where("action", "=", action)
          .where("target_id", "=", target.user.id)
          .where("outcome", "=", "denied")
          .execute();
        expect(denied.length, `${verb}: audited as denied`).toBeGreaterThan(0);
      }
      // Nothing changed: the account still signs in with its own password and keeps its name and posts.
      const row = await t.ctx.db
        .selectFrom("app_user")
        .select(["display_name", "status", "must_change_password"])
        .where("id", "=", target.user.id)
        .executeTakeFirstOrThrow();
      expect(row).toMatchObject({ status: "active", must_change_password: false });
      expect(row.display_name).not.toBe("冒名");
      const posts = await t.ctx.db
        .selectFrom("assignment")
        .select("role_key")
        .where("user_id", "=", target.user.id)
        .execute();
      expect(posts).toHaveLength(2);
      await signIn(t, target.user);
    });
  }

  it("still lets the township official manage an account whose every post is in the township", async () => {
    const township = sessions.get("township_official") as Session;
    const worker = await buildUser(t.ctx, { role: "grid_worker", areaCode: tree.grid.code });
    await grantAssignment(t.ctx, systemPrincipal(), meta, {
      id: uuidv7(),
      userId: worker.id,
      roleKey: "grid_instructor",
      areaCode: tree.village.code,
    });
    const reset = await t.app.inject({
      method: "POST",
      url: `/api/v1/users/${worker.id}/password-reset`,
      headers: township.headers,
      payload: {},
    });
    expect(reset.statusCode).toBe(200);
  });

  it("answers 404 for an account the manager cannot see, and audits that attempt too", async () => {
    const township = sessions.get("township_official") as Session;
    const outside = await buildUser(t.ctx, { role: "grid_worker", areaCode: elsewhere.grid.code });
    const res = await t.app.inject({
      method: "POST",
      url: `/api/v1/users/${outside.id}/password-reset`,
      headers: township.headers,
      payload: {},
    });
    expect({ status: res.statusCode, code: res.json().code }).toEqual({ status: 404, code: "RESOURCE_NOT_FOUND" });
    const denied = await t.ctx.db
      .selectFrom("audit_log")
      .select("outcome")
      .where("action", "=", "user.password.reset")
      .where("target_id", "=", outside.id)
      .execute();
    expect(denied).toEqual([{ outcome: "denied" }]);
  });

  it("keeps the auditor's account out of the admin's hands (三员分立)", async () => {
    const admin = sessions.get("admin") as Session;
    const target = targets.get("an auditor") as Target;
    for (const [verb, method, url, payload] of attempts(target)) {
      const res = await t.app.inject({
        method,
        url,
        headers: admin.headers,
        ...(payload !== undefined ? { payload } : {}),
      });
      expect({ verb, status: res.statusCode, code: res.json().code }).toEqual({
        verb,
        status: 403,
        code: "ROLE_AUDIT_SEPARATION",
      });
    }
    await signIn(t, target.user);
  });
});

describe("a create reusing an id held out of the caller's sight", () => {
  const meta = { requestId: "matrix", ip: null, userAgent: null };
  const pdf = Buffer.from("%PDF-1.4\n% matrix\n");

  it("answers a dispute party's or an attachment's id held in another township's event as not found", async () => {
    const head = sessions.get("grid_head") as Session;
    const partyId = uuidv7();
    await addParty(t.ctx, systemPrincipal(), meta, there.event, { id: partyId, role: "applicant", name: "甲" });
    const party = await t.app.inject({
      method: "POST",
      url: `/api/v1/events/${here.event}/dispute/parties`,
      headers: head.headers,
      payload: { id: partyId, role: "respondent", name: "乙" },
    });
    expect({ status: party.statusCode, code: party.json().code }).toEqual({ status: 404, code: "EVENT_NOT_FOUND" });

    const attachmentId = uuidv7();
    await saveAttachment(t.ctx, null, { id: attachmentId, eventId: there.event, fileName: "a.pdf", data: pdf });
    const attachment = await t.app.inject({
      method: "POST",
      url: `/api/v1/events/${here.event}/attachments?fileName=b.pdf&attachmentId=${attachmentId}`,
      headers: { ...head.headers, "content-type": "application/pdf" },
      payload: pdf,
    });
    expect({ status: attachment.statusCode, code: attachment.json().code }).toEqual({
      status: 404,
      code: "EVENT_NOT_FOUND",
    });
  });
});

describe("deployment-wide operations", () => {
  it("refuses an administrator of one county the data key of the whole deployment, audited", async () => {
    const countyAdmin = await signIn(t, await buildUser(t.ctx, { role: "admin", areaCode: tree.county.code }));
    const res = await t.app.inject({ method: "POST", url: "/api/v1/system/keys/rotate", headers: countyAdmin.headers });
    expect({ status: res.statusCode, code: res.json().code }).toEqual({ status: 403, code: "AUTH_FORBIDDEN" });
    const denied = await t.ctx.db
      .selectFrom("audit_log")
      .select("outcome")
      .where("action", "=", "access.denied")
      .where("target_id", "=", "POST /api/v1/system/keys/rotate")
      .where("outcome", "=", "denied")
      .execute();
    expect(denied.length).toBeGreaterThan(0);
  });
});

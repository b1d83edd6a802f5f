import {
  authorId,
  canView,
  canWork,
  codeOfPath,
  composeAddress,
  type DataScope,
  DomainError,
  type FieldIssue,
  type Principal,
  principalScope,
} from "@wangge/core";
import type { AppContext, RequestMeta } from "../../context.ts";
import { uuidv7 } from "../../ids.ts";
import { locatePoint } from "../areas/area-boundaries.service.ts";
import { findArea, getAreaInScope, searchPrefixes } from "../areas/areas.service.ts";
import { recordAudit } from "../audit/audit.service.ts";
import { findRegisteredNumber, type NumberSought } from "./number-lookups.ts";
import { today } from "./people.service.ts";
import { listHouseholdMembers } from "./people-search.service.ts";
import {
  closeLeadLinks,
  closeLinksOfHouseholds,
  findHousehold,
  findHouseholdsByRef,
  findOrganisation,
  findPlace,
  findPlacesByAddress,
  insertHouseholds,
  insertLeadLinks,
  insertOrganisation,
  insertPlaces,
  listLeadLayer,
  listLeadLinks,
  listTagsOf,
  openAttribution,
  searchHouseholds,
  searchOrganisations,
  searchPlaces,
  updateHousehold,
} from "./registry.queries.ts";
import type { HouseholdRow, OrganisationRow, PlaceRow } from "./registry.table.ts";
import { charsOf, isIssue, nameKeys, sealPhone } from "./registry-fields.ts";
import { registeredNumberRefusal, requireWork, takenIdError } from "./registry-work.ts";
import { addTagsInTransaction, type TagInput, tagViews, visibleTagDefinitions } from "./tags.service.ts";

/**
 * Places (standard addresses, 一标), households and organisations. A place's grid is found by routing
 * its coordinates through the grid boundaries (or given); households and organisations belong where
 * their place is. A party member's household can look after 1–15 neighbouring households (党员中心户).
 */
export const HOUSEHOLD_KINDS = ["family", "collective", "other"] as const;
export const ORGANISATION_KINDS = [
  "enterprise",
  "shop",
  "school",
  "clinic",
  "social_organisation",
  "party_branch",
  "volunteer_team",
  "government",
  "other",
] as const;
export const MAX_LED_HOUSEHOLDS = 15;

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

export interface PlaceInput {
  id: string;
  divisionCode: string;
  road?: string | undefined;
  houseNumber?: string | undefined;
  building?: string | undefined;
  unit?: string | undefined;
  room?: string | undefined;
  lng?: number | undefined;
  lat?: number | undefined;
  gridCode?: string | undefined;
}

export function toPlaceView(p: PlaceRow) {
  return {
    id: p.id,
    divisionCode: p.division_code,
    road: p.road,
    houseNumber: p.house_number,
    building: p.building,
    unit: p.unit,
    room: p.room,
    address: p.address,
    lng: p.lng,
    lat: p.lat,
    gridCode: codeOfPath(p.area_path),
    areaPath: p.area_path,
  };
}

/** The area a place belongs to: the grid given, or the grid its coordinates fall in, or its division. */
export async function placeArea(
  ctx: AppContext,
  scope: DataScope,
  input: Pick<PlaceInput, "divisionCode" | "gridCode" | "lng" | "lat">,
  issues: FieldIssue[],
  prefix = "body",
) {
  if (input.gridCode) {
    // A grid worker registers addresses in their grid: the grid must be theirs, the village is its parent.
    const grid = await getAreaInScope(ctx.db, input.gridCode, scope).catch(() => undefined);
    const division = grid ? await findArea(ctx.db, input.divisionCode) : undefined;
    if (!grid || grid.abolished_at || !division || !grid.path.startsWith(division.path)) {
      issues.push({
        path: `${prefix}.gridCode`,
        message: `no grid ${input.gridCode} under ${input.divisionCode} in your scope`,
      });
      return undefined;
    }
    return { division, area: grid };
  }
  const division = await getAreaInScope(ctx.db, input.divisionCode, scope).catch(() => undefined);
  if (!division || division.abolished_at) {
    issues.push({ path: `${prefix}.divisionCode`, message: `no area ${input.divisionCode} in your scope` });
    return undefined;
  }
  if (input.lng !== undefined && input.lat !== undefined) {
    const code = await locatePoint(ctx.db, input.lng, input.lat);
    if (code) {
      const found = await getAreaInScope(ctx.db, code, scope).catch(() => undefined);
      // Routed to the grid only where the writer works on it (an official of the village keeps it there).
      if (found?.path.startsWith(division.path) && canWork(scope, found.path)) return { division, area: found };
    }
  }
  return { division, area: division };
}

export async function createPlace(ctx: AppContext, actor: Principal, meta: RequestMeta, input: PlaceInput) {
  const scope = principalScope(actor, "person.manage");
  const existing = await findPlace(ctx.db, input.id);
  const address = composeAddress(input);
  if (existing) {
    if (canView(scope, existing.area_path) && existing.address === address)
      return { place: toPlaceView(existing), created: false };
    throw takenIdError(actor, "place", input.id, existing.area_path);
  }
  const issues: FieldIssue[] = [];
  if (!address) issues.push({ path: "body.road", message: "an address needs at least a road, hamlet or number" });
  if ((input.lng === undefined) !== (input.lat === undefined))
    issues.push({
      path: input.lng === undefined ? "body.lng" : "body.lat",
      message: "give both longitude and latitude",
    });
  const where = await placeArea(ctx, scope, input, issues);
  if (issues.length > 0 || !where)
    throw new DomainError("VALIDATION_FAILED", "the place cannot be registered as given", { errors: issues });
  await requireWork(ctx, actor, meta, {
    action: "place.create",
    type: "place",
    id: input.id,
    areaPath: where.area.path,
  });
  const [same] = await findPlacesByAddress(ctx.db, [{ division: where.division.code, address }]);
  // The place is named (and can be opened) only where the writer may see it; its id is no one else's to know.
  if (same)
    throw new DomainError("VALIDATION_FAILED", "this address is already registered", {
      errors: [
        canView(principalScope(actor, "person.read"), same.area_path)
          ? {
              path: "body.road",
              message: `already registered as place ${same.id}`,
              record: { type: "place", id: same.id },
            }
          : { path: "body.road", message: "already registered in this village or community" },
      ],
    });
  const now = ctx.now();
  await ctx.db.transaction().execute(async (trx) => {
    await insertPlaces(trx, [
      {
        id: input.id,
        area_id: where.area.id,
        area_path: where.area.path,
        division_code: where.division.code,
        road: input.road?.trim() || null,
        house_number: input.houseNumber?.trim() || null,
        building: input.building?.trim() || null,
        unit: input.unit?.trim() || null,
        room: input.room?.trim() || null,
        address,
        address_chars: charsOf(address),
        lng: input.lng ?? null,
        lat: input.lat ?? null,
        created_at: now,
        updated_at: now,
        created_by: authorId(actor),
      },
    ]);
    await openAttribution(trx, [
      {
        id: uuidv7(now.getTime()),
        subject_type: "place",
        subject_id: input.id,
        area_id: where.area.id,
        area_path: where.area.path,
        valid_from: now,
        valid_to: null,
        reason: "registered",
        changed_by: authorId(actor),
      },
    ]);
    await recordAudit(ctx, trx, {
      action: "place.create",
      outcome: "success",
      actor: { userId: authorId(actor), username: actor.username },
      meta,
      targetType: "place",
      targetId: input.id,
      areaPath: where.area.path,
    });
  });
  return { place: toPlaceView((await findPlace(ctx.db, input.id)) as PlaceRow), created: true };
}

async function placeInScope(ctx: AppContext, id: string, scope: DataScope): Promise<PlaceRow> {
  const row = await findPlace(ctx.db, id);
  if (!row || !canView(scope, row.area_path))
    throw new DomainError("PLACE_NOT_FOUND", `no place ${id} in your scope`, {
      errors: [{ path: "id", message: "unknown place" }],
    });
  return row;
}

export async function getPlace(ctx: AppContext, actor: Principal, id: string) {
  const scope = principalScope(actor, "person.read");
  const place = await placeInScope(ctx, id, scope);
  const households = await searchHouseholds(ctx.db, {
    prefixes: [place.area_path],
    placeId: id,
    limit: 200,
    offset: 0,
  });
  return { ...toPlaceView(place), households: households.map((h) => ({ id: h.id, kind: h.kind, ref: h.ref })) };
}

export async function searchPlacesInScope(
  ctx: AppContext,
  actor: Principal,
  query: { q?: string | undefined; limit: number; offset: number },
) {
  const scope = principalScope(actor, "person.read");
  const q = query.q?.trim();
  const rows = await searchPlaces(ctx.db, {
    prefixes: scope.isGlobal ? null : scope.view,
    ...(q ? { addressChars: charsOf(q), addressLike: escapeLike(q) } : {}),
    limit: query.limit,
    offset: query.offset,
  });
  return rows.map(toPlaceView);
}

// ---- households --------------------------------------------------------------------------------

export interface HouseholdInput {
  id: string;
  placeId: string;
  kind?: (typeof HOUSEHOLD_KINDS)[number] | undefined;
  ref?: string | undefined;
  gridCode?: string | undefined;
  tags?: TagInput[] | undefined;
}

function toHouseholdSummary(
  h: HouseholdRow,
  address: string | null,
  people: { headName: string | null; memberCount: number },
) {
  return {
    id: h.id,
    kind: h.kind,
    ref: h.ref,
    placeId: h.place_id,
    address,
    headPersonId: h.head_person_id,
    headName: people.headName,
    memberCount: people.memberCount,
    gridCode: codeOfPath(h.area_path),
    areaPath: h.area_path,
  };
}

export async function createHousehold(ctx: AppContext, actor: Principal, meta: RequestMeta, input: HouseholdInput) {
  const scope = principalScope(actor, "person.manage");
  const existing = await findHousehold(ctx.db, input.id);
  if (existing) {
    if (canView(scope, existing.area_path) && existing.place_id === input.placeId)
      return { household: await getHousehold(ctx, actor, input.id), created: false };
    throw takenIdError(actor, "household", input.id, existing.area_path);
  }
  const issues: FieldIssue[] = [];
  const place = await findPlace(ctx.db, input.placeId);
  if (!place || !canView(scope, place.area_path))
    issues.push({ path: "body.placeId", message: "no such place in your scope" });
  let area = place ? { id: place.area_id, path: place.area_path } : undefined;
  if (input.gridCode) {
    const grid = await getAreaInScope(ctx.db, input.gridCode, scope).catch(() => undefined);
    if (!grid || grid.abolished_at)
      issues.push({ path: "body.gridCode", message: `no area ${input.gridCode} in your scope` });
    else area = { id: grid.id, path: grid.path };
  }
  if (issues.length > 0 || !area || !place)
    throw new DomainError("VALIDATION_FAILED", "the household cannot be registered as given", { errors: issues });
  await requireWork(ctx, actor, meta, {
    action: "household.create",
    type: "household",
    id: input.id,
    areaPath: area.path,
  });
  const claim = { id: input.id, areaPath: area.path };
  if (input.ref) await refuseRegisteredRef(ctx, actor, meta, { ...claim, ref: input.ref });
  const now = ctx.now();
  const where = area;
  await ctx.db
    .transaction()
    .execute(async (trx) => {
      await insertHouseholds(trx, [
        {
          id: input.id,
          place_id: place.id,
          kind: input.kind ?? "family",
          ref: input.ref ?? null,
          area_id: where.id,
          area_path: where.path,
          head_person_id: null,
          created_at: now,
          updated_at: now,
          created_by: authorId(actor),
        },
      ]);
      await openAttribution(trx, [
        {
          id: uuidv7(now.getTime()),
          subject_type: "household",
          subject_id: input.id,
          area_id: where.id,
          area_path: where.path,
          valid_from: now,
          valid_to: null,
          reason: "registered",
          changed_by: authorId(actor),
        },
      ]);
      await addTagsInTransaction(ctx, trx, actor, "household", input.id, where.path, input.tags ?? []);
      await recordAudit(ctx, trx, {
        action: "household.create",
        outcome: "success",
        actor: { userId: authorId(actor), username: actor.username },
        meta,
        targetType: "household",
        targetId: input.id,
        areaPath: where.path,
      });
    })
    .catch(async (error: unknown) => {
      // The same household number registered by someone else meanwhile: answered as if they had been first.
      if (input.ref && (error as { code?: string }).code === "23505")
        await refuseRegisteredRef(ctx, actor, meta, { ...claim, ref: input.ref });
      throw error;
    });
  return { household: await getHousehold(ctx, actor, input.id), created: true };
}

/**
 * A household number (户号, one household per number) that another household holds: refused, named
 * only to whoever may see that household (registry-work.ts), within the user's allowance of look-ups
 * by number (number-lookups.ts); a miss registers the household, so only a hit is counted.
 */
async function refuseRegisteredRef(
  ctx: AppContext,
  actor: Principal,
  meta: RequestMeta,
  claim: { id: string; ref: string; areaPath: string },
): Promise<void> {
  const number: NumberSought = { kind: "householdRef", index: claim.ref, masked: claim.ref };
  const use = { action: "household.create", path: "body.ref", countMiss: false };
  const other = await findRegisteredNumber(ctx, actor, meta, number, use, async (db) => {
    const [found] = await findHouseholdsByRef(db, [claim.ref]);
    return found && found.id !== claim.id ? found : undefined;
  });
  if (!other) return;
  const { error } = await registeredNumberRefusal(
    ctx,
    actor,
    meta,
    { action: use.action, type: "household", id: claim.id, areaPath: claim.areaPath, path: use.path, number },
    { type: "household", id: other.id, areaPath: other.area_path, label: claim.ref },
  );
  throw error;
}

async function householdInScope(ctx: AppContext, id: string, scope: DataScope): Promise<HouseholdRow> {
  const row = await findHousehold(ctx.db, id);
  if (!row || !canView(scope, row.area_path))
    throw new DomainError("HOUSEHOLD_NOT_FOUND", `no household ${id} in your scope`, {
      errors: [{ path: "id", message: "unknown household" }],
    });
  return row;
}

export async function getHousehold(ctx: AppContext, actor: Principal, id: string) {
  const scope = principalScope(actor, "person.read");
  const h = await householdInScope(ctx, id, scope);
  const place = h.place_id ? await findPlace(ctx.db, h.place_id) : undefined;
  const members = await listHouseholdMembers(ctx, actor, id);
  const definitions = await visibleTagDefinitions(ctx, actor);
  const tags = tagViews(
    await listTagsOf(ctx.db, [id]),
    definitions,
    canView(principalScope(actor, "tag.sensitive.read"), h.area_path),
    today(ctx),
  );
  const links = await listLeadLinks(ctx.db, id);
  const visible = (
    await Promise.all(
      links.map(async (l) => {
        const other = l.lead_household_id === id ? l.household_id : l.lead_household_id;
        const row = await findHousehold(ctx.db, other);
        return row && canView(scope, row.area_path) ? { ...l, other } : undefined;
      }),
    )
  ).filter((l) => l !== undefined);
  return {
    ...toHouseholdSummary(h, place?.address ?? null, {
      headName: members.find((m) => m.id === h.head_person_id)?.name ?? null,
      memberCount: members.length,
    }),
    place: place ? toPlaceView(place) : null,
    members,
    tags,
    // The party member's household that looks after this one, and the households this one looks after.
    ledBy: visible.find((l) => l.household_id === id)?.lead_household_id ?? null,
    looksAfter: visible
      .filter((l) => l.lead_household_id === id)
      .map((l) => ({ householdId: l.household_id, address: l.address, since: l.valid_from.toISOString() })),
  };
}

export async function searchHouseholdsInScope(
  ctx: AppContext,
  actor: Principal,
  query: { q?: string | undefined; gridCode?: string | undefined; limit: number; offset: number },
) {
  const q = query.q?.trim();
  const rows = await searchHouseholds(ctx.db, {
    prefixes: await searchPrefixes(ctx.db, principalScope(actor, "person.read"), query.gridCode),
    ...(q ? { addressChars: charsOf(q), addressLike: escapeLike(q) } : {}),
    limit: query.limit,
    offset: query.offset,
  });
  return rows.map((r) =>
    toHouseholdSummary(r, r.address, { headName: r.head_name, memberCount: Number(r.member_count ?? 0) }),
  );
}

/**
 * Makes a party member's household the lead household (党员中心户) of the given households, replacing
 * whom it looked after before; each household has at most one lead household at a time.
 */
export async function setLeadHouseholds(
  ctx: AppContext,
  actor: Principal,
  meta: RequestMeta,
  leadId: string,
  householdIds: string[],
) {
  const scope = principalScope(actor, "person.manage");
  const lead = await householdInScope(ctx, leadId, scope);
  const work = (id: string, areaPath: string) =>
    requireWork(ctx, actor, meta, { action: "household.lead.set", type: "household", id, areaPath });
  await work(leadId, lead.area_path);
  const members = await ctx.db
    .selectFrom("person")
    .select("id")
    .where("household_id", "=", leadId)
    .where("party_member", "=", true)
    .execute();
  if (members.length === 0)
    throw new DomainError("LEAD_HOUSEHOLD_INVALID", "no member of this household is a party member", {
      errors: [{ path: "id", message: "not a party member's household" }],
    });
  const issues: FieldIssue[] = [];
  const unique = [...new Set(householdIds)];
  const linked: HouseholdRow[] = [];
  if (unique.length > MAX_LED_HOUSEHOLDS)
    issues.push({ path: "body.householdIds", message: `at most ${MAX_LED_HOUSEHOLDS} households` });
  for (const [i, id] of householdIds.entries()) {
    if (id === leadId)
      issues.push({ path: `body.householdIds.${i}`, message: "a household does not look after itself" });
    const row = await findHousehold(ctx.db, id);
    if (!row || !canView(scope, row.area_path))
      issues.push({ path: `body.householdIds.${i}`, message: "no such household in your scope" });
    else linked.push(row);
  }
  if (issues.length > 0)
    throw new DomainError("LEAD_HOUSEHOLD_INVALID", "these households cannot be linked", { errors: issues });
  // Linking a household ends the link it had: work on each of them, too.
  for (const row of linked) await work(row.id, row.area_path);
  const now = ctx.now();
  await ctx.db.transaction().execute(async (trx) => {
    await closeLeadLinks(trx, leadId, now);
    await closeLinksOfHouseholds(trx, unique, now);
    await insertLeadLinks(
      trx,
      unique.map((id) => ({
        id: uuidv7(now.getTime()),
        lead_household_id: leadId,
        household_id: id,
        valid_from: now,
        valid_to: null,
        created_by: authorId(actor),
      })),
    );
    await updateHousehold(trx, leadId, { updated_at: now });
    await recordAudit(ctx, trx, {
      action: "household.lead.set",
      outcome: "success",
      actor: { userId: authorId(actor), username: actor.username },
      meta,
      targetType: "household",
      targetId: leadId,
      areaPath: lead.area_path,
      details: { households: unique.length },
    });
  });
  return getHousehold(ctx, actor, leadId);
}

/**
 * Lead households and the households they look after under an area, for the map layer: only what the
 * caller may see — a looked-after household outside their scope is left out, as GET /households/:id
 * would answer it not found.
 */
export async function leadHouseholdLayer(ctx: AppContext, actor: Principal, areaCode: string) {
  const scope = principalScope(actor, "person.read");
  const area = await getAreaInScope(ctx.db, areaCode, scope);
  return listLeadLayer(ctx.db, area.path, scope.isGlobal ? null : scope.view, 5000);
}

// ---- organisations -----------------------------------------------------------------------------

export interface OrganisationInput {
  id: string;
  kind: (typeof ORGANISATION_KINDS)[number];
  name: string;
  creditCode?: string | undefined;
  placeId?: string | undefined;
  gridCode?: string | undefined;
  contactName?: string | undefined;
  contactPhone?: string | undefined;
  notes?: string | undefined;
}

function toOrganisationView(o: OrganisationRow) {
  return {
    id: o.id,
    kind: o.kind,
    name: o.name,
    creditCode: o.credit_code,
    placeId: o.place_id,
    gridCode: codeOfPath(o.area_path),
    areaPath: o.area_path,
    contactName: o.contact_name,
    contactPhone: o.contact_phone_masked,
    notes: o.notes,
  };
}

export async function createOrganisation(
  ctx: AppContext,
  actor: Principal,
  meta: RequestMeta,
  input: OrganisationInput,
) {
  const scope = principalScope(actor, "person.manage");
  const existing = await findOrganisation(ctx.db, input.id);
  if (existing) {
    if (canView(scope, existing.area_path) && existing.name === input.name.trim())
      return { organisation: toOrganisationView(existing), created: false };
    throw takenIdError(actor, "organisation", input.id, existing.area_path);
  }
  const issues: FieldIssue[] = [];
  let area: { id: string | null; path: string } | undefined;
  if (input.placeId) {
    const place = await findPlace(ctx.db, input.placeId);
    if (!place || !canView(scope, place.area_path))
      issues.push({ path: "body.placeId", message: "no such place in your scope" });
    else area = { id: place.area_id, path: place.area_path };
  }
  if (input.gridCode) {
    const grid = await getAreaInScope(ctx.db, input.gridCode, scope).catch(() => undefined);
    if (!grid || grid.abolished_at)
      issues.push({ path: "body.gridCode", message: `no area ${input.gridCode} in your scope` });
    else area = { id: grid.id, path: grid.path };
  }
  if (!input.placeId && !input.gridCode) issues.push({ path: "body.placeId", message: "give the place or the grid" });
  if (input.creditCode && !/^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$/.test(input.creditCode))
    issues.push({ path: "body.creditCode", message: "an 18-character unified social credit code" });
  const phone = input.contactPhone ? sealPhone(ctx.crypto, input.contactPhone, "body.contactPhone") : undefined;
  if (phone && isIssue(phone)) issues.push(phone);
  if (issues.length > 0 || !area)
    throw new DomainError("VALIDATION_FAILED", "the organisation cannot be registered as given", { errors: issues });
  await requireWork(ctx, actor, meta, {
    action: "organisation.create",
    type: "organisation",
    id: input.id,
    areaPath: area.path,
  });
  const now = ctx.now();
  const sealed = phone && !isIssue(phone) ? phone : undefined;
  const where = area;
  await ctx.db.transaction().execute(async (trx) => {
    await insertOrganisation(trx, {
      id: input.id,
      kind: input.kind,
      name: input.name.trim(),
      name_chars: nameKeys(input.name.trim()).name_chars,
      credit_code: input.creditCode ?? null,
      place_id: input.placeId ?? null,
      area_id: where.id,
      area_path: where.path,
      contact_name: input.contactName ?? null,
      contact_phone_enc: sealed?.enc ?? null,
      contact_phone_bidx: sealed?.bidx ?? null,
      contact_phone_masked: sealed?.masked ?? null,
      notes: input.notes ?? null,
      created_at: now,
      updated_at: now,
      created_by: authorId(actor),
    });
    await recordAudit(ctx, trx, {
      action: "organisation.create",
      outcome: "success",
      actor: { userId: authorId(actor), username: actor.username },
      meta,
      targetType: "organisation",
      targetId: input.id,
      areaPath: where.path,
    });
  });
  return {
    organisation: toOrganisationView((await findOrganisation(ctx.db, input.id)) as OrganisationRow),
    created: true,
  };
}

export async function getOrganisation(ctx: AppContext, actor: Principal, id: string) {
  const row = await findOrganisation(ctx.db, id);
  if (!row || !canView(principalScope(actor, "person.read"), row.area_path))
    throw new DomainError("ORGANISATION_NOT_FOUND", `no organisation ${id} in your scope`, {
      errors: [{ path: "id", message: "unknown organisation" }],
    });
  return toOrganisationView(row);
}

export async function searchOrganisationsInScope(
  ctx: AppContext,
  actor: Principal,
  query: { q?: string | undefined; kind?: string | undefined; limit: number; offset: number },
) {
  const scope = principalScope(actor, "person.read");
  const q = query.q?.trim();
  const rows = await searchOrganisations(ctx.db, {
    prefixes: scope.isGlobal ? null : scope.view,
    ...(q ? { nameChars: charsOf(q), nameLike: escapeLike(q) } : {}),
    ...(query.kind ? { kind: query.kind } : {}),
    limit: query.limit,
    offset: query.offset,
  });
  return rows.map(toOrganisationView);
}

import {
  authorId,
  canView,
  codeOfPath,
  type DataScope,
  DomainError,
  type FieldIssue,
  fieldIssue,
  type Principal,
  principalScope,
} from "@wangge/core";
import type { AppContext, RequestMeta } from "../../context.ts";
import { uuidv7 } from "../../ids.ts";
import { getAreaInScope, searchPrefixes } from "../areas/areas.service.ts";
import { recordAudit } from "../audit/audit.service.ts";
import { findRegisteredNumber, type NumberSought } from "./number-lookups.ts";
import { today } from "./people.service.ts";
import { listHouseholdMembers } from "./people-search.service.ts";
import { toPlaceView } from "./places.service.ts";
import {
  closeLeadLinks,
  closeLinksOfHouseholds,
  findHousehold,
  findHouseholdsByRef,
  findPlace,
  insertHouseholds,
  insertLeadLinks,
  listLeadLayer,
  listLeadLinks,
  listPartyMembersOf,
  listTagsOf,
  openAttribution,
  searchHouseholds,
  updateHousehold,
} from "./registry.queries.ts";
import type { HouseholdRow } from "./registry.table.ts";
import { charsOf } from "./registry-fields.ts";
import { registeredNumberRefusal, requireWork, takenIdError } from "./registry-work.ts";
import { addTagsInTransaction, type TagInput, tagViews, visibleTagDefinitions } from "./tags.service.ts";

/**
 * Households: one per household number (户号) where it is given, at a place, in the place's grid or
 * the one given. A party member's household can look after 1–15 neighbouring households (党员中心户).
 */
export const HOUSEHOLD_KINDS = ["family", "collective", "other"] as const;
export const MAX_LED_HOUSEHOLDS = 15;

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

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
  if (!place || !canView(scope, place.area_path)) issues.push(fieldIssue("body.placeId", "FIELD_NO_PLACE"));
  let area = place ? { id: place.area_id, path: place.area_path } : undefined;
  if (input.gridCode) {
    const grid = await getAreaInScope(ctx.db, input.gridCode, scope).catch(() => undefined);
    if (!grid || grid.abolished_at) issues.push(fieldIssue("body.gridCode", "FIELD_NO_AREA", { code: input.gridCode }));
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
      errors: [fieldIssue("id", "REGISTRY_FIELD_UNKNOWN_HOUSEHOLD")],
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
  const members = await listPartyMembersOf(ctx.db, leadId);
  if (members.length === 0)
    throw new DomainError("LEAD_HOUSEHOLD_INVALID", "no member of this household is a party member", {
      errors: [fieldIssue("id", "REGISTRY_FIELD_NOT_PARTY_HOUSEHOLD")],
    });
  const issues: FieldIssue[] = [];
  const unique = [...new Set(householdIds)];
  const linked: HouseholdRow[] = [];
  if (unique.length > MAX_LED_HOUSEHOLDS)
    issues.push(
      fieldIssue("body.householdIds", "REGISTRY_FIELD_AT_MOST_HOUSEHOLDS", { max: String(MAX_LED_HOUSEHOLDS) }),
    );
  for (const [i, id] of householdIds.entries()) {
    if (id === leadId) issues.push(fieldIssue(`body.householdIds.${i}`, "REGISTRY_FIELD_SELF_LEAD"));
    const row = await findHousehold(ctx.db, id);
    if (!row || !canView(scope, row.area_path)) issues.push(fieldIssue(`body.householdIds.${i}`, "FIELD_NO_HOUSEHOLD"));
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

import {
  authorId,
  canView,
  canWork,
  codeOfPath,
  composeAddress,
  type DataScope,
  DomainError,
  type FieldIssue,
  fieldIssue,
  type Principal,
  principalScope,
} from "@wangge/core";
import type { AppContext, RequestMeta } from "../../context.ts";
import { uuidv7 } from "../../ids.ts";
import { locatePoint } from "../areas/area-boundaries.service.ts";
import { findArea, getAreaInScope } from "../areas/areas.service.ts";
import { recordAudit } from "../audit/audit.service.ts";
import {
  findPlace,
  findPlacesByAddress,
  insertPlaces,
  openAttribution,
  searchHouseholds,
  searchPlaces,
} from "./registry.queries.ts";
import type { PlaceRow } from "./registry.table.ts";
import { charsOf } from "./registry-fields.ts";
import { requireWork, takenIdError } from "./registry-work.ts";

/**
 * Places: standard addresses (一标), one per village and address. A place's grid is the one given, or
 * the one its coordinates fall in (where the writer works), or its village.
 */
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
      issues.push(
        fieldIssue(`${prefix}.gridCode`, "REGISTRY_FIELD_NO_GRID_UNDER", {
          grid: input.gridCode,
          division: input.divisionCode,
        }),
      );
      return undefined;
    }
    return { division, area: grid };
  }
  const division = await getAreaInScope(ctx.db, input.divisionCode, scope).catch(() => undefined);
  if (!division || division.abolished_at) {
    issues.push(fieldIssue(`${prefix}.divisionCode`, "FIELD_NO_AREA", { code: input.divisionCode }));
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
  if (!address) issues.push(fieldIssue("body.road", "REGISTRY_FIELD_ADDRESS_REQUIRED"));
  if ((input.lng === undefined) !== (input.lat === undefined))
    issues.push(fieldIssue(input.lng === undefined ? "body.lng" : "body.lat", "REGISTRY_FIELD_LNG_LAT_BOTH"));
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
              ...fieldIssue("body.road", "REGISTRY_FIELD_PLACE_REGISTERED_AS", { id: same.id }),
              record: { type: "place", id: same.id },
            }
          : fieldIssue("body.road", "REGISTRY_FIELD_PLACE_REGISTERED"),
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
      errors: [fieldIssue("id", "REGISTRY_FIELD_UNKNOWN_PLACE")],
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

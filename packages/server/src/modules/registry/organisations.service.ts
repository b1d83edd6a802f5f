import {
  authorId,
  canView,
  codeOfPath,
  DomainError,
  type FieldIssue,
  fieldIssue,
  type Principal,
  principalScope,
} from "@wangge/core";
import type { AppContext, RequestMeta } from "../../context.ts";
import { getAreaInScope } from "../areas/areas.service.ts";
import { recordAudit } from "../audit/audit.service.ts";
import { findOrganisation, findPlace, insertOrganisation, searchOrganisations } from "./registry.queries.ts";
import type { OrganisationRow } from "./registry.table.ts";
import { charsOf, isIssue, nameKeys, sealPhone } from "./registry-fields.ts";
import { requireWork, takenIdError } from "./registry-work.ts";

/** Organisations: enterprises, shops, schools, party branches, volunteer teams… where their place or grid is. */
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

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

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
    if (!place || !canView(scope, place.area_path)) issues.push(fieldIssue("body.placeId", "FIELD_NO_PLACE"));
    else area = { id: place.area_id, path: place.area_path };
  }
  if (input.gridCode) {
    const grid = await getAreaInScope(ctx.db, input.gridCode, scope).catch(() => undefined);
    if (!grid || grid.abolished_at) issues.push(fieldIssue("body.gridCode", "FIELD_NO_AREA", { code: input.gridCode }));
    else area = { id: grid.id, path: grid.path };
  }
  if (!input.placeId && !input.gridCode) issues.push(fieldIssue("body.placeId", "REGISTRY_FIELD_PLACE_OR_GRID"));
  if (input.creditCode && !/^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$/.test(input.creditCode))
    issues.push(fieldIssue("body.creditCode", "REGISTRY_FIELD_CREDIT_CODE"));
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
      errors: [fieldIssue("id", "REGISTRY_FIELD_UNKNOWN_ORGANISATION")],
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

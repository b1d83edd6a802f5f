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
import type { Transaction } from "kysely";
import type { AppContext, RequestMeta } from "../../context.ts";
import type { DB } from "../../db/schema.ts";
import { uuidv7 } from "../../ids.ts";
import { getAreaInScope } from "../areas/areas.service.ts";
import { recordAudit } from "../audit/audit.service.ts";
import {
  accessRow,
  getPerson,
  type PersonInput,
  personInScope,
  refuseRegisteredId,
  sealPersonal,
} from "./people.service.ts";
import {
  closeAttribution,
  findHousehold,
  findPlace,
  logAccess,
  openAttribution,
  retagPath,
  updatePerson,
} from "./registry.queries.ts";
import type { PersonRow } from "./registry.table.ts";
import { nameKeys } from "./registry-fields.ts";
import { requireWork } from "./registry-work.ts";

/**
 * Changes to a registered person: corrections and updates of their record (an ID number corrected is a
 * look-up by number: people.service's refuseRegisteredId), and transfers to another grid, whose history
 * stays. Both in the writer's work scope (registry-work.ts).
 */
export type PersonPatch = Partial<
  Pick<
    PersonInput,
    | "name"
    | "gender"
    | "birthDate"
    | "ethnicity"
    | "idType"
    | "idNumber"
    | "phone"
    | "residenceStatus"
    | "partyMember"
    | "partyBranch"
    | "registeredAddress"
    | "householdId"
    | "relationship"
    | "placeId"
    | "notes"
  >
>;

/** Fields a patch copies as they are (API name → column). */
const PLAIN_FIELDS = [
  ["gender", "gender"],
  ["birthDate", "birth_date"],
  ["residenceStatus", "residence_status"],
  ["partyMember", "party_member"],
  ["partyBranch", "party_branch"],
  ["registeredAddress", "registered_address"],
  ["householdId", "household_id"],
  ["relationship", "relationship"],
  ["placeId", "place_id"],
  ["notes", "notes"],
] as const satisfies readonly (readonly [keyof PersonPatch, keyof PersonRow])[];

/**
 * Corrects or updates a person's record (a new phone, a move within the household, a correction of
 * the ID number). Only the fields given change; moving to another grid is a transfer instead.
 */
export async function updatePersonRecord(
  ctx: AppContext,
  actor: Principal,
  meta: RequestMeta,
  id: string,
  patch: PersonPatch,
) {
  const scope = principalScope(actor, "person.manage");
  const row = await personInScope(ctx, id, scope);
  await requireWork(ctx, actor, meta, { action: "person.update", type: "person", id, areaPath: row.area_path });
  const issues: FieldIssue[] = [];
  const sealed = sealPersonal(ctx, { id, name: patch.name ?? row.name, ...patch }, issues);
  if (patch.householdId) {
    const household = await findHousehold(ctx.db, patch.householdId);
    if (!household || !canView(scope, household.area_path))
      issues.push(fieldIssue("body.householdId", "FIELD_NO_HOUSEHOLD"));
    else
      await requireWork(ctx, actor, meta, {
        action: "person.update",
        type: "household",
        id: household.id,
        areaPath: household.area_path,
      });
  }
  if (patch.placeId) {
    const place = await findPlace(ctx.db, patch.placeId);
    if (!place || !canView(scope, place.area_path)) issues.push(fieldIssue("body.placeId", "FIELD_NO_PLACE"));
  }
  if (issues.length > 0)
    throw new DomainError("VALIDATION_FAILED", "the record cannot be changed as given", { errors: issues });
  // A correction of the ID number is a look-up whatever it finds: one record could otherwise try
  // number after number, changing back in between, at no cost.
  if (sealed.id && sealed.id.id_number_bidx !== row.id_number_bidx)
    await refuseRegisteredId(ctx, actor, meta, sealed.id, {
      action: "person.update",
      id,
      areaPath: row.area_path,
      countMiss: true,
    });
  const now = ctx.now();
  const update: Parameters<typeof updatePerson>[2] = { updated_at: now };
  const changed: string[] = [];
  const set = <K extends keyof typeof update>(field: string, key: K, value: (typeof update)[K]) => {
    update[key] = value;
    changed.push(field);
  };
  if (patch.name !== undefined && patch.name.trim() !== row.name) {
    set("name", "name", patch.name.trim());
    Object.assign(update, nameKeys(patch.name.trim()));
  }
  if (sealed.id && sealed.id.id_number_bidx !== row.id_number_bidx) {
    set("idNumber", "id_number_enc", sealed.id.id_number_enc);
    update.id_type = sealed.id.id_type;
    update.id_number_bidx = sealed.id.id_number_bidx;
    update.id_number_masked = sealed.id.id_number_masked;
    if (patch.birthDate === undefined && sealed.id.birthDate) update.birth_date = sealed.id.birthDate;
    if (patch.gender === undefined && sealed.id.gender) update.gender = sealed.id.gender;
  }
  if (sealed.phone && sealed.phone.bidx !== row.phone_bidx) {
    set("phone", "phone_enc", sealed.phone.enc);
    update.phone_bidx = sealed.phone.bidx;
    update.phone_masked = sealed.phone.masked;
  }
  if (sealed.ethnicity !== undefined && sealed.ethnicity !== row.ethnicity)
    set("ethnicity", "ethnicity", sealed.ethnicity);
  for (const [field, column] of PLAIN_FIELDS) {
    const value = patch[field];
    if (value !== undefined && value !== row[column]) set(field, column, value as never);
  }
  if (changed.length > 0)
    await ctx.db.transaction().execute(async (trx) => {
      await updatePerson(trx, id, update);
      await logAccess(trx, [accessRow(actor, meta, id, "update", changed)]);
      await recordAudit(ctx, trx, {
        action: "person.update",
        outcome: "success",
        actor: { userId: authorId(actor), username: actor.username },
        meta,
        targetType: "person",
        targetId: id,
        areaPath: row.area_path,
        // Which fields changed, never their values.
        details: { fields: changed },
      });
    });
  return getPerson(ctx, actor, meta, id);
}

/**
 * Moves a person to another grid (a move within the township, 人户分离 resolved): the old attribution
 * closes, a new one opens, their tags follow. Records made before keep the grid they had.
 */
export async function transferPerson(
  ctx: AppContext,
  actor: Principal,
  meta: RequestMeta,
  id: string,
  input: { gridCode: string; reason: string; placeId?: string | undefined },
) {
  const scope = principalScope(actor, "person.manage");
  const row = await personInScope(ctx, id, scope);
  await requireWork(ctx, actor, meta, { action: "person.transfer", type: "person", id, areaPath: row.area_path });
  const issues: FieldIssue[] = [];
  const target = await getAreaInScope(ctx.db, input.gridCode, scope).catch(() => undefined);
  if (!target || target.abolished_at)
    issues.push(fieldIssue("body.gridCode", "FIELD_NO_AREA", { code: input.gridCode }));
  else if (target.path === row.area_path) issues.push(fieldIssue("body.gridCode", "REGISTRY_FIELD_ALREADY_IN_AREA"));
  let placeId = row.place_id;
  if (input.placeId) {
    const place = await findPlace(ctx.db, input.placeId);
    if (!place || !canView(scope, place.area_path)) issues.push(fieldIssue("body.placeId", "FIELD_NO_PLACE"));
    else placeId = place.id;
  }
  if (issues.length > 0 || !target)
    throw new DomainError("VALIDATION_FAILED", "the person cannot be transferred as given", { errors: issues });
  // Moving someone in is work on the grid they move to as much as on the one they leave.
  await requireWork(ctx, actor, meta, { action: "person.transfer", type: "person", id, areaPath: target.path });
  const now = ctx.now();
  await ctx.db.transaction().execute(async (trx: Transaction<DB>) => {
    await closeAttribution(
      trx,
      { id, type: "person", areaId: row.area_id, areaPath: row.area_path, since: row.created_at },
      now,
      authorId(actor),
    );
    await openAttribution(trx, [
      {
        id: uuidv7(now.getTime()),
        subject_type: "person",
        subject_id: id,
        area_id: target.id,
        area_path: target.path,
        valid_from: now,
        valid_to: null,
        reason: input.reason,
        changed_by: authorId(actor),
      },
    ]);
    await updatePerson(trx, id, { area_id: target.id, area_path: target.path, place_id: placeId, updated_at: now });
    await retagPath(trx, id, target.path);
    await logAccess(trx, [accessRow(actor, meta, id, "transfer", [], input.reason)]);
    await recordAudit(ctx, trx, {
      action: "person.transfer",
      outcome: "success",
      actor: { userId: authorId(actor), username: actor.username },
      meta,
      targetType: "person",
      targetId: id,
      areaPath: target.path,
      reason: input.reason,
      details: { from: codeOfPath(row.area_path), to: target.code },
    });
  });
  return getPerson(ctx, actor, meta, id);
}

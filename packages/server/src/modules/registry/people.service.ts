import {
  authorId,
  canView,
  chinaDate,
  codeOfPath,
  type DataScope,
  DomainError,
  ETHNIC_GROUPS,
  ethnicityCode,
  type FieldIssue,
  fieldIssue,
  type IdType,
  maskName,
  type Principal,
  principalScope,
  type Relationship,
  type ResidenceStatus,
  redactPersonalNumbers,
} from "@wangge/core";
import type { Kysely, Transaction } from "kysely";
import type { AppContext, RequestMeta } from "../../context.ts";
import type { DB } from "../../db/schema.ts";
import { uuidv7 } from "../../ids.ts";
import { findArea, getAreaInScope } from "../areas/areas.service.ts";
import { recordAudit, refusal } from "../audit/audit.service.ts";
import { findRegisteredNumber, type NumberSought } from "./number-lookups.ts";
import {
  findHousehold,
  findPerson,
  findPersonByIdIndex,
  findPlace,
  insertPeople,
  listAccess,
  listAttributions,
  listTagsOf,
  logAccess,
  openAttribution,
} from "./registry.queries.ts";
import type { PersonAccessTable, PersonRow, SubjectTagRow } from "./registry.table.ts";
import { isIssue, nameKeys, type SealedId, type SealedPhone, sealIdNumber, sealPhone } from "./registry-fields.ts";
import { registeredNumberRefusal, requireWork, takenIdError } from "./registry-work.ts";
import { addTagsInTransaction, type TagInput, tagViews, visibleTagDefinitions } from "./tags.service.ts";

/**
 * People in the registry. Reads are limited to the caller's scope for `person.read` (outside it a
 * person does not exist), ID and phone numbers are masked unless revealed with a reason
 * (`person.reveal`, audited), every read of a record is written to the person's access log, and a
 * move to another grid is an explicit transfer whose history stays.
 */
export interface PersonInput {
  id: string;
  name: string;
  gender?: "male" | "female" | undefined;
  birthDate?: string | undefined;
  ethnicity?: string | undefined;
  idType?: IdType | undefined;
  idNumber?: string | undefined;
  phone?: string | undefined;
  residenceStatus?: ResidenceStatus | undefined;
  partyMember?: boolean | undefined;
  partyBranch?: string | undefined;
  registeredAddress?: string | undefined;
  householdId?: string | undefined;
  relationship?: Relationship | undefined;
  placeId?: string | undefined;
  gridCode?: string | undefined;
  notes?: string | undefined;
  tags?: TagInput[] | undefined;
}

export interface PersonView {
  id: string;
  name: string;
  gender: "male" | "female" | null;
  /** The full date only to those who may reveal the person's ID number; else null (see mask.ts). */
  birthDate: string | null;
  birthYear: number | null;
  ethnicity: { code: string; name: { "zh-CN": string; en: string } } | null;
  idType: string | null;
  idNumber: string | null;
  phone: string | null;
  residenceStatus: string;
  partyMember: boolean;
  partyBranch: string | null;
  registeredAddress: string | null;
  householdId: string | null;
  relationship: string | null;
  placeId: string | null;
  gridCode: string | null;
  areaPath: string;
  notes: string | null;
  tags: ReturnType<typeof tagViews>;
  createdAt: string;
  updatedAt: string;
}

const ETHNIC_BY_CODE = new Map(ETHNIC_GROUPS.map((g) => [g.code, g]));

export function today(ctx: Pick<AppContext, "now">): string {
  // Dates of tags and birth dates are calendar dates in China (UTC+8).
  return chinaDate(ctx.now());
}

/**
 * The birth date as a viewer may see it: the masked ID number keeps its region only, and the birth
 * year (not the date) beside it still leaves ~180,000 numbers open; the full date beside it would leave
 * 500. So the date goes only to those who may reveal the number anyway (person.reveal where the person
 * is); everyone else, and every masked export, gets the year.
 */
export function birthOf(row: Pick<PersonRow, "birth_date">, canReveal: boolean) {
  return {
    birthDate: canReveal ? row.birth_date : null,
    birthYear: row.birth_date ? Number(row.birth_date.slice(0, 4)) : null,
  };
}

export function toPersonView(row: PersonRow, tags: ReturnType<typeof tagViews>, canReveal: boolean): PersonView {
  const group = row.ethnicity ? ETHNIC_BY_CODE.get(row.ethnicity) : undefined;
  return {
    id: row.id,
    name: row.name,
    gender: row.gender,
    ...birthOf(row, canReveal),
    ethnicity: group ? { code: group.code, name: { "zh-CN": group.zh, en: group.en } } : null,
    idType: row.id_type,
    idNumber: row.id_number_masked,
    phone: row.phone_masked,
    residenceStatus: row.residence_status,
    partyMember: row.party_member,
    partyBranch: row.party_branch,
    registeredAddress: row.registered_address,
    householdId: row.household_id,
    relationship: row.relationship,
    placeId: row.place_id,
    gridCode: codeOfPath(row.area_path),
    areaPath: row.area_path,
    notes: row.notes,
    tags,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

const notFound = (id: string) =>
  new DomainError("PERSON_NOT_FOUND", `no person ${id} in your scope`, {
    errors: [fieldIssue("id", "REGISTRY_FIELD_UNKNOWN_PERSON")],
  });

/** The person, if the scope covers them; otherwise the same answer as for an unknown id. */
export async function personInScope(ctx: AppContext, id: string, scope: DataScope): Promise<PersonRow> {
  const row = await findPerson(ctx.db, id);
  if (!row || !canView(scope, row.area_path)) throw notFound(id);
  return row;
}

export async function viewOf(ctx: AppContext, actor: Principal, rows: PersonRow[]): Promise<PersonView[]> {
  const tags = await listTagsOf(
    ctx.db,
    rows.map((r) => r.id),
  );
  const definitions = await visibleTagDefinitions(ctx, actor);
  const sensitiveScope = principalScope(actor, "tag.sensitive.read");
  const revealScope = principalScope(actor, "person.reveal");
  const bySubject = new Map<string, SubjectTagRow[]>();
  for (const t of tags) bySubject.set(t.subject_id, [...(bySubject.get(t.subject_id) ?? []), t]);
  const day = today(ctx);
  return rows.map((r) =>
    toPersonView(
      r,
      tagViews(bySubject.get(r.id) ?? [], definitions, canView(sensitiveScope, r.area_path), day),
      canView(revealScope, r.area_path),
    ),
  );
}

interface Resolved {
  areaId: string | null;
  areaPath: string;
  householdId: string | null;
  /** Where the household joined is (a head changes it, so the writer must work there too). */
  householdPath: string | null;
  placeId: string | null;
}

/** Where a new person belongs: the grid given, else their household's, else their place's. */
async function resolveAttribution(
  ctx: AppContext,
  input: Pick<PersonInput, "gridCode" | "householdId" | "placeId">,
  scope: DataScope,
  issues: FieldIssue[],
): Promise<Resolved | undefined> {
  let household: Awaited<ReturnType<typeof findHousehold>>;
  let place: Awaited<ReturnType<typeof findPlace>>;
  if (input.householdId) {
    household = await findHousehold(ctx.db, input.householdId);
    if (!household || !canView(scope, household.area_path)) {
      issues.push(fieldIssue("body.householdId", "FIELD_NO_HOUSEHOLD"));
      household = undefined;
    }
  }
  if (input.placeId) {
    place = await findPlace(ctx.db, input.placeId);
    if (!place || !canView(scope, place.area_path)) {
      issues.push(fieldIssue("body.placeId", "FIELD_NO_PLACE"));
      place = undefined;
    }
  }
  const placeId = place?.id ?? household?.place_id ?? null;
  if (input.gridCode) {
    const area = await getAreaInScope(ctx.db, input.gridCode, scope).catch(() => undefined);
    if (!area || area.abolished_at) {
      issues.push(fieldIssue("body.gridCode", "FIELD_NO_AREA", { code: input.gridCode }));
      return undefined;
    }
    return {
      areaId: area.id,
      areaPath: area.path,
      householdId: household?.id ?? null,
      householdPath: household?.area_path ?? null,
      placeId,
    };
  }
  const from = household ?? place;
  if (from)
    return {
      areaId: from.area_id,
      areaPath: from.area_path,
      householdId: household?.id ?? null,
      householdPath: household?.area_path ?? null,
      placeId,
    };
  if (!input.householdId && !input.placeId)
    issues.push(fieldIssue("body.gridCode", "REGISTRY_FIELD_WHERE_PERSON_LIVES"));
  return undefined;
}

interface SealedPerson {
  id?: SealedId;
  phone?: SealedPhone;
  ethnicity?: string;
}

export function sealPersonal(ctx: AppContext, input: PersonInput, issues: FieldIssue[], prefix = "body"): SealedPerson {
  const out: SealedPerson = {};
  if (input.idNumber) {
    const sealed = sealIdNumber(
      ctx.crypto,
      input.idType ?? "resident_id",
      input.idNumber,
      `${prefix}.idNumber`,
      ctx.now(),
    );
    if (isIssue(sealed)) issues.push(sealed);
    else {
      out.id = sealed;
      if (input.birthDate && sealed.birthDate && input.birthDate !== sealed.birthDate)
        issues.push(
          fieldIssue(`${prefix}.birthDate`, "REGISTRY_FIELD_BIRTH_DATE_MISMATCH", { expected: sealed.birthDate }),
        );
      if (input.gender && sealed.gender && input.gender !== sealed.gender)
        issues.push(fieldIssue(`${prefix}.gender`, "REGISTRY_FIELD_GENDER_MISMATCH"));
    }
  }
  if (input.phone) {
    const sealed = sealPhone(ctx.crypto, input.phone, `${prefix}.phone`);
    if (isIssue(sealed)) issues.push(sealed);
    else out.phone = sealed;
  }
  if (input.ethnicity) {
    const code = ethnicityCode(input.ethnicity);
    if (!code) issues.push(fieldIssue(`${prefix}.ethnicity`, "REGISTRY_FIELD_ETHNICITY"));
    else out.ethnicity = code;
  }
  if (input.birthDate && input.birthDate > today(ctx))
    issues.push(fieldIssue(`${prefix}.birthDate`, "REGISTRY_FIELD_IN_FUTURE"));
  return out;
}

/** Same content as an earlier create with this id: a retry, answered with the record. */
function sameAsStored(row: PersonRow, input: PersonInput, sealed: SealedPerson): boolean {
  return (
    row.name === input.name.trim() &&
    row.id_number_bidx === (sealed.id?.id_number_bidx ?? null) &&
    row.phone_bidx === (sealed.phone?.bidx ?? null)
  );
}

export async function createPerson(
  ctx: AppContext,
  actor: Principal,
  meta: RequestMeta,
  input: PersonInput,
): Promise<{ person: PersonView; created: boolean }> {
  const scope = principalScope(actor, "person.manage");
  const issues: FieldIssue[] = [];
  const sealed = sealPersonal(ctx, input, issues);
  const existing = await findPerson(ctx.db, input.id);
  if (existing) {
    if (canView(scope, existing.area_path) && issues.length === 0 && sameAsStored(existing, input, sealed))
      return { person: (await viewOf(ctx, actor, [existing]))[0] as PersonView, created: false };
    throw takenIdError(actor, "person", input.id, existing.area_path);
  }
  const where = await resolveAttribution(ctx, input, scope, issues);
  // Registered where the writer works, into a household they work on (a head changes the household).
  for (const areaPath of [where?.areaPath, where?.householdPath])
    if (areaPath)
      await requireWork(ctx, actor, meta, { action: "person.create", type: "person", id: input.id, areaPath });
  const definitions = await visibleTagDefinitions(ctx, actor);
  for (const [i, t] of (input.tags ?? []).entries())
    if (!definitions.has(t.key)) issues.push(fieldIssue(`body.tags.${i}.key`, "REGISTRY_FIELD_NO_TAG", { key: t.key }));
  if (issues.length > 0 || !where)
    throw new DomainError("VALIDATION_FAILED", "the person cannot be registered as given", { errors: issues });
  // A miss registers the person (a record in the writer's own grid, audited): only a hit is a look-up.
  const claim = { action: "person.create", id: input.id, areaPath: where.areaPath, countMiss: false } as const;
  if (sealed.id) await refuseRegisteredId(ctx, actor, meta, sealed.id, claim);
  const now = ctx.now();
  const keys = nameKeys(input.name.trim());
  await ctx.db
    .transaction()
    .execute(async (trx) => {
      await insertPeople(trx, [
        {
          id: input.id,
          household_id: where.householdId,
          relationship: input.relationship ?? null,
          name: input.name.trim(),
          ...keys,
          gender: input.gender ?? sealed.id?.gender ?? null,
          birth_date: input.birthDate ?? sealed.id?.birthDate ?? null,
          ethnicity: sealed.ethnicity ?? null,
          id_type: sealed.id?.id_type ?? null,
          id_number_enc: sealed.id?.id_number_enc ?? null,
          id_number_bidx: sealed.id?.id_number_bidx ?? null,
          id_number_masked: sealed.id?.id_number_masked ?? null,
          phone_enc: sealed.phone?.enc ?? null,
          phone_bidx: sealed.phone?.bidx ?? null,
          phone_masked: sealed.phone?.masked ?? null,
          residence_status: input.residenceStatus ?? "resident",
          party_member: input.partyMember ?? false,
          party_branch: input.partyBranch ?? null,
          registered_address: input.registeredAddress ?? null,
          place_id: where.placeId,
          area_id: where.areaId,
          area_path: where.areaPath,
          notes: input.notes ?? null,
          created_at: now,
          updated_at: now,
          created_by: authorId(actor),
        },
      ]);
      if (input.relationship === "head" && where.householdId)
        await trx
          .updateTable("household")
          .set({ head_person_id: input.id })
          .where("id", "=", where.householdId)
          .execute();
      await openAttribution(trx, [
        {
          id: uuidv7(now.getTime()),
          subject_type: "person",
          subject_id: input.id,
          area_id: where.areaId,
          area_path: where.areaPath,
          valid_from: now,
          valid_to: null,
          reason: "registered",
          changed_by: authorId(actor),
        },
      ]);
      await addTagsInTransaction(ctx, trx, actor, "person", input.id, where.areaPath, input.tags ?? []);
      await logAccess(trx, [accessRow(actor, meta, input.id, "create", [])]);
      await recordAudit(ctx, trx, {
        action: "person.create",
        outcome: "success",
        actor: { userId: authorId(actor), username: actor.username },
        meta,
        targetType: "person",
        targetId: input.id,
        areaPath: where.areaPath,
      });
    })
    .catch(async (error: unknown) => {
      // Registered by someone else meanwhile: answered as if they had been first.
      if (sealed.id && (error as { code?: string }).code === UNIQUE_VIOLATION)
        await refuseRegisteredId(ctx, actor, meta, sealed.id, claim);
      throw error;
    });
  const row = (await findPerson(ctx.db, input.id)) as PersonRow;
  return { person: (await viewOf(ctx, actor, [row]))[0] as PersonView, created: true };
}

const UNIQUE_VIOLATION = "23505";

/**
 * An ID number given to register or correct person `id` that another person holds: refused (in words
 * that name them only to whoever may see them: registry-work.ts), within the user's allowance of
 * look-ups by number (number-lookups.ts). A named person's access log records the look-up.
 */
export async function refuseRegisteredId(
  ctx: AppContext,
  actor: Principal,
  meta: RequestMeta,
  sealedId: SealedId,
  attempt: { action: "person.create" | "person.update"; id: string; areaPath: string; countMiss: boolean },
): Promise<void> {
  const number: NumberSought = {
    kind: "idNumber",
    index: sealedId.id_number_bidx,
    masked: sealedId.id_number_masked,
  };
  const use = { action: attempt.action, path: "body.idNumber", countMiss: attempt.countMiss };
  const other = await findRegisteredNumber(ctx, actor, meta, number, use, async (db) => {
    const found = await findPersonByIdIndex(db, number.index);
    return found && found.id !== attempt.id ? found : undefined;
  });
  if (!other) return;
  const { error, visible } = await registeredNumberRefusal(
    ctx,
    actor,
    meta,
    { action: attempt.action, type: "person", id: attempt.id, areaPath: attempt.areaPath, path: use.path, number },
    { type: "person", id: other.id, areaPath: other.area_path, label: maskName(other.name) },
  );
  if (visible) await logAccess(ctx.db, [accessRow(actor, meta, other.id, "search", ["idNumber"])]);
  throw error;
}

export function accessRow(
  actor: Principal,
  meta: RequestMeta,
  personId: string,
  action: PersonAccessTable["action"],
  fields: string[],
  reason: string | null = null,
) {
  return {
    id: uuidv7(),
    person_id: personId,
    user_id: authorId(actor),
    username: actor.username,
    action,
    fields,
    // Shown to the person in their access log: a number typed into the reason is masked.
    reason: reason === null ? null : redactPersonalNumbers(reason),
    request_id: meta.requestId,
    actor_posts: JSON.stringify(
      actor.assignments.map((a) => ({ roleKey: a.roleKey, areaName: a.areaName, areaPath: a.areaPath })),
    ),
  };
}

/**
 * Writes, in the caller's transaction, the row of a resident's access log for a matter they reported
 * that a handler read in clear (events/event-reveal.service.ts). It is for the reporting account alone:
 * whoever links the record later does not read it, nor do staff reading the record's log.
 */
export async function recordReportReveal(
  db: Kysely<DB> | Transaction<DB>,
  actor: Principal,
  meta: RequestMeta,
  reporter: { personId: string; userId: string },
  fields: string[],
  reason: string,
): Promise<void> {
  await logAccess(db, [
    { ...accessRow(actor, meta, reporter.personId, "event_reveal", fields, reason), subject_user_id: reporter.userId },
  ]);
}

export async function getPerson(ctx: AppContext, actor: Principal, meta: RequestMeta, id: string) {
  const row = await personInScope(ctx, id, principalScope(actor, "person.read"));
  await logAccess(ctx.db, [accessRow(actor, meta, id, "view", [])]);
  const [view] = await viewOf(ctx, actor, [row]);
  const history = await listAttributions(ctx.db, id);
  const attribution = history.map((h) => ({
    areaCode: h.code,
    areaName: h.name,
    validFrom: h.valid_from.toISOString(),
    validTo: h.valid_to?.toISOString() ?? null,
    reason: h.reason,
  }));
  // Imported and never moved: the current attribution is the record's own.
  if (!attribution.some((a) => a.validTo === null)) {
    const area = await findArea(ctx.db, codeOfPath(row.area_path) ?? "");
    attribution.unshift({
      areaCode: area?.code ?? null,
      areaName: area?.name ?? null,
      validFrom: row.created_at.toISOString(),
      validTo: null,
      reason: "registered",
    });
  }
  return { ...(view as PersonView), attribution };
}

export type RevealField = "idNumber" | "phone";

/** The clear ID or phone number, once, to someone allowed to see it here, for a stated reason. */
export async function revealPerson(
  ctx: AppContext,
  actor: Principal,
  meta: RequestMeta,
  id: string,
  fields: RevealField[],
  reason: string,
) {
  const row = await findPerson(ctx.db, id);
  const readable = row && canView(principalScope(actor, "person.read"), row.area_path);
  if (!row || !readable) throw notFound(id);
  if (!canView(principalScope(actor, "person.reveal"), row.area_path))
    throw await refusal(
      ctx,
      actor,
      meta,
      { action: "person.reveal", type: "person", id, areaPath: row.area_path, reason },
      "revealing needs the person.reveal permission here",
    );
  const out: Partial<Record<RevealField, string | null>> = {};
  for (const field of fields) {
    const stored = field === "idNumber" ? row.id_number_enc : row.phone_enc;
    out[field] = stored ? ctx.crypto.decrypt(stored) : null;
  }
  await ctx.db.transaction().execute(async (trx) => {
    await logAccess(trx, [accessRow(actor, meta, id, "reveal", fields, reason)]);
    await recordAudit(ctx, trx, {
      action: "person.reveal",
      outcome: "success",
      actor: { userId: authorId(actor), username: actor.username },
      meta,
      targetType: "person",
      targetId: id,
      areaPath: row.area_path,
      reason,
      details: { fields },
    });
  });
  return out;
}

export async function personAccessLog(ctx: AppContext, actor: Principal, id: string, limit: number) {
  await personInScope(ctx, id, principalScope(actor, "person.read"));
  const rows = await listAccess(ctx.db, id, limit);
  return rows.map((r) => ({
    at: r.at.toISOString(),
    username: r.username,
    action: r.action,
    fields: r.fields,
    reason: r.reason,
  }));
}

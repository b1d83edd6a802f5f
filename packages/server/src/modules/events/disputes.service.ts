import {
  authorId,
  canWork,
  chinaDate,
  DomainError,
  type FieldIssue,
  type FollowupKind,
  isDisputeCategory,
  type PartyRole,
  type PerformanceState,
  type Principal,
  principalScope,
  type RiskGrade,
  type Satisfaction,
  type SessionOutcome,
  suggestedRiskGrade,
} from "@wangge/core";
import type { Transaction } from "kysely";
import type { AppContext, RequestMeta } from "../../context.ts";
import type { DB } from "../../db/schema.ts";
import { uuidv7 } from "../../ids.ts";
import { recordAudit, refusal } from "../audit/audit.service.ts";
import { personInScope } from "../registry/people.service.ts";
import { isIssue, sealIdNumber, sealPhone } from "../registry/registry-fields.ts";
import {
  countParties,
  deleteParty,
  findAgreement,
  findDispute,
  findFollowup,
  findParty,
  findSession,
  insertAgreement,
  insertDisputeIfMissing,
  insertFollowup,
  insertParty,
  insertSession,
  listFollowups,
  listParties,
  listPartyRoles,
  listSessions,
  updateAgreement,
  updateDisputeRow,
} from "./disputes.queries.ts";
import { staffWhoMayWork } from "./event-handlers.service.ts";
import { addToCounters, insertSteps } from "./events.queries.ts";
import { visibleEvent } from "./events.service.ts";
import type { EventRow, Obligation } from "./events.table.ts";

/**
 * People's mediation of a dispute event: who the parties are, how risky it is, who mediates, what
 * each session found, the written agreement (People's Mediation Law arts. 28–29) and the follow-up
 * of its performance and of the parties after closing. Reading needs what reading the event needs;
 * writing needs `mediation.handle` where the event is.
 */

async function disputeOf(ctx: AppContext, actor: Principal, id: string): Promise<EventRow> {
  const row = await visibleEvent(ctx, actor, id);
  if (!isDisputeCategory(row.category_key))
    throw new DomainError("EVENT_NOT_A_DISPUTE", `${row.number} is not a dispute (${row.category_key})`);
  return row;
}

async function writableDispute(ctx: AppContext, actor: Principal, meta: RequestMeta, id: string, action: string) {
  const row = await disputeOf(ctx, actor, id);
  if (!canWork(principalScope(actor, "mediation.handle"), row.area_path))
    throw await refusal(
      ctx,
      actor,
      meta,
      { action: `mediation.${action}`, type: "event", id, areaPath: row.area_path },
      "you may not mediate disputes of this area",
    );
  return row;
}

/** The audit record of a mediation change (in the change's transaction). */
async function auditMediation(
  ctx: AppContext,
  trx: Transaction<DB>,
  actor: Principal,
  meta: RequestMeta,
  row: EventRow,
  action: string,
  details?: Record<string, unknown>,
) {
  await recordAudit(ctx, trx, {
    action,
    outcome: "success",
    actor: { userId: authorId(actor), username: actor.username },
    meta,
    targetType: "event",
    targetId: row.id,
    areaPath: row.area_path,
    ...(details ? { details } : {}),
  });
}

/** Creates the dispute record on first use (graded by category until the mediator grades it). */
async function ensureDispute(trx: Transaction<DB>, row: EventRow, now: Date) {
  await insertDisputeIfMissing(trx, row.id, suggestedRiskGrade(row.category_key), now);
}

async function step(trx: Transaction<DB>, row: EventRow, actor: Principal, action: string, note: string, at: Date) {
  await insertSteps(trx, [
    {
      id: uuidv7(at.getTime()),
      event_id: row.id,
      action,
      from_state: row.state,
      to_state: row.state,
      level: row.level,
      area_path: row.area_path,
      actor_user_id: authorId(actor),
      actor_name: actor.displayName,
      note,
      lng: null,
      lat: null,
      at,
    },
  ]);
}

export async function getDispute(ctx: AppContext, actor: Principal, id: string) {
  const row = await disputeOf(ctx, actor, id);
  const dispute = await findDispute(ctx.db, id);
  const parties = await listParties(ctx.db, id);
  const people = new Map<string, { name: string; idMasked: string | null; phoneMasked: string | null }>();
  for (const p of parties)
    if (p.person_id) {
      const person = await personInScope(ctx, p.person_id, principalScope(actor, "event.read")).catch(() => undefined);
      if (person)
        people.set(p.person_id, {
          name: person.name,
          idMasked: person.id_number_masked,
          phoneMasked: person.phone_masked,
        });
    }
  const sessions = await listSessions(ctx.db, id);
  const agreement = await findAgreement(ctx.db, id);
  const followups = await listFollowups(ctx.db, id);
  return {
    eventId: row.id,
    number: row.number,
    categoryKey: row.category_key,
    riskGrade: (dispute?.risk_grade ?? suggestedRiskGrade(row.category_key)) as RiskGrade,
    mediatorUserId: dispute?.mediator_user_id ?? null,
    mediatorName: dispute?.mediator_name ?? null,
    performance: (dispute?.performance ?? null) as PerformanceState | null,
    parties: parties.map((p) => {
      const person = p.person_id ? people.get(p.person_id) : undefined;
      return {
        id: p.id,
        role: p.role as PartyRole,
        personId: p.person_id,
        name: person?.name ?? p.name,
        idNumber: person?.idMasked ?? p.id_number_masked,
        phone: person?.phoneMasked ?? p.phone_masked,
        address: p.address,
      };
    }),
    sessions: sessions.map((s) => ({
      id: s.id,
      heldAt: s.held_at.toISOString(),
      place: s.place,
      mediators: s.mediators,
      attendees: s.attendees,
      record: s.record,
      outcome: s.outcome as SessionOutcome,
    })),
    agreement: agreement
      ? {
          id: agreement.id,
          number: agreement.number,
          committee: agreement.committee,
          facts: agreement.facts,
          matters: agreement.matters,
          obligations: agreement.obligations,
          signedOn: agreement.signed_on,
          mediatorName: agreement.mediator_name,
          createdAt: agreement.created_at.toISOString(),
        }
      : null,
    followups: followups.map((f) => ({
      id: f.id,
      kind: f.kind as FollowupKind,
      at: f.at.toISOString(),
      byName: f.by_name,
      result: f.result,
      satisfaction: f.satisfaction as Satisfaction | null,
      note: f.note,
    })),
  };
}
export type DisputeView = Awaited<ReturnType<typeof getDispute>>;

export async function updateDispute(
  ctx: AppContext,
  actor: Principal,
  meta: RequestMeta,
  id: string,
  input: { riskGrade: RiskGrade; mediatorUserId?: string | null | undefined },
) {
  const row = await writableDispute(ctx, actor, meta, id, "grade");
  // The mediator is someone who may mediate this dispute where it is.
  const mediatorName = input.mediatorUserId
    ? (await staffWhoMayWork(ctx, input.mediatorUserId, "mediation.handle", row.area_path, "body.mediatorUserId"))
        .displayName
    : null;
  const now = ctx.now();
  await ctx.db.transaction().execute(async (trx) => {
    await ensureDispute(trx, row, now);
    await updateDisputeRow(trx, id, {
      risk_grade: input.riskGrade,
      ...(input.mediatorUserId !== undefined
        ? { mediator_user_id: input.mediatorUserId, mediator_name: mediatorName }
        : {}),
      updated_at: now,
    });
    await step(trx, row, actor, "mediation_grade", [input.riskGrade, mediatorName].filter(Boolean).join(" · "), now);
    await auditMediation(ctx, trx, actor, meta, row, "mediation.grade", {
      riskGrade: input.riskGrade,
      mediatorUserId: input.mediatorUserId ?? null,
    });
  });
  return getDispute(ctx, actor, id);
}

export interface PartyInput {
  id: string;
  role: PartyRole;
  personId?: string | undefined;
  name?: string | undefined;
  phone?: string | undefined;
  idNumber?: string | undefined;
  address?: string | undefined;
}

/** Adds a party: a person of the registry, or a name with contacts kept sealed. A retried id adds nothing. */
export async function addParty(ctx: AppContext, actor: Principal, meta: RequestMeta, id: string, input: PartyInput) {
  const row = await writableDispute(ctx, actor, meta, id, "party");
  const existing = await findParty(ctx.db, input.id);
  if (existing) {
    if (existing.event_id === id && existing.role === input.role) return getDispute(ctx, actor, id);
    await visibleEvent(ctx, actor, existing.event_id); // held in a dispute out of sight: not found, not a conflict
    throw new DomainError("EVENT_ID_CONFLICT", `party id ${input.id} is taken`);
  }
  const issues: FieldIssue[] = [];
  let name = input.name?.trim() ?? "";
  if (input.personId) {
    const person = await personInScope(ctx, input.personId, principalScope(actor, "event.read")).catch(() => undefined);
    if (!person) issues.push({ path: "body.personId", message: "no such person in your areas" });
    else name = person.name;
  } else if (!name) issues.push({ path: "body.name", message: "a party needs a name (or a personId)" });
  const phone = !input.personId && input.phone?.trim() ? sealPhone(ctx.crypto, input.phone, "body.phone") : undefined;
  if (phone && isIssue(phone)) issues.push(phone);
  const idNumber =
    !input.personId && input.idNumber?.trim()
      ? sealIdNumber(ctx.crypto, "resident_id", input.idNumber, "body.idNumber", ctx.now())
      : undefined;
  if (idNumber && isIssue(idNumber)) issues.push(idNumber);
  if (issues.length > 0)
    throw new DomainError("VALIDATION_FAILED", "the party cannot be added as given", { errors: issues });
  const now = ctx.now();
  await ctx.db.transaction().execute(async (trx) => {
    await ensureDispute(trx, row, now);
    const ord = await countParties(trx, id);
    await insertParty(trx, {
      id: input.id,
      event_id: id,
      role: input.role,
      person_id: input.personId ?? null,
      name,
      phone_enc: phone && !isIssue(phone) ? phone.enc : null,
      phone_masked: phone && !isIssue(phone) ? phone.masked : null,
      id_number_enc: idNumber && !isIssue(idNumber) ? idNumber.id_number_enc : null,
      id_number_masked: idNumber && !isIssue(idNumber) ? idNumber.id_number_masked : null,
      address: input.address?.trim() || null,
      ord,
      created_at: now,
    });
    await step(trx, row, actor, "mediation_party", `${input.role}: ${name}`, now);
    await auditMediation(ctx, trx, actor, meta, row, "mediation.party.add", {
      partyId: input.id,
      role: input.role,
      fromRegistry: Boolean(input.personId),
    });
  });
  return getDispute(ctx, actor, id);
}

export async function removeParty(ctx: AppContext, actor: Principal, meta: RequestMeta, id: string, partyId: string) {
  const row = await writableDispute(ctx, actor, meta, id, "party");
  if (await findAgreement(ctx.db, id))
    throw new DomainError("EVENT_TRANSITION_NOT_ALLOWED", "the parties of a signed agreement cannot be removed");
  await ctx.db.transaction().execute(async (trx) => {
    if (!(await deleteParty(trx, id, partyId)))
      throw new DomainError("EVENT_NOT_FOUND", `no party ${partyId} in this dispute`, {
        errors: [{ path: "partyId", message: "unknown party" }],
      });
    await step(trx, row, actor, "mediation_party_removed", partyId, ctx.now());
    await auditMediation(ctx, trx, actor, meta, row, "mediation.party.remove", { partyId });
  });
  return getDispute(ctx, actor, id);
}

export interface SessionInput {
  id: string;
  heldAt: string;
  place: string;
  mediators: string;
  attendees: string;
  record: string;
  outcome: SessionOutcome;
}

export async function recordSession(
  ctx: AppContext,
  actor: Principal,
  meta: RequestMeta,
  id: string,
  input: SessionInput,
) {
  const row = await writableDispute(ctx, actor, meta, id, "session");
  const existing = await findSession(ctx.db, input.id);
  if (existing) {
    if (existing.event_id === id && existing.record === input.record) return getDispute(ctx, actor, id);
    await visibleEvent(ctx, actor, existing.event_id); // held in a dispute out of sight: not found, not a conflict
    throw new DomainError("EVENT_ID_CONFLICT", `session id ${input.id} is taken`);
  }
  const heldAt = new Date(input.heldAt);
  if (heldAt.getTime() > ctx.now().getTime() + 5 * 60_000)
    throw new DomainError("VALIDATION_FAILED", "a session is recorded after it was held", {
      errors: [{ path: "body.heldAt", message: "in the future" }],
    });
  const now = ctx.now();
  await ctx.db.transaction().execute(async (trx) => {
    await ensureDispute(trx, row, now);
    await insertSession(trx, {
      id: input.id,
      event_id: id,
      held_at: heldAt,
      place: input.place,
      mediators: input.mediators,
      attendees: input.attendees,
      record: input.record,
      outcome: input.outcome,
      created_by: authorId(actor),
      created_at: now,
    });
    await step(trx, row, actor, "mediation_session", `${input.outcome}: ${input.record.slice(0, 200)}`, now);
    await auditMediation(ctx, trx, actor, meta, row, "mediation.session", {
      sessionId: input.id,
      outcome: input.outcome,
    });
  });
  return getDispute(ctx, actor, id);
}

export interface AgreementInput {
  committee: string;
  facts: string;
  matters: string;
  obligations: Obligation[];
  signedOn: string;
  mediatorName: string;
}

/**
 * Draws up (or corrects, until the event is closed) the mediation agreement. The law wants the
 * parties named, so a dispute needs an applicant and a respondent first; the number counts per
 * county and year: （2026）450802调字第0001号.
 */
export async function saveAgreement(
  ctx: AppContext,
  actor: Principal,
  meta: RequestMeta,
  id: string,
  input: AgreementInput,
) {
  const row = await writableDispute(ctx, actor, meta, id, "agreement");
  if (row.state === "closed" || row.state === "cancelled")
    throw new DomainError("EVENT_TRANSITION_NOT_ALLOWED", "the agreement of a closed event is kept as signed");
  const roles = await listPartyRoles(ctx.db, id);
  const issues: FieldIssue[] = [];
  if (!roles.includes("applicant") || !roles.includes("respondent"))
    issues.push({ path: "parties", message: "add the applicant and the respondent before the agreement" });
  if (input.signedOn > chinaDate(ctx.now())) issues.push({ path: "body.signedOn", message: "in the future" });
  if (issues.length > 0)
    throw new DomainError("VALIDATION_FAILED", "the agreement cannot be drawn up yet", { errors: issues });
  const now = ctx.now();
  await ctx.db.transaction().execute(async (trx) => {
    await ensureDispute(trx, row, now);
    const existing = await findAgreement(trx, id);
    const values = {
      committee: input.committee,
      facts: input.facts,
      matters: input.matters,
      obligations: input.obligations,
      signed_on: input.signedOn,
      mediator_name: input.mediatorName,
    };
    if (existing) await updateAgreement(trx, existing.id, values);
    else {
      const county = row.number.split("-")[1] ?? "000000";
      const year = input.signedOn.slice(0, 4);
      const scope = `mediation-${county}-${year}`;
      const n = (await addToCounters(trx, new Map([[scope, 1]]))).get(scope) ?? 1;
      await insertAgreement(trx, {
        id: uuidv7(now.getTime()),
        event_id: id,
        number: `（${year}）${county}调字第${String(n).padStart(4, "0")}号`,
        ...values,
        created_by: authorId(actor),
        created_at: now,
      });
      await updateDisputeRow(trx, id, { performance: "pending", updated_at: now });
    }
    await step(trx, row, actor, "mediation_agreement", `${input.obligations.length} obligation(s)`, now);
    await auditMediation(
      ctx,
      trx,
      actor,
      meta,
      row,
      existing ? "mediation.agreement.update" : "mediation.agreement.create",
    );
  });
  return getDispute(ctx, actor, id);
}

export interface FollowupInput {
  id: string;
  kind: FollowupKind;
  at: string;
  result: string;
  satisfaction?: Satisfaction | undefined;
  performance?: PerformanceState | undefined;
  note?: string | undefined;
}

/** Records a follow-up: of the agreement's performance (with its state), or a visit after closing (回访). */
export async function recordFollowup(
  ctx: AppContext,
  actor: Principal,
  meta: RequestMeta,
  id: string,
  input: FollowupInput,
) {
  const row = await writableDispute(ctx, actor, meta, id, "followup");
  const existing = await findFollowup(ctx.db, input.id);
  if (existing) {
    if (existing.event_id === id && existing.result === input.result) return getDispute(ctx, actor, id);
    await visibleEvent(ctx, actor, existing.event_id); // held in a dispute out of sight: not found, not a conflict
    throw new DomainError("EVENT_ID_CONFLICT", `follow-up id ${input.id} is taken`);
  }
  const issues: FieldIssue[] = [];
  if (input.kind === "performance") {
    if (!(await findAgreement(ctx.db, id)))
      throw new DomainError("MEDIATION_AGREEMENT_NOT_FOUND", "performance follows an agreement");
    if (!input.performance) issues.push({ path: "body.performance", message: "say how the agreement is performed" });
  }
  if (input.kind === "visit" && !["resolved", "verified", "closed"].includes(row.state))
    issues.push({ path: "body.kind", message: "a follow-up visit comes after the dispute is settled" });
  if (issues.length > 0)
    throw new DomainError("VALIDATION_FAILED", "the follow-up cannot be recorded", { errors: issues });
  const now = ctx.now();
  await ctx.db.transaction().execute(async (trx) => {
    await ensureDispute(trx, row, now);
    await insertFollowup(trx, {
      id: input.id,
      event_id: id,
      kind: input.kind,
      at: new Date(input.at),
      by_user_id: authorId(actor),
      by_name: actor.displayName,
      result: input.result,
      satisfaction: input.satisfaction ?? null,
      note: input.note ?? null,
      created_at: now,
    });
    if (input.performance) await updateDisputeRow(trx, id, { performance: input.performance, updated_at: now });
    await step(trx, row, actor, `mediation_${input.kind}`, input.result.slice(0, 200), now);
    await auditMediation(ctx, trx, actor, meta, row, `mediation.followup.${input.kind}`, {
      performance: input.performance ?? null,
      satisfaction: input.satisfaction ?? null,
    });
  });
  return getDispute(ctx, actor, id);
}

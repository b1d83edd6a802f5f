import {
  authorId,
  canWork,
  DomainError,
  type FieldIssue,
  type FollowupKind,
  fieldIssue,
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
import { addEventFigures, riskGradeFigure } from "../figures/figure-updates.ts";
import { personInScope } from "../registry/people.service.ts";
import { isIssue, sealIdNumber, sealPhone } from "../registry/registry-fields.ts";
import {
  countParties,
  deleteParty,
  findAgreement,
  findDispute,
  findParty,
  findSession,
  insertDisputeIfMissing,
  insertParty,
  insertSession,
  listFollowups,
  listParties,
  listSessions,
  lockRiskGrade,
  updateDisputeRow,
} from "./disputes.queries.ts";
import { openColumns, SEALED_TEXT, sealColumns, sealNote } from "./event-free-text.ts";
import { staffWhoMayWork } from "./event-handlers.service.ts";
import { insertSteps } from "./events.queries.ts";
import { mayReveal, visibleEvent } from "./events.service.ts";
import type { EventRow } from "./events.table.ts";

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

export async function writableDispute(
  ctx: AppContext,
  actor: Principal,
  meta: RequestMeta,
  id: string,
  action: string,
) {
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
export async function auditMediation(
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
export async function ensureDispute(trx: Transaction<DB>, row: EventRow, now: Date) {
  const grade = suggestedRiskGrade(row.category_key);
  // A dispute in mediation counts under its risk grade on the day it was reported.
  if (await insertDisputeIfMissing(trx, row.id, grade, now))
    await addEventFigures(trx, row, row.created_at, { [riskGradeFigure(grade)]: 1 });
}

export async function step(
  ctx: AppContext,
  trx: Transaction<DB>,
  row: EventRow,
  actor: Principal,
  action: string,
  note: string,
  at: Date,
) {
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
      ...sealNote(ctx, note),
      lng: null,
      lat: null,
      at,
    },
  ]);
}

/**
 * The mediation record. Its free text is in the original for those who handle, supervise or mediate
 * the event where it is now (the agreement is printed for the parties from it); any other reader of
 * the event (one of the area it was escalated from) reads it as stored, numbers masked.
 */
export async function getDispute(ctx: AppContext, actor: Principal, id: string) {
  const row = await disputeOf(ctx, actor, id);
  const dispute = await findDispute(ctx.db, id);
  const inFull = mayReveal(actor, row);
  const open = <R extends object>(r: R, columns: readonly string[]): R => (inFull ? openColumns(ctx, r, columns) : r);
  const parties = (await listParties(ctx.db, id)).map((p) => open(p, SEALED_TEXT.dispute_party));
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
  const sessions = (await listSessions(ctx.db, id)).map((s) => open(s, SEALED_TEXT.mediation_session));
  const stored = await findAgreement(ctx.db, id);
  const agreement = stored && open(stored, SEALED_TEXT.mediation_agreement);
  const followups = (await listFollowups(ctx.db, id)).map((f) => open(f, SEALED_TEXT.dispute_followup));
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
    const before = await lockRiskGrade(trx, id);
    if (before && before !== input.riskGrade)
      await addEventFigures(trx, row, row.created_at, {
        [riskGradeFigure(before)]: -1,
        [riskGradeFigure(input.riskGrade)]: 1,
      });
    await updateDisputeRow(trx, id, {
      risk_grade: input.riskGrade,
      ...(input.mediatorUserId !== undefined
        ? { mediator_user_id: input.mediatorUserId, mediator_name: mediatorName }
        : {}),
      updated_at: now,
    });
    await step(
      ctx,
      trx,
      row,
      actor,
      "mediation_grade",
      [input.riskGrade, mediatorName].filter(Boolean).join(" · "),
      now,
    );
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
    if (!person) issues.push(fieldIssue("body.personId", "EVENT_FIELD_NO_PERSON"));
    else name = person.name;
  } else if (!name) issues.push(fieldIssue("body.name", "EVENT_FIELD_PARTY_NAME"));
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
      phone_enc: phone && !isIssue(phone) ? phone.enc : null,
      phone_masked: phone && !isIssue(phone) ? phone.masked : null,
      id_number_enc: idNumber && !isIssue(idNumber) ? idNumber.id_number_enc : null,
      id_number_masked: idNumber && !isIssue(idNumber) ? idNumber.id_number_masked : null,
      ...sealColumns(ctx, { name, address: input.address?.trim() || null }),
      ord,
      created_at: now,
    });
    await step(ctx, trx, row, actor, "mediation_party", `${input.role}: ${name}`, now);
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
        errors: [fieldIssue("partyId", "EVENT_FIELD_UNKNOWN_PARTY")],
      });
    await step(ctx, trx, row, actor, "mediation_party_removed", partyId, ctx.now());
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
    const retried = openColumns(ctx, existing, SEALED_TEXT.mediation_session).record === input.record;
    if (existing.event_id === id && retried) return getDispute(ctx, actor, id);
    await visibleEvent(ctx, actor, existing.event_id); // held in a dispute out of sight: not found, not a conflict
    throw new DomainError("EVENT_ID_CONFLICT", `session id ${input.id} is taken`);
  }
  const heldAt = new Date(input.heldAt);
  if (heldAt.getTime() > ctx.now().getTime() + 5 * 60_000)
    throw new DomainError("VALIDATION_FAILED", "a session is recorded after it was held", {
      errors: [fieldIssue("body.heldAt", "FIELD_IN_FUTURE")],
    });
  const now = ctx.now();
  await ctx.db.transaction().execute(async (trx) => {
    await ensureDispute(trx, row, now);
    await insertSession(trx, {
      id: input.id,
      event_id: id,
      held_at: heldAt,
      ...sealColumns(ctx, {
        place: input.place,
        mediators: input.mediators,
        attendees: input.attendees,
        record: input.record,
      }),
      outcome: input.outcome,
      created_by: authorId(actor),
      created_at: now,
    });
    await step(ctx, trx, row, actor, "mediation_session", `${input.outcome}: ${input.record.slice(0, 200)}`, now);
    await auditMediation(ctx, trx, actor, meta, row, "mediation.session", {
      sessionId: input.id,
      outcome: input.outcome,
    });
  });
  return getDispute(ctx, actor, id);
}

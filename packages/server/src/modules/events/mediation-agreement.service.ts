import {
  authorId,
  chinaDate,
  DomainError,
  type FieldIssue,
  type FollowupKind,
  fieldIssue,
  type PerformanceState,
  type Principal,
  type Satisfaction,
} from "@wangge/core";
import type { AppContext, RequestMeta } from "../../context.ts";
import { uuidv7 } from "../../ids.ts";
import { addEventFigures } from "../figures/figure-updates.ts";
import {
  findAgreement,
  findFollowup,
  insertAgreement,
  insertFollowup,
  listPartyRoles,
  updateAgreement,
  updateDisputeRow,
} from "./disputes.queries.ts";
import { auditMediation, ensureDispute, getDispute, step, writableDispute } from "./disputes.service.ts";
import { openColumns, SEALED_TEXT, sealColumns } from "./event-free-text.ts";
import { addToCounters } from "./events.queries.ts";
import { visibleEvent } from "./events.service.ts";
import type { Obligation } from "./events.table.ts";

/**
 * The mediation agreement of a dispute (People's Mediation Law arts. 28–29) and the follow-ups of its
 * performance and of the parties after closing; the rest of the mediation record is in
 * disputes.service.ts. Their free text is stored masked, the originals sealed (event-free-text.ts).
 */

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
    issues.push(fieldIssue("parties", "EVENT_FIELD_PARTIES_FIRST"));
  if (input.signedOn > chinaDate(ctx.now())) issues.push(fieldIssue("body.signedOn", "FIELD_IN_FUTURE"));
  if (issues.length > 0)
    throw new DomainError("VALIDATION_FAILED", "the agreement cannot be drawn up yet", { errors: issues });
  const now = ctx.now();
  await ctx.db.transaction().execute(async (trx) => {
    await ensureDispute(trx, row, now);
    const existing = await findAgreement(trx, id);
    const values = {
      ...sealColumns(ctx, {
        committee: input.committee,
        facts: input.facts,
        matters: input.matters,
        obligations: input.obligations,
        mediator_name: input.mediatorName,
      }),
      signed_on: input.signedOn,
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
      await addEventFigures(trx, row, now, { agreements: 1 });
    }
    await step(ctx, trx, row, actor, "mediation_agreement", `${input.obligations.length} obligation(s)`, now);
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
    const retried = openColumns(ctx, existing, SEALED_TEXT.dispute_followup).result === input.result;
    if (existing.event_id === id && retried) return getDispute(ctx, actor, id);
    await visibleEvent(ctx, actor, existing.event_id); // held in a dispute out of sight: not found, not a conflict
    throw new DomainError("EVENT_ID_CONFLICT", `follow-up id ${input.id} is taken`);
  }
  const issues: FieldIssue[] = [];
  if (input.kind === "performance") {
    if (!(await findAgreement(ctx.db, id)))
      throw new DomainError("MEDIATION_AGREEMENT_NOT_FOUND", "performance follows an agreement");
    if (!input.performance) issues.push(fieldIssue("body.performance", "EVENT_FIELD_PERFORMANCE"));
  }
  if (input.kind === "visit" && !["resolved", "verified", "closed"].includes(row.state))
    issues.push(fieldIssue("body.kind", "EVENT_FIELD_VISIT_AFTER"));
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
      ...sealColumns(ctx, { result: input.result, note: input.note ?? null }),
      satisfaction: input.satisfaction ?? null,
      created_at: now,
    });
    if (input.performance) await updateDisputeRow(trx, id, { performance: input.performance, updated_at: now });
    await step(ctx, trx, row, actor, `mediation_${input.kind}`, input.result.slice(0, 200), now);
    await auditMediation(ctx, trx, actor, meta, row, `mediation.followup.${input.kind}`, {
      performance: input.performance ?? null,
      satisfaction: input.satisfaction ?? null,
    });
  });
  return getDispute(ctx, actor, id);
}

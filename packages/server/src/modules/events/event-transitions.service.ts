import {
  addWorkingMinutes,
  authorId,
  DomainError,
  type EventAction,
  type EventState,
  fieldIssue,
  type HandlingLevel,
  handlingLevelOf,
  nextState,
  OPEN_STATES,
  type Principal,
  redactPersonalNumbers,
  type Satisfaction,
  SETTLED_STATES,
  workingMinutesBetween,
} from "@wangge/core";
import type { Transaction } from "kysely";
import type { AppContext, RequestMeta } from "../../context.ts";
import type { DB } from "../../db/schema.ts";
import { uuidv7 } from "../../ids.ts";
import type { AreaRow } from "../areas/areas.table.ts";
import { recordAudit, refusal } from "../audit/audit.service.ts";
import { addEventFigures, addStepFigures, removeEventFigures, satisfactionFigure } from "../figures/figure-updates.ts";
import { getCategory, workingCalendar } from "./categories.service.ts";
import { escalationTarget } from "./escalation.service.ts";
import { actionRefusal, dispatchTargets, mergeRefusal } from "./event-actions.service.ts";
import { changeOf, notifyChange, publishChange } from "./event-changes.ts";
import { sealColumns, sealNote } from "./event-free-text.ts";
import { staffWhoMayWork } from "./event-handlers.service.ts";
import { addFollowers, insertSteps, listFollowers, setFeedbackOnce, updateEventIfUnchanged } from "./events.queries.ts";
import { detailOf, getEvent, visibleEvent } from "./events.service.ts";
import type { EventRow, EventUpdate } from "./events.table.ts";

/**
 * What people do to events: every action is checked against the workflow table in core and written
 * to the timeline; an action the table does not allow, or by someone without the right for that
 * area, changes nothing. Escalation and dispatch hand the event to another level's area, unassigned,
 * with that level's working-time deadline.
 */
export interface TransitionInput {
  action: EventAction;
  note?: string | undefined;
  assigneeUserId?: string | undefined;
  /** dispatch: the grid (or village) below the event's area it is sent down to. */
  areaCode?: string | undefined;
  /** co_handle: the department asked to handle it together (协办单位). */
  unit?: string | undefined;
  /** merge: the open event about the same matter that this one joins. */
  intoId?: string | undefined;
  lng?: number | undefined;
  lat?: number | undefined;
}

/** Takes one action on an event, as the workflow table allows, by someone with the right there. */
export async function transitionEvent(
  ctx: AppContext,
  actor: Principal,
  meta: RequestMeta,
  id: string,
  input: TransitionInput,
) {
  const row = await visibleEvent(ctx, actor, id);
  // The table first (it says nothing the reader cannot see), then the right to act here.
  const step = nextState(row.state as EventState, input.action, {
    note: input.note,
    stateBeforeSuspension: row.state_before_suspension as EventState | null,
  });
  if (!step.ok)
    throw new DomainError(
      step.code,
      step.code === "EVENT_NOTE_REQUIRED"
        ? `${input.action} needs a note`
        : `an event that is ${row.state} cannot be ${input.action}ed`,
      step.code === "EVENT_NOTE_REQUIRED" ? { errors: [fieldIssue("body.note", "EVENT_FIELD_NOTE_REQUIRED")] } : {},
    );
  // Then the one test of whether this actor may take this action here now (event-actions.service.ts).
  const refused = await actionRefusal(ctx, actor, row, input.action);
  if (refused?.code === "AUTH_FORBIDDEN")
    throw await refusal(
      ctx,
      actor,
      meta,
      { action: `event.${input.action}`, type: "event", id, areaPath: row.area_path },
      refused.message,
    );
  if (refused) throw new DomainError(refused.code, refused.message);
  const now = ctx.now();
  const category = await getCategory(ctx.db, row.category_key);
  const cal = await workingCalendar(ctx.db, ctx.config);
  const update: EventUpdate = { state: step.to, updated_at: now };
  let level = row.level as HandlingLevel;
  let areaPath = row.area_path;
  if (input.action === "assign") {
    if (!input.assigneeUserId)
      throw new DomainError("VALIDATION_FAILED", "assign needs the person", {
        errors: [fieldIssue("body.assigneeUserId", "EVENT_FIELD_ASSIGNEE_REQUIRED")],
      });
    update.assignee_user_id = (
      await staffWhoMayWork(ctx, input.assigneeUserId, "event.handle", row.area_path, "body.assigneeUserId")
    ).userId;
  }
  // Escalation and dispatch hand the event to another level's area, unassigned, with that level's deadline.
  const moveTo = (target: Pick<AreaRow, "id" | "path">, to: HandlingLevel) => {
    level = to;
    areaPath = target.path;
    Object.assign(update, {
      level,
      area_id: target.id,
      area_path: target.path,
      assignee_user_id: null,
      due_at: addWorkingMinutes(now, category.deadlines[level], cal),
    });
  };
  if (input.action === "escalate") {
    const target = await escalationTarget(ctx, row);
    if (!target) throw new DomainError("EVENT_TRANSITION_NOT_ALLOWED", "there is no level above to escalate to");
    moveTo(target.area, target.level);
  }
  if (input.action === "dispatch") {
    const target = (await dispatchTargets(ctx, actor, row)).find((a) => a.code === input.areaCode);
    if (!target)
      throw new DomainError("VALIDATION_FAILED", "dispatch goes down to an area under the event's", {
        errors: [fieldIssue("body.areaCode", "EVENT_FIELD_DISPATCH_AREA")],
      });
    moveTo(target, handlingLevelOf(target.level));
  }
  if (input.action === "co_handle") {
    const unit = input.unit?.trim();
    if (!unit)
      throw new DomainError("VALIDATION_FAILED", "co-handling needs the department", {
        errors: [fieldIssue("body.unit", "EVENT_FIELD_UNIT_REQUIRED")],
      });
    // Masked only: the note's original is sealed on the timeline step this action writes.
    update.co_handlers = JSON.stringify([
      ...row.co_handlers,
      {
        unit: redactPersonalNumbers(unit),
        note: redactPersonalNumbers(input.note ?? ""),
        by: actor.displayName,
        at: now.toISOString(),
      },
    ]);
  }
  let mergeTarget: EventRow | undefined;
  if (input.action === "merge") {
    mergeTarget = input.intoId ? await visibleEvent(ctx, actor, input.intoId).catch(() => undefined) : undefined;
    if (!mergeTarget)
      throw new DomainError("VALIDATION_FAILED", "merge needs the event to merge into", {
        errors: [fieldIssue("body.intoId", "EVENT_FIELD_MERGE_TARGET")],
      });
    const refusedMerge = mergeRefusal(actor, row, mergeTarget);
    if (refusedMerge) throw refusedMerge;
    Object.assign(update, { merged_into: mergeTarget.id, due_at: null, closed_at: now, assignee_user_id: null });
  }
  if (input.action === "suspend")
    Object.assign(update, {
      state_before_suspension: row.state,
      remaining_minutes: row.due_at ? Math.max(0, Math.round(workingMinutesBetween(now, row.due_at, cal))) : null,
      due_at: null,
    });
  if (input.action === "resume")
    Object.assign(update, {
      state_before_suspension: null,
      remaining_minutes: null,
      due_at: addWorkingMinutes(now, row.remaining_minutes ?? category.deadlines[level], cal),
    });
  if (input.action === "supervise") update.supervised = true;
  if (input.action === "resolve") Object.assign(update, { resolved_level: level, due_at: null });
  if (input.action === "close") update.closed_at = now;
  if (input.action === "cancel") Object.assign(update, { closed_at: now, due_at: null });
  if (input.action === "reopen")
    Object.assign(update, {
      resolved_level: null,
      closed_at: null,
      due_at: addWorkingMinutes(now, category.deadlines[level], cal),
    });
  // Returned after it was settled, it is no longer settled.
  if (input.action === "return") update.resolved_level = null;
  // An open event always has a running clock: one that comes back to work without a deadline (returned
  // after it was resolved) gets a fresh deadline for its level; one whose clock runs keeps it.
  if (OPEN_STATES.includes(step.to) && (update.due_at === undefined ? row.due_at : update.due_at) === null)
    update.due_at = addWorkingMinutes(now, category.deadlines[level], cal);
  const after = await ctx.db.transaction().execute(async (trx) => {
    // Compare-and-set on the state: two people acting at once cannot both move the event.
    const after = await updateEventIfUnchanged(trx, id, { state: row.state, level: row.level }, update);
    if (!after) throw new DomainError("EVENT_TRANSITION_NOT_ALLOWED", "the event changed meanwhile; reload it");
    const stepId = uuidv7(now.getTime());
    await insertSteps(trx, [
      {
        id: stepId,
        event_id: id,
        action: input.action,
        from_state: row.state,
        to_state: step.to,
        level,
        area_path: areaPath,
        actor_user_id: authorId(actor),
        actor_name: actor.displayName,
        ...sealNote(ctx, input.note),
        lng: input.lng ?? null,
        lat: input.lat ?? null,
        at: now,
      },
    ]);
    // The figures move with what the step made (and a merged duplicate takes out what it counted).
    if (mergeTarget) await removeEventFigures(trx, id);
    else await addStepFigures(trx, [stepId]);
    await recordAudit(ctx, trx, {
      action: `event.${input.action}`,
      outcome: "success",
      actor: { userId: authorId(actor), username: actor.username },
      meta,
      targetType: "event",
      targetId: id,
      areaPath,
      details: {
        from: row.state,
        to: step.to,
        level,
        ...(input.unit ? { unit: redactPersonalNumbers(input.unit) } : {}),
      },
    });
    await notifyChange(
      trx,
      { ...changeOf(after, input.action), title: row.title, actorUserId: authorId(actor), note: input.note },
      now,
    );
    if (mergeTarget) await joinReporters(trx, row, mergeTarget, actor, now);
    return after;
  });
  publishChange(ctx, changeOf(after, input.action));
  // The actor sees the result of what they did, even when it took the event out of their view (escalation).
  return detailOf(ctx, actor, after);
}

/**
 * After a merge, the merged event's reporter and followers follow the event it joined (so every
 * reporter hears of every change from then on); the joined event's timeline says what came in.
 */
async function joinReporters(trx: Transaction<DB>, from: EventRow, into: EventRow, actor: Principal, now: Date) {
  const followers = await listFollowers(trx, [from.id]);
  const users = new Set(followers.map((f) => f.user_id));
  if (from.reporter_user_id) users.add(from.reporter_user_id);
  users.delete(into.reporter_user_id ?? "");
  await addFollowers(
    trx,
    [...users].map((u) => ({ event_id: into.id, user_id: u, reason: `merged:${from.number}`, created_at: now })),
  );
  await insertSteps(trx, [
    {
      id: uuidv7(now.getTime()),
      event_id: into.id,
      action: "merged_from",
      from_state: into.state,
      to_state: into.state,
      level: into.level,
      area_path: into.area_path,
      actor_user_id: authorId(actor),
      actor_name: actor.displayName,
      note: from.number,
      note_sealed: null,
      lng: null,
      lat: null,
      at: now,
    },
  ]);
}

// ---- the reporter's verdict, bulk actions ------------------------------------------------------------

export interface FeedbackInput {
  satisfaction: Satisfaction;
  comment?: string | undefined;
}

/** The reporter says whether they are satisfied with how it was settled — once, after it was settled. */
export async function giveFeedback(
  ctx: AppContext,
  actor: Principal,
  meta: RequestMeta,
  id: string,
  input: FeedbackInput,
) {
  const row = await visibleEvent(ctx, actor, id);
  if (row.reporter_user_id === null || row.reporter_user_id !== authorId(actor))
    throw new DomainError("EVENT_FEEDBACK_NOT_ALLOWED", "only the reporter gives feedback on an event");
  if (!SETTLED_STATES.includes(row.state as EventState) || row.feedback_at)
    throw new DomainError(
      "EVENT_FEEDBACK_NOT_ALLOWED",
      `feedback is given once, after the event is settled (it is ${row.state})`,
    );
  const now = ctx.now();
  await ctx.db.transaction().execute(async (trx) => {
    const changed = await setFeedbackOnce(trx, id, {
      satisfaction: input.satisfaction,
      ...sealColumns(ctx, { feedback: input.comment?.trim() || null }),
      at: now,
    });
    if (!changed) throw new DomainError("EVENT_FEEDBACK_NOT_ALLOWED", "feedback was already given");
    await addEventFigures(trx, row, now, { [satisfactionFigure(input.satisfaction)]: 1 });
    await insertSteps(trx, [
      {
        id: uuidv7(now.getTime()),
        event_id: id,
        action: "feedback",
        from_state: row.state,
        to_state: row.state,
        level: row.level,
        area_path: row.area_path,
        actor_user_id: authorId(actor),
        actor_name: actor.displayName,
        ...sealNote(ctx, [input.satisfaction, input.comment?.trim()].filter(Boolean).join(": ")),
        lng: null,
        lat: null,
        at: now,
      },
    ]);
    await recordAudit(ctx, trx, {
      action: "event.feedback",
      outcome: "success",
      actor: { userId: authorId(actor), username: actor.username },
      meta,
      targetType: "event",
      targetId: id,
      areaPath: row.area_path,
      details: { satisfaction: input.satisfaction },
    });
  });
  return getEvent(ctx, actor, id);
}

export type BulkResult =
  | { id: string; ok: true; state: string; number: string }
  | { id: string; ok: false; code: string; message: string };

/** One action on many events (bulk accept or assign from the inbox): each stands or falls alone. */
export async function bulkTransition(
  ctx: AppContext,
  actor: Principal,
  meta: RequestMeta,
  ids: string[],
  input: TransitionInput,
): Promise<BulkResult[]> {
  const results: BulkResult[] = [];
  for (const id of [...new Set(ids)]) {
    try {
      const e = await transitionEvent(ctx, actor, meta, id, input);
      results.push({ id, ok: true, state: e.state, number: e.number });
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
      results.push({ id, ok: false, code: err.code, message: err.message });
    }
  }
  return results;
}

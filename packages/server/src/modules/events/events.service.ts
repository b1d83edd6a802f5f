import {
  addWorkingMinutes,
  authorId,
  canView,
  canWork,
  checkAttributes,
  chinaDate,
  codeOfPath,
  DomainError,
  type EventAction,
  type EventState,
  type FieldIssue,
  HANDLING_LEVELS,
  type HandlingLevel,
  handlingLevelOf,
  levelAbove,
  MERGEABLE_INTO_STATES,
  nextState,
  notifiesPolice,
  OPEN_STATES,
  type Principal,
  principalPermissions,
  principalScope,
  REOPEN_WINDOW_DAYS,
  type Satisfaction,
  SETTLED_STATES,
  TRANSITIONS,
  withinReopenWindow,
  workingMinutesBetween,
} from "@wangge/core";
import { sql, type Transaction } from "kysely";
import type { AppContext, RequestMeta } from "../../context.ts";
import type { DB } from "../../db/schema.ts";
import { uuidv7 } from "../../ids.ts";
import { routePoint } from "../areas/area-boundaries.service.ts";
import { findArea, getAreaInScope } from "../areas/areas.service.ts";
import type { AreaRow } from "../areas/areas.table.ts";
import { recordAudit, recordAuditBatch, refusal } from "../audit/audit.service.ts";
import { isIssue, sealPhone } from "../registry/registry-fields.ts";
import { getCategory, workingCalendar } from "./categories.service.ts";
import { changeOf, type EventChange, notifyChange, notifyChanges, publishChange } from "./event-changes.ts";
import type { EventRow } from "./events.table.ts";
import { writeReport } from "./report-writer.ts";

/**
 * Events: reported from the console, the field and resident apps (and later devices and Open311),
 * routed to the grid where they happened, handled at the lowest level that can, escalated up a level
 * at a time with the next level's working-time deadline. Every action is checked against the
 * workflow table in core and written to the timeline; an action the table does not allow, or by
 * someone without the right for that area, changes nothing.
 */
export const EVENT_SOURCES = ["console", "field", "resident", "device", "open311"] as const;

export interface ReportInput {
  id: string;
  categoryKey: string;
  title?: string | undefined;
  description: string;
  lng?: number | undefined;
  lat?: number | undefined;
  areaCode?: string | undefined;
  address?: string | undefined;
  source: (typeof EVENT_SOURCES)[number];
  attributes?: Record<string, unknown> | undefined;
  /** The person who raised it, when they are not the user reporting (a resident on the phone, an Open311 client's user). */
  contact?: { name?: string | undefined; phone?: string | undefined; email?: string | undefined } | undefined;
  /** Reported by staff on a resident's behalf: how the resident consented (recorded, required then). */
  consentNote?: string | undefined;
  open311KeyId?: string | undefined;
  open311Token?: string | undefined;
  deviceId?: string | undefined;
}

export function toEventView(e: EventRow) {
  return {
    id: e.id,
    number: e.number,
    categoryKey: e.category_key,
    title: e.title,
    description: e.description,
    lng: e.lng,
    lat: e.lat,
    areaCode: codeOfPath(e.area_path) ?? "",
    areaPath: e.area_path,
    level: e.level as HandlingLevel,
    state: e.state,
    priority: e.priority,
    source: e.source,
    reporterName: e.reporter_name,
    assigneeUserId: e.assignee_user_id,
    dueAt: e.due_at?.toISOString() ?? null,
    remainingMinutes: e.remaining_minutes,
    supervised: e.supervised,
    resolvedLevel: e.resolved_level,
    attributes: e.attributes,
    address: e.address,
    contactName: e.contact_name,
    contactPhone: e.contact_phone_masked,
    contactEmail: e.contact_email_masked,
    consentNote: e.consent_note,
    mergedInto: e.merged_into,
    coHandlers: e.co_handlers,
    satisfaction: e.satisfaction,
    feedback: e.feedback,
    createdAt: e.created_at.toISOString(),
    updatedAt: e.updated_at.toISOString(),
    closedAt: e.closed_at?.toISOString() ?? null,
  };
}
export type EventView = ReturnType<typeof toEventView>;

/** The area an event happened in: the grid its point falls in, else the area given. */
async function whereReported(ctx: AppContext, actor: Principal, input: ReportInput, issues: FieldIssue[]) {
  if (input.lng !== undefined && input.lat !== undefined) {
    const area = await routePoint(ctx.db, input.lng, input.lat);
    if (area && !area.abolished_at) return area;
    if (!input.areaCode) {
      issues.push({ path: "body.lng", message: "the point lies in no area of this deployment" });
      return undefined;
    }
  }
  if (input.areaCode) {
    const area = await getAreaInScope(ctx.db, input.areaCode, principalScope(actor, "event.report")).catch(
      () => undefined,
    );
    if (!area || area.abolished_at) {
      issues.push({ path: "body.areaCode", message: `no area ${input.areaCode} you may report in` });
      return undefined;
    }
    return area;
  }
  // Neither a point nor an area: the reporter's own area, when they report for exactly one.
  const own = [
    ...new Set(
      actor.assignments.filter((a) => a.areaCode && a.permissions.includes("event.report")).map((a) => a.areaCode),
    ),
  ];
  if (own.length === 1) {
    const area = await findArea(ctx.db, own[0] as string);
    if (area && !area.abolished_at) return area;
  }
  issues.push({ path: "body.lng", message: "give where it happened: a point (lng, lat) or the area" });
  return undefined;
}

export async function reportEvent(
  ctx: AppContext,
  actor: Principal,
  meta: RequestMeta,
  input: ReportInput,
): Promise<{ event: EventView; created: boolean }> {
  const existing = await ctx.db.selectFrom("event").selectAll().where("id", "=", input.id).executeTakeFirst();
  if (existing) {
    if (existing.reporter_user_id === authorId(actor) && existing.description === input.description)
      return { event: toEventView(existing), created: false };
    throw new DomainError("EVENT_ID_CONFLICT", `id ${input.id} already holds a different event`);
  }
  const issues: FieldIssue[] = [];
  const category = await getCategory(ctx.db, input.categoryKey).catch(() => undefined);
  if (!category?.active || !category.parentKey)
    issues.push({ path: "body.categoryKey", message: `no category ${input.categoryKey} to report in` });
  if (category) issues.push(...checkAttributes(category.attributes, input.attributes, "body.attributes"));
  const area = await whereReported(ctx, actor, input, issues);
  const contact = sealContact(ctx, input.contact, issues);
  if (input.consentNote !== undefined && !input.consentNote.trim())
    issues.push({ path: "body.consentNote", message: "say how the resident consented" });
  if (issues.length > 0 || !area || !category)
    throw new DomainError("VALIDATION_FAILED", "the event cannot be reported as given", { errors: issues });
  const now = ctx.now();
  const level = handlingLevelOf(area.level);
  const cal = await workingCalendar(ctx.db, ctx.config);
  const minutes = category.deadlines[level];
  const due = addWorkingMinutes(now, minutes, cal);
  const title = input.title?.trim() || `${category.name["zh-CN"]} · ${area.name}`;
  const pending: Omit<EventRow, "number"> = {
    id: input.id,
    category_key: category.key,
    title,
    description: input.description,
    lng: input.lng ?? null,
    lat: input.lat ?? null,
    area_id: area.id,
    area_path: area.path,
    level,
    state: "reported",
    state_before_suspension: null,
    priority: category.priority,
    source: input.source,
    reporter_user_id: authorId(actor),
    reporter_name: input.contact?.name?.trim() || actor.displayName,
    assignee_user_id: null,
    due_at: due,
    remaining_minutes: null,
    supervised: false,
    resolved_level: null,
    attributes: input.attributes ?? {},
    created_at: now,
    updated_at: now,
    closed_at: null,
    address: input.address?.trim() || null,
    ...contact,
    consent_note: input.consentNote?.trim() || null,
    open311_key_id: input.open311KeyId ?? null,
    open311_token: input.open311Token ?? null,
    device_id: input.deviceId ?? null,
    merged_into: null,
    co_handlers: [],
    satisfaction: null,
    feedback: null,
    feedback_at: null,
    content_hash: null,
    origin_path: area.path,
  };
  let row: EventRow;
  try {
    row = await writeReport(ctx, {
      row: pending,
      scope: `${area.code.slice(0, 6)}-${chinaDate(now).replace(/-/g, "")}`,
      actor,
      meta,
      policeGridId:
        notifiesPolice(category.key) && (area.level === "grid" || area.level === "microgrid")
          ? area.level === "grid"
            ? area.id
            : (area.parent_id ?? area.id)
          : null,
      auditDetails: { category: category.key, source: input.source, onBehalf: Boolean(input.consentNote) },
    });
  } catch (error) {
    // The same id reported twice at the same moment: the second is answered like any retry.
    if ((error as { code?: string }).code === "23505") {
      const stored = await ctx.db.selectFrom("event").selectAll().where("id", "=", input.id).executeTakeFirst();
      if (stored && stored.reporter_user_id === authorId(actor) && stored.description === input.description)
        return { event: toEventView(stored), created: false };
      if (stored) throw new DomainError("EVENT_ID_CONFLICT", `id ${input.id} already holds a different event`);
    }
    throw error;
  }
  publishChange(ctx, changeOf(row, "report"));
  return { event: toEventView(row), created: true };
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** The reporter's contact as stored: name in clear, phone and e-mail only sealed and masked. */
function sealContact(ctx: AppContext, contact: ReportInput["contact"], issues: FieldIssue[]) {
  const out = {
    contact_name: contact?.name?.trim() || null,
    contact_phone_enc: null as string | null,
    contact_phone_masked: null as string | null,
    contact_email_enc: null as string | null,
    contact_email_masked: null as string | null,
  };
  if (contact?.phone?.trim()) {
    const sealed = sealPhone(ctx.crypto, contact.phone, "body.contact.phone");
    if (isIssue(sealed)) issues.push(sealed);
    else Object.assign(out, { contact_phone_enc: sealed.enc, contact_phone_masked: sealed.masked });
  }
  const email = contact?.email?.trim().toLowerCase();
  if (email) {
    if (!EMAIL.test(email) || email.length > 200)
      issues.push({ path: "body.contact.email", message: "not an e-mail address" });
    else {
      const [local = "", domain = ""] = email.split("@");
      Object.assign(out, {
        contact_email_enc: ctx.crypto.encrypt(email),
        contact_email_masked: `${local.slice(0, 1)}***@${domain}`,
      });
    }
  }
  return out;
}

/** The level above an event's and the area of that level above its own, if there is one. */
async function escalationTarget(
  ctx: AppContext,
  row: Pick<EventRow, "level" | "area_path">,
  areaOf: (code: string) => Promise<AreaRow | undefined> = (code) => findArea(ctx.db, code),
): Promise<{ above: HandlingLevel | undefined; target: AreaRow | undefined }> {
  const above = levelAbove(row.level as HandlingLevel);
  return { above, target: above ? await ancestorAtLevel(row.area_path, above, areaOf) : undefined };
}

/** The area at a handling level on an area's path (the area itself included), nearest first. */
async function ancestorAtLevel(
  path: string,
  level: HandlingLevel,
  areaOf: (code: string) => Promise<AreaRow | undefined>,
): Promise<AreaRow | undefined> {
  for (const code of path.split("/").filter(Boolean).reverse()) {
    const area = await areaOf(code);
    if (area && handlingLevelOf(area.level) === level) return area;
  }
  return undefined;
}

const notFound = (id: string) =>
  new DomainError("EVENT_NOT_FOUND", `no event ${id} in your scope`, {
    errors: [{ path: "id", message: "unknown event" }],
  });

/** An event its reporter, or someone who may read events of its area, may see. */
export async function visibleEvent(ctx: AppContext, actor: Principal, id: string): Promise<EventRow> {
  const row = await ctx.db.selectFrom("event").selectAll().where("id", "=", id).executeTakeFirst();
  const mine = row && row.reporter_user_id !== null && row.reporter_user_id === authorId(actor);
  if (!row || !(mine || canView(principalScope(actor, "event.read"), row.area_path))) throw notFound(id);
  return row;
}

export async function getEvent(ctx: AppContext, actor: Principal, id: string) {
  return detailOf(ctx, await visibleEvent(ctx, actor, id));
}

/** An event with its timeline (whoever asks has been checked already). */
async function detailOf(ctx: AppContext, row: EventRow) {
  const steps = await ctx.db
    .selectFrom("event_step")
    .selectAll()
    .where("event_id", "=", row.id)
    .orderBy("at")
    .orderBy("id")
    .execute();
  return {
    ...toEventView(row),
    timeline: steps.map((s) => ({
      action: s.action,
      fromState: s.from_state,
      toState: s.to_state,
      level: s.level,
      areaCode: codeOfPath(s.area_path) ?? "",
      actorName: s.actor_name,
      note: s.note,
      lng: s.lng,
      lat: s.lat,
      at: s.at.toISOString(),
    })),
  };
}

export type Inbox = "area" | "mine" | "overdue" | "due_soon" | "reported" | "all";

export interface InboxQuery {
  box: Inbox;
  state?: string | undefined;
  categoryKey?: string | undefined;
  level?: HandlingLevel | undefined;
  supervised?: boolean | undefined;
  q?: string | undefined;
  limit: number;
  offset: number;
}

/**
 * A user's work: everything open in their areas, what is assigned to them, what is overdue or due
 * within a day, what they reported, or everything (also settled) — with filters.
 */
export async function listEvents(ctx: AppContext, actor: Principal, query: InboxQuery): Promise<EventView[]> {
  const scope = principalScope(actor, "event.read");
  if (query.box !== "reported" && !principalPermissions(actor).includes("event.read"))
    throw new DomainError("AUTH_FORBIDDEN", "you need the permission event.read for this box");
  let q = ctx.db.selectFrom("event").selectAll();
  if (query.box === "reported") q = q.where("reporter_user_id", "=", authorId(actor));
  else {
    if (!scope.isGlobal) {
      if (scope.view.length === 0) return [];
      q = q.where((eb) => eb.or(scope.view.map((p) => eb("area_path", "like", `${p}%`))));
    }
    if (query.box !== "all") q = q.where("state", "not in", ["closed", "cancelled"]);
    if (query.box === "mine") q = q.where("assignee_user_id", "=", authorId(actor));
    if (query.box === "overdue") q = q.where("due_at", "<", ctx.now());
    if (query.box === "due_soon")
      q = q.where("due_at", ">=", ctx.now()).where("due_at", "<", new Date(ctx.now().getTime() + 86_400_000));
  }
  if (query.state) q = q.where("state", "=", query.state);
  if (query.categoryKey)
    q = q.where((eb) =>
      eb.or([
        eb("category_key", "=", query.categoryKey as string),
        eb("category_key", "like", `${query.categoryKey}.%`),
      ]),
    );
  if (query.level) q = q.where("level", "=", query.level);
  if (query.supervised !== undefined) q = q.where("supervised", "=", query.supervised);
  const text = query.q?.trim();
  if (text) {
    const like = `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    q = q.where((eb) => eb.or([eb("number", "=", text), eb("title", "like", like), eb("description", "like", like)]));
  }
  const rows = await q
    .where("merged_into", "is", null)
    .orderBy("supervised", "desc")
    .orderBy("due_at")
    .orderBy("created_at", "desc")
    .limit(query.limit)
    .offset(query.offset)
    .execute();
  return rows.map(toEventView);
}

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
      step.code === "EVENT_NOTE_REQUIRED"
        ? { errors: [{ path: "body.note", message: "required for this action" }] }
        : {},
    );
  const rule = TRANSITIONS[input.action];
  const reporterAction = rule.permission === "event.report" && row.reporter_user_id === authorId(actor);
  const category = await getCategory(ctx.db, row.category_key);
  // Closing (结案) belongs to the category's close level: a land dispute settled in the grid is
  // closed by the township, not by the grid.
  const closeArea =
    input.action === "close" &&
    HANDLING_LEVELS.indexOf(row.level as HandlingLevel) < HANDLING_LEVELS.indexOf(category.closeLevel)
      ? await ancestorAtLevel(row.area_path, category.closeLevel, (code) => findArea(ctx.db, code))
      : undefined;
  const actingPath = closeArea?.path ?? row.area_path;
  if (!reporterAction && !canWork(principalScope(actor, rule.permission), actingPath))
    throw await refusal(
      ctx,
      actor,
      meta,
      { action: `event.${input.action}`, type: "event", id, areaPath: row.area_path },
      `you may not ${input.action} events of this area`,
    );
  const now = ctx.now();
  if (input.action === "reopen" && !withinReopenWindow(row.closed_at ?? row.updated_at, now))
    throw new DomainError(
      "EVENT_REOPEN_WINDOW_PASSED",
      `an event may be reopened within ${REOPEN_WINDOW_DAYS} days of being settled`,
    );
  const cal = await workingCalendar(ctx.db, ctx.config);
  const update: Record<string, unknown> = { state: step.to, updated_at: now };
  let level = row.level as HandlingLevel;
  let areaPath = row.area_path;
  if (input.action === "assign") {
    if (!input.assigneeUserId)
      throw new DomainError("VALIDATION_FAILED", "assign needs the person", {
        errors: [{ path: "body.assigneeUserId", message: "required to assign" }],
      });
    update.assignee_user_id = input.assigneeUserId;
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
    const { above, target } = await escalationTarget(ctx, row);
    if (!above || !target)
      throw new DomainError("EVENT_TRANSITION_NOT_ALLOWED", "there is no level above to escalate to");
    moveTo(target, above);
  }
  if (input.action === "dispatch") {
    const target = input.areaCode
      ? await getAreaInScope(ctx.db, input.areaCode, principalScope(actor, "event.handle")).catch(() => undefined)
      : undefined;
    if (!target || target.abolished_at || !target.path.startsWith(row.area_path) || target.path === row.area_path)
      throw new DomainError("VALIDATION_FAILED", "dispatch goes down to an area under the event's", {
        errors: [{ path: "body.areaCode", message: "give a grid or village under the event's area" }],
      });
    moveTo(target, handlingLevelOf(target.level));
  }
  if (input.action === "co_handle") {
    const unit = input.unit?.trim();
    if (!unit)
      throw new DomainError("VALIDATION_FAILED", "co-handling needs the department", {
        errors: [{ path: "body.unit", message: "required to ask a department to co-handle" }],
      });
    update.co_handlers = JSON.stringify([
      ...row.co_handlers,
      { unit, note: input.note ?? "", by: actor.displayName, at: now.toISOString() },
    ]);
  }
  let mergeTarget: EventRow | undefined;
  if (input.action === "merge") {
    mergeTarget = input.intoId ? await visibleEvent(ctx, actor, input.intoId).catch(() => undefined) : undefined;
    if (!mergeTarget)
      throw new DomainError("VALIDATION_FAILED", "merge needs the event to merge into", {
        errors: [{ path: "body.intoId", message: "an open event you can see" }],
      });
    if (
      mergeTarget.id === row.id ||
      mergeTarget.merged_into ||
      !MERGEABLE_INTO_STATES.includes(mergeTarget.state as EventState)
    )
      throw new DomainError("EVENT_MERGE_NOT_ALLOWED", `${row.number} cannot be merged into ${mergeTarget.number}`);
    if (!canWork(principalScope(actor, "event.handle"), mergeTarget.area_path))
      throw new DomainError("AUTH_FORBIDDEN", "you may not handle the event to merge into");
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
  const after = await ctx.db.transaction().execute(async (trx) => {
    // Compare-and-set on the state: two people acting at once cannot both move the event.
    const after = await trx
      .updateTable("event")
      .set(update)
      .where("id", "=", id)
      .where("state", "=", row.state)
      .where("level", "=", row.level)
      .returningAll()
      .executeTakeFirst();
    if (!after) throw new DomainError("EVENT_TRANSITION_NOT_ALLOWED", "the event changed meanwhile; reload it");
    await trx
      .insertInto("event_step")
      .values({
        id: uuidv7(now.getTime()),
        event_id: id,
        action: input.action,
        from_state: row.state,
        to_state: step.to,
        level,
        area_path: areaPath,
        actor_user_id: authorId(actor),
        actor_name: actor.displayName,
        note: input.note ?? null,
        lng: input.lng ?? null,
        lat: input.lat ?? null,
        at: now,
      })
      .execute();
    await recordAudit(ctx, trx, {
      action: `event.${input.action}`,
      outcome: "success",
      actor: { userId: authorId(actor), username: actor.username },
      meta,
      targetType: "event",
      targetId: id,
      areaPath,
      details: { from: row.state, to: step.to, level, ...(input.unit ? { unit: input.unit } : {}) },
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
  return detailOf(ctx, after);
}

/**
 * After a merge, the merged event's reporter and followers follow the event it joined (so every
 * reporter hears of every change from then on); the joined event's timeline says what came in.
 */
async function joinReporters(trx: Transaction<DB>, from: EventRow, into: EventRow, actor: Principal, now: Date) {
  const followers = await trx.selectFrom("event_follower").select("user_id").where("event_id", "=", from.id).execute();
  const users = new Set(followers.map((f) => f.user_id));
  if (from.reporter_user_id) users.add(from.reporter_user_id);
  users.delete(into.reporter_user_id ?? "");
  if (users.size > 0)
    await trx
      .insertInto("event_follower")
      .values(
        [...users].map((u) => ({ event_id: into.id, user_id: u, reason: `merged:${from.number}`, created_at: now })),
      )
      .onConflict((oc) => oc.columns(["event_id", "user_id"]).doNothing())
      .execute();
  await trx
    .insertInto("event_step")
    .values({
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
      lng: null,
      lat: null,
      at: now,
    })
    .execute();
}

// ---- escalation when a deadline passes --------------------------------------------------------------

/**
 * Escalates every event whose deadline has passed one level up, with the next level's deadline from
 * now. Durable: it reads only the database, so a server that was down when deadlines passed catches
 * up on its first sweep; exactly once: each escalation is a compare-and-set on the event's level and
 * deadline, so several processes sweeping at once escalate each event once. At the top level (or with
 * no area above) the deadline is cleared and the timeline says so.
 */
export async function sweepOverdue(ctx: AppContext, batchSize = 500): Promise<number> {
  const now = ctx.now();
  const cal = await workingCalendar(ctx.db, ctx.config);
  const areas = new Map<string, Promise<AreaRow | undefined>>();
  const areaOf = (code: string) => {
    let found = areas.get(code);
    if (!found) {
      found = findArea(ctx.db, code);
      areas.set(code, found);
    }
    return found;
  };
  const publishLater: EventChange[] = [];
  let escalated = 0;
  for (let round = 0; round < 10_000; round++) {
    const due = await ctx.db
      .selectFrom("event")
      .selectAll()
      .where("due_at", "<=", now)
      .where("state", "in", [...OPEN_STATES])
      .orderBy("due_at")
      .limit(batchSize)
      .execute();
    if (due.length === 0) break;
    const plans: {
      row: EventRow;
      level: HandlingLevel;
      areaId: string;
      path: string;
      due: Date | null;
      escalate: boolean;
    }[] = [];
    for (const row of due) {
      const category = await getCategory(ctx.db, row.category_key);
      const { above, target } = await escalationTarget(ctx, row, areaOf);
      plans.push({
        row,
        level: target ? (above as HandlingLevel) : (row.level as HandlingLevel),
        areaId: target?.id ?? row.area_id,
        path: target?.path ?? row.area_path,
        due: target ? addWorkingMinutes(now, category.deadlines[above as HandlingLevel], cal) : null,
        escalate: Boolean(target),
      });
    }
    const moved = await ctx.db.transaction().execute(async (trx) => {
      // One compare-and-set for the batch: a row another process moved meanwhile is left alone.
      const values = sql.join(
        plans.map(
          (p) =>
            sql`(${p.row.id}::uuid, ${p.row.level}, ${p.row.due_at}::timestamptz, ${p.level}, ${p.areaId}::uuid, ${p.path}, ${p.due}::timestamptz, ${p.escalate}::boolean)`,
        ),
      );
      const updated = await sql<{ id: string }>`
        update event as e set
          level = v.new_level, area_id = v.new_area_id, area_path = v.new_path, due_at = v.new_due,
          assignee_user_id = case when v.escalate then null else e.assignee_user_id end, updated_at = ${now}
        from (values ${values}) as v(id, old_level, old_due, new_level, new_area_id, new_path, new_due, escalate)
        where e.id = v.id and e.level = v.old_level and e.due_at = v.old_due
        returning e.id`.execute(trx);
      const done = new Set(updated.rows.map((r) => r.id));
      const ok = plans.filter((p) => done.has(p.row.id));
      if (ok.length === 0) return ok;
      await trx
        .insertInto("event_step")
        .values(
          ok.map((p) => ({
            id: uuidv7(now.getTime()),
            event_id: p.row.id,
            action: p.escalate ? "escalate" : "overdue",
            from_state: p.row.state,
            to_state: p.row.state,
            level: p.level,
            area_path: p.path,
            actor_user_id: null,
            actor_name: "系统 / system",
            note: p.escalate
              ? `办理时限已过，自动上报 / deadline passed at ${p.row.due_at?.toISOString()}`
              : "办理时限已过，已是最高层级 / deadline passed at the top level",
            lng: null,
            lat: null,
            at: now,
          })),
        )
        .execute();
      await recordAuditBatch(
        ctx,
        trx,
        ok.map((p) => ({
          action: p.escalate ? "event.escalate" : "event.overdue",
          outcome: "success" as const,
          actor: { userId: null, username: "system" },
          targetType: "event",
          targetId: p.row.id,
          areaPath: p.path,
          details: { automatic: true, from: p.row.level, to: p.level },
        })),
      );
      const changes = ok.map((p) => ({
        ...changeOf(
          {
            ...p.row,
            level: p.level,
            area_path: p.path,
            assignee_user_id: p.escalate ? null : p.row.assignee_user_id,
            updated_at: now,
          },
          p.escalate ? "escalate" : "overdue",
        ),
        title: p.row.title,
        actorUserId: null,
      }));
      await notifyChanges(trx, changes, now);
      publishLater.push(...changes);
      return ok;
    });
    escalated += moved.filter((p) => p.escalate).length;
    if (moved.length === 0) break;
  }
  for (const change of publishLater) publishChange(ctx, change);
  return escalated;
}

/** Sweeps now and then every `intervalMs`, in this process; stop() ends it. */
export function startEscalationTimer(ctx: AppContext, intervalMs = 30_000): { stop: () => Promise<void> } {
  let running: Promise<unknown> = Promise.resolve();
  const tick = () => {
    running = running
      .then(() => sweepOverdue(ctx))
      .then(
        (n) => n > 0 && ctx.log.info({ escalated: n }, "events escalated after their deadline"),
        (err) => ctx.log.warn({ err }, "escalation sweep failed; it runs again shortly"),
      );
  };
  tick();
  const timer = setInterval(tick, intervalMs);
  timer.unref();
  return {
    stop: async () => {
      clearInterval(timer);
      await running;
    },
  };
}

// ---- the reporter's verdict, bulk actions, the settled-level share ----------------------------------

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
    const changed = await trx
      .updateTable("event")
      .set({
        satisfaction: input.satisfaction,
        feedback: input.comment?.trim() || null,
        feedback_at: now,
        updated_at: now,
      })
      .where("id", "=", id)
      .where("feedback_at", "is", null)
      .executeTakeFirst();
    if (Number(changed.numUpdatedRows) === 0)
      throw new DomainError("EVENT_FEEDBACK_NOT_ALLOWED", "feedback was already given");
    await trx
      .insertInto("event_step")
      .values({
        id: uuidv7(now.getTime()),
        event_id: id,
        action: "feedback",
        from_state: row.state,
        to_state: row.state,
        level: row.level,
        area_path: row.area_path,
        actor_user_id: authorId(actor),
        actor_name: actor.displayName,
        note: [input.satisfaction, input.comment?.trim()].filter(Boolean).join(": "),
        lng: null,
        lat: null,
        at: now,
      })
      .execute();
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

/**
 * Where events were settled: of the events first routed inside an area (and settled in the period),
 * how many were settled in the grid, in the village or community, and above — "small matters stay
 * in the grid, big matters stay in the community".
 */
export async function settledShare(
  ctx: AppContext,
  actor: Principal,
  query: { areaCode?: string | undefined; from?: string | undefined; to?: string | undefined },
) {
  const scope = principalScope(actor, "event.read");
  let prefixes: string[];
  if (query.areaCode) {
    const area = await getAreaInScope(ctx.db, query.areaCode, scope);
    prefixes = [area.path];
  } else prefixes = scope.isGlobal ? [""] : scope.view;
  const byLevel: Record<HandlingLevel, number> = { grid: 0, village: 0, township: 0, county: 0, city: 0 };
  let open = 0;
  if (prefixes.length > 0) {
    let q = ctx.db
      .selectFrom("event")
      .select(["resolved_level", (eb) => eb.fn.countAll<string>().as("n")])
      .where("merged_into", "is", null)
      .where("state", "!=", "cancelled")
      .where((eb) => eb.or(prefixes.map((p) => eb("origin_path", "like", `${p}%`))));
    if (query.from) q = q.where("created_at", ">=", new Date(`${query.from}T00:00:00+08:00`));
    if (query.to)
      q = q.where("created_at", "<", new Date(new Date(`${query.to}T00:00:00+08:00`).getTime() + 86_400_000));
    for (const r of await q.groupBy("resolved_level").execute()) {
      if (r.resolved_level && r.resolved_level in byLevel) byLevel[r.resolved_level as HandlingLevel] += Number(r.n);
      else open += Number(r.n);
    }
  }
  const settled = Object.values(byLevel).reduce((a, b) => a + b, 0);
  const share = (n: number) => (settled === 0 ? 0 : Math.round((n / settled) * 1000) / 10);
  const above = byLevel.township + byLevel.county + byLevel.city;
  return {
    areaCode: query.areaCode ?? null,
    from: query.from ?? null,
    to: query.to ?? null,
    settled,
    open,
    byLevel,
    sharePercent: { grid: share(byLevel.grid), village: share(byLevel.village), above: share(above) },
  };
}

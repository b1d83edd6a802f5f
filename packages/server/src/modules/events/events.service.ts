import {
  addWorkingMinutes,
  authorId,
  canView,
  checkAttributes,
  chinaDate,
  codeOfPath,
  DomainError,
  type EventFigure,
  eventTimeIssue,
  type FieldIssue,
  fieldIssue,
  type HandlingLevel,
  handlingLevelOf,
  type Inbox,
  isPublicCategory,
  notifiesPolice,
  OPEN_STATE_FILTER,
  OPEN_STATES,
  type Principal,
  principalPermissions,
  principalScope,
  redactPersonalNumbers,
} from "@wangge/core";
import type { AppContext, RequestMeta } from "../../context.ts";
import { routePoint } from "../areas/area-boundaries.service.ts";
import { findArea, getAreaInScope } from "../areas/areas.service.ts";
import { isIssue, sealPhone } from "../registry/registry-fields.ts";
import { getCategory, workingCalendar } from "./categories.service.ts";
import { allowedActions } from "./event-actions.service.ts";
import { changeOf, publishChange } from "./event-changes.ts";
import { openColumns, SEALED_TEXT, sealColumns } from "./event-free-text.ts";
import { findEvent, listInbox, listSteps } from "./events.queries.ts";
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
  /**
   * When it was seen or reported, by the reporting device's clock (ISO 8601): a report queued
   * offline keeps the time it was made. Bounded (core's EVENT_TIME_MAX_*); absent, the arrival time.
   * Deadlines and escalation count from the arrival all the same.
   */
  occurredAt?: string | Date | undefined;
  source: (typeof EVENT_SOURCES)[number];
  attributes?: Record<string, unknown> | undefined;
  /** The person who raised it, when they are not the user reporting (a resident on the phone, an Open311 client's user). */
  contact?: { name?: string | undefined; phone?: string | undefined; email?: string | undefined } | undefined;
  /** Reported by staff on a resident's behalf: how the resident consented (recorded, required then). */
  consentNote?: string | undefined;
  open311KeyId?: string | undefined;
  open311Token?: string | undefined;
  deviceId?: string | undefined;
  /**
   * Shown on Open311 (numbers masked; a resident's point rounded, no address): the reporter agreed
   * (the resident app asks, off by default), or the Open311 key publishes. Never for disputes and
   * public-order matters, whatever is asked.
   */
  public?: boolean | undefined;
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
    overdueAt: e.overdue_at?.toISOString() ?? null,
    resolvedLevel: e.resolved_level,
    attributes: e.attributes,
    address: e.address,
    contactName: e.contact_name,
    contactPhone: e.contact_phone_masked,
    contactEmail: e.contact_email_masked,
    consentNote: e.consent_note,
    public: e.is_public,
    mergedInto: e.merged_into,
    coHandlers: e.co_handlers,
    satisfaction: e.satisfaction,
    feedback: e.feedback,
    occurredAt: e.occurred_at.toISOString(),
    createdAt: e.created_at.toISOString(),
    updatedAt: e.updated_at.toISOString(),
    closedAt: e.closed_at?.toISOString() ?? null,
  };
}
export type EventView = ReturnType<typeof toEventView>;

/** The event with the originals of its free text, for a reader who may see them (see event-free-text.ts). */
export function openEvent(ctx: AppContext, e: EventRow): EventRow {
  return openColumns(ctx, e, SEALED_TEXT.event);
}

/** The area an event happened in: the grid its point falls in, else the area given. */
async function whereReported(ctx: AppContext, actor: Principal, input: ReportInput, issues: FieldIssue[]) {
  if (input.lng !== undefined && input.lat !== undefined) {
    const area = await routePoint(ctx.db, input.lng, input.lat);
    if (area && !area.abolished_at) return area;
    if (!input.areaCode) {
      issues.push(fieldIssue("body.lng", "FIELD_POINT_OUTSIDE"));
      return undefined;
    }
  }
  if (input.areaCode) {
    const area = await getAreaInScope(ctx.db, input.areaCode, principalScope(actor, "event.report")).catch(
      () => undefined,
    );
    if (!area || area.abolished_at) {
      issues.push(fieldIssue("body.areaCode", "FIELD_NO_AREA_TO_REPORT", { code: input.areaCode }));
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
  issues.push(fieldIssue("body.lng", "EVENT_FIELD_WHERE"));
  return undefined;
}

export async function reportEvent(
  ctx: AppContext,
  actor: Principal,
  meta: RequestMeta,
  input: ReportInput,
): Promise<{ event: EventView; created: boolean }> {
  const issues: FieldIssue[] = [];
  const category = await getCategory(ctx.db, input.categoryKey).catch(() => undefined);
  if (!category?.active || !category.parentKey)
    issues.push(fieldIssue("body.categoryKey", "FIELD_NO_CATEGORY_TO_REPORT", { key: input.categoryKey }));
  if (category) issues.push(...checkAttributes(category.attributes, input.attributes, "body.attributes"));
  const area = await whereReported(ctx, actor, input, issues);
  const contact = sealContact(ctx, input.contact, issues);
  if (input.consentNote !== undefined && !input.consentNote.trim())
    issues.push(fieldIssue("body.consentNote", "EVENT_FIELD_CONSENT"));
  const now = ctx.now();
  const occurredAt = input.occurredAt === undefined ? now : new Date(input.occurredAt);
  const timeIssue = eventTimeIssue(occurredAt, now);
  if (timeIssue) issues.push(timeIssue);
  if (issues.length > 0 || !area || !category) {
    // A report sent again is answered as stored, whatever changed since (a category retired, a grid moved).
    const retry = await answerIfTaken(ctx, actor, input);
    if (retry) return retry;
    throw new DomainError("VALIDATION_FAILED", "the event cannot be reported as given", { errors: issues });
  }
  const level = handlingLevelOf(area.level);
  const cal = await workingCalendar(ctx.db, ctx.config);
  const minutes = category.deadlines[level];
  const due = addWorkingMinutes(now, minutes, cal);
  const title = input.title?.trim() || `${category.name["zh-CN"]} · ${area.name}`;
  // Free text is stored with personal numbers masked, the originals sealed beside (event-free-text.ts).
  const text = sealColumns(ctx, {
    title,
    description: input.description,
    address: input.address?.trim() || null,
    contact_name: contact.contact_name,
    consent_note: input.consentNote?.trim() || null,
    attributes: input.attributes ?? {},
  });
  const pending: Omit<EventRow, "number"> = {
    id: input.id,
    category_key: category.key,
    ...text,
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
    reporter_name: redactPersonalNumbers(input.contact?.name?.trim() || actor.displayName),
    assignee_user_id: null,
    due_at: due,
    remaining_minutes: null,
    supervised: false,
    resolved_level: null,
    // Never after the arrival: a phone a few minutes fast does not report from the future.
    occurred_at: new Date(Math.min(occurredAt.getTime(), now.getTime())),
    created_at: now,
    updated_at: now,
    closed_at: null,
    ...contact,
    contact_name: text.contact_name,
    open311_key_id: input.open311KeyId ?? null,
    open311_token: input.open311Token ?? null,
    device_id: input.deviceId ?? null,
    merged_into: null,
    co_handlers: [],
    satisfaction: null,
    feedback: null,
    feedback_sealed: null,
    feedback_at: null,
    content_hash: null,
    origin_path: area.path,
    overdue_at: null,
    is_public: Boolean(input.public) && isPublicCategory(category.key),
  };
  let row: EventRow | undefined;
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
      const retry = await answerIfTaken(ctx, actor, input);
      if (retry) return retry;
    }
    throw error;
  }
  if (!row) {
    // The id is taken (the writer checks once per group): answered like any retry.
    const retry = await answerIfTaken(ctx, actor, input);
    if (!retry) throw new Error(`event ${input.id} was reported as taken but is not stored`);
    return retry;
  }
  publishChange(ctx, changeOf(row, "report"));
  return { event: toEventView(openEvent(ctx, row)), created: true };
}

/** The answer to a report whose id an event holds (answerTakenId), or undefined when none does. */
async function answerIfTaken(ctx: AppContext, actor: Principal, input: ReportInput) {
  const stored = await findEvent(ctx.db, input.id);
  return stored ? answerTakenId(ctx, actor, stored, input) : undefined;
}

/**
 * A report whose id is taken. The same reporter sending the same report again (a retry) gets the
 * stored event; a different report gets a conflict when the caller may see the event holding the id,
 * and otherwise the answer an unknown event gets — a conflict would tell that it exists (#16 item 8).
 */
function answerTakenId(
  ctx: AppContext,
  actor: Principal,
  stored: EventRow,
  input: ReportInput,
): { event: EventView; created: false } {
  const opened = openEvent(ctx, stored);
  if (stored.reporter_user_id === authorId(actor) && opened.description === input.description)
    return { event: toEventView(opened), created: false };
  if (!mayRead(actor, stored)) throw notFound(input.id);
  throw new DomainError("EVENT_ID_CONFLICT", `id ${input.id} already holds a different event`);
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
    if (!EMAIL.test(email) || email.length > 200) issues.push(fieldIssue("body.contact.email", "FIELD_NOT_EMAIL"));
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

const notFound = (id: string) =>
  new DomainError("EVENT_NOT_FOUND", `no event ${id} in your scope`, {
    errors: [fieldIssue("id", "EVENT_FIELD_UNKNOWN_EVENT")],
  });

/**
 * Whether the actor may see the event: its reporter, or someone who may read events where it is now
 * or where it arose — an official follows what arose in their areas after it was escalated above
 * them (the lists behind their figures show it). Acting on it still needs the right where it is now.
 */
function mayRead(actor: Principal, row: EventRow): boolean {
  const mine = row.reporter_user_id !== null && row.reporter_user_id === authorId(actor);
  const scope = principalScope(actor, "event.read");
  return mine || canView(scope, row.area_path) || (row.origin_path !== null && canView(scope, row.origin_path));
}

/** An event the actor may see (mayRead), or not found. */
export async function visibleEvent(ctx: AppContext, actor: Principal, id: string): Promise<EventRow> {
  const row = await findEvent(ctx.db, id);
  if (!row || !mayRead(actor, row)) throw notFound(id);
  return row;
}

export async function getEvent(ctx: AppContext, actor: Principal, id: string) {
  return detailOf(ctx, actor, await visibleEvent(ctx, actor, id));
}

/**
 * An event with its timeline and the actions the asker may take on it now. Free text is in the
 * original only to whoever wrote it: the reporter their report (and verdict), a handler their own
 * notes. Everyone else reads it as stored, ID and phone numbers masked; a handler who needs them
 * (to call the resident back) asks with a reason (event-reveal.service.ts), and that is audited.
 */
export async function detailOf(ctx: AppContext, actor: Principal, row: EventRow) {
  const me = authorId(actor);
  const reporter = row.reporter_user_id !== null && row.reporter_user_id === me;
  const steps = (await listSteps(ctx.db, row.id)).map((s) =>
    s.actor_user_id !== null && s.actor_user_id === me ? openColumns(ctx, s, SEALED_TEXT.event_step) : s,
  );
  const masked =
    (!reporter && SEALED_TEXT.event.some((c) => (row as unknown as Record<string, unknown>)[`${c}_sealed`] !== null)) ||
    steps.some((s) => s.note_sealed !== null && !(s.actor_user_id !== null && s.actor_user_id === me));
  const contact = row.contact_phone_enc !== null || row.contact_email_enc !== null;
  return {
    ...toEventView(reporter ? openEvent(ctx, row) : row),
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
    allowedActions: await allowedActions(ctx, actor, row),
    hidden: { text: masked, contact, mayReveal: (masked || contact) && mayReveal(actor, row) },
  };
}

/**
 * Who may see an event's numbers in clear, with a reason: those who handle, supervise or mediate
 * events where it is now — not a reader of the area it was escalated from, not its reporter (who
 * reads what they wrote anyway).
 */
export function mayReveal(actor: Principal, row: Pick<EventRow, "area_path">): boolean {
  return REVEAL_PERMISSIONS.some((p) => canView(principalScope(actor, p), row.area_path));
}
const REVEAL_PERMISSIONS = ["event.handle", "event.supervise", "mediation.handle"] as const;

export interface InboxQuery {
  box: Inbox;
  state?: string | undefined;
  categoryKey?: string | undefined;
  level?: HandlingLevel | undefined;
  supervised?: boolean | undefined;
  q?: string | undefined;
  areaCode?: string | undefined;
  figure?: EventFigure | undefined;
  from?: string | undefined;
  to?: string | undefined;
  limit: number;
  offset: number;
}

/**
 * A user's work: everything open in their areas, what is assigned to them, what is overdue or due
 * within a day, what they reported, or everything (also settled) — with filters. Lists carry free
 * text with personal numbers masked, and the word search looks in that text (a search for a number
 * finds nothing it would not show); one event's detail has the originals.
 */
/** The events behind a figure: the area they arose in (default: all the reader sees) and the period's days in China time. */
function figureFilter(query: InboxQuery, area: { path: string } | undefined) {
  if (!query.figure && !query.from && !query.to) return undefined;
  if (!query.figure || !query.from || !query.to || query.from > query.to)
    throw new DomainError("VALIDATION_FAILED", "a figure's list needs the figure and its period", {
      errors: [
        fieldIssue(query.figure ? "querystring.from" : "querystring.figure", "FIGURE_FIELD_PERIOD_NEEDS_FIGURE"),
      ],
    });
  return {
    figure: query.figure,
    originPath: area?.path ?? "/",
    from: new Date(`${query.from}T00:00:00+08:00`),
    to: new Date(new Date(`${query.to}T00:00:00+08:00`).getTime() + 86_400_000),
  };
}

export async function listEvents(ctx: AppContext, actor: Principal, query: InboxQuery): Promise<EventView[]> {
  const scope = principalScope(actor, "event.read");
  if (query.box !== "reported" && !principalPermissions(actor).includes("event.read"))
    throw new DomainError("AUTH_FORBIDDEN", "you need the permission event.read for this box");
  const now = ctx.now();
  const area = query.areaCode ? await getAreaInScope(ctx.db, query.areaCode, scope) : undefined;
  const figure = figureFilter(query, area);
  const rows = await listInbox(ctx.db, {
    areaPath: figure ? undefined : area?.path,
    figure,
    reporterUserId: query.box === "reported" ? authorId(actor) : undefined,
    scope: scope.isGlobal ? { isGlobal: true } : { isGlobal: false, prefixes: scope.view },
    openOnly: query.box !== "all" && !figure,
    assigneeUserId: query.box === "mine" ? authorId(actor) : undefined,
    dueBefore:
      query.box === "overdue" ? now : query.box === "due_soon" ? new Date(now.getTime() + 86_400_000) : undefined,
    dueFrom: query.box === "due_soon" ? now : undefined,
    states: query.state === OPEN_STATE_FILTER ? OPEN_STATES : query.state ? [query.state] : undefined,
    categoryKey: query.categoryKey,
    level: query.level,
    supervised: query.supervised,
    text: query.q?.trim(),
    limit: query.limit,
    offset: query.offset,
  });
  return rows.map(toEventView);
}

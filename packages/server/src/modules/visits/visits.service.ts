import {
  addDays,
  authorId,
  canView,
  canWork,
  chinaDate,
  chinaMidnight,
  codeOfPath,
  combinedChecklist,
  DomainError,
  defaultChecklistOf,
  distanceMeters,
  type FieldIssue,
  fieldIssue,
  type Principal,
  principalScope,
  type VisitKind,
  type VisitOutcome,
  visitTimeIssue,
} from "@wangge/core";
import type { AppContext, RequestMeta } from "../../context.ts";
import { sealFreeText } from "../../privacy/free-text.ts";
import { getAreaInScope } from "../areas/areas.service.ts";
import { recordAudit, refusal } from "../audit/audit.service.ts";
import { visibleEvent } from "../events/events.service.ts";
import { addFigures } from "../figures/figure-updates.ts";
import { listVisitPlans } from "./visit-plans.service.ts";
import {
  findAddressOfHousehold,
  findPeopleOf,
  findVisit,
  insertNeeds,
  insertVisitIfNew,
  insertVisitPeople,
  listNeedsOfVisits,
  listPeopleOfVisits,
  listRhythmTagKeys,
  listVisits,
  recordLastVisits,
} from "./visits.queries.ts";
import type { VisitRow } from "./visits.table.ts";

/**
 * Door-knocking visits: recorded from a household or person card, or the due list, by a worker of the
 * household's grid (the WORK scope of `visit.manage`; a household out of sight is not found). The
 * phone's time is kept (a visit queued offline arrives later), within sane bounds; a retry with the
 * same client id — also one sent in parallel — answers the first visit. Free text (the note, needs)
 * is stored masked with the original sealed, and every response carries the masked text only: no ID
 * or phone number leaves these routes.
 */
export interface NewVisitInput {
  id: string;
  householdId: string;
  personIds: string[];
  kind: VisitKind;
  outcome: VisitOutcome;
  eventId?: string | undefined;
  checklist: { key: string; ok: boolean }[];
  note?: string | undefined;
  needs: { id: string; text: string }[];
  visitedAt: string;
  lng?: number | undefined;
  lat?: number | undefined;
}

export async function toVisitViews(ctx: Pick<AppContext, "db">, rows: VisitRow[]) {
  const ids = rows.map((r) => r.id);
  const [people, needs, addresses] = await Promise.all([
    listPeopleOfVisits(ctx.db, ids),
    listNeedsOfVisits(ctx.db, ids),
    Promise.all([...new Set(rows.map((r) => r.household_id))].map((id) => findAddressOfHousehold(ctx.db, id))),
  ]);
  const addressOf = new Map(addresses.flatMap((a) => (a ? [[a.id, a.address] as const] : [])));
  return rows.map((r) => {
    const own = people.filter((p) => p.visit_id === r.id);
    return {
      id: r.id,
      householdId: r.household_id,
      address: addressOf.get(r.household_id) ?? null,
      personIds: own.map((p) => p.id),
      people: own.map((p) => ({ id: p.id, name: p.name })),
      kind: r.kind,
      outcome: r.outcome,
      eventId: r.event_id,
      checklist: r.checklist as { key: string; ok: boolean }[],
      note: r.note,
      needs: needs
        .filter((n) => n.visit_id === r.id)
        .map((n) => ({
          id: n.id,
          text: n.text,
          eventId: n.event_id,
          leadHouseholdId: n.lead_household_id,
          handedAt: n.handed_at?.toISOString() ?? null,
        })),
      hasPhoto: r.photo_sha256 !== null,
      visitedAt: r.visited_at.toISOString(),
      receivedAt: r.received_at.toISOString(),
      lng: r.lng,
      lat: r.lat,
      areaCode: codeOfPath(r.area_path) ?? "",
      recordedBy: r.recorded_by_name,
    };
  });
}
export type VisitView = Awaited<ReturnType<typeof toVisitViews>>[number];

const householdNotFound = (id: string) =>
  new DomainError("HOUSEHOLD_NOT_FOUND", `no household ${id} in your scope`, {
    errors: [fieldIssue("body.householdId", "VISIT_FIELD_UNKNOWN_HOUSEHOLD")],
  });

/** A visit the caller may see (view scope of person.read), else not found. */
export async function visibleVisit(ctx: AppContext, actor: Principal, id: string): Promise<VisitRow> {
  const row = await findVisit(ctx.db, id);
  if (!row || !canView(principalScope(actor, "person.read"), row.area_path))
    throw new DomainError("VISIT_NOT_FOUND", `no visit ${id} in your scope`);
  return row;
}

/** A visit the caller works on (its household's grid): not found out of sight, refused out of work. */
export async function workedVisit(
  ctx: AppContext,
  actor: Principal,
  meta: RequestMeta,
  id: string,
  action: string,
): Promise<VisitRow> {
  const row = await findVisit(ctx.db, id);
  const scope = principalScope(actor, "visit.manage");
  if (!row || !canView(scope, row.area_path)) throw new DomainError("VISIT_NOT_FOUND", `no visit ${id} in your scope`);
  if (!canWork(scope, row.area_path))
    throw await refusal(
      ctx,
      actor,
      meta,
      { action, type: "visit", id, areaPath: row.area_path },
      "you work on visits of your own grid only",
    );
  return row;
}

export async function recordVisit(
  ctx: AppContext,
  actor: Principal,
  meta: RequestMeta,
  input: NewVisitInput,
): Promise<{ visit: VisitView; created: boolean }> {
  const retried = async (existing: VisitRow) => {
    if (existing.household_id === input.householdId && existing.recorded_by === authorId(actor))
      return { visit: (await toVisitViews(ctx, [existing]))[0] as VisitView, created: false };
    await visibleVisit(ctx, actor, existing.id);
    throw new DomainError("VISIT_ID_CONFLICT", `visit id ${input.id} already holds another visit`);
  };
  const existing = await findVisit(ctx.db, input.id);
  if (existing) return retried(existing);

  const scope = principalScope(actor, "visit.manage");
  const household = await findAddressOfHousehold(ctx.db, input.householdId);
  if (!household || !canView(scope, household.area_path)) throw householdNotFound(input.householdId);
  if (!canWork(scope, household.area_path))
    throw await refusal(
      ctx,
      actor,
      meta,
      { action: "visit.record", type: "household", id: household.id, areaPath: household.area_path },
      "you record visits only in the grids you work in",
    );

  const now = ctx.now();
  const issues: FieldIssue[] = [];
  const visitedAt = new Date(input.visitedAt);
  const timeIssue = visitTimeIssue(visitedAt, now);
  if (timeIssue) issues.push({ path: "body.visitedAt", message: timeIssue });
  const personIds = [...new Set(input.personIds)];
  const people = await findPeopleOf(ctx.db, personIds);
  for (const [i, id] of input.personIds.entries())
    if (people.find((p) => p.id === id)?.household_id !== household.id)
      issues.push(fieldIssue(`body.personIds.${i}`, "VISIT_FIELD_NOT_MEMBER"));
  if (input.kind === "follow_up" && !input.eventId)
    issues.push(fieldIssue("body.eventId", "VISIT_FIELD_FOLLOW_UP_EVENT"));
  if (input.kind !== "follow_up" && input.eventId)
    issues.push(fieldIssue("body.eventId", "VISIT_FIELD_EVENT_ONLY_FOLLOW_UP"));
  if (input.eventId && input.kind === "follow_up") {
    const event = await visibleEvent(ctx, actor, input.eventId).catch(() => undefined);
    if (!event) issues.push(fieldIssue("body.eventId", "EVENT_FIELD_UNKNOWN_EVENT"));
  }
  const today = chinaDate(now);
  const plans = await listVisitPlans(ctx);
  const tagKeys = new Set(await listRhythmTagKeys(ctx.db, [household.id, ...personIds], today));
  const allowed = combinedChecklist([
    plans.find((p) => p.subject === "household")?.checklist ?? [],
    ...plans.filter((p) => tagKeys.has(p.key)).map((p) => p.checklist),
    ...[...tagKeys].filter((k) => !plans.some((p) => p.key === k)).map((k) => defaultChecklistOf(k)),
  ]);
  const seen = new Set<string>();
  for (const [i, a] of input.checklist.entries()) {
    if (!allowed.some((c) => c.key === a.key))
      issues.push(fieldIssue(`body.checklist.${i}.key`, "VISIT_FIELD_NOT_ON_CHECKLIST"));
    if (seen.has(a.key)) issues.push(fieldIssue(`body.checklist.${i}.key`, "VISIT_FIELD_ANSWERED_TWICE"));
    seen.add(a.key);
  }
  const needIds = new Set<string>();
  for (const [i, n] of input.needs.entries()) {
    if (needIds.has(n.id)) issues.push(fieldIssue(`body.needs.${i}.id`, "VISIT_FIELD_GIVEN_TWICE"));
    needIds.add(n.id);
  }
  if (issues.length > 0) throw new DomainError("VALIDATION_FAILED", "the visit cannot be recorded", { errors: issues });

  const distance =
    input.lng !== undefined && input.lat !== undefined && household.lng !== null && household.lat !== null
      ? Math.round(distanceMeters(input.lng, input.lat, household.lng, household.lat))
      : null;
  const note = input.note ? sealFreeText(ctx, input.note) : null;
  const row = {
    id: input.id,
    household_id: household.id,
    area_path: household.area_path,
    kind: input.kind,
    outcome: input.outcome,
    event_id: input.eventId ?? null,
    checklist: JSON.stringify(input.checklist),
    note: note?.redacted ?? null,
    note_sealed: note?.sealed ?? null,
    visited_at: visitedAt,
    received_at: now,
    lng: input.lng ?? null,
    lat: input.lat ?? null,
    distance_meters: distance,
    photo_sha256: null,
    photo_type: null,
    recorded_by: authorId(actor),
    recorded_by_name: actor.displayName ?? actor.username,
  };
  const created = await ctx.db.transaction().execute(async (trx) => {
    if (!(await insertVisitIfNew(trx, row))) return false;
    await addFigures(trx, [
      {
        path: row.area_path,
        at: chinaDate(visitedAt),
        categoryKey: "",
        counts: { visits: 1, visitsMet: input.outcome === "visited" ? 1 : 0 },
      },
    ]);
    await insertVisitPeople(trx, input.id, personIds);
    // Who recorded which visit of which household, in the trail with the visit (no free text in it).
    await recordAudit(ctx, trx, {
      action: "visit.record",
      outcome: "success",
      actor: { userId: authorId(actor), username: actor.username },
      meta,
      targetType: "visit",
      targetId: input.id,
      areaPath: household.area_path,
      details: {
        householdId: household.id,
        personIds,
        kind: input.kind,
        outcome: input.outcome,
        visitedAt: visitedAt.toISOString(),
        needs: input.needs.length,
      },
    });
    await insertNeeds(
      trx,
      input.needs.map((n, position) => {
        const text = sealFreeText(ctx, n.text);
        return { id: n.id, visit_id: input.id, position, text: text.redacted, text_sealed: text.sealed };
      }),
    );
    // Only meeting someone counts as done; nobody home, refused and moved away leave the visit due.
    if (input.outcome === "visited")
      await recordLastVisits(trx, input.id, chinaDate(visitedAt), [
        { id: household.id, type: "household" },
        ...personIds.map((id) => ({ id, type: "person" as const })),
      ]);
    return true;
  });
  const stored = await findVisit(ctx.db, input.id);
  if (!stored) throw new Error(`visit ${input.id} was taken and is gone`);
  if (!created) return retried(stored);
  return { visit: (await toVisitViews(ctx, [stored]))[0] as VisitView, created: true };
}

export async function getVisit(ctx: AppContext, actor: Principal, id: string) {
  return (await toVisitViews(ctx, [await visibleVisit(ctx, actor, id)]))[0] as VisitView;
}

/** A household's or a person's visits, newest first, within what the caller may see. */
/** The longest period an area's visit list covers: the figures' own limit of a year. */
const VISIT_LIST_MAX_DAYS = 366;

export interface VisitListQuery {
  householdId?: string | undefined;
  personId?: string | undefined;
  areaCode?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
  met?: "true" | "false" | undefined;
  limit: number;
  offset: number;
}

/**
 * Visits newest first: of a household, of a person, or recorded in an area (default: all the reader
 * sees) over a period — the list behind the workbench's visit figures, counted the same way (the
 * household's area at the time, the China day of the visit, `met` for visitsMet).
 */
export async function visitHistory(ctx: AppContext, actor: Principal, query: VisitListQuery) {
  if (!query.householdId && !query.personId && !query.areaCode && !query.from)
    throw new DomainError("VALIDATION_FAILED", "name the household, the person, the area or the period", {
      errors: [fieldIssue("query.householdId", "VISIT_FIELD_HOUSEHOLD_OR_PERSON")],
    });
  if (query.from && query.to && (query.from > query.to || daysBetween(query.from, query.to) >= VISIT_LIST_MAX_DAYS))
    throw new DomainError("VALIDATION_FAILED", "the period runs from a day to a later one, at most a year", {
      errors: [fieldIssue("query.from", "VISIT_FIELD_LIST_PERIOD", { days: String(VISIT_LIST_MAX_DAYS) })],
    });
  const scope = principalScope(actor, "person.read");
  if (query.householdId) {
    const h = await findAddressOfHousehold(ctx.db, query.householdId);
    if (!h || !canView(scope, h.area_path))
      throw new DomainError("HOUSEHOLD_NOT_FOUND", `no household ${query.householdId} in your scope`);
  }
  if (query.personId) {
    const [p] = await findPeopleOf(ctx.db, [query.personId]);
    if (!p || !canView(scope, p.area_path))
      throw new DomainError("PERSON_NOT_FOUND", `no person ${query.personId} in your scope`);
  }
  // An area outside the reader's scope is not found alike (getAreaInScope); inside, its path narrows the list.
  const areaPath = query.areaCode ? (await getAreaInScope(ctx.db, query.areaCode, scope)).path : null;
  const rows = await listVisits(ctx.db, {
    householdId: query.householdId,
    personId: query.personId,
    prefixes: areaPath ? [areaPath] : scope.isGlobal ? null : scope.view,
    from: query.from ? chinaMidnight(query.from) : undefined,
    before: query.to ? chinaMidnight(addDays(query.to, 1)) : undefined,
    met: query.met === undefined ? undefined : query.met === "true",
    limit: query.limit,
    offset: query.offset,
  });
  return toVisitViews(ctx, rows);
}

function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

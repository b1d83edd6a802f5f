import {
  addDays,
  burstVisits,
  COVERAGE_DEFAULT_PERIOD_DAYS,
  COVERAGE_MAX_PERIOD_DAYS,
  chinaDate,
  codeOfPath,
  type DataScope,
  DomainError,
  distanceMeters,
  FAR_FROM_HOUSEHOLD_METERS,
  FIELD_PACK_MAX_HOUSEHOLDS,
  fieldIssue,
  type Permission,
  type Principal,
  principalScope,
  VISIT_STATUSES,
  type VisitSignalKind,
  type VisitStatus,
} from "@wangge/core";
import type { AppContext } from "../../context.ts";
import { getAreaInScope } from "../areas/areas.service.ts";
import { listRootAreaCodes, listVisitsForSignals } from "./close-outs.queries.ts";
import {
  countDue,
  coverage,
  listDue,
  listHouseholdsForField,
  listMembersForField,
  onTimeCoverage,
} from "./due.queries.ts";
import { PHOTO_HASH_NEAR_BITS } from "./photo-hash.ts";
import { householdPlan, listVisitPlans } from "./visit-plans.service.ts";

/**
 * Who is due for a visit, per grid and per worker; coverage per area; signals for supervisors. All
 * derived from the registry and the visits; nothing is typed twice and nothing ranks workers.
 */
const TIME_ZONE = "Asia/Shanghai";

/** Path prefixes to read: the area asked for (in the caller's view scope), else everything they see. */
async function prefixesFor(
  ctx: AppContext,
  actor: Principal,
  permission: Permission,
  areaCode: string | undefined,
): Promise<{ prefixes: string[] | null; scope: DataScope; areaPath: string | null }> {
  const scope = principalScope(actor, permission);
  if (areaCode) {
    const area = await getAreaInScope(ctx.db, areaCode, scope);
    return { prefixes: [area.path], scope, areaPath: area.path };
  }
  return { prefixes: scope.isGlobal ? null : scope.view, scope, areaPath: null };
}

export interface DueQuery {
  areaCode?: string | undefined;
  status: string;
  lng?: number | undefined;
  lat?: number | undefined;
  limit: number;
  offset: number;
}

export async function dueList(ctx: AppContext, actor: Principal, query: DueQuery) {
  const { prefixes } = await prefixesFor(ctx, actor, "visit.manage", query.areaCode);
  return dueOf(ctx, prefixes, query);
}

async function dueOf(ctx: AppContext, prefixes: string[] | null, query: DueQuery) {
  const today = chinaDate(ctx.now());
  const statuses = [...new Set(query.status.split(","))].filter((s): s is VisitStatus =>
    (VISIT_STATUSES as readonly string[]).includes(s),
  );
  const near = query.lng !== undefined && query.lat !== undefined ? { lng: query.lng, lat: query.lat } : null;
  const filter = {
    prefixes,
    today,
    householdEveryDays: (await householdPlan(ctx)).everyDays as number,
    timeZone: TIME_ZONE,
  };
  const all = await listDue(ctx.db, { ...filter, statuses, near, limit: query.limit, offset: query.offset });
  const first = all[0];
  const counts = {
    overdue: Number(first?.n_overdue ?? 0),
    due: Number(first?.n_due ?? 0),
    done: Number(first?.n_done ?? 0),
  };
  const total = Number(first?.n_listed ?? 0);
  // An empty page is one row of counts alone.
  const rows = all.filter((r) => r.subject_id !== null);
  return {
    today,
    counts,
    total,
    items: rows.map((r) => ({
      subjectType: r.subject_type,
      personId: r.person_id,
      householdId: r.household_id,
      name: r.name,
      address: r.address,
      areaCode: codeOfPath(r.area_path) ?? "",
      lng: r.lng,
      lat: r.lat,
      tags: [...new Set(r.tags)].sort(),
      everyDays: r.every_days,
      status: r.status,
      dueOn: r.due_on,
      lastVisitedOn: r.last_visited_on,
      distanceMeters:
        near && r.lng !== null && r.lat !== null ? Math.round(distanceMeters(near.lng, near.lat, r.lng, r.lat)) : null,
    })),
  };
}

/**
 * "Visits due" as a figure of an area now: how many subjects of the due list are overdue, due, or
 * visited within their rhythm (done) — counted by the due list's own statement (countDue over the same
 * subjects), so the 工作台's figure is the count of the list it links to. Read by who reads the
 * area's figures (report.read); outside their areas the area is not found.
 */
export async function dueCounts(ctx: AppContext, actor: Principal, query: { areaCode?: string | undefined }) {
  const code = query.areaCode ?? (await defaultArea(ctx, actor, "report.read"));
  const area = await getAreaInScope(ctx.db, code ?? "", principalScope(actor, "report.read"));
  const today = chinaDate(ctx.now());
  const rows = await countDue(ctx.db, {
    prefixes: [area.path],
    today,
    householdEveryDays: (await householdPlan(ctx)).everyDays as number,
    timeZone: TIME_ZONE,
  });
  const n = (status: VisitStatus) => Number(rows.find((r) => r.status === status)?.n ?? 0);
  return {
    today,
    area: { code: area.code, name: area.name, level: area.level },
    overdue: n("overdue"),
    due: n("due"),
    done: n("done"),
  };
}

/** Household cap of a field pack: a grid has 100–500 households; a worker with more asks per grid. */
const FIELD_PACK_HOUSEHOLDS = FIELD_PACK_MAX_HOUSEHOLDS;

/**
 * What a worker's phone keeps for visits without a network: the plans, the due list (nearest first
 * from where the phone is) and the households with their members' names, birth years and care or
 * service tags — never an ID or phone number.
 */
export async function fieldPack(
  ctx: AppContext,
  actor: Principal,
  query: {
    areaCode?: string | undefined;
    lng?: number | undefined;
    lat?: number | undefined;
    before?: string | undefined;
    limit?: number | undefined;
  },
) {
  const { prefixes, areaPath } = await prefixesFor(ctx, actor, "visit.manage", query.areaCode);
  const limit = query.limit ?? FIELD_PACK_HOUSEHOLDS;
  const due = await dueOf(ctx, prefixes, {
    status: "overdue,due",
    lng: query.lng,
    lat: query.lat,
    limit: 1000,
    offset: 0,
  });
  // One more than asked tells whether the sync has more to fetch.
  const fetched = await listHouseholdsForField(ctx.db, prefixes, query.before, limit + 1);
  const households = fetched.slice(0, limit);
  const members = await listMembersForField(
    ctx.db,
    households.map((h) => h.id),
    due.today,
  );
  return {
    today: due.today,
    areaCode: (areaPath && codeOfPath(areaPath)) ?? "",
    plans: await listVisitPlans(ctx),
    due: due.items,
    nextBefore: fetched.length > limit ? (households.at(-1)?.id ?? null) : null,
    households: households.map((h) => ({
      ...h,
      members: members
        .filter((m) => m.household_id === h.id)
        .map((m) => ({
          id: m.id,
          name: m.name,
          birthYear: m.birth_date ? Number(m.birth_date.slice(0, 4)) : null,
          tags: m.tags,
        })),
    })),
  };
}

export async function visitCoverage(
  ctx: AppContext,
  actor: Principal,
  query: { areaCode?: string | undefined; from?: string | undefined; to?: string | undefined },
) {
  const scope = principalScope(actor, "report.read");
  const code = query.areaCode ?? (await defaultArea(ctx, actor, "report.read"));
  const area = await getAreaInScope(ctx.db, code ?? "", scope);
  const today = chinaDate(ctx.now());
  const to = query.to && query.to < today ? query.to : today;
  const from = query.from ?? addDays(to, -(COVERAGE_DEFAULT_PERIOD_DAYS - 1));
  if (from > to || from < addDays(to, -(COVERAGE_MAX_PERIOD_DAYS - 1)))
    throw new DomainError("VALIDATION_FAILED", "the period runs from a day to a later one, at most a year", {
      errors: [fieldIssue("query.from", "VISIT_FIELD_COVERAGE_PERIOD", { days: String(COVERAGE_MAX_PERIOD_DAYS) })],
    });
  const subjects = {
    prefixes: [area.path],
    today,
    householdEveryDays: (await householdPlan(ctx)).everyDays as number,
    timeZone: TIME_ZONE,
    parentPath: area.path,
  };
  const [rows, onTime] = await Promise.all([
    coverage(ctx.db, { ...subjects, yearStart: `${today.slice(0, 4)}-01-01` }),
    onTimeCoverage(ctx.db, { ...subjects, from, to }),
  ]);
  const children = await listChildren(ctx, area.path);
  const view = (
    r: (typeof rows)[number] | undefined,
    a: { code: string; name: string; level: string },
    total = false,
  ) => {
    const n = (v: string | number | undefined) => Number(v ?? 0);
    const subjects = n(r?.subjects);
    const judged = onTime.find((o) => (total ? o.is_total : !o.is_total && o.child === a.code));
    const fellDue = n(judged?.fell_due);
    const doneOnTime = n(judged?.on_time);
    return {
      areaCode: a.code,
      name: a.name,
      level: a.level,
      subjects,
      done: n(r?.done),
      due: n(r?.due),
      overdue: n(r?.overdue),
      fellDue,
      doneOnTime,
      onTimeShare: fellDue === 0 ? null : Math.round((doneOnTime / fellDue) * 1000) / 1000,
      careSubjects: n(r?.care_subjects),
      careNeverVisited: n(r?.care_never_visited),
      households: n(r?.households),
      householdsNotSeenThisYear: n(r?.households_not_seen),
    };
  };
  return {
    today,
    from,
    to,
    area: view(
      rows.find((r) => r.is_total),
      area,
      true,
    ),
    children: children.map((c) =>
      view(
        rows.find((r) => !r.is_total && r.child === c.code),
        c,
      ),
    ),
  };
}

async function listChildren(ctx: AppContext, path: string) {
  return ctx.db
    .selectFrom("area")
    .select(["code", "name", "level", "path"])
    .where("path", "like", `${path}%`)
    .where("abolished_at", "is", null)
    .execute()
    .then((rows) =>
      rows
        .filter((r) => r.path !== path && !r.path.slice(path.length).replace(/\/$/, "").includes("/"))
        .sort((a, b) => a.code.localeCompare(b.code)),
    );
}

/**
 * The area a report opens on when none is asked for: the caller's one area holding the permission, or
 * for an area-less post (the deployment's administrator) the deployment's one root area.
 */
export async function defaultArea(
  ctx: AppContext,
  actor: Principal,
  permission: Permission,
): Promise<string | undefined> {
  const codes = [
    ...new Set(
      actor.assignments.filter((a) => a.areaCode && a.permissions.includes(permission)).map((a) => a.areaCode),
    ),
  ];
  if (codes.length === 1) return codes[0] as string;
  if (codes.length > 1 || !principalScope(actor, permission).isGlobal) return undefined;
  const roots = await listRootAreaCodes(ctx.db);
  return roots.length === 1 ? roots[0] : undefined;
}

/** Signals for a supervisor: each names one visit and why it may deserve a look. */
export async function visitSignals(
  ctx: AppContext,
  actor: Principal,
  query: { areaCode?: string | undefined; from?: string | undefined; to?: string | undefined },
) {
  const { prefixes } = await prefixesFor(ctx, actor, "report.read", query.areaCode);
  const today = chinaDate(ctx.now());
  const from = new Date(`${query.from ?? chinaDate(ctx.now(), -30)}T00:00:00+08:00`);
  const to = new Date(new Date(`${query.to ?? today}T00:00:00+08:00`).getTime() + 86_400_000);
  const rows = await listVisitsForSignals(ctx.db, prefixes, from, to, 20_000, PHOTO_HASH_NEAR_BITS);
  const out: {
    visitId: string;
    kind: VisitSignalKind;
    detail: string;
    householdId: string;
    address: string | null;
    areaCode: string;
    visitedAt: string;
    recordedBy: string | null;
  }[] = [];
  const base = (r: (typeof rows)[number]) => ({
    visitId: r.id,
    householdId: r.household_id,
    address: r.address,
    areaCode: codeOfPath(r.area_path) ?? "",
    visitedAt: r.visited_at.toISOString(),
    recordedBy: r.recorded_by_name,
  });
  const byWorker = new Map<string, number[]>();
  for (const [i, r] of rows.entries()) {
    if (r.distance_meters !== null && r.distance_meters > FAR_FROM_HOUSEHOLD_METERS)
      out.push({ ...base(r), kind: "far_from_household", detail: `${Math.round(r.distance_meters)} m` });
    const reused = r.photo_also_on ?? r.photo_like;
    if (reused) out.push({ ...base(r), kind: "photo_reused", detail: reused });
    if (r.recorded_by) byWorker.set(r.recorded_by, [...(byWorker.get(r.recorded_by) ?? []), i]);
  }
  for (const indexes of byWorker.values()) {
    const burst = burstVisits(indexes.map((i) => rows[i]?.visited_at.getTime() ?? 0));
    for (const k of burst) {
      const r = rows[indexes[k] as number];
      if (r) out.push({ ...base(r), kind: "burst", detail: `${burst.size}` });
    }
  }
  return out.sort((a, b) => a.visitedAt.localeCompare(b.visitedAt));
}

/**
 * Care and service subjects under the prefixes whose visit is more than `graceDays` past its due day
 * (longest late first), for risk early warning's "not visited beyond their rhythm". The same due
 * computation as the due list; sensitive tags never make anyone due.
 */
export async function overdueCareSubjects(ctx: AppContext, prefixes: string[], graceDays: number, limit: number) {
  const today = chinaDate(ctx.now());
  const rows = await listDue(ctx.db, {
    prefixes,
    today,
    householdEveryDays: (await householdPlan(ctx)).everyDays as number,
    timeZone: TIME_ZONE,
    statuses: ["due", "overdue"],
    near: null,
    limit: 100_000,
    offset: 0,
  });
  const cutoff = new Date(`${today}T00:00:00Z`).getTime() - graceDays * 86_400_000;
  return rows
    .filter(
      (r) =>
        r.subject_id !== null &&
        r.tags.length > 0 &&
        new Date(`${String(r.due_on).slice(0, 10)}T00:00:00Z`).getTime() < cutoff,
    )
    .sort((a, b) => String(a.due_on).localeCompare(String(b.due_on)))
    .slice(0, limit)
    .map((r) => ({
      subjectType: r.subject_type,
      subjectId: r.subject_id,
      areaPath: r.area_path,
      tags: [...new Set(r.tags)].sort(),
      everyDays: r.every_days,
      dueOn: String(r.due_on).slice(0, 10),
      lastVisitedOn: r.last_visited_on === null ? null : String(r.last_visited_on).slice(0, 10),
    }));
}

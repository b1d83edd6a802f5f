import {
  type AreaLevel,
  type CareOverdueParams,
  type CategorySurgeParams,
  chinaMidnight,
  type DisputeSighting,
  DomainError,
  levelIndex,
  MAX_ALERT_RECORDS,
  type MajorDisputeParams,
  normaliseAddress,
  type RepeatedDisputesParams,
  type RiskRuleKind,
  RULE_PARAMS_SCHEMAS,
  repeatClusters,
  type SensitiveDatesParams,
  sensitiveWindows,
  surgeVerdict,
  WEEK_MS,
  weekStartOf,
} from "@wangge/core";
import type { AppContext } from "../../context.ts";
import { overdueCareSubjects } from "../visits/due.service.ts";
import { identityBasis } from "./party-identity.ts";
import { listSensitiveDates } from "./risk-rules.queries.ts";
import {
  listAddressSightings,
  listCareTagKeys,
  listEventsIn,
  listMajorDisputes,
  listMajorReopenings,
  listPartySightings,
  weeklyCounts,
} from "./risk-sources.queries.ts";

/**
 * What a rule finds in the records: each finding is a would-be alert with a stable key, the moment
 * it fires, the figures that explain it and the records behind it. The same code serves the sweep
 * ("live": what holds now, so a new rule does not raise the whole past) and the backtest ("history":
 * what would have fired in a period, each at its moment).
 */
const DAY_MS = 86_400_000;

export interface RuleUnderTest {
  id: string;
  kind: RiskRuleKind;
  params: Record<string, unknown>;
  areaPath: string;
  areaLevel: AreaLevel;
  createdAt: Date;
}

export interface FindingRecord {
  type: "event" | "person" | "household";
  id: string;
  at: Date | null;
  areaPath: string;
}

export interface Finding {
  /** Stable across evaluations: the rule, the kind's grouping and its anchor record or period. */
  dedupKey: string;
  /** The part of the key naming the pair, address, area-week, dispute or subject (for appending). */
  groupKey: string;
  raisedAt: Date;
  figures: Record<string, string | number | boolean | null>;
  records: FindingRecord[];
}

export type Mode = { kind: "live"; now: Date } | { kind: "history"; from: Date; to: Date };

export async function findingsOf(ctx: AppContext, rule: RuleUnderTest, mode: Mode): Promise<Finding[]> {
  switch (rule.kind) {
    case "repeated_disputes":
      return repeatedFindings(ctx, rule, RULE_PARAMS_SCHEMAS.repeated_disputes.parse(rule.params), mode);
    case "category_surge":
      return surgeFindings(ctx, rule, RULE_PARAMS_SCHEMAS.category_surge.parse(rule.params), mode);
    case "major_dispute":
      return majorFindings(ctx, rule, RULE_PARAMS_SCHEMAS.major_dispute.parse(rule.params), mode);
    case "care_overdue":
      if (mode.kind === "history")
        throw new DomainError(
          "RISK_BACKTEST_UNSUPPORTED",
          "visits keep when each subject was last met, not the whole past of their rhythm: care rules are not replayed",
        );
      return careFindings(ctx, rule, RULE_PARAMS_SCHEMAS.care_overdue.parse(rule.params), mode.now);
    case "sensitive_dates":
      return sensitiveFindings(ctx, rule, RULE_PARAMS_SCHEMAS.sensitive_dates.parse(rule.params), mode);
  }
}

// ---- repeated disputes -------------------------------------------------------------------------------

/** A repeat's key: the rule, the pair of parties' identities (`a|b`) or the address, its first dispute. */
const repeatDedupKey = (ruleId: string, group: string, firstEventId: string) =>
  `${ruleId}:repeat:${group}:${firstEventId}`;

/**
 * The identity keys of the two parties a repeated-disputes alert names, read back from its key (an
 * address match names none). The alert stores no clear value; its reader's service looks the
 * parties up by these keys in the disputes behind it.
 */
export function partyKeysOfRepeat(dedupKey: string): string[] {
  const start = dedupKey.indexOf(":repeat:");
  if (start < 0) return [];
  const group = dedupKey.slice(start + ":repeat:".length, dedupKey.lastIndexOf(":"));
  return group.startsWith("address:") ? [] : group.split("|");
}

async function repeatedFindings(
  ctx: AppContext,
  rule: RuleUnderTest,
  p: RepeatedDisputesParams,
  mode: Mode,
): Promise<Finding[]> {
  const windowMs = p.windowDays * DAY_MS;
  // Live: two windows back, so a cluster that began a window ago is seen whole; kept if still recent.
  const from = mode.kind === "live" ? new Date(mode.now.getTime() - 2 * windowMs) : mode.from;
  const to = mode.kind === "live" ? new Date(mode.now.getTime() + 1) : mode.to;
  const paths = new Map<string, string>();
  let sightings: DisputeSighting[];
  if (p.match === "parties") {
    const rows = await listPartySightings(ctx.db, rule.areaPath, from, to);
    sightings = rows.map((r) => {
      paths.set(r.id, r.area_path);
      return { eventId: r.id, at: new Date(r.created_at), keys: r.keys };
    });
  } else {
    const rows = await listAddressSightings(ctx.db, rule.areaPath, from, to);
    sightings = rows.map((r) => {
      paths.set(r.id, r.area_path);
      return { eventId: r.id, at: new Date(r.created_at), keys: [`address:${normaliseAddress(r.address)}`] };
    });
  }
  const clusters = repeatClusters(sightings, p);
  const at = new Map(sightings.map((s) => [s.eventId, s.at]));
  return clusters
    .filter((c) => mode.kind === "history" || c.lastAt.getTime() >= mode.now.getTime() - windowMs)
    .map((c) => {
      const reached = at.get(c.eventIds[p.minCount - 1] as string) as Date;
      const bases = c.key.split("|").map((k) => identityBasis(k));
      return {
        dedupKey: repeatDedupKey(rule.id, c.key, c.eventIds[0] as string),
        groupKey: c.key,
        raisedAt: mode.kind === "live" ? mode.now : reached,
        figures: {
          count: c.eventIds.length,
          windowDays: p.windowDays,
          firstAt: c.firstAt.toISOString(),
          lastAt: c.lastAt.toISOString(),
          match: p.match,
          // The weaker of the two parties' bases: what the match rests on.
          basis:
            p.match === "address"
              ? "address"
              : (["name", "person", "name_phone", "id"].find((b) => bases.includes(b as never)) ?? null),
        },
        records: c.eventIds.map((id) => ({
          type: "event" as const,
          id,
          at: at.get(id) ?? null,
          areaPath: paths.get(id) ?? rule.areaPath,
        })),
      };
    });
}

// ---- category surge ----------------------------------------------------------------------------------

/** The number of codes in the path of the areas at `level` under a rule's area. */
export function depthOfLevel(rule: Pick<RuleUnderTest, "areaPath" | "areaLevel">, level: AreaLevel): number {
  const ownDepth = rule.areaPath.split("/").filter(Boolean).length;
  return Math.max(1, ownDepth + levelIndex(level) - levelIndex(rule.areaLevel));
}

async function surgeFindings(
  ctx: AppContext,
  rule: RuleUnderTest,
  p: CategorySurgeParams,
  mode: Mode,
): Promise<Finding[]> {
  const depth = Math.max(depthOfLevel(rule, p.areaLevel), rule.areaPath.split("/").filter(Boolean).length);
  const firstWeek = weekStartOf(mode.kind === "live" ? mode.now : mode.from);
  const end = mode.kind === "live" ? new Date(mode.now.getTime() + 1) : mode.to;
  const rows = await weeklyCounts(ctx.db, {
    prefix: rule.areaPath,
    depth,
    categoryPrefix: p.categoryPrefix,
    from: new Date(firstWeek.getTime() - p.baselineWeeks * WEEK_MS),
    to: end,
  });
  const counts = new Map<string, Map<number, number>>();
  for (const r of rows) {
    let unit = counts.get(r.unit);
    if (!unit) {
      unit = new Map();
      counts.set(r.unit, unit);
    }
    unit.set(new Date(r.week).getTime(), Number(r.n));
  }
  const out: Finding[] = [];
  for (const [unit, weeks] of counts) {
    for (let week = firstWeek.getTime(); week < end.getTime(); week += WEEK_MS) {
      const count = weeks.get(week) ?? 0;
      if (count < p.minCount) continue;
      const baseline = Array.from(
        { length: p.baselineWeeks },
        (_, i) => weeks.get(week - (p.baselineWeeks - i) * WEEK_MS) ?? 0,
      );
      const v = surgeVerdict(count, baseline, p);
      if (!v.fires) continue;
      const events = await listEventsIn(ctx.db, {
        prefix: unit,
        categoryPrefix: p.categoryPrefix,
        from: new Date(week),
        to: new Date(Math.min(week + WEEK_MS, end.getTime())),
        limit: MAX_ALERT_RECORDS,
      });
      // The moment the week's count passed both the threshold and the floor.
      const crossing = events[Math.max(p.minCount, Math.floor(v.threshold) + 1) - 1] ?? events.at(-1);
      const weekStart = new Date(week).toISOString();
      out.push({
        dedupKey: `${rule.id}:surge:${unit}:${weekStart}`,
        groupKey: `${unit}:${weekStart}`,
        raisedAt: mode.kind === "live" ? mode.now : new Date(crossing?.created_at ?? week),
        figures: {
          count: v.count,
          mean: v.mean,
          sd: v.sd,
          threshold: v.threshold,
          weekStart,
          categoryPrefix: p.categoryPrefix,
          baselineWeeks: p.baselineWeeks,
        },
        records: events.map((e) => ({ type: "event", id: e.id, at: new Date(e.created_at), areaPath: e.area_path })),
      });
    }
  }
  return out;
}

// ---- major disputes ----------------------------------------------------------------------------------

const SETTLED = new Set(["resolved", "verified", "closed"]);

async function majorFindings(
  ctx: AppContext,
  rule: RuleUnderTest,
  p: MajorDisputeParams,
  mode: Mode,
): Promise<Finding[]> {
  const limitMs = p.unsettledDays * DAY_MS;
  const out: Finding[] = [];
  const from =
    mode.kind === "live" ? new Date(mode.now.getTime() - 3 * 365 * DAY_MS) : new Date(mode.from.getTime() - limitMs);
  const to = mode.kind === "live" ? new Date(mode.now.getTime() - limitMs) : mode.to;
  for (const d of await listMajorDisputes(ctx.db, rule.areaPath, from, to)) {
    const due = new Date(new Date(d.created_at).getTime() + limitMs);
    const settled = d.settled_at ? new Date(d.settled_at) : null;
    if (mode.kind === "live" ? SETTLED.has(d.state) : settled !== null && settled <= due) continue;
    if (mode.kind === "history" && (due < mode.from || due >= mode.to)) continue;
    out.push({
      dedupKey: `${rule.id}:major:${d.id}:unsettled`,
      groupKey: d.id,
      raisedAt: mode.kind === "live" ? mode.now : due,
      figures: {
        reason: "unsettled",
        unsettledDays: p.unsettledDays,
        reportedAt: new Date(d.created_at).toISOString(),
      },
      records: [{ type: "event", id: d.id, at: new Date(d.created_at), areaPath: d.area_path }],
    });
  }
  if (p.includeReopened) {
    // Live: reopenings since the rule began watching (at most a month back), not the whole past.
    const since =
      mode.kind === "live"
        ? new Date(Math.max(rule.createdAt.getTime() - DAY_MS, mode.now.getTime() - 30 * DAY_MS))
        : mode.from;
    const until = mode.kind === "live" ? new Date(mode.now.getTime() + 1) : mode.to;
    for (const r of await listMajorReopenings(ctx.db, rule.areaPath, since, until))
      out.push({
        dedupKey: `${rule.id}:major:${r.event_id}:reopen:${r.step_id}`,
        groupKey: r.event_id,
        raisedAt: mode.kind === "live" ? mode.now : new Date(r.at),
        figures: { reason: "reopened", reopenedAt: new Date(r.at).toISOString() },
        records: [{ type: "event", id: r.event_id, at: new Date(r.at), areaPath: r.area_path }],
      });
  }
  return out;
}

// ---- care subjects -----------------------------------------------------------------------------------

/** Care subjects raised per sweep and rule at most; the rest the next sweep (their keys are stable). */
const CARE_PER_SWEEP = 500;

async function careFindings(ctx: AppContext, rule: RuleUnderTest, p: CareOverdueParams, now: Date): Promise<Finding[]> {
  const careTags = new Set(await listCareTagKeys(ctx.db));
  const subjects = await overdueCareSubjects(ctx, [rule.areaPath], p.graceDays, CARE_PER_SWEEP * 2);
  return subjects
    .filter((s) => s.tags.some((t) => careTags.has(t)))
    .slice(0, CARE_PER_SWEEP)
    .map((s) => ({
      dedupKey: `${rule.id}:care:${s.subjectId}:${s.dueOn}`,
      groupKey: s.subjectId,
      raisedAt: now,
      figures: {
        everyDays: s.everyDays,
        dueOn: s.dueOn,
        lastVisitedOn: s.lastVisitedOn,
        daysLate: Math.floor((now.getTime() - chinaMidnight(s.dueOn).getTime()) / DAY_MS),
        graceDays: p.graceDays,
        tags: s.tags.filter((t) => careTags.has(t)).join(","),
      },
      records: [{ type: s.subjectType, id: s.subjectId, at: null, areaPath: s.areaPath }],
    }));
}

// ---- sensitive dates ---------------------------------------------------------------------------------

async function sensitiveFindings(
  ctx: AppContext,
  rule: RuleUnderTest,
  p: SensitiveDatesParams,
  mode: Mode,
): Promise<Finding[]> {
  const dates = (await listSensitiveDates(ctx.db, [rule.areaPath])).filter(
    (d) => d.area_path === null || d.area_path.startsWith(rule.areaPath) || rule.areaPath.startsWith(d.area_path),
  );
  const from = mode.kind === "live" ? mode.now : mode.from;
  const to = mode.kind === "live" ? new Date(mode.now.getTime() + 1) : mode.to;
  const windows = sensitiveWindows(
    dates.map((d) => ({
      id: d.id,
      onDate: String(d.on_date).slice(0, 10),
      recursYearly: d.recurs_yearly,
      daysBefore: d.days_before,
      daysAfter: d.days_after,
    })),
    from,
    to,
  );
  const byId = new Map(dates.map((d) => [d.id, d]));
  const out: Finding[] = [];
  for (const w of windows) {
    const date = byId.get(w.dateId);
    if (!date) continue;
    // The matters of the date's own area (or the rule's, when the date is the deployment's).
    const prefix = date.area_path?.startsWith(rule.areaPath) ? date.area_path : rule.areaPath;
    const until = mode.kind === "live" ? to : new Date(Math.min(w.to.getTime(), to.getTime()));
    const events = await listEventsIn(ctx.db, {
      prefix,
      categoryPrefix: p.categoryPrefix,
      from: w.from,
      to: until,
      limit: MAX_ALERT_RECORDS,
    });
    if (events.length < p.minCount) continue;
    const reached = events[p.minCount - 1] ?? events[0];
    out.push({
      dedupKey: `${rule.id}:sensitive:${w.dateId}:${w.day}:${prefix}`,
      groupKey: `${w.dateId}:${w.day}`,
      raisedAt: mode.kind === "live" ? mode.now : new Date(reached?.created_at ?? w.from),
      figures: {
        dateName: date.name,
        day: w.day,
        daysBefore: date.days_before,
        daysAfter: date.days_after,
        count: events.length,
        categoryPrefix: p.categoryPrefix,
      },
      records: events.map((e) => ({ type: "event", id: e.id, at: new Date(e.created_at), areaPath: e.area_path })),
    });
  }
  return out;
}

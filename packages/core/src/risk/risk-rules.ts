/**
 * Risk early warning (风险预警): rules an official tunes as data — a kind, its parameters, the area it
 * watches, on or off — and the pure arithmetic that decides when one fires. The kinds are the five
 * warnings of grid governance practice (issue #20): repeated disputes between the same parties or at
 * the same address, a surge of a category against its area's own baseline, a major dispute (重大疑难)
 * left unsettled or reopened, a care subject not visited beyond their rhythm, matters near a
 * sensitive date. The server reads the records; these functions decide, so live evaluation and the
 * backtest (推演) cannot disagree.
 */
import { z } from "zod";

export const RISK_RULE_KINDS = [
  "repeated_disputes",
  "category_surge",
  "major_dispute",
  "care_overdue",
  "sensitive_dates",
] as const;
export type RiskRuleKind = (typeof RISK_RULE_KINDS)[number];

export const ALERT_STATES = ["open", "acknowledged", "closed"] as const;
export type AlertState = (typeof ALERT_STATES)[number];

export const ALERT_TASK_STATES = ["open", "done", "skipped"] as const;
export type AlertTaskState = (typeof ALERT_TASK_STATES)[number];

/** Levels an alert may be sent to: the township or village that answers for it, or a county. */
export const ALERT_LEVELS = ["county", "township", "village"] as const;
export type AlertLevel = (typeof ALERT_LEVELS)[number];

/** Category keys are `group.name`; a prefix such as `dispute.` or `dispute.land_forest` selects them. */
const CategoryPrefix = z
  .string()
  .trim()
  .min(2)
  .max(64)
  .regex(/^[a-z][a-z0-9_]*(\.[a-z0-9_]*)?$/, "a category key or its group followed by a dot (dispute.)");

export const RepeatedDisputesParamsSchema = z
  .object({
    match: z.enum(["parties", "address"]).describe("the same two parties, or the same address"),
    windowDays: z.number().int().min(1).max(365),
    minCount: z.number().int().min(2).max(50),
  })
  .strict();

export const CategorySurgeParamsSchema = z
  .object({
    categoryPrefix: CategoryPrefix,
    /** Areas compared, each against its own past: every village (or township) under the rule's area. */
    areaLevel: z.enum(["county", "township", "village", "grid"]),
    baselineWeeks: z.number().int().min(4).max(52),
    sdFactor: z.number().min(0.5).max(10),
    minCount: z.number().int().min(1).max(10_000),
  })
  .strict();

export const MajorDisputeParamsSchema = z
  .object({
    unsettledDays: z.number().int().min(1).max(365),
    includeReopened: z.boolean(),
  })
  .strict();

export const CareOverdueParamsSchema = z.object({ graceDays: z.number().int().min(0).max(365) }).strict();

export const SensitiveDatesParamsSchema = z
  .object({ categoryPrefix: CategoryPrefix, minCount: z.number().int().min(1).max(1000) })
  .strict();

export const RULE_PARAMS_SCHEMAS = {
  repeated_disputes: RepeatedDisputesParamsSchema,
  category_surge: CategorySurgeParamsSchema,
  major_dispute: MajorDisputeParamsSchema,
  care_overdue: CareOverdueParamsSchema,
  sensitive_dates: SensitiveDatesParamsSchema,
} as const;

export type RepeatedDisputesParams = z.infer<typeof RepeatedDisputesParamsSchema>;
export type CategorySurgeParams = z.infer<typeof CategorySurgeParamsSchema>;
export type MajorDisputeParams = z.infer<typeof MajorDisputeParamsSchema>;
export type CareOverdueParams = z.infer<typeof CareOverdueParamsSchema>;
export type SensitiveDatesParams = z.infer<typeof SensitiveDatesParamsSchema>;
export type RuleParams = {
  repeated_disputes: RepeatedDisputesParams;
  category_surge: CategorySurgeParams;
  major_dispute: MajorDisputeParams;
  care_overdue: CareOverdueParams;
  sensitive_dates: SensitiveDatesParams;
};

/** What a new rule of each kind starts with (the editor fills them in; the official tunes them). */
export const DEFAULT_RULE_PARAMS: RuleParams = {
  repeated_disputes: { match: "parties", windowDays: 30, minCount: 3 },
  category_surge: { categoryPrefix: "dispute.", areaLevel: "village", baselineWeeks: 8, sdFactor: 3, minCount: 5 },
  major_dispute: { unsettledDays: 15, includeReopened: true },
  care_overdue: { graceDays: 7 },
  sensitive_dates: { categoryPrefix: "dispute.", minCount: 1 },
};

export const RISK_RULE_KIND_NAMES: Record<RiskRuleKind, { "zh-CN": string; en: string }> = {
  repeated_disputes: { "zh-CN": "重复纠纷", en: "Repeated disputes" },
  category_surge: { "zh-CN": "类别激增", en: "Category surge" },
  major_dispute: { "zh-CN": "重大疑难纠纷", en: "Major dispute unsettled or reopened" },
  care_overdue: { "zh-CN": "关爱对象超期未走访", en: "Care subject not visited" },
  sensitive_dates: { "zh-CN": "敏感节点", en: "Near a sensitive date" },
};

/** Whether a category key is selected by a prefix (`dispute.` selects the group; a full key itself). */
export function categoryMatches(categoryKey: string, prefix: string): boolean {
  return prefix.endsWith(".") ? categoryKey.startsWith(prefix) : categoryKey === prefix;
}

const DAY_MS = 86_400_000;

// ---- repeated disputes -------------------------------------------------------------------------------

/** A dispute as the repeated-disputes rule sees it: when it was reported and who or where it involves. */
export interface DisputeSighting {
  eventId: string;
  at: Date;
  /** Identity keys of its parties (blind indexes, never names or numbers), or its normalised address. */
  keys: string[];
}

export interface RepeatCluster {
  /** The pair of parties (sorted) or the address the disputes share. */
  key: string;
  eventIds: string[];
  firstAt: Date;
  lastAt: Date;
}

/**
 * The keys a dispute is grouped under: with `parties`, every pair of its distinct party identities
 * (a dispute between A, B and C repeats A–B, A–C and B–C); with `address`, its address.
 */
export function groupKeys(sighting: DisputeSighting, match: RepeatedDisputesParams["match"]): string[] {
  const keys = [...new Set(sighting.keys)].sort();
  if (match === "address") return keys.slice(0, 1);
  const pairs: string[] = [];
  for (let i = 0; i < keys.length; i++) for (let j = i + 1; j < keys.length; j++) pairs.push(`${keys[i]}|${keys[j]}`);
  return pairs;
}

/**
 * Disputes that repeat: per pair (or address), scanning in time order, the first dispute that has at
 * least `minCount − 1` more within `windowDays` after it opens a cluster holding every dispute of
 * that window; the scan goes on after the cluster. The same history always gives the same clusters
 * with the same first dispute, which is what makes an alert's key stable (never raised twice) and
 * the backtest equal to what live evaluation raised.
 */
export function repeatClusters(sightings: readonly DisputeSighting[], params: RepeatedDisputesParams): RepeatCluster[] {
  const groups = new Map<string, DisputeSighting[]>();
  for (const s of sightings)
    for (const key of groupKeys(s, params.match)) {
      const list = groups.get(key);
      if (list) list.push(s);
      else groups.set(key, [s]);
    }
  const windowMs = params.windowDays * DAY_MS;
  const out: RepeatCluster[] = [];
  for (const [key, list] of groups) {
    if (list.length < params.minCount) continue;
    list.sort((a, b) => a.at.getTime() - b.at.getTime() || a.eventId.localeCompare(b.eventId));
    let i = 0;
    while (i < list.length) {
      const first = list[i] as DisputeSighting;
      let j = i;
      while (j + 1 < list.length && (list[j + 1] as DisputeSighting).at.getTime() - first.at.getTime() <= windowMs) j++;
      if (j - i + 1 >= params.minCount) {
        const members = list.slice(i, j + 1);
        out.push({
          key,
          eventIds: members.map((m) => m.eventId),
          firstAt: first.at,
          lastAt: (members.at(-1) as DisputeSighting).at,
        });
        i = j + 1;
      } else i++;
    }
  }
  return out.sort((a, b) => a.lastAt.getTime() - b.lastAt.getTime() || a.key.localeCompare(b.key));
}

/** An address as compared: no spaces, full-width letters and digits as half-width, lower case. */
export function normaliseAddress(address: string): string {
  return address
    .normalize("NFKC")
    .replace(/[\s,，.。、\-—_#()（）]/g, "")
    .toLowerCase();
}

/** A name as compared: no spaces or marks, NFKC; "黄桂兰（演示）" and "黄桂兰 (演示)" are one. */
export function normalisePartyName(name: string): string {
  return name
    .normalize("NFKC")
    .replace(/[\s·•.()（）]/g, "")
    .toLowerCase();
}

// ---- category surge ----------------------------------------------------------------------------------

export interface SurgeVerdict {
  count: number;
  mean: number;
  sd: number;
  threshold: number;
  fires: boolean;
}

/**
 * A week surges when its count exceeds the mean of the `baselineWeeks` before it plus `sdFactor`
 * standard deviations (population sd), and reaches `minCount` — the floor that keeps a quiet village
 * going from 0 to 2 from firing. `baseline` holds the earlier weeks' counts (zeros included).
 */
export function surgeVerdict(count: number, baseline: readonly number[], params: CategorySurgeParams): SurgeVerdict {
  const n = baseline.length;
  const mean = n === 0 ? 0 : baseline.reduce((a, b) => a + b, 0) / n;
  const sd = n === 0 ? 0 : Math.sqrt(baseline.reduce((a, b) => a + (b - mean) ** 2, 0) / n);
  const threshold = mean + params.sdFactor * sd;
  return {
    count,
    mean: round2(mean),
    sd: round2(sd),
    threshold: round2(threshold),
    fires: count > threshold && count >= params.minCount,
  };
}

const round2 = (x: number) => Math.round(x * 100) / 100;

/** Whole weeks are counted from Monday 00:00 China time; the start of the week holding `at`. */
export function weekStartOf(at: Date): Date {
  const china = new Date(at.getTime() + 8 * 3_600_000);
  const day = (china.getUTCDay() + 6) % 7; // Monday 0
  const midnight = Date.UTC(china.getUTCFullYear(), china.getUTCMonth(), china.getUTCDate()) - day * DAY_MS;
  return new Date(midnight - 8 * 3_600_000);
}

export const WEEK_MS = 7 * DAY_MS;

// ---- sensitive dates ---------------------------------------------------------------------------------

export interface SensitiveDateLike {
  id: string;
  /** YYYY-MM-DD; with `recursYearly` only the month and day count. */
  onDate: string;
  recursYearly: boolean;
  daysBefore: number;
  daysAfter: number;
}

export interface SensitiveWindow {
  dateId: string;
  /** The day itself in the year concerned. */
  day: string;
  from: Date;
  to: Date;
}

/** Midnight China time of a China date, as an instant. */
export function chinaMidnight(day: string): Date {
  return new Date(`${day}T00:00:00+08:00`);
}

/**
 * The windows of a calendar of sensitive dates that overlap [from, to): each date (every year for a
 * recurring one) from `daysBefore` days before it to the end of `daysAfter` days after it.
 */
export function sensitiveWindows(dates: readonly SensitiveDateLike[], from: Date, to: Date): SensitiveWindow[] {
  const out: SensitiveWindow[] = [];
  const firstYear = new Date(from.getTime() + 8 * 3_600_000).getUTCFullYear() - 1;
  const lastYear = new Date(to.getTime() + 8 * 3_600_000).getUTCFullYear() + 1;
  for (const d of dates) {
    const days = d.recursYearly
      ? Array.from({ length: lastYear - firstYear + 1 }, (_, i) => `${firstYear + i}${d.onDate.slice(4)}`)
      : [d.onDate];
    for (const day of days) {
      const midnight = chinaMidnight(day);
      if (Number.isNaN(midnight.getTime())) continue;
      // 02-29 in a year without it: JavaScript rolls it to 03-01; a recurring date skips that year.
      if (
        d.recursYearly &&
        new Date(midnight.getTime() + 8 * 3_600_000).toISOString().slice(5, 10) !== d.onDate.slice(5)
      )
        continue;
      const start = new Date(midnight.getTime() - d.daysBefore * DAY_MS);
      const end = new Date(midnight.getTime() + (d.daysAfter + 1) * DAY_MS);
      if (start < to && end > from) out.push({ dateId: d.id, day, from: start, to: end });
    }
  }
  return out.sort((a, b) => a.from.getTime() - b.from.getTime());
}

// ---- precision of a backtest -------------------------------------------------------------------------

export interface BacktestOutcome {
  escalated: boolean;
  reopened: boolean;
}

/** How many would-be alerts were followed by an escalation or a reopening of their matters, and the share. */
export function backtestSummary(outcomes: readonly BacktestOutcome[]) {
  const raised = outcomes.length;
  const escalated = outcomes.filter((o) => o.escalated).length;
  const reopened = outcomes.filter((o) => o.reopened).length;
  const followed = outcomes.filter((o) => o.escalated || o.reopened).length;
  return { raised, escalated, reopened, followed, share: raised === 0 ? null : round2(followed / raised) };
}

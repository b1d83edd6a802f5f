import { addDays } from "../visits/visit-plans.ts";

/**
 * The periods of the command centre's reports (日尽结、周分析、月研判): a daily report per working day
 * (a working day's report also covers the rest days just before it, so Monday's accounts for the
 * weekend and nothing reported on a holiday goes unreported), a weekly one Monday to Sunday, a
 * monthly one per calendar month. Days are China dates (YYYY-MM-DD); a report is written once its
 * period is over.
 */
export const REPORT_KINDS = ["daily", "weekly", "monthly"] as const;
export type ReportKind = (typeof REPORT_KINDS)[number];

/** The area levels reports are written for on schedule. */
export const SCHEDULED_REPORT_LEVELS = ["county", "township"] as const;

export interface ReportPeriod {
  from: string;
  to: string;
}

/** Rest days before a working day that its daily report takes in, at most (a long holiday). */
const MAX_REST_RUN = 14;

export type IsWorkingDay = (day: string) => boolean;

function weekday(day: string): number {
  return new Date(`${day}T00:00:00Z`).getUTCDay();
}

function monthEnd(day: string): string {
  const [y, m] = day.split("-").map(Number) as [number, number];
  return new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10);
}

/** The daily period that ends on a working day: from the day after the working day before it. */
function dailyEndingOn(workDay: string, isWorking: IsWorkingDay): ReportPeriod {
  let from = workDay;
  for (let i = 0; i < MAX_REST_RUN && !isWorking(addDays(from, -1)); i++) from = addDays(from, -1);
  return { from, to: workDay };
}

/** The period of a kind that contains a day. */
export function reportPeriodOf(kind: ReportKind, day: string, isWorking: IsWorkingDay): ReportPeriod {
  if (kind === "weekly") {
    const from = addDays(day, -((weekday(day) + 6) % 7));
    return { from, to: addDays(from, 6) };
  }
  if (kind === "monthly") return { from: `${day.slice(0, 8)}01`, to: monthEnd(day) };
  let to = day;
  for (let i = 0; i < MAX_REST_RUN && !isWorking(to); i++) to = addDays(to, 1);
  return dailyEndingOn(to, isWorking);
}

/**
 * How far back a report may be written on demand: three years of days. Anyone who reads an area may
 * ask, and every report is archived for good, so a period decades back (a loop over every day since
 * 0001) would fill the archive with reports of nothing.
 */
export const MAX_REPORT_DAYS_BACK = 1100;

/** Whether a period is over on a day (its report can be written). */
export const isPeriodOver = (period: ReportPeriod, today: string) => period.to < today;

/**
 * The latest `count` periods of a kind that are over on `today`, newest first: what a schedule writes
 * (the first) and catches up on after a pause (the rest).
 */
export function periodsDue(kind: ReportKind, today: string, isWorking: IsWorkingDay, count: number): ReportPeriod[] {
  const out: ReportPeriod[] = [];
  let day = addDays(today, -1);
  while (out.length < count) {
    let p = reportPeriodOf(kind, day, isWorking);
    // The period holding yesterday may not be over yet (a daily period waiting for its working day).
    if (!isPeriodOver(p, today)) {
      p = reportPeriodOf(kind, addDays(p.from, -1), isWorking);
    }
    out.push(p);
    day = addDays(p.from, -1);
  }
  return out;
}

/** Weeks before a weekly report's week that its trend and category baseline read. */
export const WEEKLY_BASELINE_WEEKS = 8;

/**
 * A category is rising in a week when it had at least `minCount` matters and half again as many as
 * its weekly mean over the baseline weeks (a category new this week rises from a mean of zero).
 * Deliberately milder than the risk rule's surge (mean plus three standard deviations): the weekly
 * analysis points officials at what grows, the alert at what breaks out.
 */
export const RISING_MIN_COUNT = 3;
export const RISING_FACTOR = 1.5;

export function isRising(count: number, baselineMean: number): boolean {
  return count >= RISING_MIN_COUNT && count > baselineMean * RISING_FACTOR;
}

/** The days of a period, in order. */
export function daysOf(period: ReportPeriod): string[] {
  const out: string[] = [];
  for (let d = period.from; d <= period.to; d = addDays(d, 1)) out.push(d);
  return out;
}

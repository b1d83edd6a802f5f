import { addDays } from "../visits/visit-plans.ts";

/**
 * The command centre's figures (issue #20): counters kept per area, day and category as matters
 * change (the server's figure_day), summed for any area and period. Event figures count where the
 * matter arose (its first area: a grid's figures keep the matters reported in it wherever they were
 * settled, and stay with the grid as it was when they happened); visits count where the household
 * was, close-outs where the worker closed out the day.
 */
export const EVENT_FIGURES = [
  "reported",
  "accepted",
  "settled",
  "settledGrid",
  "settledVillage",
  "settledAbove",
  "settledOnTime",
  "settledLate",
  "escalated",
  "overdue",
  "returned",
  "reopened",
  "satisfied",
  "basicallySatisfied",
  "unsatisfied",
  "disputesSimple",
  "disputesGeneral",
  "disputesMajor",
  "agreements",
] as const;
export type EventFigure = (typeof EVENT_FIGURES)[number];

export const FIGURES = [...EVENT_FIGURES, "visits", "visitsMet", "closeOuts", "gridsClosed"] as const;
export type Figure = (typeof FIGURES)[number];
export type FigureCounts = Record<Figure, number>;

/**
 * What each figure counts, in words (the events list behind an event figure lists the same events,
 * each once: server db/event-figure-facts.ts is the one definition both read):
 * - reported: events reported (day of the report);
 * - accepted, returned, reopened, escalated: events to which that was done, on the day it was first
 *   done (by people or, escalated, the timer) — accepted again after a return, an event is already
 *   counted, so a figure over any period counts distinct events;
 * - settled: events settled (办结), on the day they were first settled, split by the level that settled
 *   them (grid, village or community, above) and by whether the timer had found them past a deadline
 *   since they were (re)opened (late) or not;
 * - overdue: events the timer first found past a deadline (escalated by it, or flagged at the top);
 * - satisfied / basicallySatisfied / unsatisfied: the reporters' verdicts (day given);
 * - disputes*: disputes in mediation by risk grade, on the day they were reported;
 * - agreements: mediation agreements drawn up; visits (visitsMet: someone was met); closeOuts: a
 *   worker's day closed out for one of their areas;
 * - gridsClosed: distinct grids closed out on the day — a grid's close-out covers it, a microgrid's
 *   its grid, a village's (or any area's above) every grid under it then; a grid covered by several
 *   close-outs of the day counts once (the big screen's "closed out yesterday").
 * An event merged into another (a duplicate) counts in none: the matter counts once, in the event it
 * joined. Events count where they arose; their readers see them there after escalation too.
 */
export const FIGURE_COLUMNS: Record<Figure, string> = {
  reported: "reported",
  accepted: "accepted",
  settled: "settled",
  settledGrid: "settled_grid",
  settledVillage: "settled_village",
  settledAbove: "settled_above",
  settledOnTime: "settled_on_time",
  settledLate: "settled_late",
  escalated: "escalated",
  overdue: "overdue",
  returned: "returned",
  reopened: "reopened",
  satisfied: "satisfied",
  basicallySatisfied: "basically_satisfied",
  unsatisfied: "unsatisfied",
  disputesSimple: "disputes_simple",
  disputesGeneral: "disputes_general",
  disputesMajor: "disputes_major",
  agreements: "agreements",
  visits: "visits",
  visitsMet: "visits_met",
  closeOuts: "close_outs",
  gridsClosed: "grids_closed",
};

export function zeroFigures(): FigureCounts {
  return Object.fromEntries(FIGURES.map((f) => [f, 0])) as FigureCounts;
}

/** Percentages (one decimal) a command centre reads off the counts; null when there is nothing to divide. */
export interface FigureRates {
  /** Settled in the grid, of all settled (小事不出网格). */
  settledInGrid: number | null;
  /** Settled in the grid or the village/community, of all settled (大事不出社区). */
  settledInCommunity: number | null;
  /** Settled without a missed deadline, of all settled. */
  onTime: number | null;
  /** Satisfied or basically satisfied, of all verdicts (满意率). */
  satisfaction: number | null;
}

const pct = (n: number, d: number) => (d === 0 ? null : Math.round((n / d) * 1000) / 10);

export function figureRates(c: FigureCounts): FigureRates {
  const verdicts = c.satisfied + c.basicallySatisfied + c.unsatisfied;
  return {
    settledInGrid: pct(c.settledGrid, c.settled),
    settledInCommunity: pct(c.settledGrid + c.settledVillage, c.settled),
    onTime: pct(c.settledOnTime, c.settled),
    satisfaction: pct(c.satisfied + c.basicallySatisfied, verdicts),
  };
}

/** The longest period one query sums (days, both ends included). */
export const MAX_FIGURE_PERIOD_DAYS = 1_100;

const DAY_MS = 86_400_000;

/** Days from `from` to `to`, both included (ISO dates). */
export function periodDays(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS) + 1;
}

/** The period of equal length just before [from, to]: what a figure's change is measured against. */
export function previousPeriod(from: string, to: string): { from: string; to: string } {
  const n = periodDays(from, to);
  return { from: addDays(from, -n), to: addDays(from, -1) };
}

/**
 * What a figure's change is measured against (the "较上…" under a figure):
 * - preceding: the period of equal length just before (a day against the day before, a whole
 *   week or month of reports against the one before);
 * - lastWeek: the same weekdays a week earlier (this week so far, Monday to Thursday, against last
 *   week's Monday to Thursday: 较上周同期);
 * - lastMonth: the same days of the month before, clamped to its length (December 1–7 against
 *   November 1–7; March 31 against February 28 or 29: 较上月同期).
 * Comparing a week or month so far with the days just before it compared unlike with unlike: on a
 * Monday, a day against Sunday.
 */
export const FIGURE_COMPARISONS = ["preceding", "lastWeek", "lastMonth"] as const;
export type FigureComparison = (typeof FIGURE_COMPARISONS)[number];

/** The same day of the month `months` months away, clamped to that month's last day (ISO dates). */
export function addMonthsClamped(day: string, months: number): string {
  const [y, m, d] = day.split("-").map(Number) as [number, number, number];
  const first = new Date(Date.UTC(y, m - 1 + months, 1));
  const lastDay = new Date(Date.UTC(first.getUTCFullYear(), first.getUTCMonth() + 1, 0)).getUTCDate();
  first.setUTCDate(Math.min(d, lastDay));
  return first.toISOString().slice(0, 10);
}

/** The period [from, to] is compared with. */
export function comparisonPeriod(
  from: string,
  to: string,
  compare: FigureComparison = "preceding",
): { from: string; to: string } {
  switch (compare) {
    case "lastWeek":
      return { from: addDays(from, -7), to: addDays(to, -7) };
    case "lastMonth":
      return { from: addMonthsClamped(from, -1), to: addMonthsClamped(to, -1) };
    case "preceding":
      return previousPeriod(from, to);
  }
}

/** The Monday of the week an ISO date falls in (weeks run Monday to Sunday). */
export function weekStart(day: string): string {
  const weekday = new Date(`${day}T00:00:00Z`).getUTCDay(); // 0 Sunday
  return addDays(day, -((weekday + 6) % 7));
}

import { fieldIssue } from "../platform/field.messages.ts";
import type { FieldIssue } from "../shared/domain-error.ts";

/**
 * Deadlines in working time. A calendar says which dates are days off although weekdays (public
 * holidays) and which are working days although weekends (调休 make-up days) — data an admin keeps
 * per year — and the working hours of a day. Adding working minutes to an instant, and counting the
 * working minutes between two instants (what remains of a deadline when an event is suspended), are
 * all the timers need.
 */
export interface WorkingCalendar {
  /** Local time is UTC plus this many minutes (China: 480). */
  utcOffsetMinutes: number;
  /** YYYY-MM-DD dates off although Monday–Friday. */
  holidays: ReadonlySet<string>;
  /** YYYY-MM-DD dates worked although Saturday or Sunday. */
  workdays: ReadonlySet<string>;
  /** Working hours of a working day, minutes after local midnight, in order, not overlapping. */
  windows: readonly (readonly [number, number])[];
  /** Days of the week off (0 Sunday … 6 Saturday): Saturday and Sunday, or none for a hotline. */
  weekend: readonly number[];
}

/** Office hours common in Guangxi's townships: 08:30–12:00 and 14:30–17:30. */
export const OFFICE_HOURS: readonly (readonly [number, number])[] = [
  [8 * 60 + 30, 12 * 60],
  [14 * 60 + 30, 17 * 60 + 30],
];
/** Round the clock (a 24-hour hotline, or tests). */
export const ALL_DAY: readonly (readonly [number, number])[] = [[0, 24 * 60]];

const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;

export function calendar(options: {
  holidays?: Iterable<string>;
  workdays?: Iterable<string>;
  windows?: readonly (readonly [number, number])[];
  utcOffsetMinutes?: number;
  weekend?: readonly number[];
}): WorkingCalendar {
  return {
    weekend: options.weekend ?? [0, 6],
    utcOffsetMinutes: options.utcOffsetMinutes ?? 480,
    holidays: new Set(options.holidays ?? []),
    workdays: new Set(options.workdays ?? []),
    windows: options.windows ?? OFFICE_HOURS,
  };
}

/** Local calendar date (YYYY-MM-DD) of an instant. */
export function localDate(at: Date, cal: Pick<WorkingCalendar, "utcOffsetMinutes">): string {
  return new Date(at.getTime() + cal.utcOffsetMinutes * MINUTE_MS).toISOString().slice(0, 10);
}

/** The calendar date in China (UTC+8) of an instant, `days` later or earlier. */
export function chinaDate(at: Date, days = 0): string {
  return new Date(at.getTime() + 480 * MINUTE_MS + days * DAY_MS).toISOString().slice(0, 10);
}

export function isWorkingDay(date: string, cal: WorkingCalendar): boolean {
  if (cal.workdays.has(date)) return true;
  if (cal.holidays.has(date)) return false;
  const weekday = new Date(`${date}T00:00:00Z`).getUTCDay();
  return !cal.weekend.includes(weekday);
}

/** UTC milliseconds of local midnight starting the local day that contains `ms`. */
function localMidnight(ms: number, cal: WorkingCalendar): number {
  const offset = cal.utcOffsetMinutes * MINUTE_MS;
  return Math.floor((ms + offset) / DAY_MS) * DAY_MS - offset;
}

const MAX_DAYS = 3 * 366;

/** The instant `minutes` working minutes after `start`. */
export function addWorkingMinutes(start: Date, minutes: number, cal: WorkingCalendar): Date {
  let remaining = Math.max(0, minutes) * MINUTE_MS;
  if (remaining === 0) return start;
  let cursor = start.getTime();
  for (let day = 0; day < MAX_DAYS; day++) {
    const midnight = localMidnight(cursor, cal);
    const date = localDate(new Date(midnight), cal);
    if (isWorkingDay(date, cal)) {
      for (const [from, to] of cal.windows) {
        const windowStart = midnight + from * MINUTE_MS;
        const windowEnd = midnight + to * MINUTE_MS;
        const begin = Math.max(cursor, windowStart);
        if (begin >= windowEnd) continue;
        const available = windowEnd - begin;
        if (remaining <= available) return new Date(begin + remaining);
        remaining -= available;
        cursor = windowEnd;
      }
    }
    cursor = midnight + DAY_MS;
  }
  throw new Error("no working time within three years: check the calendar");
}

/** Working minutes between two instants (0 when `to` is not after `from`). */
export function workingMinutesBetween(from: Date, to: Date, cal: WorkingCalendar): number {
  let total = 0;
  const end = to.getTime();
  let cursor = from.getTime();
  for (let day = 0; cursor < end && day < MAX_DAYS * 2; day++) {
    const midnight = localMidnight(cursor, cal);
    if (isWorkingDay(localDate(new Date(midnight), cal), cal)) {
      for (const [a, b] of cal.windows) {
        const begin = Math.max(cursor, midnight + a * MINUTE_MS);
        const finish = Math.min(end, midnight + b * MINUTE_MS);
        if (finish > begin) total += finish - begin;
      }
    }
    cursor = midnight + DAY_MS;
  }
  return total / MINUTE_MS;
}

/**
 * Checks a year's calendar as an admin enters it: every day in that year, listed once, a holiday on a
 * weekday (weekends are off already) and a make-up working day on a weekend.
 */
export function checkCalendarYear(
  year: number,
  days: readonly { day: string; kind: "holiday" | "workday" }[],
  path = "days",
): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const seen = new Set<string>();
  for (const [i, d] of days.entries()) {
    const weekday = new Date(`${d.day}T00:00:00Z`).getUTCDay();
    const weekend = weekday === 0 || weekday === 6;
    if (!d.day.startsWith(`${year}-`))
      issues.push(fieldIssue(`${path}.${i}.day`, "CALENDAR_NOT_IN_YEAR", { year: String(year) }));
    else if (d.kind === "workday" && !weekend)
      issues.push(fieldIssue(`${path}.${i}.kind`, "CALENDAR_WORKDAY_ON_WEEKDAY", { day: d.day }));
    else if (d.kind === "holiday" && weekend)
      issues.push(fieldIssue(`${path}.${i}.kind`, "CALENDAR_HOLIDAY_ON_WEEKEND", { day: d.day }));
    if (seen.has(d.day)) issues.push(fieldIssue(`${path}.${i}.day`, "CALENDAR_DAY_TWICE", { day: d.day }));
    seen.add(d.day);
  }
  return issues;
}

/**
 * The 2026 public holidays and make-up working days as 国务院办公厅关于2026年部分节假日安排的通知 (issued
 * 2025-11-04, Xinhua) gives them — only the days that would otherwise be working days, and the
 * weekend days that are worked (调休) — seeded for the holiday calendar; admins add each year's in the
 * console.
 */
export const HOLIDAYS_2026 = {
  year: 2026,
  holidays: [
    "2026-01-01",
    "2026-01-02",
    "2026-02-16",
    "2026-02-17",
    "2026-02-18",
    "2026-02-19",
    "2026-02-20",
    "2026-02-23",
    "2026-04-06",
    "2026-05-01",
    "2026-05-04",
    "2026-05-05",
    "2026-06-19",
    "2026-09-25",
    "2026-10-01",
    "2026-10-02",
    "2026-10-05",
    "2026-10-06",
    "2026-10-07",
  ],
  workdays: ["2026-01-04", "2026-02-14", "2026-02-28", "2026-05-09", "2026-09-20", "2026-10-10"],
} as const;

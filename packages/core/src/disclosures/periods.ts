/**
 * The period a disclosure covers: a month, a quarter, a year, or one-off (a single matter). 村务公开
 * rules (《村务公开条例》 and Guangxi's 村级“四务”公开 practice) ask for finance monthly or quarterly,
 * ordinary affairs at least quarterly, and one-off matters as they happen; the start day names the
 * period, so a month starts on its first day, a quarter in January, April, July or October.
 */
export const PERIOD_KINDS = ["month", "quarter", "year", "once"] as const;
export type PeriodKind = (typeof PERIOD_KINDS)[number];

/** Why `start` cannot begin a period of `kind`, or undefined when it can. */
export function periodIssue(kind: PeriodKind, start: string): string | undefined {
  const [, month, day] = start.split("-").map(Number) as [number, number, number];
  if (kind === "once") return undefined;
  if (day !== 1) return "DISCLOSURE_FIELD_PERIOD_START";
  if (kind === "quarter" && (month - 1) % 3 !== 0) return "DISCLOSURE_FIELD_PERIOD_START";
  if (kind === "year" && month !== 1) return "DISCLOSURE_FIELD_PERIOD_START";
  return undefined;
}

/** A language-neutral key for the period: 2026-11, 2026-Q4, 2026, or the day itself. */
export function periodKey(kind: PeriodKind, start: string): string {
  const year = start.slice(0, 4);
  const month = Number(start.slice(5, 7));
  switch (kind) {
    case "month":
      return start.slice(0, 7);
    case "quarter":
      return `${year}-Q${Math.floor((month - 1) / 3) + 1}`;
    case "year":
      return year;
    default:
      return start;
  }
}

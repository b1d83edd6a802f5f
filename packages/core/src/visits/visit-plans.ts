/**
 * Door-knocking visits (敲门入户) on a rhythm: every household at least yearly, and the people a care
 * or service tag names (独居老人 weekly, 留守儿童 fortnightly, 低保户 monthly…) on the tag's rhythm,
 * with a short checklist of what to look at. A visit is due from the day the rhythm comes round (for
 * someone never visited: the day the tag took effect, so a new 独居老人 tag is due at once) and overdue
 * once it has waited more than a quarter of its rhythm (at least two days): a weekly visit two days
 * late, a monthly one eight days late, a yearly one three months late. Only a visit where someone was
 * met ("visited") counts as done; nobody home, refused and moved away leave the visit due.
 */
export const VISIT_KINDS = ["routine", "care", "verification", "follow_up"] as const;
export type VisitKind = (typeof VISIT_KINDS)[number];

export const VISIT_OUTCOMES = ["visited", "nobody_home", "refused", "moved_away"] as const;
export type VisitOutcome = (typeof VISIT_OUTCOMES)[number];

export const VISIT_STATUSES = ["overdue", "due", "done"] as const;
export type VisitStatus = (typeof VISIT_STATUSES)[number];

/** The plan of every household: "every household yearly" unless an official changes it. */
export const HOUSEHOLD_PLAN_KEY = "household";
export const DEFAULT_HOUSEHOLD_VISIT_DAYS = 365;
export const MIN_VISIT_DAYS = 1;
export const MAX_VISIT_DAYS = 730;
export const MAX_CHECKLIST_ITEMS = 12;

export interface ChecklistItem {
  key: string;
  label: { "zh-CN": string; en: string };
}

const item = (key: string, zh: string, en: string): ChecklistItem => ({ key, label: { "zh-CN": zh, en } });

/** What to look at on a visit, seeded per plan; officials edit these in the console. */
export const DEFAULT_CHECKLISTS: Readonly<Record<string, readonly ChecklistItem[]>> = {
  [HOUSEHOLD_PLAN_KEY]: [
    item("members_current", "家庭成员信息无变化", "Household members unchanged"),
    item("home_safe", "居住安全（房屋、用电、用气）", "Home safe (building, power, gas)"),
    item("no_dispute", "无矛盾纠纷", "No dispute"),
  ],
  elderly_alone: [
    item("home_safe", "居住安全", "Home safe"),
    item("health", "身体状况良好", "In good health"),
    item("food", "饮食有保障", "Has enough food"),
    item("heating", "取暖/防暑有保障", "Heating or cooling in order"),
    item("no_needs", "无其他需求", "No other needs"),
  ],
  left_behind_child: [
    item("guardian_present", "监护人在位", "Guardian present"),
    item("schooling", "正常上学", "Goes to school"),
    item("health", "身体状况良好", "In good health"),
    item("home_safe", "居住安全", "Home safe"),
  ],
  minimum_subsistence: [
    item("allowance_received", "低保金按时到账", "Allowance received on time"),
    item("home_safe", "居住安全", "Home safe"),
    item("food", "基本生活有保障", "Basic needs met"),
  ],
  disabled: [
    item("health", "身体状况良好", "In good health"),
    item("aids", "辅具/康复服务到位", "Aids and rehabilitation in place"),
    item("home_safe", "居住安全", "Home safe"),
  ],
};

/** The checklist a tag starts with: its own, else the elderly person's general one. */
export function defaultChecklistOf(key: string): readonly ChecklistItem[] {
  return (
    DEFAULT_CHECKLISTS[key] ?? [
      item("home_safe", "居住安全", "Home safe"),
      item("health", "身体状况良好", "In good health"),
      item("no_needs", "无其他需求", "No other needs"),
    ]
  );
}

/** A due visit may wait a 1/OVERDUE_RHYTHM_DIVISOR of its rhythm (rounded up, at least OVERDUE_MIN_DAYS). */
export const OVERDUE_RHYTHM_DIVISOR = 4;
export const OVERDUE_MIN_DAYS = 2;

/** Days a due visit may wait before it is overdue (the server's due-list SQL uses the same constants). */
export function overdueAfterDays(everyDays: number): number {
  return Math.max(OVERDUE_MIN_DAYS, Math.ceil(everyDays / OVERDUE_RHYTHM_DIVISOR));
}

const DAY_MS = 86_400_000;
/** `date` (yyyy-mm-dd) plus `days`. */
export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

/**
 * Where a subject stands on `today` (all dates yyyy-mm-dd in the deployment's time zone): the day its
 * next visit is due and whether it is done (not yet due), due or overdue.
 */
export function visitStatus(s: {
  everyDays: number;
  /** When the rhythm began to apply (the tag's first day, the household's registration). */
  since: string;
  lastVisitedOn: string | null;
  today: string;
}): { status: VisitStatus; dueOn: string } {
  const dueOn = s.lastVisitedOn === null ? s.since : addDays(s.lastVisitedOn, s.everyDays);
  if (dueOn > s.today) return { status: "done", dueOn };
  return { status: s.today > addDays(dueOn, overdueAfterDays(s.everyDays)) ? "overdue" : "due", dueOn };
}

/** The rhythm of a subject that several plans apply to: the most frequent one. */
export function combinedRhythm(everyDays: readonly (number | null)[]): number | null {
  const set = everyDays.filter((d): d is number => d !== null);
  return set.length === 0 ? null : Math.min(...set);
}

/** The checklist of a visit: the items of every plan that applies, each key once, in plan order. */
export function combinedChecklist(lists: readonly (readonly ChecklistItem[])[]): ChecklistItem[] {
  const seen = new Set<string>();
  const out: ChecklistItem[] = [];
  for (const list of lists)
    for (const i of list)
      if (!seen.has(i.key)) {
        seen.add(i.key);
        out.push(i);
      }
  return out;
}

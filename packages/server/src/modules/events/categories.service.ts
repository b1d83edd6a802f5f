import {
  authorId,
  type CategoryDefinition,
  type CategorySettings,
  calendar,
  checkCalendarYear,
  DEFAULT_CATEGORIES,
  DomainError,
  fieldIssue,
  HOLIDAYS_2026,
  OFFICE_HOURS,
  type Principal,
  type WorkingCalendar,
} from "@wangge/core";
import type { Kysely } from "kysely";
import type { AppContext, RequestMeta } from "../../context.ts";
import type { DB } from "../../db/schema.ts";
import { recordAudit } from "../audit/audit.service.ts";
import {
  type CalendarDayRow,
  deleteCalendarDays,
  hasCalendarDays,
  insertCalendarDays,
  insertCategoryIfMissing,
  listAllCalendarDays,
  listCalendarDays,
  listCategoryRows,
  updateCategoryRow,
} from "./categories.queries.ts";
import type { EventCategoryRow } from "./events.table.ts";

/**
 * Event categories and the working calendar, both data an admin edits: seeded on every start with
 * what is missing (never overwriting an edit), read by intake, deadlines and Open311.
 */
export async function ensureDefaultCategories(db: Kysely<DB>): Promise<void> {
  // Parents before children: the seeded list is in that order.
  for (const c of DEFAULT_CATEGORIES)
    await insertCategoryIfMissing(db, {
      key: c.key,
      parent_key: c.parentKey,
      name_zh: c.name["zh-CN"],
      name_en: c.name.en,
      close_level: c.closeLevel,
      deadlines: c.deadlines,
      priority: c.priority,
      attributes: c.attributes,
    });
  if (!(await hasCalendarDays(db)))
    await insertCalendarDays(
      db,
      [
        ...HOLIDAYS_2026.holidays.map((day) => ({ day, kind: "holiday" as const, note: "2026 国务院办公厅通知" })),
        ...HOLIDAYS_2026.workdays.map((day) => ({ day, kind: "workday" as const, note: "2026 调休上班" })),
      ],
      { ignoreExisting: true },
    );
  forgetEventConfig(db);
}

export function toCategory(row: EventCategoryRow): CategoryDefinition {
  return {
    key: row.key,
    parentKey: row.parent_key,
    name: { "zh-CN": row.name_zh, en: row.name_en },
    closeLevel: row.close_level as CategoryDefinition["closeLevel"],
    deadlines: row.deadlines as CategoryDefinition["deadlines"],
    priority: row.priority as CategoryDefinition["priority"],
    attributes: row.attributes as CategoryDefinition["attributes"],
    active: row.active,
  };
}

export async function listCategories(
  db: Kysely<DB>,
  options: { activeOnly?: boolean } = {},
): Promise<CategoryDefinition[]> {
  return (await listCategoryRows(db, options)).map(toCategory);
}

/**
 * Categories and the calendar are read on every report and action but change a few times a year:
 * each process keeps them for ten seconds, and forgets them at once when it changes them itself
 * (another process's change reaches this one within those ten seconds).
 */
const CONFIG_TTL_MS = 10_000;
interface ConfigCache {
  categories?: { at: number; byKey: Map<string, CategoryDefinition> };
  calendar?: { at: number; key: string; value: WorkingCalendar };
}
const configCaches = new WeakMap<object, ConfigCache>();
const configCache = (db: Kysely<DB>): ConfigCache => {
  let c = configCaches.get(db);
  if (!c) {
    c = {};
    configCaches.set(db, c);
  }
  return c;
};

/** Drops this process's copy of the categories and calendar (after changing them). */
export function forgetEventConfig(db: Kysely<DB>): void {
  configCaches.delete(db);
}

export async function getCategory(db: Kysely<DB>, key: string): Promise<CategoryDefinition> {
  const cache = configCache(db);
  const now = Date.now();
  if (!cache.categories || now - cache.categories.at > CONFIG_TTL_MS)
    cache.categories = { at: now, byKey: new Map((await listCategories(db)).map((c) => [c.key, c])) };
  const found = cache.categories.byKey.get(key);
  if (!found)
    throw new DomainError("EVENT_CATEGORY_NOT_FOUND", `no event category ${key}`, {
      errors: [fieldIssue("key", "EVENT_FIELD_UNKNOWN_CATEGORY")],
    });
  return found;
}

export async function updateCategory(
  ctx: AppContext,
  actor: Principal,
  meta: RequestMeta,
  key: string,
  settings: CategorySettings,
): Promise<CategoryDefinition> {
  forgetEventConfig(ctx.db);
  await getCategory(ctx.db, key);
  await ctx.db.transaction().execute(async (trx) => {
    await updateCategoryRow(trx, key, {
      name_zh: settings.name["zh-CN"],
      name_en: settings.name.en,
      close_level: settings.closeLevel,
      deadlines: settings.deadlines,
      priority: settings.priority,
      attributes: settings.attributes,
      active: settings.active,
      updated_at: ctx.now(),
      updated_by: authorId(actor),
    });
    await recordAudit(ctx, trx, {
      action: "event.category.update",
      outcome: "success",
      actor: { userId: authorId(actor), username: actor.username },
      meta,
      targetType: "event_category",
      targetId: key,
      details: { deadlines: settings.deadlines, closeLevel: settings.closeLevel, active: settings.active },
    });
  });
  forgetEventConfig(ctx.db);
  return getCategory(ctx.db, key);
}

// ---- working calendar ----------------------------------------------------------------------------

export type CalendarDay = CalendarDayRow;

export async function calendarYear(db: Kysely<DB>, year: number): Promise<CalendarDay[]> {
  return listCalendarDays(db, `${year}-01-01`, `${year}-12-31`);
}

/** Replaces a year's holidays and make-up days as one change (audited). */
export async function setCalendarYear(
  ctx: AppContext,
  actor: Principal,
  meta: RequestMeta,
  year: number,
  days: CalendarDay[],
): Promise<CalendarDay[]> {
  const issues = checkCalendarYear(year, days, "body.days");
  if (issues.length > 0) throw new DomainError("VALIDATION_FAILED", "the calendar is not valid", { errors: issues });
  await ctx.db.transaction().execute(async (trx) => {
    await deleteCalendarDays(trx, `${year}-01-01`, `${year}-12-31`);
    await insertCalendarDays(
      trx,
      days.map((d) => ({ ...d, updated_at: ctx.now(), updated_by: authorId(actor) })),
    );
    await recordAudit(ctx, trx, {
      action: "event.calendar.update",
      outcome: "success",
      actor: { userId: authorId(actor), username: actor.username },
      meta,
      targetType: "work_calendar",
      targetId: String(year),
      details: {
        holidays: days.filter((d) => d.kind === "holiday").length,
        workdays: days.filter((d) => d.kind === "workday").length,
      },
    });
  });
  forgetEventConfig(ctx.db);
  return calendarYear(ctx.db, year);
}

/** The working calendar the deadlines use: every year's days, the configured hours and weekend, China time. */
export async function workingCalendar(
  db: Kysely<DB>,
  config: { workingHours: [number, number][]; weekend: number[] },
): Promise<WorkingCalendar> {
  const cache = configCache(db);
  const key = JSON.stringify([config.workingHours, config.weekend]);
  const now = Date.now();
  if (cache.calendar && cache.calendar.key === key && now - cache.calendar.at <= CONFIG_TTL_MS)
    return cache.calendar.value;
  const rows = await listAllCalendarDays(db);
  const value = calendar({
    holidays: rows.filter((r) => r.kind === "holiday").map((r) => r.day),
    workdays: rows.filter((r) => r.kind === "workday").map((r) => r.day),
    windows: config.workingHours.length ? config.workingHours : OFFICE_HOURS,
    weekend: config.weekend,
  });
  cache.calendar = { at: now, key, value };
  return value;
}

import {
  addDays,
  type DailyContent,
  daysOf,
  type FigureCounts,
  figureRates,
  isRising,
  MAX_REPORT_MATTERS,
  type MonthlyContent,
  type ReportKind,
  type ReportPeriod,
  reportPeriodOf,
  systemPrincipal,
  WEEKLY_BASELINE_WEEKS,
  type WeeklyContent,
  zeroFigures,
} from "@wangge/core";
import type { AppContext } from "../../context.ts";
import { findArea } from "../areas/areas.service.ts";
import type { AreaRow } from "../areas/areas.table.ts";
import { listEvents } from "../events/events.service.ts";
import { getFigures } from "../figures/figures.service.ts";
import { listAlertsOf } from "../risk/alerts.service.ts";
import { closeOutStatus } from "../visits/close-outs.service.ts";
import { visitCoverage } from "../visits/due.service.ts";
import { hotspotMap } from "./report-map.service.ts";
import { listRepeatedAddresses, listRepeatedAreas } from "./reports.queries.ts";

/**
 * What a report says, composed from the services that already answer each part: every number from
 * the figures service (the kept roll-ups, so a report and the 工作台 never disagree), the matters of
 * a day from the list behind the "reported" figure, close-outs and carry-overs from the close-out
 * service, alerts from risk early warning. The system reads with its own principal (a report of an
 * area is the same for everyone who may read that area; who may read it is decided per request).
 * Workers are never ranked: areas are compared by outcomes, not people by activity counts.
 */
const HOTSPOTS = 10;
const SLOW_LISTED = 20;
const PAGE = 200;

const system = () => systemPrincipal();

/** Visits due against done in the period, per the visits module's coverage (the console's 走访 tab). */
const visitsOf = (ctx: AppContext, area: AreaRow, period: ReportPeriod) =>
  visitCoverage(ctx, system(), { areaCode: area.code, from: period.from, to: period.to });

async function figuresOf(ctx: AppContext, area: AreaRow, period: ReportPeriod, by?: "day" | "category" | "child") {
  return getFigures(ctx, system(), { area: area.code, from: period.from, to: period.to, by });
}

const summed = (f: Awaited<ReturnType<typeof figuresOf>>) => ({
  counts: f.counts,
  rates: f.rates,
  previous: { from: f.previous.from, to: f.previous.to, counts: f.previous.counts, rates: f.previous.rates },
});

async function mattersOf(
  ctx: AppContext,
  area: AreaRow,
  period: ReportPeriod,
  figure: "reported" | "overdue",
  cap: number,
) {
  const out: Awaited<ReturnType<typeof listEvents>> = [];
  while (out.length < cap) {
    const page = await listEvents(ctx, system(), {
      box: "all",
      areaCode: area.code,
      figure,
      from: period.from,
      to: period.to,
      limit: Math.min(PAGE, cap - out.length),
      offset: out.length,
    });
    out.push(...page);
    if (page.length < PAGE) break;
  }
  return out.map((e) => ({
    id: e.id,
    number: e.number,
    categoryKey: e.categoryKey,
    title: e.title,
    state: e.state,
    areaCode: e.areaCode,
    reportedAt: e.createdAt,
    dueAt: e.dueAt,
  }));
}

/** The code of the area holding an area, from its path ("/45/4508/…/village/grid/"). */
const parentCode = (path: string) => path.split("/").filter(Boolean).at(-2) ?? "";

/** The villages or communities (the grids' parents) by code, so a daily report groups its grids by them. */
async function villagesOf(ctx: AppContext, gridPaths: string[]) {
  const codes = [...new Set(gridPaths.map(parentCode))].filter(Boolean);
  const rows = await Promise.all(codes.map((code) => findArea(ctx.db, code)));
  return new Map(rows.flatMap((a) => (a ? [[a.code, { code: a.code, name: a.name }] as const] : [])));
}

export async function composeDaily(ctx: AppContext, area: AreaRow, period: ReportPeriod): Promise<DailyContent> {
  const [figures, matters, ...days] = await Promise.all([
    figuresOf(ctx, area, period, "child"),
    mattersOf(ctx, area, period, "reported", MAX_REPORT_MATTERS),
    ...daysOf(period).map((day) => closeOutStatus(ctx, system(), { areaCode: area.code, day })),
  ]);
  const villages = await villagesOf(
    ctx,
    days.flatMap((d) => d.grids.map((g) => g.path)),
  );
  return {
    kind: "daily",
    figures: summed(figures),
    areas: figures.rows.map((r) => ({
      code: r.key,
      name: r.name ?? r.key,
      level: r.level ?? "",
      counts: r.counts,
      rates: figureRates(r.counts),
    })),
    matters: matters.map(({ dueAt: _, ...m }) => m),
    mattersTotal: figures.counts.reported,
    closeOuts: days.map((d) => ({
      day: d.day,
      done: d.grids.filter((g) => g.closedOut).length,
      missing: d.grids.filter((g) => !g.closedOut).length,
      grids: d.grids.map((g) => {
        const village = villages.get(parentCode(g.path));
        return {
          areaCode: g.areaCode,
          name: g.name,
          closedOut: g.closedOut,
          carriedOver: g.closeOuts.reduce((n, c) => n + c.carryOvers.length, 0),
          ...(village ? { villageCode: village.code, villageName: village.name } : {}),
        };
      }),
    })),
    carriedOver: days.flatMap((d) =>
      d.grids.flatMap((g) =>
        g.closeOuts.flatMap((c) =>
          c.carryOvers.map((x) => ({ day: d.day, areaCode: g.areaCode, number: x.number, reason: x.reason })),
        ),
      ),
    ),
  };
}

function addCounts(into: FigureCounts, c: FigureCounts) {
  for (const k of Object.keys(into) as (keyof FigureCounts)[]) into[k] += c[k];
}

export async function composeWeekly(ctx: AppContext, area: AreaRow, period: ReportPeriod): Promise<WeeklyContent> {
  const baseline = { from: addDays(period.from, -7 * WEEKLY_BASELINE_WEEKS), to: addDays(period.from, -1) };
  const [week, byDay, before, hotGrids, hotAddresses, slow, visits] = await Promise.all([
    figuresOf(ctx, area, period, "category"),
    figuresOf(ctx, area, { from: baseline.from, to: period.to }, "day"),
    figuresOf(ctx, area, baseline, "category"),
    listRepeatedAreas(ctx.db, area.path, period.from, period.to, HOTSPOTS),
    listRepeatedAddresses(ctx.db, area.path, period.from, period.to, HOTSPOTS),
    mattersOf(ctx, area, period, "overdue", SLOW_LISTED),
    visitsOf(ctx, area, period),
  ]);
  const map = await hotspotMap(
    ctx,
    area,
    hotGrids.map((g) => g.code),
  );
  const weeks = Array.from({ length: WEEKLY_BASELINE_WEEKS + 1 }, (_, i) => {
    const from = addDays(baseline.from, 7 * i);
    return { from, to: addDays(from, 6), counts: zeroFigures() };
  });
  for (const row of byDay.rows) {
    const w = weeks.find((x) => row.key >= x.from && row.key <= x.to);
    if (w) addCounts(w.counts, row.counts);
  }
  const baseMean = new Map(before.rows.map((r) => [r.key, r.counts.reported / WEEKLY_BASELINE_WEEKS]));
  const keys = new Set([...week.rows.map((r) => r.key), ...baseMean.keys()]);
  const thisWeek = new Map(week.rows.map((r) => [r.key, r.counts.reported]));
  const categories = [...keys]
    .map((key) => {
      const count = thisWeek.get(key) ?? 0;
      const baselineMean = Math.round((baseMean.get(key) ?? 0) * 10) / 10;
      return { key, count, baselineMean, rising: isRising(count, baseMean.get(key) ?? 0) };
    })
    .filter((c) => c.count > 0 || c.baselineMean > 0)
    .sort((a, b) => Number(b.rising) - Number(a.rising) || b.count - a.count || a.key.localeCompare(b.key));
  return {
    kind: "weekly",
    figures: summed(week),
    weeks: weeks.map((w) => ({ ...w, rates: figureRates(w.counts) })),
    categories,
    hotspots: {
      grids: hotGrids.map((g) => ({ code: g.code, name: g.name, level: g.level, count: g.count })),
      addresses: hotAddresses.map((a) => ({
        address: a.address,
        areaCode: a.path.split("/").filter(Boolean).at(-1) ?? "",
        count: a.count,
        lng: a.lng === null ? null : Math.round(a.lng * 1e6) / 1e6,
        lat: a.lat === null ? null : Math.round(a.lat * 1e6) / 1e6,
      })),
      map,
    },
    visitsDue: { fellDue: visits.area.fellDue, doneOnTime: visits.area.doneOnTime },
    slow: {
      overdue: week.counts.overdue,
      settledLate: week.counts.settledLate,
      onTime: week.rates.onTime,
      openOverdue: slow,
    },
  };
}

const ALERT_PAGE = 100;

async function alertsOfMonth(ctx: AppContext, code: string, period: ReportPeriod) {
  const start = new Date(`${period.from}T00:00:00+08:00`).getTime();
  const end = new Date(`${addDays(period.to, 1)}T00:00:00+08:00`).getTime();
  const items: Awaited<ReturnType<typeof listAlertsOf>>["items"] = [];
  for (const state of ["open", "acknowledged", "closed"] as const) {
    // Newest first: stop at the first page that reaches back before the month.
    for (let offset = 0; ; offset += ALERT_PAGE) {
      const page = await listAlertsOf(ctx, system(), { state, areaCode: code, limit: ALERT_PAGE, offset });
      for (const a of page.items) {
        const at = Date.parse(a.raisedAt);
        if (at >= start && at < end) items.push(a);
      }
      const last = page.items.at(-1);
      if (page.items.length < ALERT_PAGE || !last || Date.parse(last.raisedAt) < start) break;
    }
  }
  return items.sort((a, b) => b.raisedAt.localeCompare(a.raisedAt));
}

export async function composeMonthly(ctx: AppContext, area: AreaRow, period: ReportPeriod): Promise<MonthlyContent> {
  const now = await figuresOf(ctx, area, period, "child");
  // The month before is the calendar month (figures compare with the days of equal length before).
  const lastMonth = reportPeriodOf("monthly", addDays(period.from, -1), () => true);
  const [before, visits, ...alerts] = await Promise.all([
    figuresOf(ctx, area, lastMonth, "child"),
    visitsOf(ctx, area, period),
    alertsOfMonth(ctx, area.code, period),
    ...now.rows.map((r) => alertsOfMonth(ctx, r.key, period)),
  ]);
  const previousOf = new Map(before.rows.map((r) => [r.key, r.counts]));
  const own = alerts[0] ?? [];
  const perChild = alerts.slice(1);
  const alertSection = (code: string, name: string, level: string, items: typeof own) => ({
    code,
    name,
    level,
    total: items.length,
    open: items.filter((a) => a.state !== "closed").length,
    items: items.map((a) => ({ id: a.id, kind: a.kind, state: a.state, title: a.title, raisedAt: a.raisedAt })),
  });
  const childAlerts = now.rows.map((r, i) => alertSection(r.key, r.name ?? r.key, r.level ?? "", perChild[i] ?? []));
  const inChildren = new Set(childAlerts.flatMap((c) => c.items.map((a) => a.id)));
  // Alerts addressed to the area itself (not to one of its children) come first.
  const ownOnly = own.filter((a) => !inChildren.has(a.id));
  return {
    kind: "monthly",
    figures: {
      counts: now.counts,
      rates: now.rates,
      previous: { ...lastMonth, counts: before.counts, rates: before.rates },
    },
    areas: now.rows.map((r) => ({
      code: r.key,
      name: r.name ?? r.key,
      level: r.level ?? "",
      counts: r.counts,
      rates: figureRates(r.counts),
      previous: figureRates(previousOf.get(r.key) ?? zeroFigures()),
    })),
    visitsDue: {
      fellDue: visits.area.fellDue,
      doneOnTime: visits.area.doneOnTime,
      areas: visits.children.map((c) => ({
        code: c.areaCode,
        name: c.name,
        level: c.level,
        fellDue: c.fellDue,
        doneOnTime: c.doneOnTime,
      })),
    },
    alerts: [alertSection(area.code, area.name, area.level, ownOnly), ...childAlerts].filter((s) => s.total > 0),
  };
}

export function composeReport(ctx: AppContext, kind: ReportKind, area: AreaRow, period: ReportPeriod) {
  switch (kind) {
    case "daily":
      return composeDaily(ctx, area, period);
    case "weekly":
      return composeWeekly(ctx, area, period);
    case "monthly":
      return composeMonthly(ctx, area, period);
  }
}

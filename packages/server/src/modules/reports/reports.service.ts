import {
  addDays,
  authorId,
  canView,
  canWork,
  chinaDate,
  DomainError,
  fieldIssue,
  isPeriodOver,
  isWorkingDay,
  MAX_REPORT_DAYS_BACK,
  type Principal,
  principalScope,
  type ReportContent,
  type ReportKind,
  type ReportPeriod,
  type ReportView,
  reportPeriodOf,
  reportReadScope,
} from "@wangge/core";
import type { AppContext, RequestMeta } from "../../context.ts";
import { sealFreeText } from "../../privacy/free-text.ts";
import { getAreaInScope } from "../areas/areas.service.ts";
import type { AreaRow } from "../areas/areas.table.ts";
import { recordAudit, refusal } from "../audit/audit.service.ts";
import { workingCalendar } from "../events/categories.service.ts";
import { composeReport } from "./report-content.service.ts";
import {
  countReports,
  findJudgement,
  findReport,
  findReportByKey,
  insertJudgementIfNew,
  insertReportIfNew,
  listJudgements,
  listReportRows,
  lockReport,
  type ReportListRow,
} from "./reports.queries.ts";

/**
 * Reports written by the system (日报、周分析、月研判): one per kind, area and period, written once —
 * by the schedule (report-sweep.service.ts) or on demand by anyone who reads the area — and archived
 * as written. Readers see the reports of the areas they hold report.read and event.read in (a report
 * lists matters by title; any other is not found);
 * the judgement (研判意见) on a monthly report is written by who holds report.write for that very area,
 * in versions, masked like all free text.
 */
export type IsWorking = (day: string) => boolean;

export async function workingDays(ctx: AppContext): Promise<IsWorking> {
  const cal = await workingCalendar(ctx.db, ctx.config);
  return (day) => isWorkingDay(day, cal);
}

type StoredReport = NonNullable<Awaited<ReturnType<typeof findReport>>>;

/**
 * Writes the report of a kind, area and period unless it exists; either way answers the report
 * (`created` says whether this call wrote it). Two writers racing both compose, one insert wins, and
 * both answer the winner's report.
 */
export async function writeReport(
  ctx: AppContext,
  input: {
    id: string;
    kind: ReportKind;
    area: AreaRow;
    period: ReportPeriod;
    trigger: "schedule" | "demand";
    by: string | null;
  },
): Promise<{ report: StoredReport; created: boolean }> {
  const key = { kind: input.kind, areaId: input.area.id, from: input.period.from, to: input.period.to };
  const existing = await findReportByKey(ctx.db, key);
  if (existing) return { report: existing, created: false };
  const content = await composeReport(ctx, input.kind, input.area, input.period);
  const created = await insertReportIfNew(ctx.db, {
    id: input.id,
    kind: input.kind,
    area_id: input.area.id,
    area_path: input.area.path,
    period_from: input.period.from,
    period_to: input.period.to,
    content: JSON.stringify(content),
    trigger: input.trigger,
    generated_by: input.by,
    generated_at: ctx.now(),
  });
  const report = await findReportByKey(ctx.db, key);
  if (!report) throw new DomainError("REPORT_ID_CONFLICT", `report id ${input.id} already holds another report`);
  return { report, created };
}

function summaryOf(r: ReportListRow) {
  return {
    id: r.id,
    kind: r.kind as ReportKind,
    area: { code: r.area_code, name: r.area_name, level: r.area_level },
    from: r.period_from,
    to: r.period_to,
    generatedAt: r.generated_at.toISOString(),
    trigger: r.trigger as "schedule" | "demand",
    judgementVersion: Number(r.judgement_version ?? 0),
  };
}

async function toReportView(ctx: AppContext, r: StoredReport): Promise<ReportView> {
  const versions = await listJudgements(ctx.db, r.id);
  const latest = versions[0];
  return {
    ...summaryOf(r),
    content: r.content as ReportContent,
    judgement: latest
      ? {
          id: latest.id,
          version: latest.version,
          text: latest.text,
          writtenAt: latest.written_at.toISOString(),
          writtenBy: latest.written_by_name,
        }
      : null,
    judgementHistory: versions.map((v) => ({
      id: v.id,
      version: v.version,
      writtenAt: v.written_at.toISOString(),
      writtenBy: v.written_by_name,
    })),
  };
}

const notFound = (id: string) => new DomainError("REPORT_NOT_FOUND", `no report ${id} in your scope`);

/**
 * A report the reader may read: in an area where they hold report.read and event.read (it lists
 * matters by title: core's reportReadScope); otherwise not found.
 */
export async function visibleReport(ctx: AppContext, actor: Principal, id: string): Promise<StoredReport> {
  const r = await findReport(ctx.db, id);
  if (!r || !canView(reportReadScope(actor), r.area_path)) throw notFound(id);
  return r;
}

export async function getReport(ctx: AppContext, actor: Principal, id: string): Promise<ReportView> {
  return toReportView(ctx, await visibleReport(ctx, actor, id));
}

export async function listReports(
  ctx: AppContext,
  actor: Principal,
  q: {
    kind?: ReportKind | undefined;
    area?: string | undefined;
    from?: string | undefined;
    to?: string | undefined;
    limit: number;
    offset: number;
  },
) {
  const scope = reportReadScope(actor);
  const area = q.area ? await readableArea(ctx, actor, q.area, "querystring.area") : undefined;
  const filter = {
    prefixes: scope.isGlobal ? null : scope.view,
    areaId: area?.id,
    kind: q.kind,
    from: q.from,
    to: q.to,
  };
  const [rows, total] = await Promise.all([
    listReportRows(ctx.db, { ...filter, limit: q.limit, offset: q.offset }),
    countReports(ctx.db, filter),
  ]);
  return { total, items: rows.map(summaryOf) };
}

async function readableArea(ctx: AppContext, actor: Principal, code: string, path: string): Promise<AreaRow> {
  try {
    return await getAreaInScope(ctx.db, code, reportReadScope(actor));
  } catch (err) {
    if (err instanceof DomainError && err.code === "AREA_NOT_FOUND")
      throw new DomainError("AREA_NOT_FOUND", `no area ${code} in your scope`, {
        errors: [fieldIssue(path, "FIELD_UNKNOWN_AREA")],
      });
    throw err;
  }
}

/** A report on demand: any kind, any area the reader reads, any period that is over. */
export async function requestReport(
  ctx: AppContext,
  actor: Principal,
  meta: RequestMeta,
  input: { id: string; kind: ReportKind; area: string; day: string },
): Promise<{ report: ReportView; created: boolean }> {
  const area = await readableArea(ctx, actor, input.area, "area");
  const period = reportPeriodOf(input.kind, input.day, await workingDays(ctx));
  const today = chinaDate(ctx.now());
  const earliest = addDays(today, -MAX_REPORT_DAYS_BACK);
  if (period.from < earliest)
    throw new DomainError("VALIDATION_FAILED", `reports are written for periods from ${earliest} on`, {
      errors: [fieldIssue("day", "REPORT_FIELD_PERIOD_TOO_OLD", { earliest })],
    });
  if (!isPeriodOver(period, today))
    throw new DomainError(
      "REPORT_PERIOD_NOT_OVER",
      `the ${input.kind} period ${period.from}..${period.to} is not over`,
      {
        // A rest day has no daily report of its own: say which one takes it in, and when that is written.
        errors: [
          input.kind === "daily" && input.day !== period.to
            ? fieldIssue("day", "REPORT_FIELD_REST_DAY_NOT_OVER", { day: input.day, ...period })
            : fieldIssue("day", "REPORT_FIELD_PERIOD_NOT_OVER", { to: period.to }),
        ],
      },
    );
  // A retry of the same id answers the report it wrote; an id holding another report is a conflict.
  const byId = await findReport(ctx.db, input.id);
  if (byId) {
    if (byId.kind !== input.kind || byId.area_id !== area.id || byId.period_from !== period.from)
      throw new DomainError("REPORT_ID_CONFLICT", `report id ${input.id} already holds another report`);
    return { report: await toReportView(ctx, byId), created: false };
  }
  const { report, created } = await writeReport(ctx, {
    id: input.id,
    kind: input.kind,
    area,
    period,
    trigger: "demand",
    by: authorId(actor),
  });
  if (created)
    await recordAudit(ctx, ctx.db, {
      action: "report.generate",
      outcome: "success",
      actor: { userId: authorId(actor), username: actor.username },
      meta,
      targetType: "report",
      targetId: report.id,
      areaPath: area.path,
      details: { kind: input.kind, from: period.from, to: period.to },
    });
  return { report: await toReportView(ctx, report), created };
}

/**
 * The judgement and measures (研判意见) on a monthly report: a new version over the one the writer
 * read (else REPORT_JUDGEMENT_STALE), by who holds report.write for the report's own area. The text
 * is stored masked, the original sealed; the version is audited.
 */
export async function writeJudgement(
  ctx: AppContext,
  actor: Principal,
  meta: RequestMeta,
  reportId: string,
  input: { id: string; text: string; baseVersion: number },
): Promise<{ report: ReportView; created: boolean }> {
  const report = await visibleReport(ctx, actor, reportId);
  const earlier = await findJudgement(ctx.db, input.id);
  if (earlier) {
    if (earlier.report_id !== reportId)
      throw new DomainError("REPORT_ID_CONFLICT", `judgement id ${input.id} belongs to another report`);
    return { report: await toReportView(ctx, report), created: false };
  }
  if (!canWork(principalScope(actor, "report.write"), report.area_path))
    throw await refusal(
      ctx,
      actor,
      meta,
      { action: "report.judgement.write", type: "report", id: reportId, areaPath: report.area_path },
      "the judgement on an area's report is written by that area's officials",
    );
  if (report.kind !== "monthly")
    throw new DomainError("REPORT_JUDGEMENT_MONTHLY_ONLY", `report ${reportId} is a ${report.kind} report`);
  const text = sealFreeText(ctx, input.text);
  const created = await ctx.db.transaction().execute(async (trx) => {
    await lockReport(trx, reportId);
    const [latest] = await listJudgements(trx, reportId);
    const current = latest?.version ?? 0;
    if (current !== input.baseVersion)
      throw new DomainError(
        "REPORT_JUDGEMENT_STALE",
        `the judgement is at version ${current}, not ${input.baseVersion}`,
        {
          details: { version: current },
        },
      );
    const wrote = await insertJudgementIfNew(trx, {
      id: input.id,
      report_id: reportId,
      version: current + 1,
      text: text.redacted,
      text_sealed: text.sealed,
      written_by: authorId(actor),
      written_by_name: actor.displayName,
      written_at: ctx.now(),
    });
    if (wrote)
      await recordAudit(ctx, trx, {
        action: "report.judgement.write",
        outcome: "success",
        actor: { userId: authorId(actor), username: actor.username },
        meta,
        targetType: "report",
        targetId: reportId,
        areaPath: report.area_path,
        details: { version: current + 1, judgementId: input.id, masked: text.sealed !== null },
      });
    return wrote;
  });
  // A parallel retry of the same id lost the insert: it answers the version the first one wrote.
  if (!created && (await findJudgement(ctx.db, input.id))?.report_id !== reportId)
    throw new DomainError("REPORT_ID_CONFLICT", `judgement id ${input.id} belongs to another report`);
  return { report: await toReportView(ctx, await visibleReport(ctx, actor, reportId)), created };
}

/** Records that a report was downloaded (the file says what the area did: reading it is accounted for). */
export async function auditDownload(
  ctx: AppContext,
  actor: Principal,
  meta: RequestMeta,
  report: ReportView & { areaPath: string },
  format: "pdf" | "xlsx",
) {
  await recordAudit(ctx, ctx.db, {
    action: "report.download",
    outcome: "success",
    actor: { userId: authorId(actor), username: actor.username },
    meta,
    targetType: "report",
    targetId: report.id,
    areaPath: report.areaPath,
    details: { format, kind: report.kind, from: report.from, to: report.to },
  });
}

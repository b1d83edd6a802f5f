import {
  type AreaLevel,
  addDays,
  authorId,
  type CarryOver,
  type CarryOverReason,
  CLOSE_OUT_MAX_DAYS_BACK,
  canView,
  checkCarryOvers,
  chinaDate,
  codeOfPath,
  DomainError,
  fieldIssue,
  handlingLevelOf,
  type Principal,
  principalScope,
} from "@wangge/core";
import type { Transaction } from "kysely";
import type { AppContext, RequestMeta } from "../../context.ts";
import type { DB } from "../../db/schema.ts";
import { uuidv7 } from "../../ids.ts";
import { sealFreeText } from "../../privacy/free-text.ts";
import { getAreaInScope } from "../areas/areas.service.ts";
import { recordAudit, refusal } from "../audit/audit.service.ts";
import { addFigures } from "../figures/figure-updates.ts";
import {
  countClosedOutGrids,
  countDayEvents,
  countDayVisits,
  findCloseOut,
  findCloseOutOfDay,
  findCorrection,
  insertCloseOutIfNew,
  insertCloseOutParts,
  insertCorrectionIfNew,
  listAreaLevels,
  listCarryOvers,
  listCloseOutsOfDay,
  listCorrections,
  listGridsUnder,
  listHeldEventsAsOf,
  listOpenHeldEvents,
  recordCloseOutGrids,
} from "./close-outs.queries.ts";
import { countDue } from "./due.queries.ts";
import { defaultArea } from "./due.service.ts";
import { householdPlan } from "./visit-plans.service.ts";
import type { CloseOutRow } from "./visits.table.ts";

/**
 * The daily close-out (日尽结, core/visits/close-outs.ts): the day summarised from the records, confirmed
 * with one call; every event the grid still holds open is carried over with a reason from the list.
 * Locked once confirmed (a second confirmation of the day is refused, a retry answered); corrections
 * are records of their own. Grid heads and township officials (`report.read`) see per grid and day who
 * closed out and what was carried over.
 */
const dayStart = (day: string) => new Date(`${day}T00:00:00+08:00`);

/** The areas a worker closes out: where they record visits (their grids). */
function workPrefixes(actor: Principal): string[] {
  const scope = principalScope(actor, "visit.manage");
  return [...scope.workSubtrees, ...scope.workAreas];
}

function checkDay(ctx: AppContext, day: string, path: string) {
  const today = chinaDate(ctx.now());
  if (day > today || day < addDays(today, -CLOSE_OUT_MAX_DAYS_BACK))
    throw new DomainError("VALIDATION_FAILED", "a close-out is for today or one of the last days", {
      errors: [
        fieldIssue(path, "VISIT_FIELD_CLOSE_OUT_DAY", { from: addDays(today, -CLOSE_OUT_MAX_DAYS_BACK), to: today }),
      ],
    });
}

export async function daySummary(ctx: AppContext, actor: Principal, day: string) {
  const prefixes = workPrefixes(actor);
  const from = dayStart(day);
  const to = new Date(from.getTime() + 86_400_000);
  const levels = await listAreaLevels(ctx.db, prefixes);
  const held = levels.map((a) => ({ path: a.path, level: handlingLevelOf(a.level as AreaLevel) }));
  // An earlier day's summary is as that day ended (the events' steps), not as things stand now.
  const ended = to.getTime() <= ctx.now().getTime();
  const [events, open, visits, due] = await Promise.all([
    countDayEvents(ctx.db, prefixes, from, to),
    ended ? listHeldEventsAsOf(ctx.db, held, to) : listOpenHeldEvents(ctx.db, held),
    countDayVisits(ctx.db, authorId(actor) ?? "", from, to),
    prefixes.length === 0
      ? Promise.resolve([])
      : householdPlan(ctx).then((plan) =>
          countDue(ctx.db, {
            prefixes,
            today: chinaDate(ctx.now()),
            householdEveryDays: plan.everyDays as number,
            timeZone: "Asia/Shanghai",
          }),
        ),
  ]);
  return {
    day,
    areaCodes: prefixes.map((p) => codeOfPath(p) ?? p),
    events: {
      ...events,
      stillOpen: open.map((e) => ({
        id: e.id,
        number: e.number,
        categoryKey: e.category_key,
        title: e.title,
        state: e.state,
      })),
    },
    visits: {
      done: visits.done,
      recorded: visits.recorded,
      due: due.filter((r) => r.status !== "done").reduce((n, r) => n + Number(r.n), 0),
    },
  };
}
export type DaySummary = Awaited<ReturnType<typeof daySummary>>;

async function toCloseOutView(ctx: AppContext, row: CloseOutRow) {
  const [carryOvers, corrections] = await Promise.all([
    listCarryOvers(ctx.db, [row.id]),
    listCorrections(ctx.db, row.id),
  ]);
  return {
    id: row.id,
    day: row.day,
    confirmedAt: row.confirmed_at.toISOString(),
    confirmedBy: row.confirmed_by_name,
    areaCodes: row.area_paths.map((p) => codeOfPath(p) ?? p),
    summary: row.summary as DaySummary,
    carryOvers: carryOvers.map((c) => ({
      eventId: c.event_id,
      number: c.event_number,
      reason: c.reason as CarryOverReason,
      note: c.note,
    })),
    note: row.note,
    corrections: corrections.map((c) => ({ id: c.id, note: c.note, at: c.at.toISOString(), by: c.by_name })),
  };
}

export async function getDay(ctx: AppContext, actor: Principal, day: string | undefined) {
  const d = day ?? chinaDate(ctx.now());
  checkDay(ctx, d, "query.day");
  const existing = await findCloseOutOfDay(ctx.db, authorId(actor) ?? "", d);
  return {
    summary: existing ? (existing.summary as DaySummary) : await daySummary(ctx, actor, d),
    closeOut: existing ? await toCloseOutView(ctx, existing) : null,
  };
}

export async function confirmCloseOut(
  ctx: AppContext,
  actor: Principal,
  meta: RequestMeta,
  input: { id: string; day: string; carryOvers: CarryOver[]; note?: string | undefined },
): Promise<{ closeOut: Awaited<ReturnType<typeof toCloseOutView>>; created: boolean }> {
  const userId = authorId(actor) ?? "";
  const retried = async (row: CloseOutRow) => {
    if (row.user_id !== userId) throw new DomainError("CLOSE_OUT_NOT_FOUND", `no close-out ${row.id}`);
    if (row.day !== input.day || row.id !== input.id)
      throw new DomainError("CLOSE_OUT_LOCKED", `${row.day} is closed out; add a correction instead`);
    return { closeOut: await toCloseOutView(ctx, row), created: false };
  };
  const byId = await findCloseOut(ctx.db, input.id);
  if (byId) return retried(byId);
  const byDay = await findCloseOutOfDay(ctx.db, userId, input.day);
  if (byDay) return retried(byDay);
  checkDay(ctx, input.day, "body.day");

  const summary = await daySummary(ctx, actor, input.day);
  const { missing, issues } = checkCarryOvers(
    summary.events.stillOpen.map((e) => e.id),
    input.carryOvers,
  );
  if (missing.length > 0)
    throw new DomainError("CLOSE_OUT_CARRY_OVER_REQUIRED", "every open event needs a carry-over reason", {
      errors: issues,
      details: { missing },
    });
  if (issues.length > 0) throw new DomainError("VALIDATION_FAILED", "the close-out is not valid", { errors: issues });

  const now = ctx.now();
  const note = input.note ? sealFreeText(ctx, input.note) : null;
  const prefixes = workPrefixes(actor);
  const created = await ctx.db.transaction().execute(async (trx) => {
    const wrote = await insertCloseOutIfNew(trx, {
      id: input.id,
      user_id: userId,
      day: input.day,
      area_paths: prefixes,
      summary: JSON.stringify(summary),
      note: note?.redacted ?? null,
      note_sealed: note?.sealed ?? null,
      confirmed_at: now,
      confirmed_by_name: actor.displayName,
    });
    if (!wrote) return false;
    await insertCloseOutParts(
      trx,
      prefixes.map((p) => ({ close_out_id: input.id, day: input.day, area_path: p })),
      input.carryOvers.map((c) => {
        const text = c.note ? sealFreeText(ctx, c.note) : null;
        return {
          id: uuidv7(now.getTime()),
          close_out_id: input.id,
          event_id: c.eventId,
          event_number: summary.events.stillOpen.find((e) => e.id === c.eventId)?.number ?? "",
          reason: c.reason,
          note: text?.redacted ?? null,
          note_sealed: text?.sealed ?? null,
        };
      }),
    );
    await keepCloseOutFigures(trx, input.id, input.day, prefixes);
    await recordAudit(ctx, trx, {
      action: "close_out.confirm",
      outcome: "success",
      actor: { userId: authorId(actor), username: actor.username },
      meta,
      targetType: "close_out",
      targetId: input.id,
      areaPath: prefixes[0] ?? null,
      details: {
        day: input.day,
        areaCodes: summary.areaCodes,
        stillOpen: summary.events.stillOpen.length,
        carryOvers: input.carryOvers.map((c) => ({ eventId: c.eventId, reason: c.reason })),
      },
    });
    return true;
  });
  const row = (await findCloseOut(ctx.db, input.id)) ?? (await findCloseOutOfDay(ctx.db, userId, input.day));
  if (!row) throw new Error(`close-out ${input.id} was taken and is gone`);
  if (!created) return retried(row);
  return { closeOut: await toCloseOutView(ctx, row), created: true };
}

/**
 * What a close-out just written (its areas too, in this transaction) adds to the figures: one close-out
 * per area it names, and one grid closed out for each grid it covers that no close-out of the day had
 * covered yet (recorded in close_out_grid: what a rebuild of the figures counts that figure from). A
 * close-out is never undone or confirmed again (a second one for
 * the day is refused, a retry answered, corrections are notes), so nothing takes these back.
 */
export async function keepCloseOutFigures(
  trx: Transaction<DB>,
  closeOutId: string,
  day: string,
  areaPaths: readonly string[],
): Promise<void> {
  const grids = await recordCloseOutGrids(trx, closeOutId);
  await addFigures(trx, [
    ...areaPaths.map((p) => ({ path: p, at: day, categoryKey: "", counts: { closeOuts: 1 } })),
    ...grids.map((p) => ({ path: p, at: day, categoryKey: "", counts: { gridsClosed: 1 } })),
  ]);
}

/** The author's, or seen by a reader of reports where it was closed out; else not found. */
async function visibleCloseOut(ctx: AppContext, actor: Principal, id: string) {
  const row = await findCloseOut(ctx.db, id);
  const scope = principalScope(actor, "report.read");
  if (!row || !(row.user_id === authorId(actor) || row.area_paths.some((p) => canView(scope, p))))
    throw new DomainError("CLOSE_OUT_NOT_FOUND", `no close-out ${id}`);
  return row;
}

export async function getCloseOut(ctx: AppContext, actor: Principal, id: string) {
  return toCloseOutView(ctx, await visibleCloseOut(ctx, actor, id));
}

export async function correctCloseOut(
  ctx: AppContext,
  actor: Principal,
  meta: RequestMeta,
  id: string,
  input: { id: string; note: string },
): Promise<{ closeOut: Awaited<ReturnType<typeof toCloseOutView>>; created: boolean }> {
  const row = await visibleCloseOut(ctx, actor, id);
  if (row.user_id !== authorId(actor))
    throw await refusal(
      ctx,
      actor,
      meta,
      { action: "close_out.correct", type: "close_out", id, areaPath: row.area_paths[0] ?? "" },
      "only the worker who closed out the day corrects it",
    );
  const note = sealFreeText(ctx, input.note);
  const wrote = await ctx.db.transaction().execute(async (trx) => {
    const inserted = await insertCorrectionIfNew(trx, {
      id: input.id,
      close_out_id: id,
      note: note.redacted,
      note_sealed: note.sealed,
      at: ctx.now(),
      by_user: authorId(actor),
      by_name: actor.displayName,
    });
    if (inserted)
      await recordAudit(ctx, trx, {
        action: "close_out.correct",
        outcome: "success",
        actor: { userId: authorId(actor), username: actor.username },
        meta,
        targetType: "close_out",
        targetId: id,
        areaPath: row.area_paths[0] ?? null,
        details: { day: row.day, correctionId: input.id },
      });
    return inserted;
  });
  if (!wrote && (await findCorrection(ctx.db, input.id))?.close_out_id !== id)
    throw new DomainError("CLOSE_OUT_NOT_FOUND", `correction id ${input.id} belongs to another close-out`);
  return { closeOut: await toCloseOutView(ctx, row), created: wrote };
}

/** Per grid under an area, for a day (default yesterday): closed out or not, and what was carried over. */
export async function closeOutStatus(
  ctx: AppContext,
  actor: Principal,
  query: { areaCode?: string | undefined; day?: string | undefined; closed?: "yes" | "no" | undefined },
) {
  const scope = principalScope(actor, "report.read");
  const area = await getAreaInScope(
    ctx.db,
    query.areaCode ?? (await defaultArea(ctx, actor, "report.read")) ?? "",
    scope,
  );
  const day = query.day ?? chinaDate(ctx.now(), -1);
  const [grids, closeOuts] = await Promise.all([
    listGridsUnder(ctx.db, area.path),
    listCloseOutsOfDay(ctx.db, day, area.path),
  ]);
  // A close-out by someone posted above the area (a village's grid head) counts for the grids under it.
  const above = await listCloseOutsAbove(ctx, day, area.path);
  const all = [...closeOuts, ...above];
  const carry = await listCarryOvers(ctx.db, [...new Set(all.map((c) => c.id))]);
  const result = grids.map((g) => {
    const own = all.filter((c) => g.path.startsWith(c.area_path) || c.area_path.startsWith(g.path));
    const unique = [...new Map(own.map((c) => [c.id, c])).values()];
    return {
      areaCode: g.code,
      name: g.name,
      path: g.path,
      closedOut: unique.length > 0,
      closeOuts: unique.map((c) => ({
        id: c.id,
        confirmedAt: c.confirmed_at.toISOString(),
        confirmedBy: c.confirmed_by_name,
        stillOpen: (c.summary as DaySummary).events.stillOpen.length,
        carryOvers: carry
          .filter((x) => x.close_out_id === c.id)
          .map((x) => ({ number: x.event_number, reason: x.reason as CarryOverReason })),
      })),
    };
  });
  return {
    day,
    grids: query.closed ? result.filter((g) => g.closedOut === (query.closed === "yes")) : result,
  };
}

/**
 * How many grids of an area there are and how many were closed out on a day (default yesterday) —
 * the figure of closeOutStatus without its list, exact at any size (a province's 100,000 grids).
 */
export async function closeOutCounts(
  ctx: AppContext,
  actor: Principal,
  query: { areaCode?: string | undefined; day?: string | undefined },
): Promise<{ day: string; grids: number; closed: number }> {
  const scope = principalScope(actor, "report.read");
  const area = await getAreaInScope(
    ctx.db,
    query.areaCode ?? (await defaultArea(ctx, actor, "report.read")) ?? "",
    scope,
  );
  const day = query.day ?? chinaDate(ctx.now(), -1);
  return { day, ...(await countClosedOutGrids(ctx.db, area.path, day)) };
}

async function listCloseOutsAbove(ctx: AppContext, day: string, path: string) {
  const ancestors = path
    .split("/")
    .filter(Boolean)
    .slice(0, -1)
    .map((_, i, parts) => `/${parts.slice(0, i + 1).join("/")}/`);
  return listCloseOutsOfDay(ctx.db, day, { exact: ancestors });
}

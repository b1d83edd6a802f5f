import {
  addWorkingMinutes,
  type HandlingLevel,
  handlingLevelOf,
  isHandlingLevel,
  nearestAbove,
  nearestAtOrAbove,
  OPEN_STATES,
  type WorkingCalendar,
} from "@wangge/core";
import type { AppContext } from "../../context.ts";
import { uuidv7 } from "../../ids.ts";
import { findArea } from "../areas/areas.service.ts";
import type { AreaRow } from "../areas/areas.table.ts";
import { recordAuditBatch } from "../audit/audit.service.ts";
import { addStepFigures } from "../figures/figure-updates.ts";
import { getCategory, workingCalendar } from "./categories.service.ts";
import { changeOf, type EventChange, notifyChanges, publishChange } from "./event-changes.ts";
import {
  insertSteps,
  listClocklessEvents,
  listOverdueEvents,
  moveOverdueEvents,
  type OverdueMove,
  type OverdueRow,
  restartClocks,
} from "./events.queries.ts";
import type { EventRow } from "./events.table.ts";

/**
 * Escalation (上报) must never stop. An event goes up to the nearest area above its level — by a
 * person, or when its working-time deadline passes and the sweep here moves it, with that level's
 * deadline. Where there is no area above, the event stays overdue (its deadline kept, in the overdue
 * box) and is put under supervision (督办), once. An open event always has a running deadline: the
 * sweep gives one to an event left without (by earlier versions).
 */
type AreaOf = (code: string) => Promise<AreaRow | undefined>;

/** The areas on a path that exist and are not abolished, nearest first (the area itself included). */
async function areasUp(path: string, areaOf: AreaOf): Promise<AreaRow[]> {
  const out: AreaRow[] = [];
  for (const code of path.split("/").filter(Boolean).reverse()) {
    const area = await areaOf(code);
    if (area && !area.abolished_at) out.push(area);
  }
  return out;
}

/** The nearest area above an event's level on its area's path, and that area's level; undefined at the top. */
export async function escalationTarget(
  ctx: AppContext,
  row: Pick<EventRow, "level" | "area_path">,
  areaOf: AreaOf = (code) => findArea(ctx.db, code),
): Promise<{ level: HandlingLevel; area: AreaRow } | undefined> {
  if (!isHandlingLevel(row.level)) throw new Error(`an event at an unknown handling level (${row.level})`);
  const area = nearestAbove(await areasUp(row.area_path, areaOf), row.level);
  return area ? { level: handlingLevelOf(area.level), area } : undefined;
}

/** The nearest area on a path (the area itself included) at a handling level or above it. */
export async function areaAtOrAbove(
  ctx: AppContext,
  path: string,
  level: HandlingLevel,
  areaOf: AreaOf = (code) => findArea(ctx.db, code),
): Promise<AreaRow | undefined> {
  return nearestAtOrAbove(await areasUp(path, areaOf), level);
}

interface Plan extends OverdueMove {
  row: EventRow;
}

/** What the sweep does with one overdue event: up to the nearest area above, or flagged in place. */
async function planOverdue(
  ctx: AppContext,
  row: EventRow,
  now: Date,
  cal: WorkingCalendar,
  areaOf: AreaOf,
): Promise<Plan> {
  const category = await getCategory(ctx.db, row.category_key);
  const target = await escalationTarget(ctx, row, areaOf);
  const base = { row, id: row.id, oldLevel: row.level, oldPath: row.area_path };
  if (!target)
    return { ...base, escalate: false, level: row.level, areaId: row.area_id, areaPath: row.area_path, dueAt: null };
  const minutes = category.deadlines[target.level];
  if (minutes === undefined) throw new Error(`category ${category.key} has no deadline at ${target.level}`);
  return {
    ...base,
    escalate: true,
    level: target.level,
    areaId: target.area.id,
    areaPath: target.area.path,
    dueAt: addWorkingMinutes(now, minutes, cal),
  };
}

/**
 * Sweeps every event whose deadline has passed: up to the nearest area above with that level's
 * deadline from now, or — with no area above — flagged overdue and supervised, keeping its deadline.
 * Durable: it reads only the database, so a server that was down when deadlines passed catches up
 * on its first sweep. Exactly once: each move is a compare-and-set, so several processes sweeping
 * at once move each event once. Never stalled: it walks the overdue events in deadline order with a
 * cursor, so a row it cannot move (it is logged) does not hold back the rows after it. Returns the
 * number escalated.
 */
export async function sweepOverdue(ctx: AppContext, batchSize = 500): Promise<number> {
  const now = ctx.now();
  const cal = await workingCalendar(ctx.db, ctx.config);
  const areas = new Map<string, Promise<AreaRow | undefined>>();
  const areaOf: AreaOf = (code) => {
    let found = areas.get(code);
    if (!found) {
      found = findArea(ctx.db, code);
      areas.set(code, found);
    }
    return found;
  };
  await restartStoppedClocks(ctx, now, cal, batchSize);
  const publishLater: EventChange[] = [];
  let escalated = 0;
  let after: { dueKey: string; id: string } | undefined;
  for (;;) {
    const due: OverdueRow[] = await listOverdueEvents(ctx.db, { now, states: OPEN_STATES, after, limit: batchSize });
    const last = due.at(-1);
    if (!last) break;
    after = { dueKey: last.due_key, id: last.id };
    const plans: Plan[] = [];
    for (const { due_key: _, ...row } of due) {
      try {
        plans.push(await planOverdue(ctx, row, now, cal, areaOf));
      } catch (err) {
        ctx.log.warn({ err, eventId: row.id }, "an overdue event cannot be escalated; the sweep goes on past it");
      }
    }
    const moved = plans.length > 0 ? await applyPlans(ctx, plans, now) : [];
    publishLater.push(...moved.map((m) => m.change));
    escalated += moved.filter((m) => m.plan.escalate).length;
    if (due.length < batchSize) break;
  }
  for (const change of publishLater) publishChange(ctx, change);
  return escalated;
}

/** Moves the planned events (those still as they were read), with their steps, audit and notifications. */
async function applyPlans(ctx: AppContext, plans: Plan[], now: Date) {
  return ctx.db.transaction().execute(async (trx) => {
    const done = await moveOverdueEvents(trx, plans, { now, states: OPEN_STATES });
    const ok = plans.filter((p) => done.has(p.id));
    if (ok.length === 0) return [];
    const stepIds = ok.map(() => uuidv7(now.getTime()));
    await insertSteps(
      trx,
      ok.map((p, i) => ({
        id: stepIds[i] as string,
        event_id: p.id,
        action: p.escalate ? "escalate" : "overdue",
        from_state: p.row.state,
        to_state: p.row.state,
        level: p.level,
        area_path: p.areaPath,
        actor_user_id: null,
        actor_name: "系统 / system",
        // The system's own words: nothing to mask or seal.
        note: p.escalate
          ? `办理时限已过，自动上报 / deadline passed at ${p.row.due_at?.toISOString()}`
          : "办理时限已过，已无上级可上报，转督办 / deadline passed with no level above: kept overdue, under supervision",
        note_sealed: null,
        lng: null,
        lat: null,
        at: now,
      })),
    );
    await addStepFigures(trx, stepIds);
    await recordAuditBatch(
      ctx,
      trx,
      ok.map((p) => ({
        action: p.escalate ? "event.escalate" : "event.overdue",
        outcome: "success" as const,
        actor: { userId: null, username: "system" },
        targetType: "event",
        targetId: p.id,
        areaPath: p.areaPath,
        details: { automatic: true, from: p.row.level, to: p.level },
      })),
    );
    const moved = ok.map((plan) => ({
      plan,
      change: {
        ...changeOf(
          {
            ...plan.row,
            level: plan.level,
            area_path: plan.areaPath,
            assignee_user_id: plan.escalate ? null : plan.row.assignee_user_id,
            updated_at: now,
          },
          plan.escalate ? "escalate" : "overdue",
        ),
        title: plan.row.title,
        actorUserId: null,
      },
    }));
    await notifyChanges(
      trx,
      moved.map((m) => m.change),
      now,
    );
    return moved;
  });
}

/** Open events without a deadline get a fresh one for their level, from now (its timeline says so). */
async function restartStoppedClocks(ctx: AppContext, now: Date, cal: WorkingCalendar, batchSize: number) {
  let afterId: string | undefined;
  for (;;) {
    const rows = await listClocklessEvents(ctx.db, { states: OPEN_STATES, afterId, limit: batchSize });
    afterId = rows.at(-1)?.id;
    const planned: { row: EventRow; id: string; dueAt: Date }[] = [];
    for (const row of rows) {
      const category = await getCategory(ctx.db, row.category_key).catch(() => undefined);
      const minutes = isHandlingLevel(row.level) ? category?.deadlines[row.level] : undefined;
      if (minutes === undefined) ctx.log.warn({ eventId: row.id }, "an open event without a deadline gets none");
      else planned.push({ row, id: row.id, dueAt: addWorkingMinutes(now, minutes, cal) });
    }
    if (planned.length > 0)
      await ctx.db.transaction().execute(async (trx) => {
        const done = await restartClocks(trx, planned, { now, states: OPEN_STATES });
        const ok = planned.filter((p) => done.has(p.id));
        await insertSteps(
          trx,
          ok.map((p) => ({
            id: uuidv7(now.getTime()),
            event_id: p.id,
            action: "deadline",
            from_state: p.row.state,
            to_state: p.row.state,
            level: p.row.level,
            area_path: p.row.area_path,
            actor_user_id: null,
            actor_name: "系统 / system",
            note: `办理时限重新起算，至 ${p.dueAt.toISOString()} / the deadline runs again, until ${p.dueAt.toISOString()}`,
            note_sealed: null,
            lng: null,
            lat: null,
            at: now,
          })),
        );
      });
    if (rows.length < batchSize) break;
  }
}

/**
 * Sweeps now, then `intervalMs` after each sweep ends, in this process: never two at once, and a sweep
 * that outlasts the interval delays the next one rather than queueing ticks behind it. stop() ends
 * it, after the sweep under way (if any).
 */
export function startEscalationTimer(
  ctx: AppContext,
  options: { intervalMs?: number; sweep?: (ctx: AppContext) => Promise<number> } = {},
): { stop: () => Promise<void> } {
  const intervalMs = options.intervalMs ?? 30_000;
  const sweep = options.sweep ?? ((c: AppContext) => sweepOverdue(c));
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  const run = () => {
    timer = undefined;
    running = sweep(ctx)
      .then(
        (n) => {
          if (n > 0) ctx.log.info({ escalated: n }, "events escalated after their deadline");
        },
        (err) => ctx.log.warn({ err }, "escalation sweep failed; it runs again shortly"),
      )
      .finally(() => {
        running = undefined;
        if (!stopped) {
          timer = setTimeout(run, intervalMs);
          timer.unref();
        }
      });
  };
  run();
  return {
    stop: async () => {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}

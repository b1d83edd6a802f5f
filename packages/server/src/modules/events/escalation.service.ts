import { addWorkingMinutes, type HandlingLevel, handlingLevelOf, levelAbove, OPEN_STATES } from "@wangge/core";
import type { AppContext } from "../../context.ts";
import { uuidv7 } from "../../ids.ts";
import { findArea } from "../areas/areas.service.ts";
import type { AreaRow } from "../areas/areas.table.ts";
import { recordAuditBatch } from "../audit/audit.service.ts";
import { getCategory, workingCalendar } from "./categories.service.ts";
import { changeOf, type EventChange, notifyChanges, publishChange } from "./event-changes.ts";
import { insertSteps, listOverdueEvents, moveOverdueEvents } from "./events.queries.ts";
import type { EventRow } from "./events.table.ts";

/**
 * Escalation (上报): an event goes up a handling level at a time, by a person or when its
 * working-time deadline passes — then the sweep here moves it, with the next level's deadline.
 */
/** The level above an event's and the area of that level above its own, if there is one. */
export async function escalationTarget(
  ctx: AppContext,
  row: Pick<EventRow, "level" | "area_path">,
  areaOf: (code: string) => Promise<AreaRow | undefined> = (code) => findArea(ctx.db, code),
): Promise<{ above: HandlingLevel | undefined; target: AreaRow | undefined }> {
  const above = levelAbove(row.level as HandlingLevel);
  return { above, target: above ? await ancestorAtLevel(row.area_path, above, areaOf) : undefined };
}

/** The area at a handling level on an area's path (the area itself included), nearest first. */
export async function ancestorAtLevel(
  path: string,
  level: HandlingLevel,
  areaOf: (code: string) => Promise<AreaRow | undefined>,
): Promise<AreaRow | undefined> {
  for (const code of path.split("/").filter(Boolean).reverse()) {
    const area = await areaOf(code);
    if (area && handlingLevelOf(area.level) === level) return area;
  }
  return undefined;
}

/**
 * Escalates every event whose deadline has passed one level up, with the next level's deadline from
 * now. Durable: it reads only the database, so a server that was down when deadlines passed catches
 * up on its first sweep; exactly once: each escalation is a compare-and-set on the event's level and
 * deadline, so several processes sweeping at once escalate each event once. At the top level (or with
 * no area above) the deadline is cleared and the timeline says so.
 */
export async function sweepOverdue(ctx: AppContext, batchSize = 500): Promise<number> {
  const now = ctx.now();
  const cal = await workingCalendar(ctx.db, ctx.config);
  const areas = new Map<string, Promise<AreaRow | undefined>>();
  const areaOf = (code: string) => {
    let found = areas.get(code);
    if (!found) {
      found = findArea(ctx.db, code);
      areas.set(code, found);
    }
    return found;
  };
  const publishLater: EventChange[] = [];
  let escalated = 0;
  for (let round = 0; round < 10_000; round++) {
    const due = await listOverdueEvents(ctx.db, now, OPEN_STATES, batchSize);
    if (due.length === 0) break;
    const plans: {
      row: EventRow;
      level: HandlingLevel;
      areaId: string;
      path: string;
      due: Date | null;
      escalate: boolean;
    }[] = [];
    for (const row of due) {
      const category = await getCategory(ctx.db, row.category_key);
      const { above, target } = await escalationTarget(ctx, row, areaOf);
      plans.push({
        row,
        level: target ? (above as HandlingLevel) : (row.level as HandlingLevel),
        areaId: target?.id ?? row.area_id,
        path: target?.path ?? row.area_path,
        due: target ? addWorkingMinutes(now, category.deadlines[above as HandlingLevel], cal) : null,
        escalate: Boolean(target),
      });
    }
    const moved = await ctx.db.transaction().execute(async (trx) => {
      // One compare-and-set for the batch: a row another process moved meanwhile is left alone.
      const done = await moveOverdueEvents(
        trx,
        plans.map((p) => ({
          id: p.row.id,
          oldLevel: p.row.level,
          oldDueAt: p.row.due_at,
          level: p.level,
          areaId: p.areaId,
          areaPath: p.path,
          dueAt: p.due,
          escalate: p.escalate,
        })),
        now,
      );
      const ok = plans.filter((p) => done.has(p.row.id));
      if (ok.length === 0) return ok;
      await insertSteps(
        trx,
        ok.map((p) => ({
          id: uuidv7(now.getTime()),
          event_id: p.row.id,
          action: p.escalate ? "escalate" : "overdue",
          from_state: p.row.state,
          to_state: p.row.state,
          level: p.level,
          area_path: p.path,
          actor_user_id: null,
          actor_name: "系统 / system",
          note: p.escalate
            ? `办理时限已过，自动上报 / deadline passed at ${p.row.due_at?.toISOString()}`
            : "办理时限已过，已是最高层级 / deadline passed at the top level",
          lng: null,
          lat: null,
          at: now,
        })),
      );
      await recordAuditBatch(
        ctx,
        trx,
        ok.map((p) => ({
          action: p.escalate ? "event.escalate" : "event.overdue",
          outcome: "success" as const,
          actor: { userId: null, username: "system" },
          targetType: "event",
          targetId: p.row.id,
          areaPath: p.path,
          details: { automatic: true, from: p.row.level, to: p.level },
        })),
      );
      const changes = ok.map((p) => ({
        ...changeOf(
          {
            ...p.row,
            level: p.level,
            area_path: p.path,
            assignee_user_id: p.escalate ? null : p.row.assignee_user_id,
            updated_at: now,
          },
          p.escalate ? "escalate" : "overdue",
        ),
        title: p.row.title,
        actorUserId: null,
      }));
      await notifyChanges(trx, changes, now);
      publishLater.push(...changes);
      return ok;
    });
    escalated += moved.filter((p) => p.escalate).length;
    if (moved.length === 0) break;
  }
  for (const change of publishLater) publishChange(ctx, change);
  return escalated;
}

/** Sweeps now and then every `intervalMs`, in this process; stop() ends it. */
export function startEscalationTimer(ctx: AppContext, intervalMs = 30_000): { stop: () => Promise<void> } {
  let running: Promise<unknown> = Promise.resolve();
  const tick = () => {
    running = running
      .then(() => sweepOverdue(ctx))
      .then(
        (n) => n > 0 && ctx.log.info({ escalated: n }, "events escalated after their deadline"),
        (err) => ctx.log.warn({ err }, "escalation sweep failed; it runs again shortly"),
      );
  };
  tick();
  const timer = setInterval(tick, intervalMs);
  timer.unref();
  return {
    stop: async () => {
      clearInterval(timer);
      await running;
    },
  };
}

import {
  actionsFrom,
  authorId,
  canView,
  canWork,
  DomainError,
  type EventAction,
  type EventState,
  HANDLING_LEVELS,
  type HandlingLevel,
  MERGEABLE_INTO_STATES,
  type Principal,
  principalScope,
  REOPEN_WINDOW_DAYS,
  TRANSITIONS,
  withinReopenWindow,
} from "@wangge/core";
import type { AppContext } from "../../context.ts";
import { findArea, listLiveAreasUnder } from "../areas/areas.service.ts";
import type { AreaRow } from "../areas/areas.table.ts";
import { getCategory } from "./categories.service.ts";
import { areaAtOrAbove, escalationTarget } from "./escalation.service.ts";
import type { EventRow } from "./events.table.ts";

/**
 * Whether a person may take an action on an event now. One test, used twice: a transition is
 * refused by it (events.service's transitions), and an event's detail lists the actions it lets
 * through (`allowedActions`), so the apps offer exactly what the server will accept. It asks, in
 * order: the workflow table (the event's state), the right to act where the action is taken (the
 * permission in the work scope there — the reporter may cancel or reopen their own report), the
 * reopening window, and whether the action has somewhere to go (a level above to escalate to, an
 * area below to dispatch to).
 */
export interface ActionRefusal {
  code: "EVENT_TRANSITION_NOT_ALLOWED" | "AUTH_FORBIDDEN" | "EVENT_REOPEN_WINDOW_PASSED";
  message: string;
}

export async function actionRefusal(
  ctx: AppContext,
  actor: Principal,
  row: EventRow,
  action: EventAction,
): Promise<ActionRefusal | undefined> {
  const rule = TRANSITIONS[action];
  if (!rule.from.includes(row.state as EventState))
    return { code: "EVENT_TRANSITION_NOT_ALLOWED", message: `an event that is ${row.state} cannot be ${action}ed` };
  const reporterAction = rule.permission === "event.report" && row.reporter_user_id === authorId(actor);
  if (!reporterAction && !canWork(principalScope(actor, rule.permission), await actingPath(ctx, row, action)))
    return { code: "AUTH_FORBIDDEN", message: `you may not ${action} events of this area` };
  if (action === "reopen" && !withinReopenWindow(row.closed_at ?? row.updated_at, ctx.now()))
    return {
      code: "EVENT_REOPEN_WINDOW_PASSED",
      message: `an event may be reopened within ${REOPEN_WINDOW_DAYS} days of being settled`,
    };
  if (action === "escalate" && !(await escalationTarget(ctx, row)))
    return { code: "EVENT_TRANSITION_NOT_ALLOWED", message: "there is no level above to escalate to" };
  if (action === "dispatch" && (await dispatchTargets(ctx, actor, row)).length === 0)
    return { code: "EVENT_TRANSITION_NOT_ALLOWED", message: "there is no area below the event's to dispatch to" };
  return undefined;
}

/** The actions `actor` may take on the event now (what the apps offer as buttons). */
export async function allowedActions(ctx: AppContext, actor: Principal, row: EventRow): Promise<EventAction[]> {
  const allowed: EventAction[] = [];
  for (const action of actionsFrom(row.state as EventState))
    if (!(await actionRefusal(ctx, actor, row, action))) allowed.push(action);
  return allowed;
}

/**
 * Where an action is taken, for the right to take it. Closing (结案) belongs to the category's close
 * level: a land dispute settled in the grid is closed by the township, not by the grid — by the
 * nearest area at that level or above (a grid directly under a township has its village-level
 * matters closed by the township), or by the top of the tree when there is none. Every other action
 * is taken where the event is.
 */
export async function actingPath(ctx: AppContext, row: EventRow, action: EventAction): Promise<string> {
  if (action !== "close") return row.area_path;
  const category = await getCategory(ctx.db, row.category_key);
  if (HANDLING_LEVELS.indexOf(row.level as HandlingLevel) >= HANDLING_LEVELS.indexOf(category.closeLevel))
    return row.area_path;
  const area = (await areaAtOrAbove(ctx, row.area_path, category.closeLevel)) ?? (await topOf(ctx, row.area_path));
  return area?.path ?? row.area_path;
}

/** The highest area of a path that exists (the root of the deployment's tree above it). */
async function topOf(ctx: AppContext, path: string): Promise<AreaRow | undefined> {
  for (const code of path.split("/").filter(Boolean)) {
    const area = await findArea(ctx.db, code);
    if (area && !area.abolished_at) return area;
  }
  return undefined;
}

/** How many areas a dispatch list holds at most (a county's villages and grids). */
const DISPATCH_TARGETS_MAX = 2000;

/**
 * The areas an event may be dispatched down to: the live areas below its own (villages, grids,
 * microgrids), in tree order, that the actor sees with the right to handle events.
 */
export async function dispatchTargets(ctx: AppContext, actor: Principal, row: EventRow): Promise<AreaRow[]> {
  const scope = principalScope(actor, "event.handle");
  const below = await listLiveAreasUnder(ctx.db, row.area_path, DISPATCH_TARGETS_MAX + 1);
  return below.filter((a) => a.path !== row.area_path && canView(scope, a.path));
}

/**
 * Why the event may not be merged into `into` (an event the actor can see), or undefined: both open
 * and different, `into` not merged itself, and the actor may handle events where `into` is.
 */
export function mergeRefusal(actor: Principal, row: EventRow, into: EventRow): DomainError | undefined {
  if (into.id === row.id || into.merged_into || !MERGEABLE_INTO_STATES.includes(into.state as EventState))
    return new DomainError("EVENT_MERGE_NOT_ALLOWED", `${row.number} cannot be merged into ${into.number}`);
  if (!canWork(principalScope(actor, "event.handle"), into.area_path))
    return new DomainError("AUTH_FORBIDDEN", "you may not handle the event to merge into");
  return undefined;
}

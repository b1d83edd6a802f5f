import type { Permission } from "../auth/permissions.ts";

/**
 * The life of an event (上报 → 受理 → 派遣 → 处置 → 办结 → 核查 → 结案) as a table: which action leads
 * from which state to which, and the permission it needs. Every transition the product makes is
 * looked up here; anything not in the table is refused with EVENT_TRANSITION_NOT_ALLOWED and
 * changes nothing. Escalation, dispatch and supervision change the level or a flag, not the state.
 */
export const EVENT_STATES = [
  "reported",
  "accepted",
  "assigned",
  "in_progress",
  "resolved",
  "verified",
  "closed",
  "returned",
  "suspended",
  "cancelled",
  "merged",
] as const;
export type EventState = (typeof EVENT_STATES)[number];

export const EVENT_ACTIONS = [
  "accept",
  "assign",
  "start",
  "resolve",
  "verify",
  "close",
  "return",
  "suspend",
  "resume",
  "reopen",
  "cancel",
  "escalate",
  "dispatch",
  "co_handle",
  "merge",
  "supervise",
] as const;
export type EventAction = (typeof EVENT_ACTIONS)[number];

export interface TransitionRule {
  from: readonly EventState[];
  /** The state after the action; "same" keeps it (escalate, dispatch, supervise). */
  to: EventState | "same" | "previous";
  permission: Permission;
  /** The action needs a note (a reason for returning, suspending, escalating…). */
  needsNote: boolean;
}

/** States whose deadline clock runs: the event is being worked on at its level. */
export const OPEN_STATES: readonly EventState[] = ["reported", "accepted", "assigned", "in_progress", "returned"];
const OPEN = OPEN_STATES;

/** Open or suspended: an event another one can still be merged into. */
export const MERGEABLE_INTO_STATES: readonly EventState[] = [...OPEN_STATES, "suspended"];

export const TRANSITIONS: Record<EventAction, TransitionRule> = {
  accept: { from: ["reported", "returned"], to: "accepted", permission: "event.handle", needsNote: false },
  assign: { from: ["accepted", "assigned", "returned"], to: "assigned", permission: "event.handle", needsNote: false },
  start: { from: ["accepted", "assigned"], to: "in_progress", permission: "event.handle", needsNote: false },
  resolve: {
    from: ["accepted", "assigned", "in_progress"],
    to: "resolved",
    permission: "event.handle",
    needsNote: true,
  },
  verify: { from: ["resolved"], to: "verified", permission: "event.handle", needsNote: false },
  close: { from: ["verified"], to: "closed", permission: "event.handle", needsNote: false },
  return: {
    from: ["reported", "accepted", "assigned", "in_progress", "resolved"],
    to: "returned",
    permission: "event.handle",
    needsNote: true,
  },
  suspend: {
    from: ["accepted", "assigned", "in_progress"],
    to: "suspended",
    permission: "event.handle",
    needsNote: true,
  },
  resume: { from: ["suspended"], to: "previous", permission: "event.handle", needsNote: false },
  reopen: { from: ["resolved", "verified", "closed"], to: "reported", permission: "event.report", needsNote: true },
  cancel: { from: ["reported", "returned"], to: "cancelled", permission: "event.report", needsNote: true },
  escalate: { from: OPEN, to: "same", permission: "event.handle", needsNote: true },
  dispatch: { from: OPEN, to: "same", permission: "event.handle", needsNote: true },
  co_handle: { from: [...OPEN, "suspended"], to: "same", permission: "event.handle", needsNote: true },
  /** Into another open event about the same matter (its reporters follow that one from then on). */
  merge: { from: OPEN, to: "merged", permission: "event.handle", needsNote: true },
  supervise: { from: [...OPEN, "suspended"], to: "same", permission: "event.supervise", needsNote: true },
};

export type TransitionRefusal = "EVENT_TRANSITION_NOT_ALLOWED" | "EVENT_NOTE_REQUIRED";

/** The state an action leads to, or why it may not be taken. */
export function nextState(
  state: EventState,
  action: EventAction,
  options: { note?: string | undefined; stateBeforeSuspension?: EventState | null | undefined } = {},
): { ok: true; to: EventState } | { ok: false; code: TransitionRefusal } {
  const rule = TRANSITIONS[action];
  if (!rule.from.includes(state)) return { ok: false, code: "EVENT_TRANSITION_NOT_ALLOWED" };
  if (rule.needsNote && !options.note?.trim()) return { ok: false, code: "EVENT_NOTE_REQUIRED" };
  if (rule.to === "same") return { ok: true, to: state };
  if (rule.to === "previous") return { ok: true, to: options.stateBeforeSuspension ?? "accepted" };
  return { ok: true, to: rule.to };
}

/** Actions open to an event in a state (for buttons; the permission is checked separately). */
export function actionsFrom(state: EventState): EventAction[] {
  return EVENT_ACTIONS.filter((a) => TRANSITIONS[a].from.includes(state));
}

/** States whose deadline clock runs (suspended and finished events do not escalate). */
export function clockRuns(state: EventState): boolean {
  return OPEN.includes(state);
}

/** How long after an event was settled its reporter may still reopen it (calendar days). */
export const REOPEN_WINDOW_DAYS = 15;

/** Whether the reporter may still reopen an event settled at `settledAt`. */
export function withinReopenWindow(settledAt: Date, now: Date): boolean {
  return now.getTime() - settledAt.getTime() <= REOPEN_WINDOW_DAYS * 86_400_000;
}

/** Settled (办结) states: the reporter is asked whether they are satisfied. */
export const SETTLED_STATES: readonly EventState[] = ["resolved", "verified", "closed"];

/** The states' names as residents read them (Open311 status notes, notifications, documents). */
export const EVENT_STATE_NAMES: Record<EventState, { "zh-CN": string; en: string }> = {
  reported: { "zh-CN": "已上报", en: "reported" },
  accepted: { "zh-CN": "已受理", en: "accepted" },
  assigned: { "zh-CN": "已派遣", en: "assigned" },
  in_progress: { "zh-CN": "处置中", en: "in progress" },
  resolved: { "zh-CN": "已办结", en: "resolved" },
  verified: { "zh-CN": "已核查", en: "verified" },
  closed: { "zh-CN": "已结案", en: "closed" },
  returned: { "zh-CN": "已退回", en: "returned" },
  suspended: { "zh-CN": "已挂起", en: "suspended" },
  cancelled: { "zh-CN": "已撤销", en: "cancelled" },
  merged: { "zh-CN": "已合并", en: "merged" },
};

/**
 * Whether an event of a category may be shown to the public (Open311 request lists, the resident
 * map): disputes and public-order reports are about people and stay private; the public sees
 * only their status when asking by number.
 */
export function isPublicCategory(categoryKey: string): boolean {
  return !categoryKey.startsWith("dispute.") && categoryKey !== "hazard.public_order";
}

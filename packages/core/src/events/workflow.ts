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

const OPEN: readonly EventState[] = ["reported", "accepted", "assigned", "in_progress", "returned"];

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

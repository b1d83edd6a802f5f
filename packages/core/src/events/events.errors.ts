/** Error codes of events, categories and the working calendar. */
export const EVENT_ERRORS = {
  EVENT_CATEGORY_NOT_FOUND: "an event category key does not exist",
  EVENT_NOT_FOUND: "an event does not exist or lies outside the caller's scope (and was not reported by them)",
  EVENT_ID_CONFLICT: "a report is retried with an id that already holds a different event",
  EVENT_TRANSITION_NOT_ALLOWED:
    "the workflow table does not allow this action in the event's state (or it changed meanwhile)",
  EVENT_NOTE_REQUIRED: "the action needs a note (a reason to return, suspend, escalate…)",
} as const;
export type EventErrorCode = keyof typeof EVENT_ERRORS;
export const EVENT_ERROR_CODES = Object.keys(EVENT_ERRORS) as EventErrorCode[];

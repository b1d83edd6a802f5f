/** Error codes of events, categories and the working calendar. */
export const EVENT_ERRORS = {
  EVENT_CATEGORY_NOT_FOUND: "an event category key does not exist",
  EVENT_NOT_FOUND: "an event does not exist or lies outside the caller's scope (and was not reported by them)",
  EVENT_ID_CONFLICT: "a report is retried with an id that already holds a different event",
  EVENT_TRANSITION_NOT_ALLOWED:
    "the workflow table does not allow this action in the event's state (or it changed meanwhile)",
  EVENT_NOTE_REQUIRED: "the action needs a note (a reason to return, suspend, escalate…)",
  EVENT_ATTACHMENT_REJECTED: "a file is not an accepted type (JPEG, PNG, WebP, PDF) or is too large",
  EVENT_REOPEN_WINDOW_PASSED: "the reporter may reopen an event only within the window after it was settled",
  EVENT_MERGE_NOT_ALLOWED: "events can be merged only when both are open, different and not merged already",
  EVENT_NOT_A_DISPUTE: "mediation records belong to events in a dispute category",
  EVENT_FEEDBACK_NOT_ALLOWED: "only the reporter gives feedback, once the event is settled",
  MEDIATION_AGREEMENT_NOT_FOUND: "the dispute has no mediation agreement yet",
  DEVICE_NOT_FOUND: "no active intake device with that id",
  DEVICE_SIGNATURE_INVALID: "the webhook's HMAC signature or timestamp is missing, wrong or too old",
  DEVICE_REQUEST_REPLAYED: "the webhook's nonce was used before",
  OPEN311_KEY_NAME_TAKEN: "an Open311 key with that name exists",
} as const;
export type EventErrorCode = keyof typeof EVENT_ERRORS;
export const EVENT_ERROR_CODES = Object.keys(EVENT_ERRORS) as EventErrorCode[];

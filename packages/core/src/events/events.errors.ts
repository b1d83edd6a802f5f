/** Error codes of events, categories and the working calendar. */
export const EVENT_ERRORS = {
  EVENT_CATEGORY_NOT_FOUND: "an event category key does not exist",
} as const;
export type EventErrorCode = keyof typeof EVENT_ERRORS;
export const EVENT_ERROR_CODES = Object.keys(EVENT_ERRORS) as EventErrorCode[];

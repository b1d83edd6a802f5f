/** Error codes of door-knocking visits, visit plans and daily close-outs. */
export const VISIT_ERRORS = {
  VISIT_NOT_FOUND: "a visit does not exist or lies outside the caller's scope",
  VISIT_ID_CONFLICT: "a visit is retried with an id that already holds a different visit (another household or author)",
  VISIT_PLAN_NOT_FOUND: "a visit plan key names neither the household plan nor a care or service tag",
  VISIT_NEED_NOT_FOUND: "a visit has no need with that id",
  VISIT_NEED_ALREADY_HANDED: "a need found on a visit was already made an event or a service request",
  VISIT_NO_LEAD_HOUSEHOLD: "a need is handed to the lead household of a household that has none",
  VISIT_PHOTO_REJECTED:
    "a visit photo is not a JPEG, PNG or WebP image, is empty or too large, or differs from the one stored",
  CLOSE_OUT_NOT_FOUND: "a close-out does not exist or is not the caller's to see",
  CLOSE_OUT_LOCKED: "the day is already closed out; corrections are added as new records",
  CLOSE_OUT_CARRY_OVER_REQUIRED: "a close-out is confirmed while an open event has no carry-over reason",
} as const;
export type VisitErrorCode = keyof typeof VISIT_ERRORS;
export const VISIT_ERROR_CODES = Object.keys(VISIT_ERRORS) as VisitErrorCode[];

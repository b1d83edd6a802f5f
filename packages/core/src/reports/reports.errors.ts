/** Error codes of the command centre's reports (日报、周分析、月研判). */
export const REPORT_ERRORS = {
  REPORT_NOT_FOUND: "a report does not exist or covers an area outside the caller's scope",
  REPORT_PERIOD_NOT_OVER: "a report is asked for a period that has not ended yet",
  REPORT_ID_CONFLICT: "a report or a judgement is created with an id that already holds another record",
  REPORT_JUDGEMENT_MONTHLY_ONLY: "a judgement (研判意见) is written on a daily or weekly report",
  REPORT_JUDGEMENT_STALE: "a judgement is saved over a version someone else wrote since it was read",
} as const;
export type ReportErrorCode = keyof typeof REPORT_ERRORS;
export const REPORT_ERROR_CODES = Object.keys(REPORT_ERRORS) as ReportErrorCode[];

import {
  AUTH_ERROR_CODES,
  DISCLOSURE_ERROR_CODES,
  EVENT_ERROR_CODES,
  NOTICE_ERROR_CODES,
  PLATFORM_ERROR_CODES,
  PROJECT_ERROR_CODES,
  REGISTRY_ERROR_CODES,
  REPORT_ERROR_CODES,
  RESIDENT_ERROR_CODES,
  RISK_ERROR_CODES,
  SCREEN_ERROR_CODES,
  SUBSIDY_ERROR_CODES,
  VISIT_ERROR_CODES,
} from "@wangge/core";

/** Codes the web app itself produces, beyond the server's catalogue. */
export const WEB_ERROR_CODES = ["AUTH_UNAVAILABLE"] as const;

export const ALL_ERROR_CODES: readonly string[] = [
  ...PLATFORM_ERROR_CODES,
  ...AUTH_ERROR_CODES,
  ...REGISTRY_ERROR_CODES,
  ...EVENT_ERROR_CODES,
  ...VISIT_ERROR_CODES,
  ...RESIDENT_ERROR_CODES,
  ...SUBSIDY_ERROR_CODES,
  ...NOTICE_ERROR_CODES,
  ...RISK_ERROR_CODES,
  ...DISCLOSURE_ERROR_CODES,
  ...REPORT_ERROR_CODES,
  ...PROJECT_ERROR_CODES,
  ...SCREEN_ERROR_CODES,
  ...WEB_ERROR_CODES,
];
const KNOWN = new Set<string>(ALL_ERROR_CODES);

/** The i18n key for an error code; an unknown code falls back to the generic server error text. */
export function errorMessageKey(code: string): string {
  return KNOWN.has(code) ? `errors.${code}` : "errors.INTERNAL_ERROR";
}

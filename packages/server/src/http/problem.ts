import { STATUS_CODES } from "node:http";
import type { FieldIssue, Problem } from "@wangge/core";
import { ProblemSchema } from "@wangge/core";

/** Status for each error code the API can answer with. Modules add theirs here. */
const STATUS_BY_CODE: Record<string, number> = {
  VALIDATION_FAILED: 400,
  REQUEST_MALFORMED_JSON: 400,
  REQUEST_EMPTY_JSON_BODY: 400,
  REQUEST_INVALID: 400,
  REQUEST_UNSUPPORTED_MEDIA_TYPE: 415,
  REQUEST_BODY_TOO_LARGE: 413,
  REQUEST_METHOD_NOT_ALLOWED: 405,
  ROUTE_NOT_FOUND: 404,
  RESOURCE_NOT_FOUND: 404,
  RATE_LIMITED: 429,
  INTERNAL_ERROR: 500,
  SERVICE_SHUTTING_DOWN: 503,
  DB_UNAVAILABLE: 503,
  CLIENT_ERROR_ID_CONFLICT: 409,
  AUTH_REQUIRED: 401,
  AUTH_INVALID_CREDENTIALS: 401,
  AUTH_ACCOUNT_LOCKED: 423,
  AUTH_ACCOUNT_DISABLED: 403,
  AUTH_TOTP_REQUIRED: 401,
  AUTH_TOTP_INVALID: 401,
  AUTH_TOTP_SETUP_REQUIRED: 403,
  AUTH_PASSWORD_CHANGE_REQUIRED: 403,
  AUTH_TOTP_ALREADY_ENABLED: 409,
  AUTH_CSRF_FAILED: 403,
  AUTH_FORBIDDEN: 403,
  AUTH_TOKEN_INVALID: 401,
  AUTH_OTP_INVALID: 401,
  AUTH_OTP_TOO_MANY: 429,
  AUTH_PASSWORD_WRONG: 400,
  USER_USERNAME_TAKEN: 409,
  USER_ID_CONFLICT: 409,
  USER_SELF_DISABLE: 422,
  ROLE_AUDITOR_ONLY_PERMISSION: 422,
  ROLE_NOT_FOUND: 404,
  ASSIGNMENT_SELF_GRANT_FORBIDDEN: 403,
  USER_MANAGE_FORBIDDEN: 403,
  ROLE_AUDIT_SEPARATION: 403,
  AREA_NOT_FOUND: 404,
  AREA_BOUNDARY_INVALID: 422,
  AREA_RESHAPE_INVALID: 422,
  AREA_HAS_CHILDREN: 409,
  AREA_CHANGE_CONFLICT: 409,
  AUDIT_CHAIN_BROKEN: 500,
  KEYS_FROM_ENVIRONMENT: 409,
  EVENT_CATEGORY_NOT_FOUND: 404,
  EVENT_NOT_FOUND: 404,
  EVENT_ID_CONFLICT: 409,
  EVENT_TRANSITION_NOT_ALLOWED: 409,
  EVENT_NOTE_REQUIRED: 422,
  EVENT_ATTACHMENT_REJECTED: 422,
  EVENT_REOPEN_WINDOW_PASSED: 409,
  EVENT_MERGE_NOT_ALLOWED: 409,
  EVENT_NOT_A_DISPUTE: 409,
  EVENT_FEEDBACK_NOT_ALLOWED: 409,
  MEDIATION_AGREEMENT_NOT_FOUND: 404,
  DEVICE_NOT_FOUND: 404,
  DEVICE_SIGNATURE_INVALID: 401,
  DEVICE_REQUEST_REPLAYED: 409,
  OPEN311_KEY_NAME_TAKEN: 409,
  PERSON_NOT_FOUND: 404,
  HOUSEHOLD_NOT_FOUND: 404,
  PLACE_NOT_FOUND: 404,
  ORGANISATION_NOT_FOUND: 404,
  PERSON_ID_NUMBER_TAKEN: 409,
  REGISTRY_ID_CONFLICT: 409,
  TAG_NOT_FOUND: 422,
  LEAD_HOUSEHOLD_INVALID: 422,
  IMPORT_NOT_FOUND: 404,
  IMPORT_FILE_INVALID: 422,
  IMPORT_REPORT_EXPIRED: 410,
  PERSON_NUMBER_SEARCH_LIMITED: 429,
  REGISTRY_CURSOR_INVALID: 400,
};

export function statusForCode(code: string): number {
  return STATUS_BY_CODE[code] ?? 422;
}

export function buildProblem(
  code: string,
  detail: string,
  options: { status?: number; errors?: FieldIssue[]; instance?: string; requestId?: string } = {},
): Problem {
  const status = options.status ?? statusForCode(code);
  return {
    type: `urn:wangge:problem:${code}`,
    title: STATUS_CODES[status] ?? "Error",
    status,
    code,
    detail,
    ...(options.instance ? { instance: options.instance } : {}),
    ...(options.requestId ? { requestId: options.requestId } : {}),
    ...(options.errors ? { errors: options.errors } : {}),
  };
}

/** The problem responses every route may give, for the OpenAPI document. */
export const problemResponses = {
  400: ProblemSchema.describe("Invalid request: `errors` lists every failing field"),
  404: ProblemSchema.describe("Not found, or outside your data scope"),
  500: ProblemSchema.describe("Unexpected error; quote the requestId"),
} as const;

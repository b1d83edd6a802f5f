/**
 * Error codes of the platform itself (HTTP edge, database, process). Every code is also an i18n key
 * under `errors.` in the web app; a web test fails when one is missing.
 */
export const PLATFORM_ERRORS = {
  KEYS_FROM_ENVIRONMENT: "a key rotation is asked of a deployment whose data key is set in the environment",
  VALIDATION_FAILED:
    "a request's params, query or body do not match the route's schema; `errors` lists every failing field",
  REQUEST_MALFORMED_JSON: "a request body that claims to be JSON cannot be parsed",
  REQUEST_EMPTY_JSON_BODY: "a request says it carries JSON but its body is empty",
  REQUEST_UNSUPPORTED_MEDIA_TYPE: "a request body has a content type the route does not accept",
  REQUEST_BODY_TOO_LARGE: "a request body is larger than the configured limit",
  REQUEST_INVALID: "a request is malformed in a way no more specific code describes (e.g. a bad Content-Length)",
  REQUEST_PATH_NOT_CANONICAL:
    "a request path is not in its one plain spelling (percent-encoded letters, digits, -._~ or slashes, //, dot segments) or holds an escape that does not decode",
  REQUEST_URI_TOO_LONG: "a request's URL (or one segment of its path) is longer than the server accepts",
  REQUEST_HEADERS_TOO_LARGE: "a request's headers together are larger than the server accepts",
  REQUEST_TIMEOUT: "a request was not received completely in time",
  REQUEST_METHOD_NOT_ALLOWED: "a method is used that the server does not support at all",
  ROUTE_NOT_FOUND: "no route matches the method and path",
  RESOURCE_NOT_FOUND: "the record does not exist, or lies outside the caller's data scope",
  RATE_LIMITED: "the caller sent too many requests",
  INTERNAL_ERROR: "an unexpected failure; the response carries the request id and the log has the stack",
  SERVICE_SHUTTING_DOWN: "the server is stopping and no longer accepts new work",
  DB_NEWER_THAN_CODE:
    "the database holds migrations this version of Wangge does not know (it was upgraded by a newer version)",
  DB_MIGRATION_FAILED: "a migration could not be applied; nothing of it was kept",
  DATA_DIR_LOCKED: "another Wangge process already has the embedded database's data directory open",
  CONFIG_INVALID: "an environment variable has a value Wangge cannot use",
  DB_UNAVAILABLE: "the database does not answer",
  NETWORK_UNREACHABLE: "the web app could not reach the server at all",
} as const;

export type PlatformErrorCode = keyof typeof PLATFORM_ERRORS;
export const PLATFORM_ERROR_CODES = Object.keys(PLATFORM_ERRORS) as PlatformErrorCode[];

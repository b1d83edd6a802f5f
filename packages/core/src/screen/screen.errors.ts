/** Error codes of the big screen and its read-only links. */
export const SCREEN_ERRORS = {
  SCREEN_LINK_NOT_FOUND: "a screen link does not exist or is bound to an area outside the caller's screen.manage scope",
  SCREEN_LINK_ID_CONFLICT: "a screen link is retried with an id that already holds a link of another name or area",
  SCREEN_LINK_INVALID:
    "a wall presents a screen link that is unknown, revoked or expired, or whose area no longer exists",
} as const;
export type ScreenErrorCode = keyof typeof SCREEN_ERRORS;
export const SCREEN_ERROR_CODES = Object.keys(SCREEN_ERRORS) as ScreenErrorCode[];

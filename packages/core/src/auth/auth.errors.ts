/** Error codes of accounts, sign-in, roles, assignments and the audit trail. */
export const AUTH_ERRORS = {
  AUTH_REQUIRED: "a route needs a signed-in user or an API token and the request has neither (or it expired)",
  AUTH_INVALID_CREDENTIALS:
    "a username/password pair is wrong — the same answer, after the same time, whether or not the user exists",
  AUTH_ACCOUNT_LOCKED: "sign-in is refused because of too many recent failures (or an admin locked the account)",
  AUTH_ACCOUNT_DISABLED: "the account was disabled by an admin (only said after a correct password)",
  AUTH_TOTP_REQUIRED: "the password was right and a second factor is now needed",
  AUTH_TOTP_INVALID: "a TOTP code is wrong or expired",
  AUTH_TOTP_SETUP_REQUIRED: "the user's role requires a second factor and the user has not set one up",
  AUTH_PASSWORD_CHANGE_REQUIRED:
    "the user signed in with a temporary password and must set their own before anything else",
  AUTH_TOTP_ALREADY_ENABLED: "TOTP setup is requested for a user who already has it",
  AUTH_CSRF_FAILED: "a cookie-authenticated write lacks the x-csrf-token header or carries a wrong one",
  AUTH_FORBIDDEN: "the user lacks the permission the route needs",
  AUTH_TOKEN_INVALID: "a bearer token is unknown, revoked or expired",
  AUTH_OTP_INVALID: "a one-time code sent by SMS is wrong, used or expired",
  AUTH_OTP_STAFF_ACCOUNT:
    "a right one-time code is sent for a mobile number that is a staff account's (staff sign in with a password; said only after the right code)",
  AUTH_OTP_TOO_MANY: "too many one-time codes were requested for one phone number",
  AUTH_PASSWORD_WRONG: "the current password given to change a password is wrong",
  AUTH_TOTP_TOO_MANY: "the fifth wrong TOTP code ended a pending sign-in; the password must be given again",
  AUTH_SESSION_REQUIRED:
    "an API token is used for what needs a signed-in session (creating tokens, changing the password or TOTP)",
  AUTH_SMS_UNAVAILABLE: "a sign-in code is asked for on a server with no SMS sender chosen (WANGGE_SMS_SENDER)",
  USER_USERNAME_TAKEN: "a new account asks for a username that exists",
  USER_PHONE_TAKEN:
    "an account is given a mobile number another account the caller may see already has (the issue names it)",
  USER_PHONE_REFUSED:
    "an account is given a mobile number an account the caller cannot see already has: refused without saying whose",
  USER_ID_CONFLICT: "a create is retried with an id that already holds a different record",
  USER_SELF_DISABLE: "an admin tries to disable or lock their own account",
  USER_SELF_PASSWORD_RESET:
    "a user manager tries to reset their own password through user management, which asks for no current password (they change it with the current one instead)",
  ROLE_AUDITOR_ONLY_PERMISSION: "a role editor tries to give audit permissions to a role other than auditor",
  ROLE_AUDIT_PERMISSIONS_LIMITED:
    "the auditor role is given a permission beyond reading and exporting the audit trail and reading accounts and areas (person.reveal, person.read, …: 三员分立)",
  ROLE_NOT_FOUND: "a role key does not exist",
  ASSIGNMENT_SELF_GRANT_FORBIDDEN: "a user tries to give themselves the admin or auditor role",
  USER_MANAGE_FORBIDDEN:
    "an area manager tries to change an account they can see but that holds a post outside their area, a deployment-wide post, or an administrative post with powers they lack there",
  ROLE_AUDIT_SEPARATION:
    "anyone but an auditor or the server's CLI tries to grant the auditor role (or create an auditor), change the audit role's permissions, or manage an auditor's account (三员分立)",
  AREA_NOT_FOUND: "an area code does not exist or lies outside the caller's scope",
  AREA_BOUNDARY_INVALID:
    "a boundary is not a valid polygon in China, or lies mostly outside its parent; `errors` says where",
  AREA_RESHAPE_INVALID:
    "a split or merge breaks a rule (parts outside the grid, overlapping, leaving a gap; grids that do not touch); `errors` says where",
  AREA_HAS_CHILDREN: "a grid with micro-grids cannot be split or merged until its micro-grids are",
  AREA_CHANGE_CONFLICT: "a split or merge is retried with an id that already recorded a different change",
  AUDIT_CHAIN_BROKEN: "audit verification found an edited, removed or reordered row",
} as const;

export type AuthErrorCode = keyof typeof AUTH_ERRORS;
export const AUTH_ERROR_CODES = Object.keys(AUTH_ERRORS) as AuthErrorCode[];

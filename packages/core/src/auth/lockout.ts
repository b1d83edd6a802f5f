/**
 * Brute-force protection (MLPS 2.0 level 3: "login failure handling"): after MAX_FAILURES failed
 * sign-in steps within the window — wrong passwords and wrong second-factor (TOTP) codes alike — the
 * account is locked for LOCK_MINUTES, and while locked even the right password or code is refused.
 * Each attempt is numbered within its window before its password or code is checked (the server does
 * it atomically in the database), so parallel attempts cannot all slip in before the lock: only the
 * first MAX_FAILURES of a window are checked at all, and the failure of the last of them starts the
 * lock. A right password that still needs its second factor is not a failure, but it clears nothing:
 * only a completed sign-in does, or anyone holding the password could try codes for ever.
 */
export const LOCKOUT_MAX_FAILURES = 5;
export const LOCKOUT_WINDOW_MINUTES = 15;
export const LOCKOUT_LOCK_MINUTES = 15;

export function isLocked(lockedUntil: Date | null, now: Date): boolean {
  return lockedUntil !== null && lockedUntil.getTime() > now.getTime();
}

/** Attempts counted before this instant belong to a window that has ended. */
export function lockoutWindowStart(now: Date): Date {
  return new Date(now.getTime() - LOCKOUT_WINDOW_MINUTES * 60_000);
}

/** When a lock that starts now ends. */
export function lockUntilFrom(now: Date): Date {
  return new Date(now.getTime() + LOCKOUT_LOCK_MINUTES * 60_000);
}

/** Whether attempt number `attempt` of its window may check its password (or TOTP code) at all. */
export function mayCheckPassword(attempt: number, lockedUntil: Date | null, now: Date): boolean {
  return !isLocked(lockedUntil, now) && attempt <= LOCKOUT_MAX_FAILURES;
}

/** The lock that the failure of attempt number `attempt` starts, if it was the last one allowed. */
export function lockUntilAfterFailedAttempt(attempt: number, now: Date): Date | null {
  return attempt >= LOCKOUT_MAX_FAILURES ? lockUntilFrom(now) : null;
}

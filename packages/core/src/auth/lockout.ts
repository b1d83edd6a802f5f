/**
 * Brute-force protection (MLPS 2.0 level 3: "login failure handling"): after MAX_FAILURES wrong
 * passwords within the window the account is locked for LOCK_MINUTES, and while locked even the right
 * password is refused. The lock is counted from the failure that reached the limit.
 */
export const LOCKOUT_MAX_FAILURES = 5;
export const LOCKOUT_WINDOW_MINUTES = 15;
export const LOCKOUT_LOCK_MINUTES = 15;

export function isLocked(lockedUntil: Date | null, now: Date): boolean {
  return lockedUntil !== null && lockedUntil.getTime() > now.getTime();
}

/** Given the failure times within the window (this one included), when the account stays locked until. */
export function lockUntilAfterFailure(recentFailures: readonly Date[], now: Date): Date | null {
  const windowStart = now.getTime() - LOCKOUT_WINDOW_MINUTES * 60_000;
  const count = recentFailures.filter((t) => t.getTime() > windowStart).length;
  return count >= LOCKOUT_MAX_FAILURES ? new Date(now.getTime() + LOCKOUT_LOCK_MINUTES * 60_000) : null;
}

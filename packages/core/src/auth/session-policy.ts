/**
 * Sessions end after IDLE minutes without a request or ABSOLUTE hours after sign-in, whichever
 * comes first (MLPS 2.0 level 3: session timeout). Both are configurable per deployment.
 */
export const DEFAULT_SESSION_IDLE_MINUTES = 30;
export const DEFAULT_SESSION_ABSOLUTE_HOURS = 12;

export interface SessionTimes {
  createdAt: Date;
  lastSeenAt: Date;
}

export function sessionExpiry(s: SessionTimes, policy: { idleMinutes: number; absoluteHours: number }): Date {
  const idle = s.lastSeenAt.getTime() + policy.idleMinutes * 60_000;
  const absolute = s.createdAt.getTime() + policy.absoluteHours * 3_600_000;
  return new Date(Math.min(idle, absolute));
}

export function isSessionAlive(
  s: SessionTimes,
  policy: { idleMinutes: number; absoluteHours: number },
  now: Date,
): boolean {
  return sessionExpiry(s, policy).getTime() > now.getTime();
}

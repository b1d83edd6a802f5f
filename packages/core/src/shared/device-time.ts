/**
 * A time taken from a phone's or device's clock (a visit, a report queued offline and sent days
 * later), within sane bounds: not ahead of the server by more than the clock skew allowed, nor older
 * than the oldest an offline queue may hold. Visits and events keep the same bounds.
 */
export const DEVICE_TIME_MAX_AHEAD_MINUTES = 10;
export const DEVICE_TIME_MAX_AGE_DAYS = 30;

/** What is wrong with a device's time, judged at the server's `now`: ahead, too old, or nothing. */
export function deviceTimeProblem(at: Date, now: Date): "ahead" | "old" | null {
  if (Number.isNaN(at.getTime())) return "old";
  if (at.getTime() > now.getTime() + DEVICE_TIME_MAX_AHEAD_MINUTES * 60_000) return "ahead";
  if (at.getTime() < now.getTime() - DEVICE_TIME_MAX_AGE_DAYS * 86_400_000) return "old";
  return null;
}

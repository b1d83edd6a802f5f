import { DEVICE_TIME_MAX_AGE_DAYS, DEVICE_TIME_MAX_AHEAD_MINUTES, deviceTimeProblem } from "../shared/device-time.ts";
/**
 * What a supervisor may want to check about recorded visits — never a penalty and never a ranking
 * of workers (整治形式主义为基层减负 forbids judging grid workers by activity counts): a visit
 * recorded far from the household's place, a burst of visits within minutes, the same photo on two
 * visits. Each signal names one visit and why; counts per worker are not derived from them.
 */
export const VISIT_SIGNAL_KINDS = ["far_from_household", "burst", "photo_reused"] as const;
export type VisitSignalKind = (typeof VISIT_SIGNAL_KINDS)[number];

/** A visit recorded farther than this from the household's place is worth a look. */
export const FAR_FROM_HOUSEHOLD_METERS = 300;
/** This many visits or more by one worker within BURST_WINDOW_MINUTES. */
export const BURST_MIN_VISITS = 12;
export const BURST_WINDOW_MINUTES = 10;

/**
 * The visits of one worker that fall in a burst: at least BURST_MIN_VISITS recorded within any
 * BURST_WINDOW_MINUTES. `times` are epoch milliseconds; the answer holds indexes into them.
 */
export function burstVisits(times: readonly number[]): Set<number> {
  const order = times.map((t, i) => ({ t, i })).sort((a, b) => a.t - b.t);
  const window = BURST_WINDOW_MINUTES * 60_000;
  const flagged = new Set<number>();
  let start = 0;
  for (let end = 0; end < order.length; end++) {
    while ((order[end]?.t ?? 0) - (order[start]?.t ?? 0) > window) start++;
    if (end - start + 1 >= BURST_MIN_VISITS) for (let k = start; k <= end; k++) flagged.add(order[k]?.i ?? -1);
  }
  return flagged;
}

/**
 * The time a visit happened is the phone's (it may be sent days later from the offline queue), within
 * sane bounds: not ahead of the server by more than the clock skew allowed, nor older than the oldest
 * an offline queue may hold.
 */
export const VISIT_TIME_MAX_AHEAD_MINUTES = DEVICE_TIME_MAX_AHEAD_MINUTES;
export const VISIT_TIME_MAX_AGE_DAYS = DEVICE_TIME_MAX_AGE_DAYS;

export function visitTimeIssue(recordedAt: Date, now: Date): string | null {
  const problem = deviceTimeProblem(recordedAt, now);
  if (problem === "ahead") return "the time lies in the future (check the phone's clock)";
  if (problem === "old") return `the time is more than ${VISIT_TIME_MAX_AGE_DAYS} days ago`;
  return null;
}

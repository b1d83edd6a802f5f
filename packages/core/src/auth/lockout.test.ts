import { describe, expect, it } from "vitest";
import {
  isLocked,
  LOCKOUT_LOCK_MINUTES,
  LOCKOUT_MAX_FAILURES,
  lockUntilAfterFailedAttempt,
  mayCheckPassword,
} from "./lockout.ts";

describe("lockout", () => {
  const now = new Date("2026-11-28T08:00:00Z");

  it.each([
    [1, true],
    [LOCKOUT_MAX_FAILURES, true],
    [LOCKOUT_MAX_FAILURES + 1, false],
    [18, false],
  ])("lets attempt %i of a window check its password: %s", (attempt, expected) => {
    expect(mayCheckPassword(attempt, null, now)).toBe(expected);
  });

  it("checks no password while a lock lasts, whatever the attempt's number", () => {
    expect(mayCheckPassword(1, new Date(now.getTime() + 60_000), now)).toBe(false);
    expect(mayCheckPassword(1, new Date(now.getTime() - 60_000), now)).toBe(true);
  });

  it("does not lock on the fourth failure", () => {
    expect(lockUntilAfterFailedAttempt(LOCKOUT_MAX_FAILURES - 1, now)).toBeNull();
  });

  it("locks for 15 minutes on the fifth failure", () => {
    const until = lockUntilAfterFailedAttempt(LOCKOUT_MAX_FAILURES, now);
    expect(until?.getTime()).toBe(now.getTime() + LOCKOUT_LOCK_MINUTES * 60_000);
    expect(isLocked(until, new Date(now.getTime() + 14 * 60_000))).toBe(true);
    expect(isLocked(until, new Date(now.getTime() + 16 * 60_000))).toBe(false);
  });
});

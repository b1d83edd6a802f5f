import { describe, expect, it } from "vitest";
import { isLocked, LOCKOUT_LOCK_MINUTES, lockUntilAfterFailure } from "./lockout.ts";
import { checkPassword } from "./password-policy.ts";
import { PERMISSION_KEYS } from "./permissions.ts";
import { checkGrant } from "./principal.ts";
import { AUDITOR_ONLY_PERMISSIONS, DEFAULT_ROLES, ROLE_KEYS } from "./roles.ts";
import { canView, canWork, computeScope } from "./scope.ts";
import { isSessionAlive } from "./session-policy.ts";

describe("checkPassword", () => {
  it.each([
    ["short", "alice", ["PASSWORD_TOO_SHORT"]],
    ["alice-in-wonderland-2026", "alice", ["PASSWORD_CONTAINS_USERNAME"]],
    ["woaini1314", "zhang", ["PASSWORD_TOO_COMMON"]],
    ["Password1234", "zhang", ["PASSWORD_TOO_COMMON"]],
    ["aaaaaaaaaaaa", "zhang", ["PASSWORD_TOO_COMMON"]],
    ["桂平市木乐镇网格员二〇二六", "zhang", []],
    ["correct horse battery staple", "zhang", []],
  ])("judges %s for user %s as %j", (password, username, expected) => {
    expect(checkPassword(password, username)).toEqual(expected);
  });
});

describe("lockUntilAfterFailure", () => {
  const now = new Date("2026-11-28T08:00:00Z");
  const minutesAgo = (m: number) => new Date(now.getTime() - m * 60_000);

  it("does not lock on the fourth failure", () => {
    expect(lockUntilAfterFailure([minutesAgo(10), minutesAgo(5), minutesAgo(1), now], now)).toBeNull();
  });

  it("locks for 15 minutes on the fifth failure within 15 minutes", () => {
    const until = lockUntilAfterFailure([minutesAgo(14), minutesAgo(10), minutesAgo(5), minutesAgo(1), now], now);
    expect(until?.getTime()).toBe(now.getTime() + LOCKOUT_LOCK_MINUTES * 60_000);
    expect(isLocked(until, new Date(now.getTime() + 14 * 60_000))).toBe(true);
    expect(isLocked(until, new Date(now.getTime() + 16 * 60_000))).toBe(false);
  });

  it("forgets failures older than the window", () => {
    expect(lockUntilAfterFailure([minutesAgo(40), minutesAgo(30), minutesAgo(20), minutesAgo(1), now], now)).toBeNull();
  });
});

describe("computeScope", () => {
  const grid = {
    areaPath: "/45/4508/450802/450802001/450802001001/G01/",
    workScope: "subtree" as const,
    permissions: ["event.handle" as const],
  };
  const county = {
    areaPath: "/45/4508/450802/",
    workScope: "area" as const,
    permissions: ["event.read" as const, "event.handle" as const],
  };

  it("lets a county official view the whole county but work only on what is at the county", () => {
    const scope = computeScope([county]);
    expect(canView(scope, "/45/4508/450802/450802001/")).toBe(true);
    expect(canWork(scope, "/45/4508/450802/450802001/")).toBe(false);
    expect(canWork(scope, "/45/4508/450802/")).toBe(true);
    expect(canView(scope, "/45/4509/")).toBe(false);
  });

  it("lets grid staff work anywhere in their grid", () => {
    const scope = computeScope([grid]);
    expect(canWork(scope, `${grid.areaPath}M1/`)).toBe(true);
    expect(canView(scope, "/45/4508/450802/450802001/")).toBe(false);
  });

  it("merges assignments and keeps only the outermost prefixes", () => {
    const scope = computeScope([county, grid]);
    expect(scope.view).toEqual(["/45/4508/450802/"]);
    expect(scope.workSubtrees).toEqual([grid.areaPath]);
  });

  it("limits the scope to assignments that carry the permission asked about", () => {
    const scope = computeScope([county, grid], "event.read");
    expect(scope.view).toEqual(["/45/4508/450802/"]);
    expect(scope.workSubtrees).toEqual([]);
  });

  it("treats an assignment without an area as the whole deployment", () => {
    const scope = computeScope([{ areaPath: null, workScope: "subtree", permissions: [] }]);
    expect(scope.isGlobal).toBe(true);
    expect(canView(scope, "/anything/")).toBe(true);
  });

  it("gives a resident's area-less assignment no area at all", () => {
    const scope = computeScope([{ areaPath: null, workScope: "area", permissions: ["event.report"] }]);
    expect(scope).toEqual({ isGlobal: false, view: [], workSubtrees: [], workAreas: [] });
  });
});

describe("default roles", () => {
  it("define every role once with permissions from the catalogue", () => {
    expect(DEFAULT_ROLES.map((r) => r.key).sort()).toEqual([...ROLE_KEYS].sort());
    for (const role of DEFAULT_ROLES) for (const p of role.permissions) expect(PERMISSION_KEYS).toContain(p);
  });

  it("give audit permissions to the auditor alone", () => {
    const holders = DEFAULT_ROLES.filter((r) => r.permissions.some((p) => AUDITOR_ONLY_PERMISSIONS.includes(p)));
    expect(holders.map((r) => r.key)).toEqual(["auditor"]);
  });
});

describe("isSessionAlive", () => {
  const policy = { idleMinutes: 30, absoluteHours: 12 };
  const created = new Date("2026-11-28T00:00:00Z");
  it("ends after 30 idle minutes", () => {
    expect(isSessionAlive({ createdAt: created, lastSeenAt: created }, policy, new Date("2026-11-28T00:29:00Z"))).toBe(
      true,
    );
    expect(isSessionAlive({ createdAt: created, lastSeenAt: created }, policy, new Date("2026-11-28T00:31:00Z"))).toBe(
      false,
    );
  });
  it("ends 12 hours after sign-in however busy", () => {
    const late = new Date("2026-11-28T12:00:01Z");
    expect(isSessionAlive({ createdAt: created, lastSeenAt: late }, policy, late)).toBe(false);
  });
});

describe("checkGrant", () => {
  const township = {
    userId: "official",
    assignments: [
      {
        id: "a1",
        roleKey: "township_official",
        areaCode: "450802001",
        areaName: "木乐镇",
        areaPath: "/45/4508/450802/450802001/",
        homeUnit: null,
        workScope: "area" as const,
        permissions: ["user.manage" as const, "event.handle" as const, "event.read" as const],
      },
    ],
  };
  const admin = {
    userId: "admin",
    assignments: [
      {
        ...township.assignments[0]!,
        areaPath: null,
        areaCode: null,
        workScope: "subtree" as const,
        permissions: ["user.manage" as const],
      },
    ],
  };

  it("lets a township official make a grid worker of a grid in the township", () => {
    expect(checkGrant(township, "worker", ["event.handle"], "/45/4508/450802/450802001/G1/")).toBeNull();
  });

  it("refuses a grant outside the official's township as if the area did not exist", () => {
    expect(checkGrant(township, "worker", ["event.handle"], "/45/4508/450803/")).toBe("AREA_NOT_FOUND");
  });

  it("refuses a role with more permissions than the official holds", () => {
    expect(checkGrant(township, "worker", ["event.handle", "audit.read"], "/45/4508/450802/450802001/G1/")).toBe(
      "AUTH_FORBIDDEN",
    );
  });

  it("never lets anyone grant themselves a role, not even an admin", () => {
    expect(checkGrant(admin, "admin", ["audit.read"], null)).toBe("ASSIGNMENT_SELF_GRANT_FORBIDDEN");
    expect(checkGrant(admin, "someone-else", ["audit.read"], null)).toBeNull();
  });
});

import { describe, expect, it } from "vitest";
import {
  checkEditRole,
  checkGrant,
  checkManageAccount,
  conferredPermissions,
  permissionsHeldAt,
  refusedRolePermissions,
} from "./account-authority.ts";
import { checkPassword } from "./password-policy.ts";
import { PERMISSION_KEYS, type Permission } from "./permissions.ts";
import { systemPrincipal } from "./principal.ts";
import { AUDIT_ROLE_PERMISSIONS, AUDITOR_ONLY_PERMISSIONS, DEFAULT_ROLES, ROLE_KEYS } from "./roles.ts";
import { canView, canWork, computeScope, coversDeployment } from "./scope.ts";
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

describe("coversDeployment", () => {
  const post = (areaPath: string | null, workScope: "subtree" | "area" = "subtree") => ({
    areaPath,
    workScope,
    permissions: ["event.configure" as const],
  });
  it.each([
    ["an area-less post", [post(null)], ["/45/"], true],
    ["an area-less post, no areas yet", [post(null)], [], true],
    ["a post at the root", [post("/45/")], ["/45/"], true],
    ["an official's post at the root (work scope: the area)", [post("/45/", "area")], ["/45/"], true],
    ["a post one level below the root", [post("/45/4508/")], ["/45/"], false],
    ["a post at one of two roots", [post("/45/")], ["/45/", "/44/"], false],
    ["posts at both roots", [post("/45/"), post("/44/")], ["/45/", "/44/"], true],
    ["an area post while there are no areas", [post("/45/")], [], false],
  ])("judges %s", (_what, assignments, roots, expected) => {
    expect(coversDeployment(computeScope(assignments, "event.configure"), roots)).toBe(expected);
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

  it("keep every role within what it may hold", () => {
    for (const role of DEFAULT_ROLES) expect(refusedRolePermissions(role.key, role.permissions)).toEqual([]);
  });
});

describe("refusedRolePermissions", () => {
  it("keeps the auditor role to reading and exporting the trail and reading accounts and areas (三员分立)", () => {
    expect(
      refusedRolePermissions("auditor", ["audit.read", "user.read", "person.read", "person.reveal", "area.read"]),
    ).toEqual([
      { permission: "person.read", refusal: "ROLE_AUDIT_PERMISSIONS_LIMITED" },
      { permission: "person.reveal", refusal: "ROLE_AUDIT_PERMISSIONS_LIMITED" },
    ]);
    expect(refusedRolePermissions("auditor", AUDIT_ROLE_PERMISSIONS)).toEqual([]);
  });

  it("keeps audit permissions out of every other role, the admin's too", () => {
    expect(refusedRolePermissions("admin", ["user.manage", "audit.export"])).toEqual([
      { permission: "audit.export", refusal: "ROLE_AUDITOR_ONLY_PERMISSION" },
    ]);
    expect(refusedRolePermissions("admin", ["person.reveal"])).toEqual([]);
  });

  it("confers only what may be held, whatever a role's stored set says", () => {
    expect(conferredPermissions("auditor", ["audit.read", "person.reveal", "tag.sensitive.read"])).toEqual([
      "audit.read",
    ]);
    expect(conferredPermissions("volunteer", ["event.report", "audit.read"])).toEqual(["event.report"]);
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
  const post = (permissions: Permission[], areaPath: string | null, roleKey = "grid_worker") => ({
    roleKey,
    areaPath,
    permissions,
  });
  const township = {
    userId: "official",
    assignments: [
      {
        areaPath: "/45/4508/450802/450802001/",
        workScope: "area" as const,
        permissions: ["user.manage", "event.handle", "event.read"] as Permission[],
      },
    ],
  };
  const admin = {
    userId: "admin",
    assignments: [{ areaPath: null, workScope: "subtree" as const, permissions: ["user.manage"] as Permission[] }],
  };
  const auditor = {
    userId: "auditor",
    assignments: [
      { areaPath: null, workScope: "subtree" as const, permissions: ["audit.read", "audit.export"] as Permission[] },
    ],
  };

  it("lets a township official make a grid worker of a grid in the township", () => {
    expect(checkGrant(township, "worker", post(["event.handle"], "/45/4508/450802/450802001/G1/"))).toBeNull();
  });

  it("refuses a grant outside the official's township as if the area did not exist", () => {
    expect(checkGrant(township, "worker", post(["event.handle"], "/45/4508/450803/"))).toBe("AREA_NOT_FOUND");
  });

  it("refuses a role with more permissions than the official holds", () => {
    expect(
      checkGrant(township, "worker", post(["event.handle", "mediation.handle"], "/45/4508/450802/450802001/G1/")),
    ).toBe("AUTH_FORBIDDEN");
  });

  it("counts only the permissions held in a post covering the target area, not those held elsewhere", () => {
    const alsoElsewhere = {
      ...township,
      assignments: [
        ...township.assignments,
        {
          areaPath: "/45/4508/450803/",
          workScope: "subtree" as const,
          permissions: ["mediation.handle"] as Permission[],
        },
      ],
    };
    const grid = "/45/4508/450802/450802001/G1/";
    expect(checkGrant(alsoElsewhere, "worker", post(["event.handle", "mediation.handle"], grid))).toBe(
      "AUTH_FORBIDDEN",
    );
    expect(permissionsHeldAt(alsoElsewhere, grid).has("mediation.handle")).toBe(false);
    expect(permissionsHeldAt(alsoElsewhere, "/45/4508/450803/X/").has("mediation.handle")).toBe(true);
  });

  it("never lets anyone grant themselves a role, not even an admin", () => {
    expect(checkGrant(admin, "admin", post(["user.manage"], null, "admin"))).toBe("ASSIGNMENT_SELF_GRANT_FORBIDDEN");
    expect(checkGrant(admin, "someone-else", post(["user.manage"], null, "admin"))).toBeNull();
  });

  it("leaves the audit role to auditors: the admin can neither grant it nor a role carrying an audit permission", () => {
    expect(checkGrant(admin, "someone-else", post(["user.read"], null, "auditor"))).toBe("ROLE_AUDIT_SEPARATION");
    expect(checkGrant(admin, "someone-else", post(["audit.read"], null, "custom"))).toBe("ROLE_AUDIT_SEPARATION");
    expect(checkGrant(auditor, "someone-else", post(["audit.read"], null, "auditor"))).toBeNull();
    expect(checkGrant(systemPrincipal(), "someone-else", post(["audit.read"], null, "auditor"))).toBeNull();
    expect(checkEditRole(admin, { roleKey: "auditor", permissions: [] })).toBe("ROLE_AUDIT_SEPARATION");
    expect(checkEditRole(auditor, { roleKey: "auditor", permissions: ["audit.read"] })).toBeNull();
    expect(checkEditRole(admin, { roleKey: "volunteer", permissions: ["event.report"] })).toBeNull();
  });
});

describe("checkManageAccount", () => {
  const G1 = "/45/4508/450802/450802001/450802001001/G1/";
  const townshipOfficial = DEFAULT_ROLES.find((r) => r.key === "township_official")?.permissions ?? [];
  const township = {
    userId: "official",
    assignments: [
      { areaPath: "/45/4508/450802/450802001/", workScope: "area" as const, permissions: townshipOfficial },
    ],
  };
  const roleOf = (key: string) => DEFAULT_ROLES.find((r) => r.key === key)?.permissions ?? [];
  const at = (roleKey: string, areaPath: string | null) => ({ roleKey, areaPath, permissions: roleOf(roleKey) });

  it("lets an area manager manage an account whose every post lies in their area", () => {
    expect(checkManageAccount(township, "w", [at("grid_worker", G1), at("grid_instructor", G1)])).toBeNull();
  });

  it.each([
    ["an admin who also holds a grid post", [at("admin", null), at("grid_worker", G1)]],
    ["an auditor who also holds a grid post", [at("auditor", null), at("grid_worker", G1)]],
    [
      "a county official who also holds a grid post",
      [at("county_official", "/45/4508/450802/"), at("grid_worker", G1)],
    ],
    [
      "a worker with a second grid in another township",
      [at("grid_worker", G1), at("grid_worker", "/45/4508/450802/450802002/G9/")],
    ],
  ])("refuses an area manager %s", (_name, posts) => {
    expect(checkManageAccount(township, "target", posts)).not.toBeNull();
  });

  it("refuses an area manager a post that administers others unless they hold all its powers there", () => {
    const countyAdmin = {
      userId: "county-admin",
      assignments: [{ areaPath: "/45/4508/450802/", workScope: "subtree" as const, permissions: roleOf("admin") }],
    };
    expect(checkManageAccount(township, "t", [at("admin", G1)])).toBe("USER_MANAGE_FORBIDDEN");
    expect(checkManageAccount(countyAdmin, "t", [at("township_official", "/45/4508/450802/450802001/")])).toBe(
      "USER_MANAGE_FORBIDDEN",
    );
    expect(checkManageAccount(countyAdmin, "t", [at("admin", G1)])).toBeNull();
  });

  it("lets only an auditor or the system manage an auditor's account, and the admin everyone else", () => {
    const admin = {
      userId: "admin",
      assignments: [{ areaPath: null, workScope: "subtree" as const, permissions: roleOf("admin") }],
    };
    expect(checkManageAccount(admin, "t", [at("county_official", "/45/")])).toBeNull();
    expect(checkManageAccount(admin, "t", [at("admin", null)])).toBeNull();
    expect(checkManageAccount(admin, "t", [at("auditor", null)])).toBe("ROLE_AUDIT_SEPARATION");
    expect(checkManageAccount(systemPrincipal(), "t", [at("auditor", null)])).toBeNull();
  });
});

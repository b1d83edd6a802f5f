import { describe, expect, it } from "vitest";
import type { Permission } from "../auth/permissions.ts";
import { DEFAULT_ROLES } from "../auth/roles.ts";
import { canView, computeScope, intersectScopes } from "../auth/scope.ts";
import { reportReadScope } from "./report-readers.ts";

const post = (areaPath: string | null, permissions: Permission[]) => ({
  areaPath,
  workScope: "subtree" as const,
  permissions,
});
const principal = (...assignments: ReturnType<typeof post>[]) => ({ assignments }) as never;

describe("reportReadScope", () => {
  it.each([
    ["both in one post", [post("/45/", ["report.read", "event.read"])], ["/45/"]],
    [
      "report.read above, event.read below",
      [post("/45/", ["report.read"]), post("/45/08/", ["event.read"])],
      ["/45/08/"],
    ],
    [
      "event.read above, report.read below",
      [post("/45/08/", ["report.read"]), post("/45/", ["event.read"])],
      ["/45/08/"],
    ],
    ["in two unrelated areas", [post("/45/01/", ["report.read"]), post("/45/08/", ["event.read"])], []],
    ["report.read only (the system administrator)", [post(null, ["report.read"])], []],
    ["area-less with both", [post(null, ["report.read", "event.read"])], "global"],
    [
      "area-less report.read, one area's events",
      [post(null, ["report.read"]), post("/45/08/", ["event.read"])],
      ["/45/08/"],
    ],
  ] as const)("reads reports where both are held: %s", (_, assignments, expected) => {
    const scope = reportReadScope(principal(...assignments));
    if (expected === "global") expect(scope.isGlobal).toBe(true);
    else expect({ isGlobal: scope.isGlobal, view: scope.view }).toEqual({ isGlobal: false, view: expected });
  });

  it("gives no default role report.read without event.read", () => {
    for (const role of DEFAULT_ROLES)
      if (role.permissions.includes("report.read")) expect(role.permissions, role.key).toContain("event.read");
  });

  it("intersects two scopes to the paths both view", () => {
    const a = computeScope([post("/45/01/", ["report.read"]), post("/45/08/02/", ["report.read"])], "report.read");
    const b = computeScope([post("/45/08/", ["event.read"]), post("/45/01/03/", ["event.read"])], "event.read");
    const both = intersectScopes(a, b);
    expect(both.view).toEqual(["/45/01/03/", "/45/08/02/"]);
    expect(canView(both, "/45/01/03/7/")).toBe(true);
    expect(canView(both, "/45/01/04/")).toBe(false);
  });
});

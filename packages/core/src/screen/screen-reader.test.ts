import { describe, expect, it } from "vitest";
import { type Principal, principalScope } from "../auth/principal.ts";
import { screenReader } from "./screen-reader.ts";

const post = (id: string, areaPath: string | null, permissions: Principal["assignments"][number]["permissions"]) => ({
  id,
  roleKey: "x",
  areaCode: null,
  areaName: null,
  areaPath,
  homeUnit: null,
  workScope: "area" as const,
  permissions,
});

describe("screenReader", () => {
  it("reads figures, alerts and close-outs only in the areas of the posts that open the screen", () => {
    const principal: Principal = {
      userId: "u",
      username: "screen",
      displayName: "大屏",
      via: "session",
      assignments: [
        post("a", "/45/4508/450802/450802001/", ["screen.view"]),
        post("b", "/45/4508/450803/", ["event.read", "person.read", "event.handle"]),
      ],
    };
    const reader = screenReader(principal);
    expect(principalScope(reader, "event.read").view).toEqual(["/45/4508/450802/450802001/"]);
    expect(principalScope(reader, "risk.read").view).toEqual(["/45/4508/450802/450802001/"]);
    expect(reader.assignments.flatMap((a) => a.permissions)).not.toContain("event.handle");
    expect(reader.assignments.flatMap((a) => a.permissions)).not.toContain("person.read");
  });

  it("reads nothing for someone who may not open the screen", () => {
    const reader = screenReader({
      userId: "u",
      username: "w",
      displayName: "w",
      via: "session",
      assignments: [post("a", "/45/", ["event.read"])],
    });
    expect(principalScope(reader, "event.read")).toMatchObject({ isGlobal: false, view: [] });
  });
});

import { describe, expect, it } from "vitest";
import { parentCodeOf, parentPathOf } from "../areas/area-path.ts";
import { accountRestriction } from "./principal.ts";
import { parseStaffPost } from "./staff-posts.ts";

describe("parseStaffPost", () => {
  it.each([
    ["网格长", { roleKey: "grid_head" }],
    ["专职网格员", { roleKey: "grid_worker", employment: "full_time" }],
    [" 兼职网格员 ", { roleKey: "grid_worker", employment: "part_time" }],
    ["Grid_Instructor", { roleKey: "grid_instructor" }],
    ["社区民警", { roleKey: "police_liaison" }],
  ])("reads %s", (text, expected) => {
    expect(parseStaffPost(text)).toEqual(expected);
  });

  it("knows no other post", () => {
    expect(parseStaffPost("村长")).toBeUndefined();
  });
});

describe("accountRestriction", () => {
  const worker = { assignments: [{ requiresTotp: false }] } as never;
  const guarded = { assignments: [{ requiresTotp: true }] } as never;
  it("asks for TOTP first when a role requires it and the user has none", () => {
    expect(accountRestriction({ totpEnabled: false, mustChangePassword: true }, guarded)).toBe("totp_setup");
    expect(accountRestriction({ totpEnabled: true, mustChangePassword: true }, guarded)).toBe("password_change");
    expect(accountRestriction({ totpEnabled: false, mustChangePassword: false }, worker)).toBeNull();
  });
});

describe("parent of a path", () => {
  it.each([
    ["/45/4508/450802/", "/45/4508/", "4508"],
    ["/45/", null, null],
  ])("of %s is %s (%s)", (path, parentPath, parentCode) => {
    expect(parentPathOf(path)).toBe(parentPath);
    expect(parentCodeOf(path)).toBe(parentCode);
  });
});

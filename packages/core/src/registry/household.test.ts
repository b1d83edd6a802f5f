import { describe, expect, it } from "vitest";
import { byRelationship, RELATIONSHIPS } from "./household.ts";

describe("byRelationship", () => {
  it("lists a household as a register does: the head first, unknown relationships last", () => {
    const members = [
      { name: "孙", relationship: "grandchild" },
      { name: "无", relationship: null },
      { name: "妻", relationship: "spouse" },
      { name: "他", relationship: "friend" },
      { name: "主", relationship: "head" },
      { name: "父", relationship: "parent" },
    ];
    expect([...members].sort(byRelationship).map((m) => m.name)).toEqual(["主", "妻", "父", "孙", "无", "他"]);
    expect(RELATIONSHIPS[0]).toBe("head");
  });
});

import { describe, expect, it } from "vitest";
import { maskName } from "./mask.ts";

describe("maskName", () => {
  it.each([
    ["张三丰", "张**"],
    ["欧阳", "欧*"],
    ["王", "王"],
    ["  李四 ", "李*"],
    ["", ""],
    ["𠀋一", "𠀋*"],
  ])("shows %j as %j", (name, expected) => {
    expect(maskName(name)).toBe(expected);
  });
});

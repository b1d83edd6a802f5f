import { describe, expect, it } from "vitest";
import { maskName, maskPublicName } from "./mask.ts";

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

describe("maskPublicName", () => {
  it.each([
    ["韦志强", "韦*强"],
    ["韦强", "韦*"],
    ["欧阳春红", "欧**红"],
    ["韦", "*"],
    [" 覃 ", "*"],
  ])("shows %s as %s", (name, masked) => {
    expect(maskPublicName(name)).toBe(masked);
  });
});

import { describe, expect, it } from "vitest";
import { maskDigits, redactPersonalNumbers } from "./redact.ts";

describe("redactPersonalNumbers", () => {
  it.each([
    ["身份证 450802199001011234 查询失败", "身份证 450802************ 查询失败"],
    ["id 45080219900101123X", "id 450802************"],
    ["old id 450802900101123", "old id 450802*********"],
    ["call 13812345678 now", "call 138****5678 now"],
    ["call +86 138-1234-5678", "call 138****5678"],
    ["tel:13812345678,13987654321", "tel:138****5678,139****4321"],
  ])("masks %s", (input, expected) => {
    expect(redactPersonalNumbers(input)).toBe(expected);
  });

  it.each([["order 12345"], ["timestamp 1732780800000"], ["GX-450802-20261128-0007"], ["line 10:23"]])(
    "leaves %s alone",
    (input) => {
      expect(redactPersonalNumbers(input)).toBe(input);
    },
  );
});

describe("maskDigits", () => {
  it.each([
    ["45080219900101123X", "******************"],
    ["4508021990010112", "****************"],
    ["138-1234-5678", "***-****-****"],
    ["1990-01-01", "****-**-**"],
    ["张三", "张三"],
  ])("masks every digit of %s", (input, expected) => {
    expect(maskDigits(input)).toBe(expected);
  });
});

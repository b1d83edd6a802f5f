import { describe, expect, it } from "vitest";
import { maskDigits, redactPersonalNumbers, redactUrl } from "./redact.ts";

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

  it.each([
    ["spaced in fours", "q=4508 0219 6006 1536 20", "q=450802************"],
    ["in its parts with hyphens", "450802-19600615-3620 查", "450802************ 查"],
    ["with dots", "id 450802.1960.0615.3620", "id 450802************"],
    ["with a letter typed after it", "450802196006153620x", "450802************x"],
    ["with a word glued after it", "450802196006153620abc", "450802************abc"],
    ["in full-width digits", "身份证４５０８０２１９６００６１５３６２０", "身份证450802************"],
    ["a mobile in full-width digits", "电话１３８７７５０１１３１", "电话138****1131"],
    ["a mobile grouped 4-3-4", "1387 750 1131", "138****1131"],
    ["a mobile with dots", "138.7750.1131", "138****1131"],
    ["a mobile with an ideographic space", "138\u30007750\u30001131", "138****1131"],
    ["numbers in a list separated by spaces", "13877501131 13987654321", "138****1131 139****4321"],
    ["a date before a mobile", "2026-12-06 13877501131", "2026-12-06 138****1131"],
    ["URL path segments", "/resident/13877501131/450802196006153620/x", "/resident/138****1131/450802************/x"],
  ])("masks an ID or mobile number %s", (_case, input, expected) => {
    expect(redactPersonalNumbers(input)).toBe(expected);
  });

  it.each([
    ["order 12345"],
    ["timestamp 1732780800000"],
    ["GX-450802-20261128-0007"],
    ["event GX-450802-20261128-0007 closed"],
    ["line 10:23"],
    ["at 2026-12-06T10:30:00.123Z"],
    ["192.168.100.200"],
    ["12345678-1234-7123-8123-123456789012"],
    ["card 6222 0212 3456 7890"],
  ])("leaves %s alone", (input) => {
    expect(redactPersonalNumbers(input)).toBe(input);
  });
});

describe("redactUrl", () => {
  it.each([
    ["spaces escaped", "/p?q=4508%200219%206006%201536%2020", "/p?q=450802************"],
    ["every digit escaped", "/p/%34%35%30%38%30%32%31%39%36%30%30%36%31%35%33%36%32%30", "/p/450802************"],
    ["spaces as +", "/p?q=138+1234+5678", "/p?q=138****5678"],
    ["full-width digits escaped", `/p?q=${encodeURIComponent("１３８７７５０１１３１")}`, "/p?q=138****1131"],
    [
      "a broken escape beside a number",
      "/x/%ZZ/%31%33%38%31%32%33%34%35%36%37%38?q=%E4%B8",
      "/x/%ZZ/138****5678?q=%E4%B8",
    ],
  ])("decodes a URL before masking it: %s", (_case, input, expected) => {
    expect(redactUrl(input)).toBe(expected);
  });
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

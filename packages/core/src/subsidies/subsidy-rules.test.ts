import { describe, expect, it } from "vitest";
import { flagRows, formatYuan, maskPublicName, parseYuan } from "./subsidy-rules.ts";

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

describe("parseYuan", () => {
  it.each([
    ["860", 86000],
    ["860.5", 86050],
    ["1,234.56", 123456],
    ["¥95.00", 9500],
    ["120元", 12000],
  ])("reads %s as %d fen", (text, fen) => {
    expect(parseYuan(text)).toBe(fen);
  });
  it.each(["", "0", "-5", "1.234", "abc", "12e3", "99999999999"])("refuses %s", (text) => {
    expect(parseYuan(text)).toBeUndefined();
  });
  it("writes fen back as yuan", () => {
    expect(formatYuan(86050)).toBe("860.50");
    expect(formatYuan(5)).toBe("0.05");
  });
});

describe("flagRows", () => {
  const row = (idIndex: string, over: Partial<Parameters<typeof flagRows>[0][number]> = {}) => ({
    idIndex,
    programId: "p",
    known: true,
    amountFen: 10000,
    minFen: null,
    maxFen: null,
    ...over,
  });
  it("flags an unknown ID, both rows of a person paid twice by one programme, and an amount outside the rule", () => {
    expect(
      flagRows([
        row("a"),
        row("b", { known: false }),
        row("c"),
        row("c"),
        row("d", { minFen: 20000, maxFen: 30000 }),
        row("e", { amountFen: 40000, maxFen: 30000 }),
        row("a", { programId: "q" }),
      ]),
    ).toEqual([[], ["unknown_id"], ["duplicate"], ["duplicate"], ["amount"], ["amount"], []]);
  });
});

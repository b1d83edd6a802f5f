import { describe, expect, it } from "vitest";
import { flagRows, formatYuan, parseYuan, publicSubsidyRows } from "./subsidy-rules.ts";

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

describe("publicSubsidyRows", () => {
  const programs = [
    { id: "dibao", publicAmount: "hidden" as const },
    { id: "elderly", publicAmount: "exact" as const },
  ];
  // A file sorted by full name (韦小强 before 韦志强) and the same file sorted by ID number.
  const byName = [
    { name: "韦小强", programId: "elderly", amountFen: 12000, paidOn: "2026-03-15" },
    { name: "韦志强", programId: "elderly", amountFen: 12000, paidOn: "2026-03-15" },
    { name: "覃丽华", programId: "dibao", amountFen: 99000, paidOn: "2026-03-15" },
    { name: "覃美华", programId: "dibao", amountFen: 57500, paidOn: "2026-03-15" },
  ];
  const byId = [byName[3], byName[1], byName[2], byName[0]] as typeof byName;

  it("masks names, hides the amounts a programme hides and keeps no trace of the file's order", () => {
    const shown = publicSubsidyRows(byName, programs);
    expect(publicSubsidyRows(byId, programs)).toEqual(shown);
    expect(shown).toEqual([
      { name: "覃*华", programId: "dibao", amountFen: null, paidOn: "2026-03-15" },
      { name: "覃*华", programId: "dibao", amountFen: null, paidOn: "2026-03-15" },
      { name: "韦*强", programId: "elderly", amountFen: 12000, paidOn: "2026-03-15" },
      { name: "韦*强", programId: "elderly", amountFen: 12000, paidOn: "2026-03-15" },
    ]);
  });

  it("orders by programme, then date, then masked name, then shown amount", () => {
    const shown = publicSubsidyRows(
      [
        { name: "黄秀兰", programId: "elderly", amountFen: 9000, paidOn: "2026-04-15" },
        { name: "梁文华", programId: "elderly", amountFen: 12000, paidOn: "2026-03-15" },
        { name: "梁文华", programId: "elderly", amountFen: 5000, paidOn: "2026-03-15" },
        { name: "陆春梅", programId: "dibao", amountFen: 1, paidOn: "2026-05-15" },
      ],
      programs,
    );
    expect(shown.map((r) => [r.programId, r.paidOn, r.name, r.amountFen])).toEqual([
      ["dibao", "2026-05-15", "陆*梅", null],
      ["elderly", "2026-03-15", "梁*华", 5000],
      ["elderly", "2026-03-15", "梁*华", 12000],
      ["elderly", "2026-04-15", "黄*兰", 9000],
    ]);
  });
});

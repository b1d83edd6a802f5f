import { describe, expect, it } from "vitest";
import { maskSignature } from "./comments.ts";
import { financeContentIssues, financeTotals, formatFen, parseYuanToFen } from "./finance.ts";
import { periodIssue, periodKey } from "./periods.ts";

describe("parseYuanToFen", () => {
  it.each([
    ["1234.5", 123450],
    ["1,234.56", 123456],
    ["¥1 234.56", 123456],
    ["１２３.４", 12340],
    ["3000元", 300000],
    ["0.01", 1],
  ])("reads %s as %i fen", (text, fen) => {
    expect(parseYuanToFen(text)).toBe(fen);
  });

  it.each(["", "0", "-5", "1.234", "abc", "1e5", "10000000001"])("refuses %s", (text) => {
    expect(parseYuanToFen(text)).toBeUndefined();
  });
});

describe("formatFen", () => {
  it.each([
    [0, "0.00"],
    [5, "0.05"],
    [123456, "1,234.56"],
    [100000000, "1,000,000.00"],
    [-250, "-2.50"],
  ])("shows %i fen as %s yuan", (fen, text) => {
    expect(formatFen(fen)).toBe(text);
  });
});

describe("financeTotals", () => {
  it("adds income and expenditure apart, exactly", () => {
    const lines = [
      { direction: "income" as const, amountFen: 10 },
      { direction: "income" as const, amountFen: 20 },
      { direction: "expense" as const, amountFen: 7 },
    ];
    expect(financeTotals(lines)).toEqual({ incomeFen: 30, expenseFen: 7 });
  });
});

describe("financeContentIssues", () => {
  const lines = [
    { direction: "income" as const, subject: "租金", summary: "", amountFen: 1_200_000, occurredOn: null },
    { direction: "expense" as const, subject: "道路", summary: "", amountFen: 350_050, occurredOn: null },
  ];
  const codes = (issues: { path: string; said?: { code: string } }[]) => issues.map((i) => [i.path, i.said?.code]);

  it("takes a finance table whose declared totals its lines add up to", () => {
    expect(
      financeContentIssues(true, { financeLines: lines, declaredIncomeFen: 1_200_000, declaredExpenseFen: 350_050 }),
    ).toEqual([]);
    expect(financeContentIssues(false, {})).toEqual([]);
  });

  it("names a total the lines do not add up to, and a missing one", () => {
    const issues = financeContentIssues(true, { financeLines: lines, declaredIncomeFen: 1_000_000 });
    expect(codes(issues)).toEqual([
      ["body.declaredIncomeFen", "DISCLOSURE_FIELD_TOTAL_MISMATCH"],
      ["body.declaredExpenseFen", "DISCLOSURE_FIELD_REQUIRED"],
    ]);
  });

  it("wants lines on a finance item and none on another kind", () => {
    expect(codes(financeContentIssues(true, { financeLines: [] }))).toEqual([
      ["body.financeLines", "DISCLOSURE_FIELD_FINANCE_LINES"],
    ]);
    expect(codes(financeContentIssues(false, { financeLines: lines }))).toEqual([
      ["body.financeLines", "DISCLOSURE_FIELD_FINANCE_ONLY"],
    ]);
  });
});

describe("periods", () => {
  it.each([
    ["month", "2026-11-01", undefined, "2026-11"],
    ["month", "2026-11-02", "DISCLOSURE_FIELD_PERIOD_START", "2026-11"],
    ["quarter", "2026-10-01", undefined, "2026-Q4"],
    ["quarter", "2026-11-01", "DISCLOSURE_FIELD_PERIOD_START", "2026-Q4"],
    ["year", "2026-01-01", undefined, "2026"],
    ["year", "2026-02-01", "DISCLOSURE_FIELD_PERIOD_START", "2026"],
    ["once", "2026-11-17", undefined, "2026-11-17"],
  ] as const)("a %s from %s: issue %s, key %s", (kind, start, issue, key) => {
    expect(periodIssue(kind, start)).toBe(issue);
    expect(periodKey(kind, start)).toBe(key);
  });
});

describe("maskSignature", () => {
  it.each([
    ["韦小强", "韦*强"],
    ["韦强", "韦*"],
    ["欧阳春花", "欧**花"],
    ["韦", "韦"],
  ])("shows %s as %s", (name, masked) => {
    expect(maskSignature(name)).toBe(masked);
  });
});

import { fieldIssue } from "../platform/field.messages.ts";
import type { FieldIssue } from "../shared/domain-error.ts";

/**
 * 财务公开: a village's income and expenditure for a period, as line items with amounts in integer
 * fen (分) so that sums are exact; shown in yuan with two decimals. An imported table declares its
 * totals (收入合计, 支出合计) and is refused when the lines do not add up to them — the check a
 * township's 三资 (rural collective assets) supervisor makes by hand today.
 */
export const FINANCE_DIRECTIONS = ["income", "expense"] as const;
export type FinanceDirection = (typeof FINANCE_DIRECTIONS)[number];

/** The largest amount of one line or total: 10 billion yuan in fen (well inside a safe integer). */
export const MAX_AMOUNT_FEN = 1_000_000_000_000;
export const MAX_FINANCE_LINES = 500;

export interface FinanceLine {
  direction: FinanceDirection;
  subject: string;
  summary: string;
  amountFen: number;
  occurredOn: string | null;
}

/**
 * Yuan as written in a spreadsheet cell or a form ("1234.5", "1,234.50", "¥1 234.56", "１２３.４") →
 * integer fen; undefined when it is not an amount with at most two decimals, or not positive.
 */
export function parseYuanToFen(text: string): number | undefined {
  const clean = text
    .normalize("NFKC")
    .replace(/^[¥￥]|元$/g, "")
    .replace(/[,\s]/g, "");
  const m = /^(\d{1,12})(?:\.(\d{1,2}))?$/.exec(clean);
  if (!m) return undefined;
  const fen = Number(m[1]) * 100 + Number((m[2] ?? "").padEnd(2, "0"));
  return fen > 0 && fen <= MAX_AMOUNT_FEN ? fen : undefined;
}

/** Fen shown as yuan with fen: 123456 → "1,234.56". */
export function formatFen(fen: number): string {
  const sign = fen < 0 ? "-" : "";
  const abs = Math.abs(fen);
  const yuan = Math.floor(abs / 100)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return `${sign}${yuan}.${String(abs % 100).padStart(2, "0")}`;
}

export function financeTotals(lines: readonly Pick<FinanceLine, "direction" | "amountFen">[]) {
  let incomeFen = 0;
  let expenseFen = 0;
  for (const l of lines) {
    if (l.direction === "income") incomeFen += l.amountFen;
    else expenseFen += l.amountFen;
  }
  return { incomeFen, expenseFen };
}

/** What a version's content declares of its finance table (the lines and the totals it states). */
export interface FinanceContent {
  financeLines?: readonly FinanceLine[] | undefined;
  declaredIncomeFen?: number | undefined;
  declaredExpenseFen?: number | undefined;
}

/**
 * What is wrong with a version's finance table: lines on an item that is not a finance disclosure; a
 * finance disclosure without lines, without its declared totals, or with totals its lines do not add
 * up to. Each issue on its body field, for the editor to show beside it.
 */
export function financeContentIssues(isFinance: boolean, content: FinanceContent): FieldIssue[] {
  if (!isFinance)
    return content.financeLines?.length ? [fieldIssue("body.financeLines", "DISCLOSURE_FIELD_FINANCE_ONLY")] : [];
  if (!content.financeLines?.length) return [fieldIssue("body.financeLines", "DISCLOSURE_FIELD_FINANCE_LINES")];
  const sums = financeTotals(content.financeLines);
  const issues: FieldIssue[] = [];
  for (const [field, declared, sum] of [
    ["declaredIncomeFen", content.declaredIncomeFen, sums.incomeFen],
    ["declaredExpenseFen", content.declaredExpenseFen, sums.expenseFen],
  ] as const) {
    if (declared === undefined) issues.push(fieldIssue(`body.${field}`, "DISCLOSURE_FIELD_REQUIRED"));
    else if (declared !== sum)
      issues.push(
        fieldIssue(`body.${field}`, "DISCLOSURE_FIELD_TOTAL_MISMATCH", {
          sum: formatFen(sum),
          declared: formatFen(declared),
        }),
      );
  }
  return issues;
}

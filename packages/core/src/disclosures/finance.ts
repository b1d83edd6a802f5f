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

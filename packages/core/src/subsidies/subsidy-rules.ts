import { maskPublicName } from "../privacy/mask.ts";

/**
 * The rules of subsidy payments (惠民惠农补贴): what a public 公示 list shows of a payee, how amounts are
 * read from a payment file, and which rows a village must look at before a batch is published. Public
 * lists follow the usual county practice (e.g. 民政部门 低保公示: name partly masked, amount, no ID
 * number); a row is flagged when its ID number is not in the registry, when one person is paid twice
 * in a batch, or when the amount lies outside the programme's rule.
 */

/** What a programme's public list shows of each payment's amount. */
export const PUBLIC_AMOUNTS = ["exact", "hidden"] as const;
export type PublicAmount = (typeof PUBLIC_AMOUNTS)[number];

/** Why a row of a batch is shown to the village before publication. */
export const SUBSIDY_FLAGS = ["unknown_id", "duplicate", "amount"] as const;
export type SubsidyFlag = (typeof SUBSIDY_FLAGS)[number];

/** The largest single payment a file may carry: 10,000,000.00 yuan, in fen. */
export const MAX_PAYMENT_FEN = 1_000_000_000;

export interface PublicSubsidyRow {
  name: string;
  programId: string;
  amountFen: number | null;
  paidOn: string;
}

/**
 * A published batch's rows as its public list shows them: each name masked (maskPublicName), the
 * amount only where the programme shows amounts, and the rows ordered by what is shown — programme
 * (in `programs`' order), date paid, masked name, amount — never by the file's order. A file sorted
 * by full name or by ID number would otherwise tell 韦*强 from 韦*强 (and a hidden amount would show
 * through an order by amount); rows alike in every shown field are alike to a reader in any order.
 */
export function publicSubsidyRows(
  rows: readonly { name: string; programId: string; amountFen: number; paidOn: string }[],
  programs: readonly { id: string; publicAmount: PublicAmount }[],
): PublicSubsidyRow[] {
  const rank = new Map(programs.map((p, i) => [p.id, i]));
  const hidden = new Set(programs.filter((p) => p.publicAmount === "hidden").map((p) => p.id));
  const byCodePoint = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  return rows
    .map((r) => ({
      name: maskPublicName(r.name),
      programId: r.programId,
      amountFen: hidden.has(r.programId) ? null : r.amountFen,
      paidOn: r.paidOn,
    }))
    .sort(
      (a, b) =>
        (rank.get(a.programId) ?? programs.length) - (rank.get(b.programId) ?? programs.length) ||
        byCodePoint(a.programId, b.programId) ||
        byCodePoint(a.paidOn, b.paidOn) ||
        byCodePoint(a.name, b.name) ||
        (a.amountFen ?? -1) - (b.amountFen ?? -1),
    );
}

/**
 * An amount in yuan as a file writes it ("1,234.5", "¥860", "860.00元") → fen; undefined when it is
 * not a non-negative amount with at most two decimals, or past MAX_PAYMENT_FEN.
 */
export function parseYuan(text: string): number | undefined {
  const cleaned = text
    .trim()
    .replace(/^[¥￥]/, "")
    .replace(/元$/, "")
    .replace(/,/g, "")
    .trim();
  const m = /^(\d{1,9})(?:\.(\d{1,2}))?$/.exec(cleaned);
  if (!m) return undefined;
  const fen = Number(m[1]) * 100 + Number((m[2] ?? "").padEnd(2, "0"));
  return fen > 0 && fen <= MAX_PAYMENT_FEN ? fen : undefined;
}

/** Fen as yuan with two decimals (86000 → "860.00"). */
export function formatYuan(fen: number): string {
  return `${Math.floor(fen / 100)}.${String(fen % 100).padStart(2, "0")}`;
}

export interface FlagInput {
  /** The ID number's blind index. */
  idIndex: string;
  /** The programme paid: one person paid twice by one programme in a batch is a duplicate. */
  programId: string;
  /** Whether the registry holds the ID number. */
  known: boolean;
  amountFen: number;
  minFen: number | null;
  maxFen: number | null;
}

/** The flags of each row of a batch, in the rows' order. */
export function flagRows(rows: readonly FlagInput[]): SubsidyFlag[][] {
  const key = (r: FlagInput) => `${r.programId}:${r.idIndex}`;
  const seen = new Map<string, number>();
  for (const r of rows) seen.set(key(r), (seen.get(key(r)) ?? 0) + 1);
  return rows.map((r) => {
    const flags: SubsidyFlag[] = [];
    if (!r.known) flags.push("unknown_id");
    if ((seen.get(key(r)) ?? 0) > 1) flags.push("duplicate");
    if ((r.minFen !== null && r.amountFen < r.minFen) || (r.maxFen !== null && r.amountFen > r.maxFen))
      flags.push("amount");
    return flags;
  });
}

/**
 * The audit trail is a hash chain: each row's hash covers the previous row's hash and the row's own
 * content in a canonical form, so editing, removing or reordering any row breaks every hash after it.
 * The digest (SHA-256, or SM3 under GB/T 32905 for deployments that need Chinese commercial
 * cryptography) is injected: core does no I/O and computes nothing itself.
 */
export const AUDIT_GENESIS_HASH = "0".repeat(64);

export interface AuditContent {
  seq: number;
  occurredAt: string;
  actorUserId: string | null;
  actorUsername: string | null;
  ip: string | null;
  userAgent: string | null;
  action: string;
  targetType: string | null;
  targetId: string | null;
  areaPath: string | null;
  outcome: "success" | "failure" | "denied";
  reason: string | null;
  details: unknown;
}

export type Digest = (algorithm: string, text: string) => string;

/** Deterministic JSON: object keys sorted at every depth. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value ?? null);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
}

export function auditRowHash(digest: Digest, algorithm: string, previousHash: string, content: AuditContent): string {
  return digest(algorithm, `${previousHash}\n${canonicalJson(content)}`);
}

export interface StoredAuditRow {
  content: AuditContent;
  algorithm: string;
  prevHash: string;
  hash: string;
}

export const CHAIN_PROBLEMS = ["hash_mismatch", "broken_link", "sequence_gap"] as const;
export type ChainProblem = (typeof CHAIN_PROBLEMS)[number];

/**
 * A run of consecutive bad rows with one problem: rows whose content no longer gives their hash
 * (edited), rows that do not link to the row before them (the one before was replaced, hash and
 * all), or row numbers missing from the sequence (removed).
 */
export interface ChainBreak {
  fromSeq: number;
  toSeq: number;
  problem: ChainProblem;
}

/** The runs a verdict lists; past them it only counts (an auditor acts on the first hundred). */
export const MAX_CHAIN_BREAKS = 100;

export interface ChainVerdict {
  ok: boolean;
  /** Rows read. */
  rows: number;
  /** Rows edited or relinked, and row numbers missing. */
  badRows: number;
  /** Every run of bad rows in order, the first MAX_CHAIN_BREAKS of them. */
  breaks: ChainBreak[];
  /** Runs beyond those listed. */
  moreBreaks: number;
  /** The first bad row and its problem (null when intact). */
  firstBadSeq: number | null;
  problem: ChainProblem | null;
  /** The last row's hash (the genesis hash for an empty trail). */
  lastHash: string;
}

/** Where a walk over the chain stands between pages. */
export interface ChainWalk {
  expectedPrev: string;
  expectedSeq: number;
  rows: number;
  badRows: number;
  breaks: ChainBreak[];
  moreBreaks: number;
}

export const chainStart = (): ChainWalk => ({
  expectedPrev: AUDIT_GENESIS_HASH,
  expectedSeq: 1,
  rows: 0,
  badRows: 0,
  breaks: [],
  moreBreaks: 0,
});

function addBreak(walk: ChainWalk, fromSeq: number, toSeq: number, problem: ChainProblem): void {
  walk.badRows += toSeq - fromSeq + 1;
  const last = walk.breaks.at(-1);
  if (walk.moreBreaks === 0 && last && last.problem === problem && last.toSeq + 1 === fromSeq) {
    last.toSeq = toSeq;
  } else if (walk.breaks.length < MAX_CHAIN_BREAKS) {
    walk.breaks.push({ fromSeq, toSeq, problem });
  } else {
    walk.moreBreaks++;
  }
}

/**
 * Walks rows in sequence order and goes on past a bad row: each row is checked against the row
 * stored before it, so one edit is reported where it is and a second edit further on is reported
 * too (a walk that stopped at the first would hide every later one). `walk` carries the state across
 * pages, so a long trail is verified in batches; call chainVerdict(walk) after the last page.
 */
export function verifyChain(
  rows: readonly StoredAuditRow[],
  digest: Digest,
  walk: ChainWalk = chainStart(),
): ChainWalk {
  for (const row of rows) {
    const seq = row.content.seq;
    if (seq < walk.expectedSeq) continue; // not in order: already judged
    walk.rows++;
    const gap = seq > walk.expectedSeq;
    if (gap) addBreak(walk, walk.expectedSeq, seq - 1, "sequence_gap");
    if (auditRowHash(digest, row.algorithm, row.prevHash, row.content) !== row.hash) {
      addBreak(walk, seq, seq, "hash_mismatch");
    } else if (!gap && row.prevHash !== walk.expectedPrev) {
      // After a gap the link is broken by the rows that are gone, already reported.
      addBreak(walk, seq, seq, "broken_link");
    }
    walk.expectedPrev = row.hash;
    walk.expectedSeq = seq + 1;
  }
  return walk;
}

export function chainVerdict(walk: ChainWalk): ChainVerdict {
  const first = walk.breaks[0];
  return {
    ok: walk.badRows === 0,
    rows: walk.rows,
    badRows: walk.badRows,
    breaks: walk.breaks.map((b) => ({ ...b })),
    moreBreaks: walk.moreBreaks,
    firstBadSeq: first?.fromSeq ?? null,
    problem: first?.problem ?? null,
    lastHash: walk.expectedPrev,
  };
}

/** A run of bad rows in one line, for the command line and the log. */
export function describeChainBreak(b: ChainBreak): string {
  const rows = b.fromSeq === b.toSeq ? `audit row ${b.fromSeq}` : `audit rows ${b.fromSeq}–${b.toSeq}`;
  if (b.problem === "hash_mismatch") return `${rows}: edited (the content no longer gives the stored hash)`;
  if (b.problem === "broken_link") return `${rows}: not linked to the row before (that row was replaced, hash and all)`;
  return `${rows}: missing (removed from the sequence)`;
}

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

export type ChainVerdict =
  | { ok: true; rows: number; lastHash: string }
  | { ok: false; rows: number; firstBadSeq: number; problem: "hash_mismatch" | "broken_link" | "sequence_gap" };

/**
 * Walks rows in sequence order. `expectedPrev` carries the last good hash across pages, so a long
 * trail can be verified in batches.
 */
export function verifyChain(
  rows: readonly StoredAuditRow[],
  digest: Digest,
  start: { expectedPrev: string; expectedSeq: number } = { expectedPrev: AUDIT_GENESIS_HASH, expectedSeq: 1 },
): ChainVerdict & { next: { expectedPrev: string; expectedSeq: number } } {
  let { expectedPrev, expectedSeq } = start;
  let count = 0;
  for (const row of rows) {
    const seq = row.content.seq;
    if (seq !== expectedSeq)
      return { ok: false, rows: count, firstBadSeq: expectedSeq, problem: "sequence_gap", next: start };
    if (row.prevHash !== expectedPrev)
      return { ok: false, rows: count, firstBadSeq: seq, problem: "broken_link", next: start };
    if (auditRowHash(digest, row.algorithm, row.prevHash, row.content) !== row.hash) {
      return { ok: false, rows: count, firstBadSeq: seq, problem: "hash_mismatch", next: start };
    }
    expectedPrev = row.hash;
    expectedSeq = seq + 1;
    count++;
  }
  return { ok: true, rows: count, lastHash: expectedPrev, next: { expectedPrev, expectedSeq } };
}

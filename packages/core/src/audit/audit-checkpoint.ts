import { z } from "zod";
import { canonicalJson } from "./audit-chain.ts";

/**
 * A hash chain shows an edited or removed row in the middle, but not rows removed from its end: any
 * prefix of a valid chain is valid. So the server writes checkpoints OUTSIDE the database — how many
 * rows the trail had, its last row and that row's hash, when — each sealed with an HMAC under a key
 * the database never holds, and verification requires the trail to still contain every checkpoint's
 * row with the same hash and at least its row count. Core parses and judges; the server reads the
 * file and computes the MAC (injected, like the digest of the chain).
 *
 * `hash` and `mac` are base64url, not hex: the server log masks runs of 11 digits that look like a
 * mobile number, which a hex string contains now and then, and a checkpoint must survive in the log.
 */
export const AuditCheckpointSchema = z
  .object({
    v: z.literal(1),
    /** Which database the trail is in: `pglite`, or `postgres://host:port/name` (no credentials). */
    database: z.string().min(1).max(500),
    at: z.iso.datetime(),
    /** The trail's last row when the checkpoint was taken. */
    seq: z.number().int().min(1),
    /** How many rows the trail held then. */
    rows: z.number().int().min(1),
    /** The last row's hash, base64url. */
    hash: z.string().regex(/^[A-Za-z0-9_-]{43}$/),
    /** host:pid of the process that wrote it. */
    writer: z.string().max(300),
    macAlg: z.enum(["hmac-sha256", "hmac-sm3"]),
    mac: z.string().regex(/^[A-Za-z0-9_-]{43}$/),
  })
  .strict();
export type AuditCheckpoint = z.infer<typeof AuditCheckpointSchema>;
export type UnsignedAuditCheckpoint = Omit<AuditCheckpoint, "mac">;

/** What the MAC covers: every field but the MAC, in canonical JSON. */
export function checkpointPayload(checkpoint: UnsignedAuditCheckpoint | AuditCheckpoint): string {
  const { mac: _mac, ...rest } = checkpoint as AuditCheckpoint;
  return canonicalJson(rest);
}

const B64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/** Hex digest → base64url without padding (core runs in browsers too: no Buffer). */
export function hexToBase64url(hex: string): string {
  const bytes = (hex.match(/../g) ?? []).map((h) => Number.parseInt(h, 16));
  let out = "";
  for (let i = 0; i < bytes.length; i += 3) {
    const [a = 0, b = 0, c = 0] = [bytes[i], bytes[i + 1], bytes[i + 2]];
    const n = (a << 16) | (b << 8) | c;
    const chars = [n >> 18, (n >> 12) & 63, (n >> 6) & 63, n & 63].map((k) => B64URL[k]);
    out += chars.slice(0, Math.min(4, bytes.length - i + 1)).join("");
  }
  return out;
}

export const CHECKPOINT_PROBLEMS = ["unreadable", "not_genuine", "rows_missing", "row_replaced"] as const;
export type CheckpointProblemKind = (typeof CHECKPOINT_PROBLEMS)[number];

export const AuditCheckpointProblemSchema = z.object({
  /** Line of the checkpoint file (1-based). */
  line: z.number().int(),
  /** unreadable: not a checkpoint; not_genuine: its MAC does not match (written or edited without the key);
   * rows_missing: the trail no longer has the checkpoint's row or as many rows; row_replaced: the row
   * with the checkpoint's number has another hash (the trail was rebuilt). */
  problem: z.enum(CHECKPOINT_PROBLEMS),
  at: z.string().nullable(),
  seq: z.number().int().nullable(),
  rows: z.number().int().nullable(),
  /** rows_missing: the first and last row numbers the checkpoint saw that the trail lacks. */
  missingFrom: z.number().int().nullable(),
  missingTo: z.number().int().nullable(),
});
export type CheckpointProblem = z.infer<typeof AuditCheckpointProblemSchema>;

export type CheckpointMac = (payload: string, macAlg: AuditCheckpoint["macAlg"]) => string;

export interface ParsedCheckpoints {
  /** Genuine checkpoints of this database, with their line numbers. */
  checkpoints: (AuditCheckpoint & { line: number })[];
  /** Genuine checkpoints of other databases (the same data directory used with another DATABASE_URL). */
  otherDatabase: number;
  problems: CheckpointProblem[];
}

const problemOf = (line: number, problem: CheckpointProblemKind, c?: Partial<AuditCheckpoint>): CheckpointProblem => ({
  line,
  problem,
  at: c?.at ?? null,
  seq: c?.seq ?? null,
  rows: c?.rows ?? null,
  missingFrom: null,
  missingTo: null,
});

/** Parses checkpoint lines and checks each MAC (compared in constant time by `equal`). */
export function parseCheckpoints(
  text: string,
  database: string,
  mac: CheckpointMac,
  equal: (a: string, b: string) => boolean,
): ParsedCheckpoints {
  const out: ParsedCheckpoints = { checkpoints: [], otherDatabase: 0, problems: [] };
  text.split("\n").forEach((raw, index) => {
    const line = index + 1;
    if (raw.trim() === "") return;
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch {
      out.problems.push(problemOf(line, "unreadable"));
      return;
    }
    const parsed = AuditCheckpointSchema.safeParse(json);
    if (!parsed.success) {
      out.problems.push(problemOf(line, "unreadable"));
      return;
    }
    const checkpoint = parsed.data;
    if (!equal(mac(checkpointPayload(checkpoint), checkpoint.macAlg), checkpoint.mac)) {
      out.problems.push(problemOf(line, "not_genuine", checkpoint));
      return;
    }
    if (checkpoint.database !== database) out.otherDatabase++;
    else out.checkpoints.push({ ...checkpoint, line });
  });
  return out;
}

/** What the trail holds now, as far as checkpoints need it. */
export interface TrailState {
  /** Rows in the table. */
  rows: number;
  /** Highest row number (0 when empty). */
  lastSeq: number;
  /** Stored hash (hex) of the row with that number, if there is one. */
  hashAt(seq: number): string | undefined;
}

/** Every checkpoint must still be in the trail: its row with the same hash, and at least its row count. */
export function checkCheckpoints(checkpoints: readonly (AuditCheckpoint & { line: number })[], trail: TrailState) {
  const problems: CheckpointProblem[] = [];
  for (const c of checkpoints) {
    const stored = trail.hashAt(c.seq);
    if (stored === undefined || trail.rows < c.rows) {
      const missingFrom = stored === undefined ? Math.min(trail.lastSeq, c.seq - 1) + 1 : null;
      problems.push({ ...problemOf(c.line, "rows_missing", c), missingFrom, missingTo: missingFrom ? c.seq : null });
    } else if (hexToBase64url(stored) !== c.hash) {
      problems.push(problemOf(c.line, "row_replaced", c));
    }
  }
  return problems;
}

/** One line for people (the command line, the log). */
export function describeCheckpointProblem(p: CheckpointProblem, file: string): string {
  const where = `checkpoint on line ${p.line} of ${file}`;
  switch (p.problem) {
    case "unreadable":
      return `${where} is not a checkpoint`;
    case "not_genuine":
      return `${where} is not genuine: its MAC does not match (edited, or written without the key)`;
    case "rows_missing":
      return p.missingFrom !== null
        ? `${p.missingFrom === p.missingTo ? `audit row ${p.missingFrom} is` : `audit rows ${p.missingFrom}–${p.missingTo} are`} missing: the ${where} (${p.at}) saw ${p.rows} row(s) ending at row ${p.seq}`
        : `audit rows are missing: the ${where} (${p.at}) saw ${p.rows} row(s), the trail holds fewer`;
    case "row_replaced":
      return `audit row ${p.seq} was replaced: its hash differs from the ${where} (${p.at})`;
  }
}

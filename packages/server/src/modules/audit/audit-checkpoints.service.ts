import { createHmac, hkdfSync, timingSafeEqual } from "node:crypto";
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, writeSync } from "node:fs";
import { hostname } from "node:os";
import path from "node:path";
import {
  type AuditCheckpoint,
  type ChainVerdict,
  type CheckpointProblem,
  checkCheckpoints,
  checkpointPayload,
  hexToBase64url,
  parseCheckpoints,
  type UnsignedAuditCheckpoint,
} from "@wangge/core";
import type { Config } from "../../config.ts";
import type { AppContext } from "../../context.ts";
import type { FieldCrypto } from "../../crypto/field-crypto.ts";
import { countAuditRows, findAuditHashes, findLastAuditRow } from "./audit.queries.ts";
import { verifyAuditTrail } from "./audit.service.ts";

/**
 * Checkpoints of the audit trail, kept where the database cannot reach: appended to
 * `<data dir>/audit/checkpoints.ndjson` (0600, in a 0700 directory) and written to the server log as one
 * line, every few minutes while the trail grows, at shutdown, and after a command-line change. Their
 * MAC key derives (HKDF) from the index root — the first data key, pinned when keys rotate — which
 * lives in the data directory's keys/ or the environment, never in the database: a database owner who
 * drops the newest rows cannot write a checkpoint that agrees, and every process of a deployment (and
 * `wangge audit verify` on any of its hosts) holds the same key, across key rotations.
 *
 * Several server processes on one PostgreSQL each append to the checkpoint file of their own data
 * directory (processes sharing a directory share the file: each line is one append). A line names its
 * database (`pglite`, or the PostgreSQL host, port and name from DATABASE_URL), so a directory used with
 * another database checks only that database's lines.
 */
type Ctx = Pick<AppContext, "db" | "config" | "crypto" | "now" | "log">;

export const CHECKPOINT_KEY_INFO = "wangge audit checkpoint v1";

export const checkpointFile = (dataDir: string) => path.join(dataDir, "audit", "checkpoints.ndjson");

/** The database as checkpoints name it: never the credentials or options of the URL. */
export function databaseIdentity(database: Config["database"]): string {
  if (database.kind === "pglite") return "pglite";
  const url = new URL(database.url);
  const host = url.hostname || url.searchParams.get("host") || "localhost";
  return `postgres://${host}:${url.port || "5432"}${url.pathname.length > 1 ? url.pathname : "/"}`;
}

const keys = new WeakMap<FieldCrypto, Map<string, Buffer>>();

function checkpointKey(crypto: FieldCrypto, macAlg: AuditCheckpoint["macAlg"]): Buffer {
  const byAlg = keys.get(crypto) ?? new Map<string, Buffer>();
  keys.set(crypto, byAlg);
  let key = byAlg.get(macAlg);
  if (!key) {
    const hash = macAlg === "hmac-sm3" ? "sm3" : "sha256";
    const root = crypto.exportKeyring().indexRoot;
    key = Buffer.from(hkdfSync(hash, root, Buffer.alloc(0), CHECKPOINT_KEY_INFO, 32));
    byAlg.set(macAlg, key);
  }
  return key;
}

function checkpointMac(crypto: FieldCrypto) {
  return (payload: string, macAlg: AuditCheckpoint["macAlg"]) =>
    createHmac(macAlg === "hmac-sm3" ? "sm3" : "sha256", checkpointKey(crypto, macAlg))
      .update(payload)
      .digest("base64url");
}

const equal = (a: string, b: string) => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

function appendLine(file: string, line: string): void {
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const fd = openSync(file, "a", 0o600);
  try {
    writeSync(fd, `${line}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function readGenuine(ctx: Ctx, file: string) {
  const text = existsSync(file) ? readFileSync(file, "utf8") : "";
  return parseCheckpoints(text, databaseIdentity(ctx.config.database), checkpointMac(ctx.crypto), equal);
}

interface Mark {
  seq: number;
  hash: string;
  rows: number;
}

export interface AuditCheckpointer {
  /** Writes a checkpoint if the trail's last row moved since the last one; returns it, or null. */
  checkpoint(): Promise<AuditCheckpoint | null>;
}

export function auditCheckpointer(ctx: Ctx): AuditCheckpointer {
  const file = checkpointFile(ctx.config.dataDir);
  const database = databaseIdentity(ctx.config.database);
  const macAlg = ctx.config.crypto === "gm" ? "hmac-sm3" : "hmac-sha256";
  let last: Mark | undefined;
  let loaded = false;

  return {
    async checkpoint() {
      if (!loaded) {
        // Carry on from the file's last checkpoint of this database (its row count saves a full count).
        const latest = readGenuine(ctx, file).checkpoints.at(-1);
        if (latest) last = { seq: latest.seq, hash: latest.hash, rows: latest.rows };
        loaded = true;
      }
      const head = await findLastAuditRow(ctx.db);
      if (!head) return null;
      const seq = Number(head.seq);
      const hash = hexToBase64url(head.hash);
      if (last && last.seq === seq && last.hash === hash) return null;
      if (last) {
        const stored = (await findAuditHashes(ctx.db, [last.seq])).get(last.seq);
        if (stored === undefined || hexToBase64url(stored) !== last.hash) {
          ctx.log.warn(
            { auditCheckpointLost: { seq: last.seq, rows: last.rows } },
            "the audit trail no longer holds the row of the last checkpoint: rows were removed or replaced; run wangge audit verify",
          );
          last = undefined;
        }
      }
      const rows = last
        ? last.rows + (await countAuditRows(ctx.db, { afterSeq: last.seq, upToSeq: seq }))
        : await countAuditRows(ctx.db, { upToSeq: seq });
      const unsigned: UnsignedAuditCheckpoint = {
        v: 1,
        database,
        at: ctx.now().toISOString(),
        seq,
        rows,
        hash,
        writer: `${hostname()}:${process.pid}`,
        macAlg,
      };
      const checkpoint: AuditCheckpoint = {
        ...unsigned,
        mac: checkpointMac(ctx.crypto)(checkpointPayload(unsigned), macAlg),
      };
      appendLine(file, JSON.stringify(checkpoint));
      ctx.log.info({ auditCheckpoint: checkpoint }, "audit checkpoint");
      last = { seq, hash, rows };
      return checkpoint;
    },
  };
}

/**
 * The server's checkpoints: one at start, then every `intervalMs` when the trail moved, and one when it
 * stops (stop() before the database closes). A failure is logged and the next tick tries again.
 */
export function startAuditCheckpoints(
  ctx: Ctx,
  intervalMs: number,
): { stop: () => Promise<void>; settled: () => Promise<unknown> } {
  const checkpointer = auditCheckpointer(ctx);
  let running: Promise<unknown> = Promise.resolve();
  const tick = () => {
    running = running
      .then(() => checkpointer.checkpoint())
      .catch((err: unknown) =>
        ctx.log.warn({ err }, "audit checkpoint failed; it is tried again at the next interval"),
      );
    return running;
  };
  void tick();
  const timer = setInterval(tick, intervalMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await tick();
    },
    /** Resolves when the checkpoint under way (if any) is written. */
    settled: () => running,
  };
}

export interface AuditVerification {
  ok: boolean;
  chain: ChainVerdict;
  /** Rows in the table and its last row number. */
  trail: { rows: number; lastSeq: number };
  checkpoints: {
    files: { file: string; exists: boolean }[];
    checked: number;
    otherDatabase: number;
    latest: { at: string; seq: number; rows: number } | null;
    problems: (CheckpointProblem & { file: string })[];
  };
  firstBadSeq: number | null;
  problem: string | null;
}

/**
 * The chain from its first row, and every checkpoint (of the data directory's file, or the files
 * given — copies from other hosts) still held by the trail.
 */
export async function verifyAuditTrailWithCheckpoints(ctx: Ctx, files?: string[]): Promise<AuditVerification> {
  const chain = await verifyAuditTrail(ctx.db);
  const head = await findLastAuditRow(ctx.db);
  const trail = { rows: await countAuditRows(ctx.db), lastSeq: head ? Number(head.seq) : 0 };
  const result: AuditVerification["checkpoints"] = {
    files: [],
    checked: 0,
    otherDatabase: 0,
    latest: null,
    problems: [],
  };
  for (const file of files ?? [checkpointFile(ctx.config.dataDir)]) {
    result.files.push({ file, exists: existsSync(file) });
    const parsed = readGenuine(ctx, file);
    const hashes = await findAuditHashes(ctx.db, [...new Set(parsed.checkpoints.map((c) => c.seq))]);
    const problems = [
      ...parsed.problems,
      ...checkCheckpoints(parsed.checkpoints, { ...trail, hashAt: (seq) => hashes.get(seq) }),
    ].sort((a, b) => a.line - b.line);
    result.problems.push(...problems.map((p) => ({ ...p, file })));
    result.checked += parsed.checkpoints.length;
    result.otherDatabase += parsed.otherDatabase;
    for (const c of parsed.checkpoints)
      if (!result.latest || c.seq > result.latest.seq) result.latest = { at: c.at, seq: c.seq, rows: c.rows };
  }
  let firstBadSeq: number | null = null;
  let problem: string | null = null;
  if (!chain.ok) {
    // Every run of bad rows is in chain.breaks; the verdict's headline is the first.
    firstBadSeq = chain.firstBadSeq;
    problem = chain.problem;
  } else {
    const missing = result.problems.filter((p) => p.problem === "rows_missing");
    const replaced = result.problems.filter((p) => p.problem === "row_replaced");
    if (missing.length > 0) {
      problem = "rows_missing";
      firstBadSeq = Math.min(...missing.map((p) => p.missingFrom ?? trail.lastSeq + 1));
    } else if (replaced.length > 0) {
      problem = "row_replaced";
      firstBadSeq = Math.min(...replaced.map((p) => p.seq ?? 0));
    } else if (result.problems.some((p) => p.problem === "not_genuine")) problem = "checkpoint_not_genuine";
    else if (result.problems.length > 0) problem = "checkpoint_unreadable";
  }
  return { ok: problem === null, chain, trail, checkpoints: result, firstBadSeq, problem };
}

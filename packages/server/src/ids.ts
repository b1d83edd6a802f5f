import { randomFillSync } from "node:crypto";

/**
 * UUIDv7 (RFC 9562): 48 bits of Unix milliseconds, then randomness. Time-ordered, so primary-key
 * indexes stay compact; clients may send their own (any UUID) to make creates idempotent.
 */
export function uuidv7(now: number = Date.now()): string {
  const bytes = randomPooled(16);
  bytes.writeUIntBE(now, 0, 6);
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x70;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = bytes.toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

const POOL_SIZE = 16 * 1024;
let pool = Buffer.alloc(0);
let offset = POOL_SIZE;

/**
 * Cryptographically random bytes from a pool refilled 16 KiB at a time: one system call per thousand
 * ids or IVs instead of one each (an import of a million people makes several million). Each slice
 * is handed out once and copied, so no two callers share bytes.
 */
export function randomPooled(size: number): Buffer {
  if (offset + size > POOL_SIZE) {
    pool = randomFillSync(Buffer.allocUnsafe(POOL_SIZE));
    offset = 0;
  }
  const out = Buffer.from(pool.subarray(offset, offset + size));
  offset += size;
  return out;
}

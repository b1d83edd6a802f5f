import { randomFillSync } from "node:crypto";

/** Two hex digits for each byte. */
const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));

/**
 * UUIDv7 (RFC 9562): 48 bits of Unix milliseconds, then randomness. Time-ordered, so primary-key
 * indexes stay compact; clients may send their own (any UUID) to make creates idempotent.
 */
export function uuidv7(now: number = Date.now()): string {
  const bytes = take(10);
  const at = offset - 10;
  const time = Math.floor(now).toString(16).padStart(12, "0");
  return (
    `${time.slice(0, 8)}-${time.slice(8)}-` +
    `${HEX[0x70 | ((bytes[at] as number) & 0x0f)]}${HEX[bytes[at + 1] as number]}-` +
    `${HEX[0x80 | ((bytes[at + 2] as number) & 0x3f)]}${HEX[bytes[at + 3] as number]}-` +
    `${HEX[bytes[at + 4] as number]}${HEX[bytes[at + 5] as number]}${HEX[bytes[at + 6] as number]}` +
    `${HEX[bytes[at + 7] as number]}${HEX[bytes[at + 8] as number]}${HEX[bytes[at + 9] as number]}`
  );
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
  const bytes = take(size);
  return Buffer.from(bytes.subarray(offset - size, offset));
}

/** The pool, with `size` fresh bytes just before `offset` (refilled first if fewer are left). */
function take(size: number): Buffer {
  if (offset + size > POOL_SIZE) {
    pool = randomFillSync(Buffer.allocUnsafe(POOL_SIZE));
    offset = 0;
  }
  offset += size;
  return pool;
}

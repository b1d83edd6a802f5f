import { createHash } from "node:crypto";

/** The digest the audit chain uses: SHA-256, or SM3 (GB/T 32905) when WANGGE_CRYPTO=gm. */
export function digest(algorithm: string, text: string): string {
  return createHash(algorithm).update(text, "utf8").digest("hex");
}

export function sha256(text: string): string {
  return digest("sha256", text);
}

import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes, timingSafeEqual } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { DomainError } from "@wangge/core";
import { randomPooled } from "../ids.ts";

/**
 * Encryption of personal fields at rest (phone numbers here; ID numbers with the registry). AES-256-GCM
 * with a random IV per value, and a keyed blind index (HMAC-SHA256) for exact look-up without
 * decrypting. Both keys are derived (HKDF) from one data key: WANGGE_DATA_KEY (32 bytes as base64 or
 * hex), or a key file created on first start in the data directory with mode 0600.
 * Stored form: `v1:<keyId>:<iv>:<ciphertext+tag>` (base64url), so a later key rotation can tell keys apart.
 */
export interface FieldCrypto {
  keyId: string;
  encrypt(plain: string): string;
  decrypt(stored: string): string;
  blindIndex(value: string): string;
  /** HMAC for secrets that are only ever compared (codes, tokens). */
  mac(value: string): string;
}

function parseKey(raw: string): Buffer {
  const trimmed = raw.trim();
  const key = /^[0-9a-fA-F]{64}$/.test(trimmed) ? Buffer.from(trimmed, "hex") : Buffer.from(trimmed, "base64");
  if (key.length !== 32) {
    throw new DomainError(
      "CONFIG_INVALID",
      "invalid configuration: WANGGE_DATA_KEY must be 32 bytes, as 64 hex digits or base64",
    );
  }
  return key;
}

export function loadDataKey(env: { dataKey?: string | undefined; dataDir: string }): Buffer {
  if (env.dataKey) return parseKey(env.dataKey);
  const file = path.join(env.dataDir, "keys", "data.key");
  if (!existsSync(file)) {
    mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    writeFileSync(file, `${randomBytes(32).toString("base64")}\n`, { mode: 0o600, flag: "wx" });
  }
  chmodSync(file, 0o600);
  return parseKey(readFileSync(file, "utf8"));
}

export function createFieldCrypto(dataKey: Buffer): FieldCrypto {
  const derive = (info: string) => Buffer.from(hkdfSync("sha256", dataKey, Buffer.alloc(0), info, 32));
  const encKey = derive("wangge field encryption v1");
  const indexKey = derive("wangge blind index v1");
  const macKey = derive("wangge secret mac v1");
  const keyId = createHmac("sha256", dataKey).update("key id").digest("hex").slice(0, 8);
  return {
    keyId,
    encrypt(plain) {
      const iv = randomPooled(12);
      const cipher = createCipheriv("aes-256-gcm", encKey, iv);
      const body = Buffer.concat([cipher.update(plain, "utf8"), cipher.final(), cipher.getAuthTag()]);
      return `v1:${keyId}:${iv.toString("base64url")}:${body.toString("base64url")}`;
    },
    decrypt(stored) {
      const [version, id, ivText, bodyText] = stored.split(":");
      if (version !== "v1" || id !== keyId || !ivText || !bodyText) {
        throw new Error(`cannot decrypt a value written with key ${id ?? "?"} (this process has ${keyId})`);
      }
      const body = Buffer.from(bodyText, "base64url");
      const decipher = createDecipheriv("aes-256-gcm", encKey, Buffer.from(ivText, "base64url"));
      decipher.setAuthTag(body.subarray(body.length - 16));
      return Buffer.concat([decipher.update(body.subarray(0, body.length - 16)), decipher.final()]).toString("utf8");
    },
    blindIndex(value) {
      return createHmac("sha256", indexKey).update(value).digest("hex");
    },
    mac(value) {
      return createHmac("sha256", macKey).update(value).digest("hex");
    },
  };
}

export function constantTimeEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a);
  const bb = Buffer.from(b);
  return ab.length === bb.length && timingSafeEqual(ab, bb);
}

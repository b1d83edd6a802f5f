import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes, timingSafeEqual } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";
import { DomainError } from "@wangge/core";
import { randomPooled } from "../ids.ts";

/**
 * Encryption of personal fields at rest (ID and phone numbers, TOTP secrets). By default AES-256-GCM
 * with a random IV per value; with WANGGE_CRYPTO=gm, SM4 (GB/T 32907) in CTR mode with an HMAC-SM3
 * tag (encrypt-then-MAC), for deployments that must use Chinese commercial cryptography. A keyed
 * blind index (HMAC-SHA256, or HMAC-SM3 with gm) allows exact look-up without decrypting.
 *
 * Keys: the data key (WANGGE_DATA_KEY, 32 bytes as base64 or hex, or `keys/data.key` created on first
 * start with mode 0600) encrypts; retired data keys (`keys/retired/*.key`, or WANGGE_RETIRED_DATA_KEYS)
 * still decrypt what was written before a rotation. The blind-index and MAC keys derive from the index
 * root — the first data key, kept as `keys/index.key` when a rotation retires it (or
 * WANGGE_INDEX_KEY) — so look-ups keep working while values are re-encrypted under a new key.
 * Stored form: `v1:<keyId>:<iv>:<ciphertext+tag>` (AES) or `g1:<keyId>:<iv>:<ciphertext>:<tag>` (SM4).
 */
export interface FieldCrypto {
  keyId: string;
  algorithm: "standard" | "gm";
  encrypt(plain: string): string;
  decrypt(stored: string): string;
  /** Whether a stored value was written under another key than the current one (or another algorithm). */
  isStale(stored: string): boolean;
  blindIndex(value: string): string;
  /** HMAC for secrets that are only ever compared (codes, tokens). */
  mac(value: string): string;
  /** Reads the key files again (after a rotation by another process); no-op for keys from the environment. */
  reload(): void;
  /**
   * The keys, for a worker thread of this process that encrypts on its behalf (an import's sealing
   * threads): handed to it in memory, never written, logged or sent anywhere else.
   */
  exportKeyring(): Keyring;
}

export interface Keyring {
  current: Buffer;
  retired: Buffer[];
  indexRoot: Buffer;
}

function parseKey(raw: string, name = "WANGGE_DATA_KEY"): Buffer {
  const trimmed = raw.trim();
  const key = /^[0-9a-fA-F]{64}$/.test(trimmed) ? Buffer.from(trimmed, "hex") : Buffer.from(trimmed, "base64");
  if (key.length !== 32) {
    throw new DomainError(
      "CONFIG_INVALID",
      `invalid configuration: ${name} must be 32 bytes, as 64 hex digits or base64`,
    );
  }
  return key;
}

export const keyIdOf = (key: Buffer) => createHmac("sha256", key).update("key id").digest("hex").slice(0, 8);

export interface KeySource {
  dataKey?: string | undefined;
  retiredKeys?: string | undefined;
  indexKey?: string | undefined;
  dataDir: string;
}

export const keysDir = (dataDir: string) => path.join(dataDir, "keys");

/** The current, retired and index-root keys, from the environment or the key files. */
export function loadKeyring(env: KeySource): Keyring {
  const dir = keysDir(env.dataDir);
  let current: Buffer;
  const retired: Buffer[] = [];
  if (env.dataKey) {
    current = parseKey(env.dataKey);
    for (const k of (env.retiredKeys ?? "").split(",").filter((x) => x.trim()))
      retired.push(parseKey(k, "WANGGE_RETIRED_DATA_KEYS"));
  } else {
    const file = path.join(dir, "data.key");
    if (!existsSync(file)) {
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      writeFileSync(file, `${randomBytes(32).toString("base64")}\n`, { mode: 0o600, flag: "wx" });
    }
    chmodSync(file, 0o600);
    current = parseKey(readFileSync(file, "utf8"));
    const retiredDir = path.join(dir, "retired");
    if (existsSync(retiredDir))
      for (const name of readdirSync(retiredDir)
        .filter((n) => n.endsWith(".key"))
        .sort())
        retired.push(parseKey(readFileSync(path.join(retiredDir, name), "utf8")));
  }
  const indexFile = path.join(dir, "index.key");
  const indexRoot = env.indexKey
    ? parseKey(env.indexKey, "WANGGE_INDEX_KEY")
    : !env.dataKey && existsSync(indexFile)
      ? parseKey(readFileSync(indexFile, "utf8"))
      : current;
  return { current, retired, indexRoot };
}

/** Kept for callers that have one key: the current, index root and only key. */
export function loadDataKey(env: { dataKey?: string | undefined; dataDir: string }): Buffer {
  return loadKeyring(env).current;
}

/**
 * Makes a new data key current and retires the old one (kept to decrypt until every value is
 * re-encrypted). The first rotation also pins the index root, so blind indexes stay valid.
 */
export function rotateKeyFiles(dataDir: string): { retiredKeyId: string; newKeyId: string } {
  const dir = keysDir(dataDir);
  const ring = loadKeyring({ dataDir });
  const indexFile = path.join(dir, "index.key");
  if (!existsSync(indexFile))
    writeFileSync(indexFile, `${ring.indexRoot.toString("base64")}\n`, { mode: 0o600, flag: "wx" });
  const retiredDir = path.join(dir, "retired");
  mkdirSync(retiredDir, { recursive: true, mode: 0o700 });
  const retiredKeyId = keyIdOf(ring.current);
  writeFileSync(path.join(retiredDir, `${Date.now()}-${retiredKeyId}.key`), `${ring.current.toString("base64")}\n`, {
    mode: 0o600,
  });
  const next = randomBytes(32);
  const tmp = path.join(dir, "data.key.new");
  writeFileSync(tmp, `${next.toString("base64")}\n`, { mode: 0o600 });
  renameSync(tmp, path.join(dir, "data.key"));
  return { retiredKeyId, newKeyId: keyIdOf(next) };
}

interface KeyState {
  keyId: string;
  encKey: Buffer;
  macKey: Buffer;
}

export function createFieldCrypto(
  keys: Buffer | Keyring,
  options: { algorithm?: "standard" | "gm"; source?: KeySource } = {},
): FieldCrypto {
  const algorithm = options.algorithm ?? "standard";
  const hash = algorithm === "gm" ? "sm3" : "sha256";
  const version = algorithm === "gm" ? "g1" : "v1";
  let ring: Keyring = Buffer.isBuffer(keys) ? { current: keys, retired: [], indexRoot: keys } : keys;
  let states = new Map<string, KeyState>();
  let current: KeyState;
  let indexKey: Buffer;
  let macKey: Buffer;
  const derive = (key: Buffer, info: string) => Buffer.from(hkdfSync(hash, key, Buffer.alloc(0), info, 32));
  const install = (next: Keyring) => {
    ring = next;
    states = new Map();
    for (const key of [ring.current, ...ring.retired]) {
      const keyId = keyIdOf(key);
      states.set(keyId, {
        keyId,
        encKey: derive(key, "wangge field encryption v1").subarray(0, algorithm === "gm" ? 16 : 32),
        macKey: derive(key, "wangge field tag v1"),
      });
    }
    current = states.get(keyIdOf(ring.current)) as KeyState;
    indexKey = derive(ring.indexRoot, "wangge blind index v1");
    macKey = derive(ring.indexRoot, "wangge secret mac v1");
  };
  install(ring);
  const stateFor = (id: string | undefined) => {
    let state = id ? states.get(id) : undefined;
    if (!state && id && options.source && !options.source.dataKey) {
      // Another process may have rotated the key since this one started.
      install(loadKeyring(options.source));
      state = states.get(id);
    }
    if (!state)
      throw new Error(
        `cannot decrypt a value written with key ${id ?? "?"} (this process has ${[...states.keys()].join(", ")})`,
      );
    return state;
  };
  return {
    get keyId() {
      return current.keyId;
    },
    algorithm,
    encrypt(plain) {
      if (algorithm === "gm") {
        const iv = randomPooled(16);
        const cipher = createCipheriv("sm4-ctr", current.encKey, iv);
        const body = Buffer.concat([cipher.update(plain, "utf8"), cipher.final()]);
        const tag = createHmac("sm3", current.macKey).update(iv).update(body).digest();
        return `g1:${current.keyId}:${iv.toString("base64url")}:${body.toString("base64url")}:${tag.toString("base64url")}`;
      }
      const iv = randomPooled(12);
      const cipher = createCipheriv("aes-256-gcm", current.encKey, iv);
      const body = Buffer.concat([cipher.update(plain, "utf8"), cipher.final(), cipher.getAuthTag()]);
      return `v1:${current.keyId}:${iv.toString("base64url")}:${body.toString("base64url")}`;
    },
    decrypt(stored) {
      const [prefix, id, ivText, bodyText, tagText] = stored.split(":");
      if (prefix !== version || !ivText || !bodyText)
        throw new Error(`cannot decrypt a ${prefix ?? "?"} value with ${algorithm} cryptography`);
      const state = stateFor(id);
      const iv = Buffer.from(ivText, "base64url");
      const body = Buffer.from(bodyText, "base64url");
      if (algorithm === "gm") {
        const tag = createHmac("sm3", state.macKey).update(iv).update(body).digest();
        if (!tagText || !timingSafeEqual(tag, Buffer.from(tagText, "base64url")))
          throw new Error("the value was altered");
        const decipher = createDecipheriv("sm4-ctr", state.encKey, iv);
        return Buffer.concat([decipher.update(body), decipher.final()]).toString("utf8");
      }
      const decipher = createDecipheriv("aes-256-gcm", state.encKey, iv);
      decipher.setAuthTag(body.subarray(body.length - 16));
      return Buffer.concat([decipher.update(body.subarray(0, body.length - 16)), decipher.final()]).toString("utf8");
    },
    isStale(stored) {
      return !stored.startsWith(`${version}:${current.keyId}:`);
    },
    blindIndex(value) {
      return createHmac(hash, indexKey).update(value).digest("hex");
    },
    mac(value) {
      return createHmac(hash, macKey).update(value).digest("hex");
    },
    reload() {
      if (options.source && !options.source.dataKey) install(loadKeyring(options.source));
    },
    exportKeyring() {
      return { current: ring.current, retired: [...ring.retired], indexRoot: ring.indexRoot };
    },
  };
}

export function constantTimeEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a);
  const bb = Buffer.from(b);
  return ab.length === bb.length && timingSafeEqual(ab, bb);
}

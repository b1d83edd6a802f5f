import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import path from "node:path";
import { checkCharacter } from "@wangge/core";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildTestApp, type TestApp } from "../test/build-test-app.ts";
import { buildAreaTree, buildUser, type Session, signIn } from "../test/factories.ts";
import { createFieldCrypto } from "./field-crypto.ts";

describe("field encryption", () => {
  const key = randomBytes(32);

  it("round-trips with AES-256-GCM and with SM4 (gm), each refusing the other's values and tampering", () => {
    const aes = createFieldCrypto(key);
    const gm = createFieldCrypto(key, { algorithm: "gm" });
    const a = aes.encrypt("450802198001010013");
    const g = gm.encrypt("450802198001010013");
    expect(a).toMatch(/^v1:[0-9a-f]{8}:/);
    expect(g).toMatch(/^g1:[0-9a-f]{8}:[\w-]+:[\w-]+:[\w-]+$/);
    expect(aes.decrypt(a)).toBe("450802198001010013");
    expect(gm.decrypt(g)).toBe("450802198001010013");
    expect(() => aes.decrypt(g)).toThrow();
    expect(() => gm.decrypt(a)).toThrow();
    const parts = g.split(":");
    const body = Buffer.from(parts[3] as string, "base64url");
    body[0] = (body[0] ?? 0) ^ 1;
    parts[3] = body.toString("base64url");
    expect(() => gm.decrypt(parts.join(":"))).toThrow("the value was altered");
    // Two encryptions of one value differ; the blind index does not (and differs between algorithms).
    expect(gm.encrypt("x")).not.toBe(gm.encrypt("x"));
    expect(gm.blindIndex("x")).toBe(createFieldCrypto(key, { algorithm: "gm" }).blindIndex("x"));
    expect(gm.blindIndex("x")).not.toBe(aes.blindIndex("x"));
  });

  it("decrypts with a retired key and knows which values are stale", () => {
    const old = randomBytes(32);
    const next = randomBytes(32);
    const before = createFieldCrypto(old).encrypt("13877123456");
    const after = createFieldCrypto({ current: next, retired: [old], indexRoot: old });
    expect(after.decrypt(before)).toBe("13877123456");
    expect(after.isStale(before)).toBe(true);
    expect(after.isStale(after.encrypt("1"))).toBe(false);
    expect(after.blindIndex("13877123456")).toBe(createFieldCrypto(old).blindIndex("13877123456"));
  });
});

describe("rotating the data key while serving", () => {
  let t: TestApp;
  let admin: Session;
  let official: Session;
  const idNumber = `${"45080219700101001"}${checkCharacter("45080219700101001")}`;
  const personId = crypto.randomUUID();

  beforeAll(async () => {
    t = await buildTestApp({}, { keyFiles: true });
    admin = await signIn(t, await buildUser(t.ctx, { role: "admin" }));
    const tree = await buildAreaTree(t.ctx);
    // Registering needs the work scope (#16 item 7): the official is also the village's grid head.
    official = await signIn(
      t,
      await buildUser(t.ctx, {
        role: "township_official",
        areaCode: tree.township.code,
        posts: [{ role: "grid_head", areaCode: tree.village.code }],
      }),
    );
    const res = await t.app.inject({
      method: "POST",
      url: "/api/v1/people",
      headers: official.headers,
      payload: { id: personId, name: "轮换", idNumber, phone: "13877000111", gridCode: tree.grid.code },
    });
    expect(res.statusCode).toBe(201);
  });
  afterAll(async () => {
    await t?.close();
  });

  it("makes a new key current, re-encrypts every value, and keeps look-ups and reveals working", async () => {
    const before = (await t.app.inject({ method: "GET", url: "/api/v1/system/keys", headers: admin.headers })).json();
    const res = await t.app.inject({ method: "POST", url: "/api/v1/system/keys/rotate", headers: admin.headers });
    expect(res.statusCode, res.body).toBe(202);
    expect(res.json().keyId).not.toBe(before.keyId);
    expect(existsSync(path.join(t.config.dataDir, "keys", "index.key"))).toBe(true);
    let keys = res.json();
    for (let i = 0; i < 100 && (keys.staleValues > 0 || keys.reencrypting); i++) {
      await new Promise((r) => setTimeout(r, 20));
      keys = (await t.app.inject({ method: "GET", url: "/api/v1/system/keys", headers: admin.headers })).json();
    }
    expect(keys).toMatchObject({ staleValues: 0, reencrypting: false });
    const stored = await sql<{ v: string }>`select id_number_enc as v from person where id = ${personId}`.execute(
      t.ctx.db,
    );
    expect(stored.rows[0]?.v.startsWith(`v1:${keys.keyId}:`)).toBe(true);
    const found = await t.app.inject({ method: "GET", url: `/api/v1/people?q=${idNumber}`, headers: official.headers });
    expect(found.json().map((p: { id: string }) => p.id)).toEqual([personId]);
    const clear = await t.app.inject({
      method: "POST",
      url: `/api/v1/people/${personId}/reveal`,
      headers: official.headers,
      payload: { fields: ["idNumber", "phone"], reason: "核对轮换" },
    });
    expect(clear.json()).toEqual({ idNumber, phone: "13877000111" });
  });

  it("is refused to anyone but an admin, and when the key comes from the environment", async () => {
    const res = await t.app.inject({ method: "POST", url: "/api/v1/system/keys/rotate", headers: official.headers });
    expect(res.statusCode).toBe(403);
    const env = await buildTestApp({ WANGGE_DATA_KEY: randomBytes(32).toString("base64") });
    try {
      const envAdmin = await signIn(env, await buildUser(env.ctx, { role: "admin" }));
      const refused = await env.app.inject({
        method: "POST",
        url: "/api/v1/system/keys/rotate",
        headers: envAdmin.headers,
      });
      expect(refused.statusCode).toBe(409);
      expect(refused.json().code).toBe("KEYS_FROM_ENVIRONMENT");
    } finally {
      await env.close();
    }
  });
});

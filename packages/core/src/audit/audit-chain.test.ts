import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  AUDIT_GENESIS_HASH,
  type AuditContent,
  auditRowHash,
  canonicalJson,
  type StoredAuditRow,
  verifyChain,
} from "./audit-chain.ts";

const digest = (alg: string, text: string) => createHash(alg).update(text).digest("hex");

function chain(n: number, algorithm = "sha256"): StoredAuditRow[] {
  const rows: StoredAuditRow[] = [];
  let prev = AUDIT_GENESIS_HASH;
  for (let seq = 1; seq <= n; seq++) {
    const content: AuditContent = {
      seq,
      occurredAt: `2026-11-28T08:00:0${seq}.000Z`,
      actorUserId: null,
      actorUsername: "admin",
      ip: "127.0.0.1",
      userAgent: null,
      action: "auth.login",
      targetType: "user",
      targetId: `u${seq}`,
      areaPath: null,
      outcome: "success",
      reason: null,
      details: { b: 1, a: [2, { d: 3, c: 4 }] },
    };
    const hash = auditRowHash(digest, algorithm, prev, content);
    rows.push({ content, algorithm, prevHash: prev, hash });
    prev = hash;
  }
  return rows;
}

describe("canonicalJson", () => {
  it("sorts keys at every depth so equal content hashes equally", () => {
    expect(canonicalJson({ b: 1, a: { d: 1, c: [1, { f: 1, e: 2 }] } })).toBe(
      '{"a":{"c":[1,{"e":2,"f":1}],"d":1},"b":1}',
    );
  });
});

describe("verifyChain", () => {
  it("accepts an intact chain, in SHA-256 and in SM3", () => {
    expect(verifyChain(chain(5), digest)).toMatchObject({ ok: true, rows: 5 });
    expect(verifyChain(chain(3, "sm3"), digest)).toMatchObject({ ok: true, rows: 3 });
  });

  it("names the first edited row", () => {
    const rows = chain(5);
    rows[2] = { ...rows[2]!, content: { ...rows[2]!.content, outcome: "failure" } };
    expect(verifyChain(rows, digest)).toMatchObject({ ok: false, firstBadSeq: 3, problem: "hash_mismatch" });
  });

  it("names the gap left by a removed row", () => {
    const rows = chain(5);
    rows.splice(1, 1);
    expect(verifyChain(rows, digest)).toMatchObject({ ok: false, firstBadSeq: 2, problem: "sequence_gap" });
  });

  it("detects rows swapped together with their numbers", () => {
    const rows = chain(4);
    const a = rows[1]!;
    const b = rows[2]!;
    rows[1] = { ...b, content: { ...b.content, seq: 2 } };
    rows[2] = { ...a, content: { ...a.content, seq: 3 } };
    expect(verifyChain(rows, digest)).toMatchObject({ ok: false, firstBadSeq: 2 });
  });

  it("continues across pages from the last good hash", () => {
    const rows = chain(6);
    const first = verifyChain(rows.slice(0, 3), digest);
    expect(verifyChain(rows.slice(3), digest, first.next)).toMatchObject({ ok: true, rows: 3 });
  });
});

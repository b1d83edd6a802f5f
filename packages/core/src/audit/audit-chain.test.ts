import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  AUDIT_GENESIS_HASH,
  type AuditContent,
  auditRowHash,
  canonicalJson,
  chainVerdict,
  describeChainBreak,
  MAX_CHAIN_BREAKS,
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

const verify = (rows: StoredAuditRow[]) => chainVerdict(verifyChain(rows, digest));

describe("verifyChain", () => {
  it("accepts an intact chain, in SHA-256 and in SM3", () => {
    expect(verify(chain(5))).toMatchObject({ ok: true, rows: 5, breaks: [], firstBadSeq: null });
    expect(verify(chain(3, "sm3"))).toMatchObject({ ok: true, rows: 3 });
  });

  it("names the first edited row", () => {
    const rows = chain(5);
    rows[2] = { ...rows[2]!, content: { ...rows[2]!.content, outcome: "failure" } };
    expect(verify(rows)).toMatchObject({ ok: false, firstBadSeq: 3, problem: "hash_mismatch" });
  });

  it("names the gap left by a removed row", () => {
    const rows = chain(5);
    rows.splice(1, 1);
    expect(verify(rows)).toMatchObject({
      ok: false,
      firstBadSeq: 2,
      problem: "sequence_gap",
      breaks: [{ fromSeq: 2, toSeq: 2, problem: "sequence_gap" }],
    });
  });

  it("detects rows swapped together with their numbers", () => {
    const rows = chain(4);
    const a = rows[1]!;
    const b = rows[2]!;
    rows[1] = { ...b, content: { ...b.content, seq: 2 } };
    rows[2] = { ...a, content: { ...a.content, seq: 3 } };
    expect(verify(rows)).toMatchObject({ ok: false, firstBadSeq: 2 });
  });

  it("goes on past a bad row and reports every edit, removal and replaced row after it", () => {
    const rows = chain(12);
    const edit = (i: number) => {
      rows[i] = { ...rows[i]!, content: { ...rows[i]!.content, actorUsername: "someone else" } };
    };
    edit(1);
    edit(2);
    edit(6);
    // Row 9 rebuilt with a hash of its own: it checks, the row after it no longer links to it.
    const r9 = { ...rows[8]!.content, outcome: "denied" as const };
    rows[8] = { ...rows[8]!, content: r9, hash: auditRowHash(digest, "sha256", rows[8]!.prevHash, r9) };
    rows.splice(10, 1); // row 11 removed
    const verdict = verify(rows);
    expect(verdict).toMatchObject({ ok: false, rows: 11, badRows: 5, firstBadSeq: 2, problem: "hash_mismatch" });
    expect(verdict.breaks).toEqual([
      { fromSeq: 2, toSeq: 3, problem: "hash_mismatch" },
      { fromSeq: 7, toSeq: 7, problem: "hash_mismatch" },
      { fromSeq: 10, toSeq: 10, problem: "broken_link" },
      { fromSeq: 11, toSeq: 11, problem: "sequence_gap" },
    ]);
    expect(verdict.breaks.map(describeChainBreak)[0]).toBe(
      "audit rows 2–3: edited (the content no longer gives the stored hash)",
    );
  });

  it("lists the first hundred runs of bad rows and counts the rest", () => {
    const rows = chain(250);
    for (let i = 0; i < 250; i += 2) rows[i] = { ...rows[i]!, content: { ...rows[i]!.content, reason: "x" } };
    const verdict = verify(rows);
    expect(verdict.breaks).toHaveLength(MAX_CHAIN_BREAKS);
    expect(verdict.moreBreaks).toBe(25);
    expect(verdict.badRows).toBe(125);
  });

  it("continues across pages from the last row's hash", () => {
    const rows = chain(6);
    rows[4] = { ...rows[4]!, content: { ...rows[4]!.content, reason: "x" } };
    const walk = verifyChain(rows.slice(0, 3), digest);
    expect(chainVerdict(verifyChain(rows.slice(3), digest, walk))).toMatchObject({
      ok: false,
      rows: 6,
      breaks: [{ fromSeq: 5, toSeq: 5, problem: "hash_mismatch" }],
      lastHash: rows[5]!.hash,
    });
  });
});

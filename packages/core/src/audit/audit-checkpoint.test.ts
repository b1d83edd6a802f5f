import { createHash, createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  type AuditCheckpoint,
  checkCheckpoints,
  checkpointPayload,
  describeCheckpointProblem,
  hexToBase64url,
  parseCheckpoints,
  type TrailState,
} from "./audit-checkpoint.ts";

const KEY = "checkpoint test key";
const mac = (payload: string) => createHmac("sha256", KEY).update(payload).digest("base64url");
const equal = (a: string, b: string) => a === b;
const hashOf = (seq: number) => createHash("sha256").update(`row ${seq}`).digest("hex");

function sign(c: Omit<AuditCheckpoint, "mac" | "v" | "macAlg" | "writer" | "hash"> & { hash?: string }): string {
  const unsigned = {
    v: 1 as const,
    writer: "host:1",
    macAlg: "hmac-sha256" as const,
    hash: hexToBase64url(hashOf(c.seq)),
    ...c,
  };
  return JSON.stringify({ ...unsigned, mac: mac(checkpointPayload(unsigned)) });
}

const trail = (rows: number): TrailState => ({
  rows,
  lastSeq: rows,
  hashAt: (seq) => (seq >= 1 && seq <= rows ? hashOf(seq) : undefined),
});

describe("hexToBase64url", () => {
  it("agrees with Node's base64url for digests and odd lengths", () => {
    for (const hex of [hashOf(1), "ff", "00ff", "abcdef", "0102030405"])
      expect(hexToBase64url(hex)).toBe(Buffer.from(hex, "hex").toString("base64url"));
  });
});

describe("audit checkpoints", () => {
  const file = [
    sign({ database: "pglite", at: "2026-12-06T08:00:00.000Z", seq: 5, rows: 5 }),
    sign({ database: "pglite", at: "2026-12-06T08:05:00.000Z", seq: 12, rows: 12 }),
    sign({ database: "postgres://db:5432/other", at: "2026-12-06T08:05:00.000Z", seq: 99, rows: 99 }),
    "",
  ].join("\n");

  it("hold while the trail still has every checkpoint's row, however much it grew", () => {
    const parsed = parseCheckpoints(file, "pglite", mac, equal);
    expect(parsed).toMatchObject({ otherDatabase: 1, problems: [] });
    expect(parsed.checkpoints.map((c) => c.line)).toEqual([1, 2]);
    expect(checkCheckpoints(parsed.checkpoints, trail(12))).toEqual([]);
    expect(checkCheckpoints(parsed.checkpoints, trail(40))).toEqual([]);
  });

  it("name the rows removed from the end of the trail, which the chain alone cannot see", () => {
    const { checkpoints } = parseCheckpoints(file, "pglite", mac, equal);
    const problems = checkCheckpoints(checkpoints, trail(11));
    expect(problems).toEqual([
      {
        line: 2,
        problem: "rows_missing",
        at: "2026-12-06T08:05:00.000Z",
        seq: 12,
        rows: 12,
        missingFrom: 12,
        missingTo: 12,
      },
    ]);
    expect(describeCheckpointProblem(problems[0]!, "cp.ndjson")).toBe(
      "audit row 12 is missing: the checkpoint on line 2 of cp.ndjson (2026-12-06T08:05:00.000Z) saw 12 row(s) ending at row 12",
    );
    const truncated = checkCheckpoints(checkpoints, trail(0));
    expect(truncated.map((p) => [p.missingFrom, p.missingTo])).toEqual([
      [1, 5],
      [1, 12],
    ]);
  });

  it("see a trail rebuilt after a truncation: the row at the checkpoint's number has another hash", () => {
    const { checkpoints } = parseCheckpoints(file, "pglite", mac, equal);
    const rebuilt: TrailState = { rows: 20, lastSeq: 20, hashAt: (seq) => hashOf(seq + 1000) };
    expect(checkCheckpoints(checkpoints, rebuilt).map((p) => [p.line, p.problem])).toEqual([
      [1, "row_replaced"],
      [2, "row_replaced"],
    ]);
  });

  it("report an edited or forged line and a line that is not a checkpoint, and do not trust them", () => {
    const lines = file.split("\n");
    lines[1] = (lines[1] ?? "").replace('"seq":12', '"seq":3').replace('"rows":12', '"rows":3');
    lines.push(JSON.stringify({ ...JSON.parse(lines[0] ?? "{}"), mac: "A".repeat(43) }), "{not json", '{"v":2}');
    const parsed = parseCheckpoints(lines.join("\n"), "pglite", mac, equal);
    expect(parsed.problems.map((p) => [p.line, p.problem])).toEqual([
      [2, "not_genuine"],
      [5, "not_genuine"],
      [6, "unreadable"],
      [7, "unreadable"],
    ]);
    expect(parsed.checkpoints.map((c) => c.line)).toEqual([1]);
  });
});

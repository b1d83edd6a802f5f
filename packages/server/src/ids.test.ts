import { describe, expect, it } from "vitest";
import { randomPooled, uuidv7 } from "./ids.ts";

const V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe("uuidv7", () => {
  it("is a version 7, variant 10 UUID whose first 48 bits are the given milliseconds", () => {
    const at = Date.UTC(2026, 10, 28, 8, 30, 0, 123);
    const id = uuidv7(at);
    expect(id).toMatch(V7);
    expect(Number.parseInt(id.replace(/-/g, "").slice(0, 12), 16)).toBe(at);
    expect(uuidv7(0).startsWith("00000000-0000-7")).toBe(true);
  });

  it("is random after the time, across refills of the pool, and sorts by time", () => {
    const ids = Array.from({ length: 5000 }, () => uuidv7(1_700_000_000_000));
    expect(new Set(ids).size).toBe(5000);
    for (const id of ids) expect(id).toMatch(V7);
    // Every hex digit of the random part shows up in every position: nothing is stuck.
    const tail = new Set(ids.map((id) => id.slice(-1)));
    expect(tail.size).toBe(16);
    expect(uuidv7(1_700_000_000_001) > (ids.sort().at(-1) as string)).toBe(true);
  });
});

describe("randomPooled", () => {
  it("hands out fresh bytes each time, copies that later draws do not change", () => {
    const first = randomPooled(16);
    const copy = Buffer.from(first);
    for (let i = 0; i < 2000; i++) randomPooled(16);
    expect(first.equals(copy)).toBe(true);
    expect(randomPooled(16).equals(first)).toBe(false);
  });
});

import { describe, expect, it } from "vitest";
import { PackedRTree } from "./packed-rtree.ts";
import type { BBox } from "./polygon.ts";

function seeded(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function brute(boxes: BBox[], x: number, y: number): number[] {
  return boxes.flatMap((b, i) => (x >= b[0] && y >= b[1] && x <= b[2] && y <= b[3] ? [i] : []));
}

describe("PackedRTree", () => {
  it("finds nothing in an empty tree and the one item of a single-item tree", () => {
    expect(new PackedRTree([]).search(1, 1)).toEqual([]);
    const one = new PackedRTree([[108, 22, 109, 23]]);
    expect(one.search(108.5, 22.5)).toEqual([0]);
    expect(one.search(110, 22.5)).toEqual([]);
  });

  it("answers exactly what a scan of every box answers, for overlapping boxes of any size", () => {
    const random = seeded(7);
    for (const count of [2, 9, 64, 65, 1000, 5000]) {
      const boxes: BBox[] = Array.from({ length: count }, () => {
        const x = 104 + random() * 8;
        const y = 20 + random() * 6;
        const w = random() * (random() < 0.1 ? 3 : 0.2);
        return [x, y, x + w, y + random() * 0.2];
      });
      const tree = new PackedRTree(boxes);
      for (let q = 0; q < 500; q++) {
        const x = 103.5 + random() * 9;
        const y = 19.5 + random() * 7;
        const expected = brute(boxes, x, y);
        // Float32 boxes are rounded outwards: every true hit is reported; extra near-misses are
        // allowed only within a float32 step of the box.
        const got = tree.search(x, y);
        for (const i of expected) expect(got).toContain(i);
        for (const i of got.filter((g) => !expected.includes(g))) {
          const b = boxes[i] as BBox;
          const slack = 1e-5;
          expect(x >= b[0] - slack && y >= b[1] - slack && x <= b[2] + slack && y <= b[3] + slack).toBe(true);
        }
      }
    }
  });

  it("reports a point exactly on a box edge or corner, with negative coordinates too", () => {
    const boxes: BBox[] = [
      [-10.1, -5.3, -9.7, -4.9],
      [0.1, 0.2, 0.3, 0.4],
      [108.123456789, 22.987654321, 108.2, 23],
    ];
    const tree = new PackedRTree(boxes);
    expect(tree.search(-10.1, -5.3)).toContain(0);
    expect(tree.search(-9.7, -4.9)).toContain(0);
    expect(tree.search(0.3, 0.2)).toContain(1);
    expect(tree.search(108.123456789, 22.987654321)).toContain(2);
    expect(tree.search(50, 50)).toEqual([]);
  });

  it("stops as soon as the visitor says so", () => {
    const boxes: BBox[] = Array.from({ length: 100 }, () => [0, 0, 1, 1]);
    const tree = new PackedRTree(boxes);
    let calls = 0;
    tree.visit(0.5, 0.5, () => {
      calls++;
      return calls === 3;
    });
    expect(calls).toBe(3);
    expect(tree.search(0.5, 0.5)).toHaveLength(100);
  });
});

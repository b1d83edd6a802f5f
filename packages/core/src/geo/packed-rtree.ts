import type { BBox } from "./polygon.ts";

/**
 * A static R-tree over bounding boxes, packed bottom-up with Sort-Tile-Recursive (Leutenegger et
 * al., 1997): at every level the boxes are cut into vertical slices by centre x, each slice is
 * sorted by centre y and consecutive runs become parents. For grids — a lattice-like tiling of
 * the plane — STR gives parents that barely overlap, so a point query descends one branch where a
 * Hilbert-packed tree often descends two or three.
 *
 * Everything lives in typed arrays: node n has its box at boxes[4n…4n+3] and its children at
 * [first[n], end[n]); the nodes 0…count-1 are the items themselves (first[n] is the item's index).
 * `visit` walks it with a reused stack and allocates nothing.
 */
export class PackedRTree {
  readonly count: number;
  readonly #nodeSize: number;
  /** Boxes of every node, rounded outwards to float32: half the memory, never a missed hit. */
  readonly #boxes: Float32Array;
  /** Leaf position → item index. */
  readonly #items: Int32Array;
  /** First node id of each level (level 0 = the items), plus the total at the end. */
  readonly #levels: Int32Array;
  #stack = new Int32Array(64);

  constructor(boxes: readonly BBox[], nodeSize = 8) {
    const n = boxes.length;
    this.count = n;
    this.#nodeSize = nodeSize;
    const levels = [0, n];
    for (let size = n; size > 1; ) {
      size = Math.ceil(size / nodeSize);
      levels.push((levels[levels.length - 1] as number) + size);
    }
    const total = levels[levels.length - 1] as number;
    this.#levels = Int32Array.from(levels);
    // Build in float64, store rounded outwards at the end.
    const box = new Float64Array(total * 4);
    const order = strOrder(
      boxes.map((_, i) => i),
      (i) => ((boxes[i] as BBox)[0] + (boxes[i] as BBox)[2]) / 2,
      (i) => ((boxes[i] as BBox)[1] + (boxes[i] as BBox)[3]) / 2,
      nodeSize,
    );
    this.#items = Int32Array.from(order);
    order.forEach((item, at) => {
      box.set(boxes[item] as BBox, at * 4);
    });
    for (let level = 0; level + 2 < levels.length; level++) {
      const start = levels[level] as number;
      const count = (levels[level + 1] as number) - start;
      const parentStart = levels[level + 1] as number;
      for (let p = 0; p * nodeSize < count; p++) {
        const from = start + p * nodeSize;
        const to = Math.min(from + nodeSize, start + count);
        let minX = Infinity;
        let minY = Infinity;
        let maxX = -Infinity;
        let maxY = -Infinity;
        for (let c = from; c < to; c++) {
          minX = Math.min(minX, box[c * 4] as number);
          minY = Math.min(minY, box[c * 4 + 1] as number);
          maxX = Math.max(maxX, box[c * 4 + 2] as number);
          maxY = Math.max(maxY, box[c * 4 + 3] as number);
        }
        box.set([minX, minY, maxX, maxY], (parentStart + p) * 4);
      }
    }
    this.#boxes = new Float32Array(total * 4);
    for (let i = 0; i < total * 4; i += 4) {
      this.#boxes[i] = roundDown(box[i] as number);
      this.#boxes[i + 1] = roundDown(box[i + 1] as number);
      this.#boxes[i + 2] = roundUp(box[i + 2] as number);
      this.#boxes[i + 3] = roundUp(box[i + 3] as number);
    }
  }

  /**
   * Calls `visit(item)` for every item whose box contains the point (and perhaps a few whose box
   * misses it by less than a float32 step; the caller's exact test decides); stops early when it
   * returns true. Nothing is allocated (the stack only grows, once, for pathological overlap).
   */
  visit(x: number, y: number, visit: (item: number) => boolean | undefined): void {
    const levels = this.#levels;
    const top = levels.length - 2;
    if (this.count === 0 || !this.#contains(levels[top] as number, x, y)) return;
    if (this.count === 1) {
      visit(this.#items[0] as number);
      return;
    }
    const box = this.#boxes;
    const size = this.#nodeSize;
    let stack = this.#stack;
    let depth = 0;
    stack[depth++] = levels[top] as number;
    stack[depth++] = top;
    while (depth > 0) {
      const level = stack[--depth] as number;
      const node = stack[--depth] as number;
      const childLevel = level - 1;
      const childStart = levels[childLevel] as number;
      const from = childStart + (node - (levels[level] as number)) * size;
      const to = Math.min(from + size, levels[level] as number);
      for (let c = from; c < to; c++) {
        const at = c * 4;
        if (
          x < (box[at] as number) ||
          y < (box[at + 1] as number) ||
          x > (box[at + 2] as number) ||
          y > (box[at + 3] as number)
        )
          continue;
        if (childLevel === 0) {
          if (visit(this.#items[c] as number)) return;
          continue;
        }
        if (depth + 2 > stack.length) {
          const grown = new Int32Array(stack.length * 2);
          grown.set(stack);
          this.#stack = stack = grown;
        }
        stack[depth++] = c;
        stack[depth++] = childLevel;
      }
    }
  }

  /** Indices of every item whose box may contain the point. */
  search(x: number, y: number): number[] {
    const hits: number[] = [];
    this.visit(x, y, (item) => {
      hits.push(item);
      return false;
    });
    return hits;
  }

  get bytes(): number {
    return this.#boxes.byteLength + this.#items.byteLength;
  }

  #contains(node: number, x: number, y: number): boolean {
    const at = node * 4;
    const box = this.#boxes;
    return (
      x >= (box[at] as number) &&
      y >= (box[at + 1] as number) &&
      x <= (box[at + 2] as number) &&
      y <= (box[at + 3] as number)
    );
  }
}

const f32 = new Float32Array(1);
const i32 = new Int32Array(f32.buffer);

/** The largest float32 ≤ v. */
function roundDown(v: number): number {
  f32[0] = v;
  if ((f32[0] as number) <= v) return f32[0] as number;
  // One step towards −∞: for positive floats that is the bit pattern minus one, for negative plus one.
  i32[0] =
    (f32[0] as number) > 0 ? (i32[0] as number) - 1 : (f32[0] as number) === 0 ? -0x7fffffff : (i32[0] as number) + 1;
  return f32[0] as number;
}

/** The smallest float32 ≥ v. */
function roundUp(v: number): number {
  return -roundDown(-v);
}

/** Sort-Tile-Recursive order of ids: slices by centre x, each slice by centre y. */
function strOrder(ids: number[], cx: (id: number) => number, cy: (id: number) => number, nodeSize: number): number[] {
  const xs = new Float64Array(ids.length);
  const ys = new Float64Array(ids.length);
  ids.forEach((id, k) => {
    xs[k] = cx(id);
    ys[k] = cy(id);
  });
  const byX = ids.map((_, k) => k).sort((a, b) => xs[a]! - xs[b]! || ys[a]! - ys[b]!);
  const parents = Math.ceil(ids.length / nodeSize);
  const sliceSize = Math.ceil(Math.sqrt(parents)) * nodeSize;
  const out: number[] = [];
  for (let s = 0; s < byX.length; s += sliceSize) {
    const slice = byX.slice(s, s + sliceSize).sort((a, b) => ys[a]! - ys[b]! || xs[a]! - xs[b]!);
    for (const k of slice) out.push(ids[k] as number);
  }
  return out;
}

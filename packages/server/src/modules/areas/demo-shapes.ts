import { createHash } from "node:crypto";
import { mergeGeometry, type PolygonalGeometry, type PolygonGeometry, type Position } from "@wangge/core";

/**
 * Invented shapes for the demo's communities and grids that look like a real sub-district's — crooked
 * edges, no two alike — and still tile it exactly: every shape is walked along one shared lattice of
 * jittered nodes and wavy edges, so neighbours share each vertex and no gap or overlap can open
 * between them. A community is 2×2 lattice cells, split into its two grids along a crooked line
 * through the middle. Deterministic: the same input always gives the same shapes.
 */
export interface DemoLattice {
  origin: { lng: number; lat: number };
  /** A community's width and height in degrees. */
  cell: number;
  /** Communities per row. */
  perRow: number;
}

/** A number in [-1, 1) from a key, the same on every run. */
function noise(key: string): number {
  const h = createHash("sha256").update(`wangge-demo-shape:${key}`).digest();
  return h.readUInt32BE(0) / 0x80000000 - 1;
}

const round = (n: number) => Math.round(n * 1e6) / 1e6;

/** Node jitter and edge waviness as shares of a lattice step (half a community): small enough that no edge can cross another. */
const NODE_JITTER = 0.18;
const EDGE_WAVE = 0.08;

export class DemoShapes {
  readonly #step: number;

  constructor(readonly lattice: DemoLattice) {
    this.#step = lattice.cell / 2;
  }

  /** Lattice node (i, j), i eastwards and j northwards in steps of half a community. */
  node(i: number, j: number): Position {
    const { origin } = this.lattice;
    return [
      round(origin.lng + (i + NODE_JITTER * noise(`x${i},${j}`)) * this.#step),
      round(origin.lat + (j + NODE_JITTER * noise(`y${i},${j}`)) * this.#step),
    ];
  }

  /**
   * The points strictly between two neighbouring nodes, from the first to the second: two points a
   * little off the straight line, the same (reversed) when the edge is walked the other way.
   */
  #between(a: [number, number], b: [number, number]): Position[] {
    const forward = a[0] < b[0] || (a[0] === b[0] && a[1] < b[1]);
    const [from, to] = forward ? [a, b] : [b, a];
    const p = this.node(from[0], from[1]);
    const q = this.node(to[0], to[1]);
    const key = `${from[0]},${from[1]}-${to[0]},${to[1]}`;
    // Perpendicular to the edge: a horizontal edge waves north–south, a vertical one east–west.
    const horizontal = from[1] === to[1];
    const points = [1 / 3, 2 / 3].map((f, k): Position => {
      const offset = EDGE_WAVE * noise(`${key}:${k}`) * this.#step;
      const x = p[0] + (q[0] - p[0]) * f + (horizontal ? 0 : offset);
      const y = p[1] + (q[1] - p[1]) * f + (horizontal ? offset : 0);
      return [round(x), round(y)];
    });
    return forward ? points : points.reverse();
  }

  /** The ring around the lattice block from node (i0, j0) to (i1, j1), counter-clockwise, closed. */
  block(i0: number, j0: number, i1: number, j1: number): PolygonGeometry {
    const corners: [number, number][] = [];
    for (let i = i0; i < i1; i++) corners.push([i, j0]);
    for (let j = j0; j < j1; j++) corners.push([i1, j]);
    for (let i = i1; i > i0; i--) corners.push([i, j1]);
    for (let j = j1; j > j0; j--) corners.push([i0, j]);
    const ring: Position[] = [];
    corners.forEach((c, k) => {
      const next = corners[(k + 1) % corners.length] as [number, number];
      ring.push(this.node(c[0], c[1]), ...this.#between(c, next));
    });
    ring.push(ring[0] as Position);
    return { type: "Polygon", coordinates: [ring] };
  }

  /** The k-th community (row by row from the south-west). */
  community(k: number): PolygonGeometry {
    const { c, r } = this.#cell(k);
    return this.block(2 * c, 2 * r, 2 * c + 2, 2 * r + 2);
  }

  /** The community's two grids: west (first) and east (second) of a crooked line through its middle. */
  grids(k: number): [PolygonGeometry, PolygonGeometry] {
    const { c, r } = this.#cell(k);
    return [this.block(2 * c, 2 * r, 2 * c + 1, 2 * r + 2), this.block(2 * c + 1, 2 * r, 2 * c + 2, 2 * r + 2)];
  }

  /** The sub-district: the union of its first `count` communities. */
  township(count: number): PolygonalGeometry {
    return mergeGeometry(Array.from({ length: count }, (_, k) => this.community(k))).geometry;
  }

  #cell(k: number) {
    return { c: k % this.lattice.perRow, r: Math.floor(k / this.lattice.perRow) };
  }
}

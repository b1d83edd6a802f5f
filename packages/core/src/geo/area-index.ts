import { PackedRTree } from "./packed-rtree.ts";
import { type BBox, type PolygonalGeometry, pointInGeometry } from "./polygon.ts";

/**
 * The in-memory index that routes a point to its grid without touching the database: an R-tree
 * (PackedRTree) over boundary bounding boxes, then the exact point-in-polygon test on the candidates.
 * When several areas contain the point (a grid inside its village), the deepest wins; among equals
 * (overlapping siblings), the smaller one, then the lower code — so every answer is deterministic.
 */
export interface IndexedArea {
  code: string;
  /** Depth in the hierarchy (province 0 … microgrid 6). */
  depth: number;
  geometry: PolygonalGeometry;
  bbox: BBox;
  areaM2: number;
}

/** Rings flattened into typed arrays ([x0, y0, x1, y1, …]): the hot loop reads memory in order. */
type FlatPolygon = Float64Array[];

function flatten(geometry: PolygonalGeometry): FlatPolygon[] {
  const polygons = geometry.type === "Polygon" ? [geometry.coordinates] : geometry.coordinates;
  return polygons.map((rings) =>
    rings.map((ring) => {
      const flat = new Float64Array(ring.length * 2);
      for (let i = 0; i < ring.length; i++) {
        const p = ring[i] as [number, number];
        flat[2 * i] = p[0];
        flat[2 * i + 1] = p[1];
      }
      return flat;
    }),
  );
}

function inFlatRing(x: number, y: number, ring: Float64Array, start = 0, end = ring.length): boolean {
  let inside = false;
  let xj = ring[end - 2] as number;
  let yj = ring[end - 1] as number;
  for (let i = start; i < end; i += 2) {
    const xi = ring[i] as number;
    const yi = ring[i + 1] as number;
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
    xj = xi;
    yj = yi;
  }
  return inside;
}

/** Same rule as pointInGeometry (half-open ray casting), over the flattened rings. */
function inFlat(x: number, y: number, polygons: FlatPolygon[]): boolean {
  for (const rings of polygons) {
    const outer = rings[0];
    if (!outer || !inFlatRing(x, y, outer)) continue;
    let inHole = false;
    for (let h = 1; h < rings.length; h++) {
      if (inFlatRing(x, y, rings[h] as Float64Array)) {
        inHole = true;
        break;
      }
    }
    if (!inHole) return true;
  }
  return false;
}

export class AreaIndex {
  readonly size: number;
  readonly #areas: IndexedArea[];
  /** Areas with holes or several parts, tested ring by ring. */
  readonly #flat: (FlatPolygon[] | undefined)[];
  /**
   * The usual grid — one polygon, no holes — lives in one shared coordinate array with its ring
   * at [start, end), and depth and size in typed arrays: a look-up touches a few contiguous
   * arrays instead of chasing objects across the heap (memory latency, not arithmetic, is the
   * cost of a random look-up over 115,000 grids).
   */
  readonly #coords: Float64Array;
  readonly #ringStart: Int32Array;
  readonly #ringEnd: Int32Array;
  readonly #depth: Uint8Array;
  readonly #areaM2: Float64Array;
  readonly #tree: PackedRTree;
  /** The query in progress: `locate` sets these and the tree calls `#candidate` for each box hit. */
  #x = 0;
  #y = 0;
  #best = -1;
  readonly #candidate = (index: number): boolean => {
    const best = this.#best;
    if (best >= 0 && !this.#better(index, best)) return false;
    const start = this.#ringStart[index] as number;
    const x = this.#x;
    const y = this.#y;
    if (
      start >= 0
        ? inFlatRing(x, y, this.#coords, start, this.#ringEnd[index] as number)
        : inFlat(x, y, this.#flat[index] as FlatPolygon[])
    )
      this.#best = index;
    return false;
  };

  constructor(areas: IndexedArea[]) {
    this.#areas = areas;
    const flat = areas.map((a) => flatten(a.geometry));
    const simple = flat.map((polygons) =>
      polygons.length === 1 && polygons[0]?.length === 1 ? polygons[0][0] : undefined,
    );
    this.#flat = flat.map((polygons, i) => (simple[i] ? undefined : polygons));
    let total = 0;
    for (const ring of simple) total += ring?.length ?? 0;
    this.#coords = new Float64Array(total);
    this.#ringStart = new Int32Array(areas.length).fill(-1);
    this.#ringEnd = new Int32Array(areas.length);
    let at = 0;
    simple.forEach((ring, i) => {
      if (!ring) return;
      this.#coords.set(ring, at);
      this.#ringStart[i] = at;
      at += ring.length;
      this.#ringEnd[i] = at;
    });
    this.#depth = Uint8Array.from(areas, (a) => a.depth);
    this.#areaM2 = Float64Array.from(areas, (a) => a.areaM2);
    this.size = areas.length;
    this.#tree = new PackedRTree(areas.map((a) => a.bbox));
  }

  /** Every area containing the point, deepest first. */
  containing(lng: number, lat: number): IndexedArea[] {
    const hits: IndexedArea[] = [];
    for (const i of this.#tree.search(lng, lat)) {
      const area = this.#areas[i] as IndexedArea;
      if (pointInGeometry(lng, lat, area.geometry)) hits.push(area);
    }
    return hits.sort(
      (a, b) => b.depth - a.depth || a.areaM2 - b.areaM2 || (a.code < b.code ? -1 : a.code > b.code ? 1 : 0),
    );
  }

  /** The deepest area containing the point, without sorting, collecting or allocating. */
  locate(lng: number, lat: number): IndexedArea | undefined {
    this.#x = lng;
    this.#y = lat;
    this.#best = -1;
    this.#tree.visit(lng, lat, this.#candidate);
    const best = this.#best;
    return best >= 0 ? this.#areas[best] : undefined;
  }

  /** Whether area i should win over area j: deeper, then smaller, then the lower code. */
  #better(i: number, j: number): boolean {
    const di = this.#depth[i] as number;
    const dj = this.#depth[j] as number;
    if (di !== dj) return di > dj;
    const ai = this.#areaM2[i] as number;
    const aj = this.#areaM2[j] as number;
    if (ai !== aj) return ai < aj;
    return (this.#areas[i] as IndexedArea).code < (this.#areas[j] as IndexedArea).code;
  }

  /** Bytes held by the R-tree and the flattened rings it tests. */
  get bytes(): number {
    let rings = this.#coords.byteLength + this.#ringStart.byteLength * 2 + this.#depth.byteLength;
    rings += this.#areaM2.byteLength;
    for (const polygons of this.#flat)
      for (const polygon of polygons ?? []) for (const ring of polygon) rings += ring.byteLength;
    return this.#tree.bytes + rings;
  }
}

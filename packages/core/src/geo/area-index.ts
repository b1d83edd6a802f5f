import Flatbush from "flatbush";
import { type BBox, type PolygonalGeometry, pointInGeometry } from "./polygon.ts";

/**
 * The in-memory index that routes a point to its grid without touching the database: an R-tree
 * (Flatbush) over boundary bounding boxes, then the exact point-in-polygon test on the candidates.
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

function better(a: IndexedArea, b: IndexedArea): boolean {
  return (
    a.depth > b.depth || (a.depth === b.depth && (a.areaM2 < b.areaM2 || (a.areaM2 === b.areaM2 && a.code < b.code)))
  );
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

function inFlatRing(x: number, y: number, ring: Float64Array): boolean {
  let inside = false;
  const n = ring.length;
  let xj = ring[n - 2] as number;
  let yj = ring[n - 1] as number;
  for (let i = 0; i < n; i += 2) {
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
  readonly #flat: FlatPolygon[][];
  /** The one ring of a polygon without holes (the usual grid), tested without any indirection. */
  readonly #simple: (Float64Array | undefined)[];
  readonly #tree: Flatbush | undefined;

  constructor(areas: IndexedArea[]) {
    this.#areas = areas;
    this.#flat = areas.map((a) => flatten(a.geometry));
    this.#simple = this.#flat.map((polygons) =>
      polygons.length === 1 && polygons[0]?.length === 1 ? polygons[0][0] : undefined,
    );
    this.size = areas.length;
    if (areas.length === 0) return;
    const tree = new Flatbush(areas.length);
    for (const a of areas) tree.add(a.bbox[0], a.bbox[1], a.bbox[2], a.bbox[3]);
    tree.finish();
    this.#tree = tree;
  }

  /** Every area containing the point, deepest first. */
  containing(lng: number, lat: number): IndexedArea[] {
    if (!this.#tree) return [];
    const hits: IndexedArea[] = [];
    for (const i of this.#tree.search(lng, lat, lng, lat)) {
      const area = this.#areas[i] as IndexedArea;
      if (pointInGeometry(lng, lat, area.geometry)) hits.push(area);
    }
    return hits.sort(
      (a, b) => b.depth - a.depth || a.areaM2 - b.areaM2 || (a.code < b.code ? -1 : a.code > b.code ? 1 : 0),
    );
  }

  /** The deepest area containing the point, without sorting or collecting every candidate. */
  locate(lng: number, lat: number): IndexedArea | undefined {
    if (!this.#tree) return undefined;
    let best: IndexedArea | undefined;
    const hits = this.#tree.search(lng, lat, lng, lat);
    for (let h = 0; h < hits.length; h++) {
      const i = hits[h] as number;
      const area = this.#areas[i] as IndexedArea;
      if (best !== undefined && !better(area, best)) continue;
      const ring = this.#simple[i];
      if (ring !== undefined ? inFlatRing(lng, lat, ring) : inFlat(lng, lat, this.#flat[i] as FlatPolygon[]))
        best = area;
    }
    return best;
  }

  /** Bytes held by the R-tree and the flattened rings it tests. */
  get bytes(): number {
    let rings = 0;
    for (const polygons of this.#flat)
      for (const polygon of polygons) for (const ring of polygon) rings += ring.byteLength;
    return (this.#tree?.data.byteLength ?? 0) + rings;
  }
}

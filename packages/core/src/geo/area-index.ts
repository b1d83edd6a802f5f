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

/**
 * A ring prepared for fast tests: coordinates in a typed array, and its edges sorted into horizontal
 * bands, so a point is tested only against the few edges that span its latitude (ray casting needs no
 * other edge). Same half-open rule as pointInRing, so answers are identical.
 */
interface PreparedRing {
  xy: Float64Array;
  minY: number;
  bandHeight: number;
  /** Edges of band b are bandEdges[bandStart[b] .. bandStart[b + 1]). */
  bandStart: Uint32Array;
  bandEdges: Uint32Array;
}
type PreparedPolygon = PreparedRing[];

function prepareRing(ring: readonly (readonly number[])[]): PreparedRing {
  const n = ring.length;
  const xy = new Float64Array(n * 2);
  let minY = Number.POSITIVE_INFINITY;
  let maxY = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < n; i++) {
    const p = ring[i] as number[];
    xy[2 * i] = p[0] as number;
    xy[2 * i + 1] = p[1] as number;
    minY = Math.min(minY, p[1] as number);
    maxY = Math.max(maxY, p[1] as number);
  }
  const bands = Math.max(1, Math.min(64, Math.floor(n / 4)));
  const bandHeight = (maxY - minY) / bands || 1;
  const lists: number[][] = Array.from({ length: bands }, () => []);
  for (let i = 0; i < n - 1; i++) {
    const y1 = xy[2 * i + 1] as number;
    const y2 = xy[2 * i + 3] as number;
    const lo = Math.max(0, Math.min(bands - 1, Math.floor((Math.min(y1, y2) - minY) / bandHeight)));
    const hi = Math.max(0, Math.min(bands - 1, Math.floor((Math.max(y1, y2) - minY) / bandHeight)));
    for (let b = lo; b <= hi; b++) (lists[b] as number[]).push(i);
  }
  const bandStart = new Uint32Array(bands + 1);
  for (let b = 0; b < bands; b++) bandStart[b + 1] = (bandStart[b] as number) + (lists[b] as number[]).length;
  return { xy, minY, bandHeight, bandStart, bandEdges: Uint32Array.from(lists.flat()) };
}

function inPreparedRing(x: number, y: number, r: PreparedRing): boolean {
  const bands = r.bandStart.length - 1;
  const b = Math.floor((y - r.minY) / r.bandHeight);
  if (b < 0 || b >= bands + 1) return false;
  const band = b === bands ? bands - 1 : b;
  const xy = r.xy;
  let inside = false;
  for (let k = r.bandStart[band] as number, end = r.bandStart[band + 1] as number; k < end; k++) {
    const e = (r.bandEdges[k] as number) * 2;
    const xi = xy[e] as number;
    const yi = xy[e + 1] as number;
    const xj = xy[e + 2] as number;
    const yj = xy[e + 3] as number;
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

function prepare(geometry: PolygonalGeometry): PreparedPolygon[] {
  const polygons = geometry.type === "Polygon" ? [geometry.coordinates] : geometry.coordinates;
  return polygons.map((rings) => rings.map(prepareRing));
}

function inPrepared(x: number, y: number, polygons: PreparedPolygon[]): boolean {
  for (const rings of polygons) {
    const outer = rings[0];
    if (!outer || !inPreparedRing(x, y, outer)) continue;
    let inHole = false;
    for (let h = 1; h < rings.length; h++) {
      if (inPreparedRing(x, y, rings[h] as PreparedRing)) {
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
  private readonly _areas: IndexedArea[];
  private readonly _flat: PreparedPolygon[][];
  private readonly _tree: Flatbush | undefined;

  constructor(areas: IndexedArea[]) {
    this._areas = areas;
    this._flat = areas.map((a) => prepare(a.geometry));
    this.size = areas.length;
    if (areas.length === 0) return;
    const tree = new Flatbush(areas.length);
    for (const a of areas) tree.add(a.bbox[0], a.bbox[1], a.bbox[2], a.bbox[3]);
    tree.finish();
    this._tree = tree;
  }

  /** Every area containing the point, deepest first. */
  containing(lng: number, lat: number): IndexedArea[] {
    if (!this._tree) return [];
    const hits: IndexedArea[] = [];
    for (const i of this._tree.search(lng, lat, lng, lat)) {
      const area = this._areas[i] as IndexedArea;
      if (pointInGeometry(lng, lat, area.geometry)) hits.push(area);
    }
    return hits.sort(
      (a, b) => b.depth - a.depth || a.areaM2 - b.areaM2 || (a.code < b.code ? -1 : a.code > b.code ? 1 : 0),
    );
  }

  /** The deepest area containing the point, without sorting or collecting every candidate. */
  locate(lng: number, lat: number): IndexedArea | undefined {
    if (!this._tree) return undefined;
    let best: IndexedArea | undefined;
    const hits = this._tree.search(lng, lat, lng, lat);
    for (let h = 0; h < hits.length; h++) {
      const i = hits[h] as number;
      const area = this._areas[i] as IndexedArea;
      if (best !== undefined && !better(area, best)) continue;
      if (inPrepared(lng, lat, this._flat[i] as PreparedPolygon[])) best = area;
    }
    return best;
  }

  /** Bytes held by the R-tree and the prepared rings it tests. */
  get bytes(): number {
    let rings = 0;
    for (const polygons of this._flat) {
      for (const polygon of polygons)
        for (const ring of polygon) rings += ring.xy.byteLength + ring.bandStart.byteLength + ring.bandEdges.byteLength;
    }
    return (this._tree?.data.byteLength ?? 0) + rings;
  }
}

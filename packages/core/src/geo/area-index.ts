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

export class AreaIndex {
  readonly size: number;
  readonly #areas: IndexedArea[];
  readonly #tree: Flatbush | undefined;

  constructor(areas: IndexedArea[]) {
    this.#areas = areas;
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

  locate(lng: number, lat: number): IndexedArea | undefined {
    return this.containing(lng, lat)[0];
  }
}

import Flatbush from "flatbush";
import polygonClipping from "polygon-clipping";
import type { MultiPolygonGeometry, Position } from "./geojson.ts";
import { type BBox, bboxOf, geometryAreaM2, type PolygonalGeometry, polygonsOf } from "./polygon.ts";

/**
 * Coverage of an area by its grids (two grids must not claim the same household; every part of a
 * village should belong to some grid): where sibling grids overlap, with the overlap's area, and what
 * part of the parent no grid covers. Slivers under MIN_AREA_M2 (digitising noise) are ignored.
 */
export const MIN_AREA_M2 = 1;

export interface Overlap {
  a: string;
  b: string;
  geometry: MultiPolygonGeometry;
  areaM2: number;
}

type Clip = Parameters<typeof polygonClipping.union>[0];
const asClip = (g: PolygonalGeometry) => polygonsOf(g) as unknown as Clip;
const toGeometry = (m: Position[][][]): MultiPolygonGeometry => ({ type: "MultiPolygon", coordinates: m });

export function siblingOverlaps(children: { code: string; geometry: PolygonalGeometry }[]): Overlap[] {
  if (children.length < 2) return [];
  const boxes: BBox[] = children.map((c) => bboxOf(c.geometry));
  const tree = new Flatbush(children.length);
  for (const b of boxes) tree.add(b[0], b[1], b[2], b[3]);
  tree.finish();
  const out: Overlap[] = [];
  children.forEach((child, i) => {
    const box = boxes[i] as BBox;
    for (const j of tree.search(box[0], box[1], box[2], box[3])) {
      if (j <= i) continue;
      const other = children[j] as (typeof children)[number];
      const shared = polygonClipping.intersection(asClip(child.geometry), asClip(other.geometry)) as Position[][][];
      if (shared.length === 0) continue;
      const geometry = toGeometry(shared);
      const areaM2 = geometryAreaM2(geometry);
      if (areaM2 >= MIN_AREA_M2) out.push({ a: child.code, b: other.code, geometry, areaM2 });
    }
  });
  return out;
}

/** The part of the parent that no child covers, or undefined when it is fully covered. */
export function uncovered(
  parent: PolygonalGeometry,
  children: PolygonalGeometry[],
): { geometry: MultiPolygonGeometry; areaM2: number } | undefined {
  const rest = (
    children.length ? polygonClipping.difference(asClip(parent), ...children.map(asClip)) : polygonsOf(parent)
  ) as Position[][][];
  if (rest.length === 0) return undefined;
  const geometry = toGeometry(rest);
  const areaM2 = geometryAreaM2(geometry);
  return areaM2 >= MIN_AREA_M2 ? { geometry, areaM2 } : undefined;
}

/** Share (0–1) of `subject`'s area that lies inside `other`: how much of a grid a police beat covers. */
export function overlapShare(subject: PolygonalGeometry, other: PolygonalGeometry): number {
  const subjectArea = geometryAreaM2(subject);
  if (subjectArea <= 0) return 0;
  const shared = polygonClipping.intersection(asClip(subject), asClip(other)) as Position[][][];
  return shared.length === 0 ? 0 : Math.min(1, geometryAreaM2(toGeometry(shared)) / subjectArea);
}

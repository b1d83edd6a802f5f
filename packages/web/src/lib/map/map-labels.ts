import {
  bboxOf,
  type FeatureCollection,
  geometryAreaM2,
  labelPoint,
  type PolygonalGeometry,
  type Position,
} from "@wangge/core";

/**
 * The names of the shapes on a map, as points for a MapLibre symbol layer rather than HTML: MapLibre
 * then hides a name that would overlap one already placed (collision detection), so fifty grid names
 * never print over each other or over their community's name. Each name also carries the zoom from
 * which it fits inside its own shape (`minZoom`): a township map names its communities, and the grids'
 * names appear once the user zooms in far enough to read them.
 */
export const LABEL_SIZE_PX = 12;
/** Names wrap after this many ems (MapLibre's text-max-width), so a long name becomes two short lines. */
export const LABEL_MAX_WIDTH_EMS = 6;
/** How much of its shape's box a name may fill (collision detection still keeps names apart). */
const FIT_SHARE = 1;
/** MapLibre's world is 512 px wide at zoom 0. */
const WORLD_PX = 512;
/** More names than this make a map slow to place and say nothing more. */
const MAX_LABELS = 2000;

export interface AreaLabel {
  name: string;
  level: string;
  /** WGS-84: the server's label point when it sent one, else a point inside the largest polygon. */
  at: Position;
  /** The zoom from which the name fits inside the shape's box. */
  minZoom: number;
  /** Smaller shapes first: where a grid's name fits, it is placed before its community's. */
  sortKey: number;
}

/** Width and height of a name in ems as MapLibre lays it out: CJK one em a character, Latin about 0.6. */
export function textBoxEms(name: string, maxWidthEms = LABEL_MAX_WIDTH_EMS): { width: number; height: number } {
  let ems = 0;
  for (const ch of name) ems += (ch.codePointAt(0) ?? 0) >= 0x2e80 ? 1 : 0.6;
  const lines = Math.max(1, Math.ceil(ems / maxWidthEms));
  return { width: Math.min(ems, maxWidthEms), height: lines * 1.2 };
}

const mercatorY = (lat: number) => {
  const s = Math.sin((lat * Math.PI) / 180);
  return 0.5 - Math.log((1 + s) / (1 - s)) / (4 * Math.PI);
};

/** The lowest zoom at which a box of `widthPx`×`heightPx` fits inside the shape's bounding box. */
export function fitZoom(bbox: readonly [number, number, number, number], widthPx: number, heightPx: number): number {
  const [west, south, east, north] = bbox;
  const wideAtZ0 = ((east - west) / 360) * WORLD_PX * FIT_SHARE;
  const tallAtZ0 = (mercatorY(south) - mercatorY(north)) * WORLD_PX * FIT_SHARE;
  if (wideAtZ0 <= 0 || tallAtZ0 <= 0) return 24;
  return Math.max(0, Math.log2(widthPx / wideAtZ0), Math.log2(heightPx / tallAtZ0));
}

/** Every named polygon of the collection as a label point with the zoom it fits from. */
export function labelsOf(collection: FeatureCollection, sizePx = LABEL_SIZE_PX): AreaLabel[] {
  const polygons = collection.features.filter(
    (f) => (f.geometry.type === "Polygon" || f.geometry.type === "MultiPolygon") && f.properties.name,
  );
  if (polygons.length > MAX_LABELS) return [];
  return polygons.map((f) => {
    const geometry = f.geometry as PolygonalGeometry;
    const name = String(f.properties.name);
    const { labelLng, labelLat } = f.properties;
    const at: Position =
      typeof labelLng === "number" && typeof labelLat === "number" ? [labelLng, labelLat] : labelPoint(geometry);
    const box = textBoxEms(name);
    const [west, south, east, north] = bboxOf(geometry);
    return {
      name,
      level: String(f.properties.level ?? ""),
      at,
      minZoom: fitZoom([west, south, east, north], box.width * sizePx, box.height * sizePx),
      sortKey: geometryAreaM2(geometry),
    };
  });
}

/** The labels as the GeoJSON a symbol layer reads (coordinates already in the display system). */
export function labelCollection(labels: AreaLabel[], toDisplay: (p: Position) => Position): GeoJSON.FeatureCollection {
  return {
    type: "FeatureCollection",
    features: labels.map((l) => ({
      type: "Feature",
      properties: { name: l.name, level: l.level, minZoom: l.minZoom, sortKey: l.sortKey },
      geometry: { type: "Point", coordinates: toDisplay(l.at) as number[] },
    })),
  };
}

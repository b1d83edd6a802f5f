import { createHash } from "node:crypto";
import { gzipSync } from "node:zlib";
import { geoJSONToTile } from "@maplibre/geojson-vt";
import { fromGeojsonVt } from "@maplibre/vt-pbf";
import { type PolygonalGeometry, simplifyGeometry } from "@wangge/core";
import type { FeatureCollection } from "geojson";
import type { Kysely } from "kysely";
import type { DB } from "../../db/schema.ts";
import { onBoundariesChanged } from "./area-boundaries.service.ts";
import { listBoundaryGeometries, listOutlinesInBox, outlinesRevision } from "./areas.queries.ts";

/**
 * The offline base map (issue #20 item 6): Mapbox vector tiles of the divisions the deployment has
 * boundaries for — province down to village, never grids (those belong to a user's scope and come
 * with /areas/mine) — with a label point per division named in the tile. Each level appears from the
 * zoom at which it is readable, its name over a band of zooms, so a county map is not a carpet of
 * village names. Tiles are cut per request from the boundaries meeting the tile, simplified to the
 * tile's resolution, and kept (raw and gzip) in a bounded cache keyed by the boundaries' revision:
 * any boundary change, rename or abolition (here or in another process) makes new tiles. The ETag is
 * the tile's own hash, so every process answers the same ETag for the same tile.
 */
export const OUTLINE_LEVELS = ["province", "city", "county", "township", "village"] as const;
export type OutlineLevel = (typeof OUTLINE_LEVELS)[number];

/** From which tile zoom a level's outline is drawn. */
export const OUTLINE_MIN_ZOOM: Record<OutlineLevel, number> = {
  province: 0,
  city: 4,
  county: 6,
  township: 8,
  village: 10,
};
/** The tile zooms (inclusive) over which a level's names are drawn. */
export const LABEL_ZOOMS: Record<OutlineLevel, [number, number]> = {
  province: [0, 6],
  city: [5, 8],
  county: [7, 10],
  township: [9, 12],
  village: [11, 22],
};
/** Deeper zooms are the last tile's geometry magnified: boundaries are not drawn finer than ~1 m. */
export const OUTLINE_MAX_ZOOM = 16;

const EXTENT = 4096;
const BUFFER = 64;
const CACHE_TILES = 2000;
/** Parsed boundaries kept: the upper levels' long outlines recur in every tile under them. */
const CACHE_GEOMETRIES = 500;
/** How long a revision read from the database is trusted (other processes' changes show within it). */
const REVISION_TTL_MS = 5000;

export interface OutlineTile {
  /** The uncompressed tile; empty when no division meets it. */
  raw: Buffer;
  gzip: Buffer;
  etag: string;
}

/** West, south, east, north (WGS-84) of a web-mercator tile. */
export function tileBounds(z: number, x: number, y: number): [number, number, number, number] {
  const n = 2 ** z;
  const lng = (i: number) => (i / n) * 360 - 180;
  const lat = (j: number) => (Math.atan(Math.sinh(Math.PI * (1 - (2 * j) / n))) * 180) / Math.PI;
  return [lng(x), lat(y + 1), lng(x + 1), lat(y)];
}

export function levelsAtZoom(z: number): { outlines: OutlineLevel[]; labels: OutlineLevel[] } {
  return {
    outlines: OUTLINE_LEVELS.filter((l) => z >= OUTLINE_MIN_ZOOM[l]),
    labels: OUTLINE_LEVELS.filter((l) => z >= LABEL_ZOOMS[l][0] && z <= LABEL_ZOOMS[l][1]),
  };
}

type Row = Awaited<ReturnType<typeof listOutlinesInBox>>[number] & { geometry: PolygonalGeometry };

/** A Map used as a least-recently-used cache of at most `limit` entries. */
function remember<V>(cache: Map<string, V>, key: string, value: V, limit: number): void {
  cache.set(key, value);
  if (cache.size > limit) {
    const oldest = cache.keys().next().value;
    if (oldest !== undefined) cache.delete(oldest);
  }
}

function recall<V>(cache: Map<string, V>, key: string): V | undefined {
  const value = cache.get(key);
  if (value !== undefined) {
    // Most recently used last: the first entry is the one to drop.
    cache.delete(key);
    cache.set(key, value);
  }
  return value;
}

function cutTile(rows: Row[], z: number, x: number, y: number, labelLevels: readonly OutlineLevel[]): Buffer {
  // Simplified first to about a pixel of this zoom: a province's coastline need not be cut at full detail.
  const tolerance = 360 / (2 ** z * EXTENT) / 2;
  const outlines = {
    type: "FeatureCollection" as const,
    features: rows.map((r) => ({
      type: "Feature" as const,
      properties: { code: r.code, name: r.name, level: r.level },
      geometry: simplifyGeometry(r.geometry, tolerance),
    })),
  };
  const labels = {
    type: "FeatureCollection" as const,
    features: rows
      .filter((r) => (labelLevels as readonly string[]).includes(r.level))
      .map((r) => ({
        type: "Feature" as const,
        properties: { code: r.code, name: r.name, level: r.level },
        geometry: { type: "Point" as const, coordinates: [r.label_lng, r.label_lat] },
      })),
  };
  const options = { maxZoom: z, clip: true, buffer: BUFFER, extent: EXTENT, tolerance: 3 };
  const layers = {
    divisions: geoJSONToTile(outlines as FeatureCollection, z, x, y, options),
    labels: geoJSONToTile(labels as FeatureCollection, z, x, y, { ...options, buffer: 0 }),
  };
  if (layers.divisions.features.length === 0 && layers.labels.features.length === 0) return Buffer.alloc(0);
  return Buffer.from(fromGeojsonVt(layers, { version: 2, extent: EXTENT }));
}

export class OutlineTiles {
  readonly #db: Kysely<DB>;
  readonly #cache = new Map<string, OutlineTile>();
  /** By boundary id: a boundary row never changes (a new shape is a new row), so no revision is needed. */
  readonly #geometries = new Map<string, PolygonalGeometry>();
  #revision: { value: string; at: number } | undefined;
  readonly #unsubscribe: () => void;

  constructor(db: Kysely<DB>) {
    this.#db = db;
    this.#unsubscribe = onBoundariesChanged(() => {
      this.#revision = undefined;
    });
  }

  close(): void {
    this.#unsubscribe();
    this.#cache.clear();
    this.#geometries.clear();
  }

  async #currentRevision(now: number): Promise<string> {
    if (!this.#revision || now - this.#revision.at > REVISION_TTL_MS) {
      this.#revision = { value: await outlinesRevision(this.#db), at: now };
    }
    return this.#revision.value;
  }

  /** Forget the trusted revision (an area renamed in this process): the next tile reads it again. */
  invalidate(): void {
    this.#revision = undefined;
  }

  async tile(z: number, x: number, y: number, now = Date.now()): Promise<OutlineTile> {
    const revision = await this.#currentRevision(now);
    const key = `${revision}/${z}/${x}/${y}`;
    const cached = recall(this.#cache, key);
    if (cached) return cached;
    const { outlines, labels } = levelsAtZoom(z);
    const [west, south, east, north] = tileBounds(z, x, y);
    // The buffer around the tile, in degrees, so shapes just outside still close their edges cleanly.
    const pad = ((east - west) * BUFFER) / EXTENT;
    const found = await listOutlinesInBox(this.#db, [west - pad, south - pad, east + pad, north + pad], outlines);
    // The tile's own geometries, taken from the cache at once (another tile may evict them meanwhile)
    // and the rest fetched: a tile of more boundaries than the cache holds keeps them all.
    const own = new Map<string, PolygonalGeometry>();
    for (const r of found) {
      const kept = recall(this.#geometries, r.id);
      if (kept) own.set(r.id, kept);
    }
    const missing = found.filter((r) => !own.has(r.id)).map((r) => r.id);
    for (const g of await listBoundaryGeometries(this.#db, missing)) {
      own.set(g.id, g.geometry as PolygonalGeometry);
      remember(this.#geometries, g.id, g.geometry as PolygonalGeometry, CACHE_GEOMETRIES);
    }
    const rows: Row[] = [];
    for (const r of found) {
      const geometry = own.get(r.id);
      // A boundary deleted meanwhile (an import rolled back) has none: the tile goes without it.
      if (geometry) rows.push({ ...r, geometry });
    }
    const raw = cutTile(rows, z, x, y, labels);
    const tile: OutlineTile = {
      raw,
      gzip: gzipSync(raw),
      etag: `"${createHash("sha256").update(raw).digest("base64url").slice(0, 27)}"`,
    };
    remember(this.#cache, key, tile, CACHE_TILES);
    return tile;
  }
}

const perDatabase = new WeakMap<Kysely<DB>, OutlineTiles>();

/** The base-map tiles of this process for a database. */
export function outlineTilesFor(db: Kysely<DB>): OutlineTiles {
  let tiles = perDatabase.get(db);
  if (!tiles) {
    tiles = new OutlineTiles(db);
    perDatabase.set(db, tiles);
  }
  return tiles;
}

import { type ClientConfig, tileTemplates } from "@wangge/core";
import type { StyleSpecification } from "maplibre-gl";

/**
 * A map style that needs no internet. With a tile server configured (Tianditu, an intranet server —
 * docs/maps.md) its raster tiles are the base. Without one, the base is the deployment's own
 * division outlines and names, vector tiles from this server (GET /api/v1/areas/outlines/{z}/{x}/{y}),
 * so a map still reads as a map. No glyphs or sprites are referenced: MapLibre then draws every label
 * with the browser's own fonts (TinySDF, the text-font stack below as CSS font families), so nothing
 * is fetched from a CDN and Chinese names need no glyph server.
 */
export const OUTLINE_SOURCE = "outlines";
export const BASE_LABEL_LAYER = "base-labels";
export const BASE_LINE_LAYER = "base-outlines";

/** Fonts most Chinese desktops and phones have, then whatever sans-serif the browser has. */
export const LABEL_FONTS = ["Noto Sans SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", "sans-serif"];

/** Outline width per division level, thinner downwards (a province border reads above a village's). */
const LINE_WIDTH = ["match", ["get", "level"], "province", 2.6, "city", 2.1, "county", 1.7, "township", 1.3, 0.8];
const LABEL_SIZE = ["match", ["get", "level"], "province", 16, "city", 15, "county", 14, "township", 13, 12];

export function buildMapStyle(
  map: ClientConfig["map"],
  theme: "light" | "dark" = "light",
  origin: string = globalThis.location?.origin ?? "",
): StyleSpecification {
  const dark = theme === "dark";
  const style: StyleSpecification = {
    version: 8,
    sources: {},
    layers: [
      {
        id: "background",
        type: "background",
        paint: { "background-color": dark ? "#0b1a2e" : "#eef2f5" },
      },
    ],
  };
  const templates = tileTemplates(map.tileUrl);
  if (templates.length > 0) {
    // Bottom layer first (Tianditu: the streets, then their names); the attribution once.
    templates.forEach((template, i) => {
      const id = i === 0 ? "basemap" : `basemap-${i + 1}`;
      style.sources[id] = {
        type: "raster",
        tiles: [template],
        tileSize: 256,
        ...(i === 0 && map.tileAttribution ? { attribution: map.tileAttribution } : {}),
      };
      style.layers.push({ id, type: "raster", source: id });
    });
    return style;
  }
  style.sources[OUTLINE_SOURCE] = {
    type: "vector",
    tiles: [`${origin}/api/v1/areas/outlines/{z}/{x}/{y}`],
    minzoom: 0,
    maxzoom: 16,
  };
  style.layers.push(
    {
      id: "base-land",
      type: "fill",
      source: OUTLINE_SOURCE,
      "source-layer": "divisions",
      // The land the deployment has boundaries for, a shade lighter than what lies outside it (opaque,
      // so nested divisions do not darken each other).
      paint: { "fill-color": dark ? "#12263f" : "#f8faf7" },
    },
    {
      id: BASE_LINE_LAYER,
      type: "line",
      source: OUTLINE_SOURCE,
      "source-layer": "divisions",
      layout: { "line-join": "round" },
      paint: {
        "line-color": dark ? "#5c7a99" : "#8d9aa6",
        "line-width": LINE_WIDTH as never,
        "line-dasharray": [4, 2],
      },
    },
    {
      id: BASE_LABEL_LAYER,
      type: "symbol",
      source: OUTLINE_SOURCE,
      "source-layer": "labels",
      layout: {
        "text-field": ["get", "name"],
        "text-font": LABEL_FONTS,
        "text-size": LABEL_SIZE as never,
        "text-max-width": 8,
        "text-padding": 4,
      },
      paint: {
        "text-color": dark ? "#b0c4d8" : "#4a5561",
        "text-halo-color": dark ? "#0b1a2e" : "#ffffff",
        "text-halo-width": 1.5,
      },
    },
  );
  return style;
}

import type { ClientConfig } from "@wangge/core";
import type { StyleSpecification } from "maplibre-gl";

/**
 * A map style that needs no internet: a plain background, plus a raster tile layer only when the
 * deployment configured one (Tianditu, or an intranet tile server). No glyphs or sprites are
 * referenced, so nothing is fetched from a CDN; labels come from the app, not from the base map.
 */
export function buildMapStyle(map: ClientConfig["map"], theme: "light" | "dark" = "light"): StyleSpecification {
  const style: StyleSpecification = {
    version: 8,
    sources: {},
    layers: [
      {
        id: "background",
        type: "background",
        paint: { "background-color": theme === "dark" ? "#0b1a2e" : "#eef2f5" },
      },
    ],
  };
  if (map.tileUrl) {
    style.sources.basemap = {
      type: "raster",
      tiles: [map.tileUrl],
      tileSize: 256,
      ...(map.tileAttribution ? { attribution: map.tileAttribution } : {}),
    };
    style.layers.push({ id: "basemap", type: "raster", source: "basemap" });
  }
  return style;
}

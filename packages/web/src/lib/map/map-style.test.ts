import { describe, expect, it } from "vitest";
import { buildMapStyle } from "./map-style.ts";

const base = {
  tileUrl: null,
  tileCoordinateSystem: "wgs84" as const,
  tileAttribution: null,
  center: [108.37, 22.82] as [number, number],
  zoom: 6,
};

describe("buildMapStyle", () => {
  it("without a tile server draws the deployment's division outlines and names from this server, with no glyphs or sprites", () => {
    const style = buildMapStyle(base, "light", "https://wangge.example.gov.cn");
    expect(style.sources).toEqual({
      outlines: {
        type: "vector",
        tiles: ["https://wangge.example.gov.cn/api/v1/areas/outlines/{z}/{x}/{y}"],
        minzoom: 0,
        maxzoom: 16,
      },
    });
    // No glyph server: MapLibre draws every label with the browser's own fonts.
    expect(style.glyphs).toBeUndefined();
    expect(style.sprite).toBeUndefined();
    expect(style.layers.map((l) => l.id)).toEqual(["background", "base-land", "base-outlines", "base-labels"]);
    const labels = style.layers.find((l) => l.id === "base-labels");
    expect(labels).toMatchObject({ "source-layer": "labels", layout: { "text-field": ["get", "name"] } });
    expect(JSON.stringify(style)).not.toMatch(/https?:\/\/(?!wangge\.example)/);
  });

  it("adds the configured raster tiles with their attribution under the app's layers", () => {
    const style = buildMapStyle({ ...base, tileUrl: "https://t0.example/{z}/{x}/{y}", tileAttribution: "© 天地图" });
    expect(style.sources.basemap).toMatchObject({
      type: "raster",
      tiles: ["https://t0.example/{z}/{x}/{y}"],
      attribution: "© 天地图",
    });
    // The tiles carry their own names: no outline layers over them.
    expect(Object.keys(style.sources)).toEqual(["basemap"]);
    expect(style.layers.map((l) => l.id)).toEqual(["background", "basemap"]);
  });

  it("draws Tianditu's streets and then their names as two raster layers from one setting", () => {
    const vec = "https://t0.tianditu.gov.cn/vec_w/wmts?TILEMATRIX={z}&TILEROW={y}&TILECOL={x}&tk=k";
    const cva = "https://t0.tianditu.gov.cn/cva_w/wmts?TILEMATRIX={z}&TILEROW={y}&TILECOL={x}&tk=k";
    const style = buildMapStyle({ ...base, tileUrl: `${vec} ${cva}`, tileAttribution: "© 天地图" });
    expect(style.layers.map((l) => l.id)).toEqual(["background", "basemap", "basemap-2"]);
    expect(style.sources.basemap).toMatchObject({ tiles: [vec], attribution: "© 天地图" });
    expect(style.sources["basemap-2"]).toEqual({ type: "raster", tiles: [cva], tileSize: 256 });
  });
});

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
  it("needs nothing from the network without a tile source: no sources, glyphs or sprites", () => {
    const style = buildMapStyle(base);
    expect(style.sources).toEqual({});
    expect(style.glyphs).toBeUndefined();
    expect(style.sprite).toBeUndefined();
    expect(style.layers.map((l) => l.id)).toEqual(["background"]);
  });

  it("adds the configured raster tiles with their attribution under the app's layers", () => {
    const style = buildMapStyle({ ...base, tileUrl: "https://t0.example/{z}/{x}/{y}", tileAttribution: "© 天地图" });
    expect(style.sources.basemap).toMatchObject({
      type: "raster",
      tiles: ["https://t0.example/{z}/{x}/{y}"],
      attribution: "© 天地图",
    });
    expect(style.layers.map((l) => l.id)).toEqual(["background", "basemap"]);
  });
});

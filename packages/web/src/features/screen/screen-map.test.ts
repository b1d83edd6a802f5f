import type { Feature, FeatureCollection } from "@wangge/core";
import { describe, expect, it } from "vitest";
import { reconnectDelay } from "../../lib/live-stream.ts";
import type { ScreenOverview } from "./api/screen.ts";
import { COLOURS } from "./components/screen-theme.ts";
import { mapOf } from "./screen-map.ts";

const square = (code: string, level: string): Feature => ({
  type: "Feature" as const,
  id: code,
  properties: { code, name: code, level },
  geometry: {
    type: "Polygon" as const,
    coordinates: [
      [[0, 0] as [number, number], [1, 0] as [number, number], [1, 1] as [number, number], [0, 0] as [number, number]],
    ],
  },
});

describe("mapOf", () => {
  it("colours each grid of the area by the open and overdue matters under it, and leaves the levels above out", () => {
    const features: FeatureCollection = {
      type: "FeatureCollection",
      features: [
        square("450802001", "township"),
        square("450802001003", "village"),
        square("450802001003G01", "grid"),
        square("450802001003G02", "grid"),
        square("450802001004G01", "grid"),
      ],
    };
    const overview = {
      area: { code: "450802001", name: "贵城街道", level: "township" },
      open: {
        open: 3,
        overdue: 1,
        areas: [
          {
            code: "450802001003G01",
            path: "/45/4508/450802/450802001/450802001003/450802001003G01/",
            open: 2,
            overdue: 1,
          },
          {
            code: "450802001003G02M1",
            path: "/45/4508/450802/450802001/450802001003/450802001003G02/450802001003G02M1/",
            open: 1,
            overdue: 0,
          },
        ],
      },
    } as unknown as ScreenOverview;
    const map = mapOf(features, overview);
    const fills = Object.fromEntries(map?.features.map((f) => [f.properties.code, f.properties.fill]) ?? []);
    expect(fills).toEqual({
      "450802001003G01": COLOURS.overdue,
      "450802001003G02": COLOURS.open,
      "450802001004G01": COLOURS.calm,
    });
  });

  it("draws nothing before the overview and the areas have arrived", () => {
    expect(mapOf(undefined, undefined)).toBeUndefined();
  });
});

describe("reconnectDelay", () => {
  it("starts near a second, doubles, and stays under half a minute, jittered by a quarter either way", () => {
    expect(reconnectDelay(0, 0.5)).toBe(1000);
    expect(reconnectDelay(1, 0.5)).toBe(2000);
    expect(reconnectDelay(3, 0)).toBe(6000);
    expect(reconnectDelay(3, 1)).toBe(10000);
    expect(reconnectDelay(20, 1)).toBe(37500);
    expect(reconnectDelay(20, 0.5)).toBe(30000);
  });
});

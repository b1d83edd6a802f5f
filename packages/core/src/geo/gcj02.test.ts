import { describe, expect, it } from "vitest";
import { gcj02ToWgs84, isOutsideChina, wgs84ToGcj02 } from "./gcj02.ts";

describe("wgs84ToGcj02", () => {
  it("shifts a Beijing point by the published GCJ-02 offset", () => {
    const [lng, lat] = wgs84ToGcj02([116.404, 39.915]);
    expect(lng).toBeCloseTo(116.41024449916938, 9);
    expect(lat).toBeCloseTo(39.91640428150164, 9);
  });

  it("moves a point in Guiping, Guangxi, by a few hundred metres", () => {
    const [lng, lat] = wgs84ToGcj02([110.079, 23.394]);
    const metresPerDegree = 111_320;
    const dx = (lng - 110.079) * metresPerDegree * Math.cos((23.394 * Math.PI) / 180);
    const dy = (lat - 23.394) * metresPerDegree;
    const shift = Math.hypot(dx, dy);
    expect(shift).toBeGreaterThan(100);
    expect(shift).toBeLessThan(1000);
  });

  it.each([
    ["Tokyo", [139.69, 35.68]],
    ["Singapore", [103.85, 1.29 - 1]],
    ["London", [-0.12, 51.5]],
  ] as const)("leaves %s unchanged because GCJ-02 applies only in China", (_name, point) => {
    expect(isOutsideChina(point)).toBe(true);
    expect(wgs84ToGcj02(point)).toEqual([point[0], point[1]]);
  });
});

describe("gcj02ToWgs84", () => {
  it.each([
    [116.404, 39.915],
    [108.366, 22.817],
    [110.079, 23.394],
    [87.6, 43.8],
  ] as const)("inverts the forward transform at %f, %f to under a centimetre", (lng, lat) => {
    const back = gcj02ToWgs84(wgs84ToGcj02([lng, lat]));
    expect(Math.abs(back[0] - lng)).toBeLessThan(1e-7);
    expect(Math.abs(back[1] - lat)).toBeLessThan(1e-7);
  });
});

import { describe, expect, it } from "vitest";
import { aroundCentre, besidePoint, boxesMeet, placeLabels } from "./label-placement.ts";

describe("boxesMeet", () => {
  it.each([
    [{ x: 0, y: 0, width: 10, height: 10 }, { x: 5, y: 5, width: 10, height: 10 }, true],
    [{ x: 0, y: 0, width: 10, height: 10 }, { x: 20, y: 0, width: 10, height: 10 }, false],
    [{ x: 0, y: 0, width: 10, height: 10 }, { x: 11, y: 0, width: 10, height: 10 }, true],
    [{ x: 0, y: 0, width: 10, height: 10 }, { x: 0, y: 12, width: 10, height: 10 }, false],
  ])("tells %o and %o meet: %s", (a, b, meet) => {
    expect(boxesMeet(a, b)).toBe(meet);
  });
});

describe("placeLabels", () => {
  it("puts a label where it was asked when nothing is there", () => {
    const [box] = placeLabels([{ width: 40, height: 10, candidates: [{ x: 5, y: 5 }] }]);
    expect(box).toEqual({ x: 5, y: 5, width: 40, height: 10 });
  });

  it("moves a second label to its next candidate rather than over the first", () => {
    const grid = { width: 80, height: 10, candidates: aroundCentre(100, 100, 80, 10) };
    const address = { width: 60, height: 10, candidates: besidePoint(90, 100, 3, 60, 10) };
    const [first, second] = placeLabels([address, grid]);
    expect(first).toBeDefined();
    expect(second).toBeDefined();
    if (first && second) expect(boxesMeet(first, second)).toBe(false);
    expect(second?.y).not.toBe(95);
  });

  it("leaves a label out when every candidate is taken", () => {
    const same = { width: 50, height: 10, candidates: aroundCentre(0, 0, 50, 10) };
    const placed = placeLabels([same, same, same, same]);
    expect(placed.filter(Boolean)).toHaveLength(3);
    expect(placed[3]).toBeUndefined();
  });

  it("keeps labels off the obstacles (the points drawn)", () => {
    const [box] = placeLabels(
      [{ width: 20, height: 10, candidates: aroundCentre(0, 0, 20, 10) }],
      [{ x: -3, y: -3, width: 6, height: 6 }],
    );
    expect(box?.y).toBeLessThan(-3);
  });
});

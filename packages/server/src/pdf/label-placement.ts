/**
 * Where a map's labels go so that none is printed over another (the report's hotspot map had a grid's
 * name on top of an address's). Labels are placed in the order given, each at the first of its
 * candidate positions whose box meets no box placed before it and no obstacle (the points drawn);
 * a label with no free candidate is left out — the report's table under the map still gives its count.
 * Greedy and quadratic: a report map carries tens of labels, not thousands.
 */
export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface LabelRequest {
  width: number;
  height: number;
  /** Top-left corners to try, best first. */
  candidates: readonly { x: number; y: number }[];
}

/** Boxes closer than this (points) count as touching: labels keep a little air between them. */
const GAP = 1.5;

export function boxesMeet(a: Box, b: Box, gap = GAP): boolean {
  return (
    a.x < b.x + b.width + gap && b.x < a.x + a.width + gap && a.y < b.y + b.height + gap && b.y < a.y + a.height + gap
  );
}

/** For each request, the box it is drawn in, or undefined when every candidate meets a box already there. */
export function placeLabels(requests: readonly LabelRequest[], obstacles: readonly Box[] = []): (Box | undefined)[] {
  const taken: Box[] = [...obstacles];
  return requests.map((r) => {
    for (const c of r.candidates) {
      const box = { x: c.x, y: c.y, width: r.width, height: r.height };
      if (!taken.some((t) => boxesMeet(box, t))) {
        taken.push(box);
        return box;
      }
    }
    return undefined;
  });
}

/** Centred on the anchor, then just above and just below it. */
export function aroundCentre(x: number, y: number, width: number, height: number): { x: number; y: number }[] {
  const left = x - width / 2;
  return [
    { x: left, y: y - height / 2 },
    { x: left, y: y - height * 1.5 - GAP },
    { x: left, y: y + height / 2 + GAP },
  ];
}

/** Beside a point of radius `r`: right, left, below, above. */
export function besidePoint(
  x: number,
  y: number,
  r: number,
  width: number,
  height: number,
): { x: number; y: number }[] {
  return [
    { x: x + r + 2, y: y - height / 2 },
    { x: x - r - 2 - width, y: y - height / 2 },
    { x: x - width / 2, y: y + r + 2 },
    { x: x - width / 2, y: y - r - 2 - height },
  ];
}

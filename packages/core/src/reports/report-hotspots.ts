/**
 * How a weekly report's hotspots are shaded on its map, the same in the console and in the PDF: the
 * counts of repeated matters (2 and up) fall into at most four classes of equal width between the
 * smallest and the largest count, lighter to darker; each class is one colour of the legend.
 */
export const HOTSPOT_COLOURS = ["#fdd49e", "#fc8d59", "#e34a33", "#b30000"] as const;
export const HOTSPOT_POINT_COLOUR = "#6a1b9a";

export interface HotspotClass {
  from: number;
  to: number;
  colour: string;
}

export function hotspotClasses(counts: readonly number[]): HotspotClass[] {
  if (counts.length === 0) return [];
  const low = Math.min(...counts);
  const high = Math.max(...counts);
  const n = Math.min(HOTSPOT_COLOURS.length, high - low + 1);
  const width = (high - low + 1) / n;
  return Array.from({ length: n }, (_, i) => ({
    from: low + Math.ceil(i * width),
    to: i === n - 1 ? high : low + Math.ceil((i + 1) * width) - 1,
    colour: HOTSPOT_COLOURS[
      n === 1 ? HOTSPOT_COLOURS.length - 1 : Math.round((i * (HOTSPOT_COLOURS.length - 1)) / (n - 1))
    ] as string,
  }));
}

export function hotspotColour(count: number, classes: readonly HotspotClass[]): string | undefined {
  return classes.find((c) => count >= c.from && count <= c.to)?.colour;
}

import type { Feature, FeatureCollection } from "@wangge/core";
import type { ScreenOverview } from "./api/screen.ts";
import { COLOURS } from "./components/screen-theme.ts";

/** The grids under the screen's area (else its lowest level shown), each coloured by its open and overdue matters. */
export function mapOf(
  features: FeatureCollection | undefined,
  overview: ScreenOverview | undefined,
): FeatureCollection | undefined {
  if (!features || !overview) return undefined;
  const code = overview.area.code;
  const under = features.features.filter((f) => {
    const c = String(f.properties.code);
    return c === code || overview.open.areas.some((a) => a.path.includes(`/${c}/`)) || c.startsWith(code);
  });
  const grids = under.filter((f) => f.properties.level === "grid" || f.properties.level === "microgrid");
  const shown: Feature[] = grids.length > 0 ? grids : under;
  const counts = (c: string) =>
    overview.open.areas
      .filter((a) => a.path.includes(`/${c}/`))
      .reduce((n, a) => ({ open: n.open + a.open, overdue: n.overdue + a.overdue }), { open: 0, overdue: 0 });
  return {
    type: "FeatureCollection",
    features: shown.map((f) => {
      const n = counts(String(f.properties.code));
      const fill = n.overdue > 0 ? COLOURS.overdue : n.open > 0 ? COLOURS.open : COLOURS.calm;
      return {
        ...f,
        properties: { ...f.properties, fill, fillOpacity: n.overdue > 0 || n.open > 0 ? 0.5 : 0.25 },
      };
    }),
  };
}

import { type PolygonalGeometry, pointInGeometry, systemPrincipal } from "@wangge/core";
import type { Kysely } from "kysely";
import type { DB } from "../../db/schema.ts";
import type { SeedPart } from "../seed/seed.types.ts";
import { importBoundaries, setBoundary } from "./area-boundaries.service.ts";
import { findAreaByCode, findCurrentBoundary, listChildren } from "./areas.queries.ts";
import { importDivisions } from "./areas.service.ts";
import { DemoShapes } from "./demo-shapes.ts";
import { readDivisions } from "./divisions-source.ts";

/**
 * Demo data for Guigang (贵港市, 4508), where Guangxi's grid programme started: the real divisions from
 * the official list, and, for the communities of 贵城街道 (the city-centre sub-district, around
 * 109.60°E 23.10°N), generated boundaries — crooked community shapes tiling the sub-district, each
 * split into two grids along a crooked line (demo-shapes.ts). The shapes are invented (labelled 演示 /
 * demo), placed where the sub-district really is; no map data with redistribution limits is shipped.
 */
export const DEMO_TOWNSHIP = "450802001";
export const DEMO_LATTICE = { origin: { lng: 109.57, lat: 23.085 }, cell: 0.012, perRow: 5 };

export const areasDemoPart: SeedPart = {
  name: "areas",
  async run({ ctx }) {
    const actor = systemPrincipal();
    const meta = { requestId: "seed-demo", ip: null, userAgent: "wangge seed demo" };
    const report = await importDivisions(ctx, actor, meta, "4508", await readDivisions("4508"));
    const township = await findAreaByCode(ctx.db, DEMO_TOWNSHIP);
    if (!township) return { summary: `${report.total} divisions of 贵港市` };
    const villages = await listChildren(ctx.db, township.id);
    const shapes = new DemoShapes(DEMO_LATTICE);
    const everywhere = { isGlobal: true, view: [], workSubtrees: [], workAreas: [] };
    await setBoundary(ctx, actor, meta, DEMO_TOWNSHIP, shapes.township(villages.length), everywhere);
    const features = [];
    for (const [i, village] of villages.entries()) {
      await setBoundary(ctx, actor, meta, village.code, shapes.community(i), everywhere);
      for (const [g, geometry] of shapes.grids(i).entries()) {
        features.push({
          type: "Feature",
          properties: {
            code: `${village.code}G0${g + 1}`,
            parent: village.code,
            name: `${village.name.replace(/居委会$/, "")}第${g === 0 ? "一" : "二"}网格（演示）`,
            kind: "community",
          },
          geometry,
        });
      }
    }
    const grids = await importBoundaries(
      ctx,
      actor,
      meta,
      { type: "FeatureCollection", features },
      {
        parentCodeProperty: "parent",
        codeProperty: "code",
        nameProperty: "name",
        kindProperty: "kind",
        allOrNothing: true,
      },
      everywhere,
    );
    if (!grids.applied)
      throw new Error(`demo grids rejected: ${JSON.stringify(grids.features.filter((f) => f.outcome === "rejected"))}`);
    return {
      summary: `${report.total} divisions of 贵港市; ${grids.created + grids.updated + grids.unchanged} demo grids in 贵城街道`,
    };
  },
};

/**
 * A point inside an area's current boundary for demo records: the point at (fx, fy) of its bounding
 * box when that lies inside, else the nearest point on the way to its label point (always inside).
 */
export async function demoPointIn(
  db: Kysely<DB>,
  code: string,
  fx: number,
  fy: number,
): Promise<{ lng: number; lat: number } | undefined> {
  const area = await findAreaByCode(db, code);
  const boundary = area ? await findCurrentBoundary(db, area.id) : undefined;
  if (!boundary) return undefined;
  const geometry = boundary.geometry as PolygonalGeometry;
  const x = boundary.min_lng + (boundary.max_lng - boundary.min_lng) * fx;
  const y = boundary.min_lat + (boundary.max_lat - boundary.min_lat) * fy;
  for (let step = 0; step <= 10; step++) {
    const lng = x + ((boundary.label_lng - x) * step) / 10;
    const lat = y + ((boundary.label_lat - y) * step) / 10;
    const rounded = { lng: Math.round(lng * 1e6) / 1e6, lat: Math.round(lat * 1e6) / 1e6 };
    if (pointInGeometry(rounded.lng, rounded.lat, geometry)) return rounded;
  }
  return { lng: boundary.label_lng, lat: boundary.label_lat };
}

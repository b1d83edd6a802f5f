import { systemPrincipal } from "@wangge/core";
import type { SeedPart } from "../seed/seed.types.ts";
import { importBoundaries, setBoundary } from "./area-boundaries.service.ts";
import { findAreaByCode, listChildren } from "./areas.queries.ts";
import { importDivisions } from "./areas.service.ts";
import { readDivisions } from "./divisions-source.ts";

/**
 * Demo data for Guigang (贵港市, 4508), where Guangxi's grid programme started: the real divisions from
 * the official list, and, for the communities of 贵城街道 (the city-centre sub-district, around
 * 109.60°E 23.10°N), generated boundaries — a lattice of community cells each split into two grids.
 * The shapes are invented (labelled 演示 / demo), placed where the sub-district really is; no map data
 * with redistribution limits is shipped.
 */
export const DEMO_TOWNSHIP = "450802001";
const ORIGIN = { lng: 109.57, lat: 23.085 };
const CELL = 0.012;
const PER_ROW = 5;

const rect = (x: number, y: number, w: number, h: number) => [
  [
    [x, y],
    [x + w, y],
    [x + w, y + h],
    [x, y + h],
    [x, y],
  ],
];
const round = (n: number) => Math.round(n * 1e6) / 1e6;

export const areasDemoPart: SeedPart = {
  name: "areas",
  async run({ ctx }) {
    const actor = systemPrincipal();
    const meta = { requestId: "seed-demo", ip: null, userAgent: "wangge seed demo" };
    const report = await importDivisions(ctx, actor, meta, "4508", await readDivisions("4508"));
    const township = await findAreaByCode(ctx.db, DEMO_TOWNSHIP);
    if (!township) return { summary: `${report.total} divisions of 贵港市` };
    const villages = await listChildren(ctx.db, township.id);
    const rows = Math.ceil(villages.length / PER_ROW);
    const everywhere = { isGlobal: true, view: [], workSubtrees: [], workAreas: [] };
    await setBoundary(
      ctx,
      actor,
      meta,
      DEMO_TOWNSHIP,
      { type: "Polygon", coordinates: rect(ORIGIN.lng, ORIGIN.lat, round(PER_ROW * CELL), round(rows * CELL)) },
      everywhere,
    );
    const features = [];
    for (const [i, village] of villages.entries()) {
      const x = round(ORIGIN.lng + (i % PER_ROW) * CELL);
      const y = round(ORIGIN.lat + Math.floor(i / PER_ROW) * CELL);
      await setBoundary(
        ctx,
        actor,
        meta,
        village.code,
        { type: "Polygon", coordinates: rect(x, y, CELL, CELL) },
        everywhere,
      );
      for (const [g, dx] of [
        [1, 0],
        [2, CELL / 2],
      ] as const) {
        features.push({
          type: "Feature",
          properties: {
            code: `${village.code}G0${g}`,
            parent: village.code,
            name: `${village.name.replace(/居委会$/, "")}第${g === 1 ? "一" : "二"}网格（演示）`,
            kind: "community",
          },
          geometry: { type: "Polygon", coordinates: rect(round(x + dx), y, round(CELL / 2), CELL) },
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
    return {
      summary: `${report.total} divisions of 贵港市; ${grids.created + grids.updated + grids.unchanged} demo grids in 贵城街道`,
    };
  },
};

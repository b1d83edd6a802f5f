import type { SeedPart } from "../seed/seed.types.ts";
import { ensureArea } from "./areas.service.ts";

/**
 * A demonstration tree in Gangbei District of Guigang (贵港市港北区, GB/T 2260 code 450802): one
 * sub-district, two communities, and grids in them. The township and village codes follow the 12-digit
 * pattern; names are marked as demo data, not the official list (`wangge import divisions` loads that).
 */
export const DEMO_AREAS = [
  { code: "45", name: "广西壮族自治区", level: "province", parentCode: null },
  { code: "4508", name: "贵港市", level: "city", parentCode: "45" },
  { code: "450802", name: "港北区", level: "county", parentCode: "4508" },
  { code: "450802001", name: "贵城街道（演示）", level: "township", parentCode: "450802" },
  { code: "450802001001", name: "城东社区（演示）", level: "village", parentCode: "450802001" },
  { code: "450802001002", name: "城西社区（演示）", level: "village", parentCode: "450802001" },
  { code: "450802001001G01", name: "城东社区第一网格", level: "grid", parentCode: "450802001001" },
  { code: "450802001001G02", name: "城东社区第二网格", level: "grid", parentCode: "450802001001" },
  { code: "450802001002G01", name: "城西社区第一网格", level: "grid", parentCode: "450802001002" },
] as const;

export const areasDemoPart: SeedPart = {
  name: "areas",
  async run({ ctx }) {
    await ctx.db.transaction().execute(async (trx) => {
      for (const area of DEMO_AREAS) await ensureArea(trx, area);
    });
    return { summary: `${DEMO_AREAS.length} areas under 港北区 450802` };
  },
};

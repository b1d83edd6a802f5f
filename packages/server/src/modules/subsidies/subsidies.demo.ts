import { createHash } from "node:crypto";
import { systemPrincipal } from "@wangge/core";
import type { SeedPart } from "../seed/seed.types.ts";
import { createSubsidyProgram } from "./programs.service.ts";

/**
 * The demo's subsidy programmes, run by 港北区 (450802) as Guangxi's counties run them, with their
 * rules in the words a notice board uses and what the public list shows. Ids come from names, so
 * seeding twice changes nothing.
 */
const COUNTY = "450802";
const meta = { requestId: "seed-demo", ip: null, userAgent: "wangge seed demo" };

function demoId(key: string): string {
  const h = createHash("sha256").update(`wangge-demo-subsidy:${key}`).digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-8${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export const DEMO_PROGRAMS = [
  {
    name: "耕地地力保护补贴",
    rules:
      "对拥有耕地承包权的种地农民按确权面积发放，每亩每年约 105 元，由县财政通过“一卡通”直接发放到户。撂荒地、已改变用途的耕地不予补贴。",
    publicAmount: "exact",
    minAmountFen: 1_000,
    maxAmountFen: 500_000,
  },
  {
    name: "低保",
    rules:
      "城乡最低生活保障：家庭人均收入低于当地低保标准（农村每人每月 575 元）且财产状况符合规定的，按差额按月发放。名单公示姓名，不公示金额。",
    publicAmount: "hidden",
    minAmountFen: null,
    maxAmountFen: 300_000,
  },
  {
    name: "特困供养",
    rules: "无劳动能力、无生活来源、无法定赡养抚养扶养义务人的老年人、残疾人和未成年人，按月发放基本生活费。",
    publicAmount: "hidden",
    minAmountFen: null,
    maxAmountFen: 300_000,
  },
  {
    name: "高龄津贴",
    rules: "本区户籍 80 周岁以上老人按月发放：80–89 周岁每人每月 50 元，90–99 周岁 100 元，100 周岁以上 500 元。",
    publicAmount: "exact",
    minAmountFen: 5_000,
    maxAmountFen: 50_000,
  },
  {
    name: "残疾人两项补贴",
    rules: "困难残疾人生活补贴每人每月 80 元；一级、二级重度残疾人护理补贴每人每月 100 元，按月发放。",
    publicAmount: "exact",
    minAmountFen: 8_000,
    maxAmountFen: 18_000,
  },
] as const;

export const subsidiesDemoPart: SeedPart = {
  name: "subsidies",
  async run({ ctx }) {
    let created = 0;
    for (const p of DEMO_PROGRAMS) {
      const r = await createSubsidyProgram(ctx, systemPrincipal(), meta, {
        id: demoId(p.name),
        areaCode: COUNTY,
        name: p.name,
        rules: p.rules,
        publicAmount: p.publicAmount,
        minAmountFen: p.minAmountFen,
        maxAmountFen: p.maxAmountFen,
      });
      if (r.created) created++;
    }
    return { summary: `${created} subsidy programmes` };
  },
};

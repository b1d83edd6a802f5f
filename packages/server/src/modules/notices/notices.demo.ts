import { createHash } from "node:crypto";
import { type SendNoticeBody, systemPrincipal } from "@wangge/core";
import type { AppContext } from "../../context.ts";
import { devicesOfKind } from "../events/device-registry.service.ts";
import type { SeedPart } from "../seed/seed.types.ts";
import { principalOfUsername } from "../users/users.service.ts";
import { registerLoudspeaker } from "./broadcast.service.ts";
import { chooseVillage, myVillage, sendNotice } from "./notices.service.ts";

/**
 * Demo notices (通知公告) and cloud broadcast (云广播) of 贵城街道 and its 县东社区 (450802001003): the
 * community's loudspeaker, registered under 接入管理 a week before; the sub-district's 冬季森林防火
 * notice (李强), the community's 医保缴费提醒 (周芳) and, today, her urgent 寒潮预警 to the households
 * with a 独居老人. The demo resident 何卫东 (not linked to a record) follows the community, so the two
 * notices to everyone are in his inbox; the grid workers have all three in the field app; the
 * loudspeaker's queue holds all three, the urgent one first — nothing has pulled it (no real device
 * exists). The loudspeaker's secret is made, kept encrypted and never shown: like any device of
 * 接入管理, a real one is registered by an admin, who is shown its secret once. Ids come from names, so
 * seeding twice changes nothing.
 */
export const DEMO_NOTICE_VILLAGE = "450802001003";
export const DEMO_LOUDSPEAKER_KEY = "GB-450802001003-01";
const TOWNSHIP = "450802001";
const meta = { requestId: "seed-demo", ip: null, userAgent: "wangge seed demo" };
const DAY = 86_400_000;
const HOUR = 3_600_000;

function demoId(key: string): string {
  const h = createHash("sha256").update(`wangge-demo-notice:${key}`).digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-8${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** The context as it was `ago` milliseconds before now, so the demo's notices were sent over the last days. */
const before = (ctx: AppContext, ago: number): AppContext => ({
  ...ctx,
  now: () => new Date(ctx.now().getTime() - ago),
});

export const DEMO_NOTICES: (Omit<SendNoticeBody, "id"> & { key: string; sender: string; ago: number })[] = [
  {
    key: "forest-fire",
    sender: "demo.township",
    ago: 5 * DAY + 2 * HOUR,
    title: "冬季森林防火提醒",
    body: "进入冬季，天干物燥，南山、龙山一带林区火险等级较高。请广大居民做到：进山入林不带火种，不在林区烧烤、野炊、燃放孔明灯和烟花爆竹；上山祭扫文明祭祀，不焚香烧纸；田边地头不烧秸秆、杂草。发现山火请立即拨打 119 并报告网格员。野外违规用火将依法处罚。",
    areaCode: TOWNSHIP,
    urgent: false,
    channels: ["app", "field", "loudspeaker"],
  },
  {
    key: "medical-insurance",
    sender: "demo.village",
    ago: 2 * DAY + 5 * HOUR,
    title: "城乡居民医保缴费提醒",
    body: "下一年度城乡居民基本医疗保险集中缴费期截至本月底。请还未缴费的居民及时缴纳，可通过“广西医保”微信小程序或到社区服务中心一楼办理，个人缴费标准以区医保局公告为准。低保对象、特困人员等困难群众由政府按规定资助参保，请到社区确认名单。逾期缴费的，下一年度将有待遇等待期。",
    areaCode: DEMO_NOTICE_VILLAGE,
    urgent: false,
    channels: ["app", "field", "loudspeaker"],
  },
  {
    key: "cold-wave",
    sender: "demo.village",
    // Sent as the demo is seeded: its households are those holding the tag that day (the demo's care tags start then).
    ago: 0,
    title: "寒潮预警：明后两天强降温",
    body: "市气象台发布寒潮蓝色预警：明后两天气温将下降 8 至 10 摄氏度，最低气温 3 至 5 摄氏度。独居老人请关好门窗、添衣保暖；用炭火、取暖器时要开窗通风，谨防一氧化碳中毒，睡前关掉电源。网格员今明两天会逐户上门看望，有困难请告诉网格员或到社区求助。",
    areaCode: DEMO_NOTICE_VILLAGE,
    tagKey: "elderly_alone",
    urgent: true,
    channels: ["app", "field", "loudspeaker"],
  },
];

export const noticesDemoPart: SeedPart = {
  name: "notices",
  async run({ ctx }) {
    const resident = await principalOfUsername(ctx.db, "demo.resident");
    if (!resident) return { summary: "no demo accounts: skipped" };
    let speakers = 0;
    // Installed a week ago; the key is taken for good once registered (also if an admin retired it since).
    if (!(await devicesOfKind(ctx, "loudspeaker")).some((d) => d.device_key === DEMO_LOUDSPEAKER_KEY)) {
      await registerLoudspeaker(before(ctx, 7 * DAY), systemPrincipal(), meta, {
        deviceKey: DEMO_LOUDSPEAKER_KEY,
        name: "县东社区服务中心楼顶广播",
        areaCode: DEMO_NOTICE_VILLAGE,
      });
      speakers++;
    }
    // The demo resident follows the community (unless he has chosen a village himself since).
    if (!(await myVillage(ctx, resident)).areaCode)
      await chooseVillage(before(ctx, 10 * DAY), resident, meta, DEMO_NOTICE_VILLAGE);
    let sent = 0;
    for (const { key, sender, ago, ...notice } of DEMO_NOTICES) {
      const actor = await principalOfUsername(ctx.db, sender);
      if (!actor) continue;
      const r = await sendNotice(before(ctx, ago), actor, meta, { id: demoId(key), ...notice });
      if (r.created) sent++;
    }
    return { summary: `${sent} notices of ${TOWNSHIP} and ${DEMO_NOTICE_VILLAGE}, ${speakers} loudspeaker` };
  },
};

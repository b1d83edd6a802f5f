import type { EventAction, Principal } from "@wangge/core";
import type { AppContext } from "../../context.ts";
import { getCategory } from "./categories.service.ts";
import { giveFeedback, transitionEvent } from "./event-transitions.service.ts";
import { reportEvent } from "./events.service.ts";

/**
 * Eight weeks of settled matters in the demo grid before this week, so the 工作台's changes, the big
 * screen's 30-day trend and the weekly and monthly reports have a history to show: about five a
 * week, reported by the grid worker or by residents through the app, taken through the workflow at
 * the times they would have been (the services run on a clock set back to each step), most settled
 * in the grid, a few escalated to the community and settled there, residents' verdicts on theirs.
 * One address comes back three times in a fortnight (a hotspot). Nothing falls in the last two weeks, and no dispute shares parties or an address, so the demo's risk rules raise
 * only the alert the risk part sets up. Ids are derived from the key, so seeding twice changes nothing.
 */
interface Accounts {
  worker: Principal;
  head: Principal;
  village: Principal;
  township: Principal;
  resident: Principal | undefined;
}

type Point = { lng: number; lat: number };

const ITEMS: { categoryKey: string; text: string; note: string }[] = [
  {
    categoryKey: "environment.sanitation",
    text: "{addr}楼下垃圾桶满溢，连续两天未清运。",
    note: "已通知环卫站加派清运车，现场清理完毕。",
  },
  {
    categoryKey: "facility.damaged",
    text: "{addr}路灯不亮，晚上行人看不清路。",
    note: "已报市政维修，更换灯泡后恢复照明。",
  },
  { categoryKey: "facility.damaged", text: "{addr}门口井盖松动，车辆经过有响声。", note: "已联系排水公司加固井盖。" },
  {
    categoryKey: "hazard.safety",
    text: "{addr}楼道堆放纸箱杂物，堵塞消防通道。",
    note: "已督促住户清理杂物，楼道恢复畅通。",
  },
  {
    categoryKey: "request.livelihood",
    text: "{addr}独居老人申请代办医保缴费，行动不便。",
    note: "网格员上门代办，已缴费并告知老人。",
  },
  {
    categoryKey: "dispute.neighbour",
    text: "{addr}两户因楼上夜间噪音多次争吵，请求调解。",
    note: "网格调解，双方同意晚十点后减少噪音。",
  },
  {
    categoryKey: "hazard.public_order",
    text: "{addr}附近夜宵摊占道经营，深夜噪音扰民。",
    note: "会同城管劝导摊主按时收摊，已退回店内经营。",
  },
  {
    categoryKey: "dispute.property_management",
    text: "{addr}业主与物业因电梯维修费分摊发生争议。",
    note: "组织业主代表与物业协商，按户分摊已达成一致。",
  },
];

const ADDRESSES = [
  "金港大道12号",
  "荷城路38号",
  "中山北路7号",
  "民主路菜市场旁",
  "江北东路21号",
  "建设东路56号",
  "和平路3巷",
  "光明路口",
];
const HOTSPOT = "金港大道12号";
/** Days back of the hotspot's three reports (rubbish at 金港大道12号 again and again). */
const HOT_DAYS = [33, 27, 22];
const STREETS = ["荷城路", "中山北路", "江北东路", "建设东路", "民主路", "和平路"];

const SEED = 20261206;

/** A small deterministic generator: the same history on every machine. */
function generator(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

export async function seedEventHistory(
  ctx: AppContext,
  who: Accounts,
  points: readonly Point[],
  idOf: (key: string) => string,
): Promise<number> {
  const meta = { requestId: "seed-demo", ip: null, userAgent: "wangge seed demo" };
  const today = ctx.now();
  const dayStart = (daysBack: number) => {
    // 08:00 China time (00:00 UTC) that many days back.
    const d = new Date(today.getTime() - daysBack * 86_400_000);
    return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
  };
  let created = 0;
  for (let back = 56; back >= 14; back--) {
    const start = dayStart(back);
    const hotDay = HOT_DAYS.includes(back);
    if (new Date(start).getUTCDay() === 0 && !hotDay) continue; // fewer reports on Sundays
    const day = generator(SEED + back);
    const count = Math.max(hotDay ? 1 : 0, day() < 0.35 ? 0 : day() < 0.8 ? 1 : 2);
    for (let k = 0; k < count; k++) {
      // Each event draws from its own sequence: a second seeding skips the ones that exist and
      // makes the others exactly as the first would have.
      const n = back * 3 + k;
      const random = generator(SEED * 7 + n);
      const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
      // The hotspot: the same address three times within a fortnight, four and three weeks back.
      const hotspot = hotDay && k === 0;
      const item = hotspot ? (ITEMS[0] as (typeof ITEMS)[number]) : pick(ITEMS);
      // A dispute's address is its own house: disputes at one address are the risk rules' business.
      const addr = hotspot
        ? HOTSPOT
        : item.categoryKey.startsWith("dispute.")
          ? `${pick(STREETS)}${100 + n}号`
          : pick(ADDRESSES.filter((a) => a !== HOTSPOT));
      let at = start + Math.floor((0.5 + random() * 8.5) * 3_600_000); // 08:30–17:00
      const clock = (): AppContext => ({ ...ctx, now: () => new Date(at) });
      const later = (minMs: number, maxMs: number) => {
        at += minMs + Math.floor(random() * (maxMs - minMs));
      };
      const byResident = who.resident !== undefined && random() < 0.4;
      const reporter = byResident ? (who.resident as Principal) : who.worker;
      const point = points[n % points.length] as Point;
      const r = await reportEvent(clock(), reporter, meta, {
        id: idOf(`history:${back}:${k}`),
        source: byResident ? "resident" : "field",
        categoryKey: item.categoryKey,
        description: item.text.replace("{addr}", addr),
        address: addr,
        ...(item.categoryKey.startsWith("hazard.") ? { attributes: { hazard_level: "general" } } : {}),
        ...point,
      });
      if (!r.created) continue;
      created++;
      const id = r.event.id;
      const act = async (actor: Principal, action: EventAction, note?: string) => {
        await transitionEvent(clock(), actor, meta, id, { action, ...(note ? { note } : {}) });
      };
      later(15 * 60_000, 90 * 60_000);
      await act(who.head, "accept");
      // About one in eight goes up to the community (settled there), the rest are settled in the grid.
      const escalate = random() < 0.125;
      const handler = escalate ? who.village : who.head;
      if (escalate) {
        later(2 * 3_600_000, 6 * 3_600_000);
        await act(who.head, "escalate", "涉及多户和相关部门，需社区统一协调。");
      }
      later(2 * 3_600_000, 30 * 3_600_000);
      await act(handler, "resolve", item.note);
      later(30 * 60_000, 4 * 3_600_000);
      await act(handler, "verify");
      // Closing (结案) belongs to the category's close level: the grid head, the community, the township.
      const closeLevel = (await getCategory(ctx.db, item.categoryKey)).closeLevel;
      const closer = closeLevel === "grid" ? handler : closeLevel === "village" ? who.village : who.township;
      later(10 * 60_000, 60 * 60_000);
      await act(closer, "close");
      if (byResident) {
        later(3_600_000, 20 * 3_600_000);
        const satisfaction = random() < 0.75 ? "satisfied" : random() < 0.8 ? "basically" : "unsatisfied";
        await giveFeedback(clock(), reporter, meta, id, { satisfaction });
      }
    }
  }
  return created;
}

import { createHash } from "node:crypto";
import { addDays, chinaDate, type Principal, weekStart } from "@wangge/core";
import type { AppContext } from "../../context.ts";
import { demoPointIn } from "../areas/areas.demo.ts";
import type { SeedPart } from "../seed/seed.types.ts";
import { principalOfUsername } from "../users/users.service.ts";
import { addParty, recordSession } from "./disputes.service.ts";
import { transitionEvent } from "./event-transitions.service.ts";
import { reportEvent } from "./events.service.ts";
import { seedEventHistory } from "./events-history.demo.ts";
import { saveAgreement } from "./mediation-agreement.service.ts";

/**
 * Demo events in the demo community (450802001003, 贵城街道), reported by the demo grid worker at
 * points inside its grids and taken through the workflow: one just reported, one being handled, a
 * neighbours' dispute mediated to a signed agreement, a safety hazard escalated to the community,
 * a livelihood request settled and closed, a land dispute suspended while waiting for a survey.
 * Last week besides: a manhole cover on 荷城路 reported missing on Tuesday and loose again on Thursday,
 * each fixed the same day and closed by the community — the address where matters repeated in last
 * week's analysis (周分析). And the weeks before, settled (events-history.demo.ts).
 * Ids are derived from names, so seeding twice changes nothing.
 */
const VILLAGE = "450802001003";
const meta = { requestId: "seed-demo", ip: null, userAgent: "wangge seed demo" };

function demoId(key: string): string {
  const h = createHash("sha256").update(`wangge-demo-event:${key}`).digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-8${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

const principal = (ctx: AppContext, username: string): Promise<Principal | undefined> =>
  principalOfUsername(ctx.db, username);

/** The context at a China time of a day (a past one): what the demo did then is recorded then. */
const atTime = (ctx: AppContext, day: string, time: string): AppContext => ({
  ...ctx,
  now: () => new Date(`${day}T${time}:00+08:00`),
});

/** Last week's repeated matter at one address: reported twice, fixed and closed each time that day. */
async function lastWeek(
  ctx: AppContext,
  worker: Principal,
  head: Principal,
  village: Principal,
  spot: { lng: number; lat: number },
): Promise<number> {
  const monday = addDays(weekStart(chinaDate(ctx.now())), -7);
  const address = "荷城路 36 号";
  const cases = [
    {
      key: "manhole:1",
      day: addDays(monday, 1),
      times: ["09:20", "10:05", "14:30", "15:10"],
      description: "荷城路36号门前人行道井盖缺失，已用锥桶临时围挡，夜间行人容易踩空。",
      resolution: "市政养护班组已更换新井盖。",
    },
    {
      key: "manhole:2",
      day: addDays(monday, 3),
      times: ["08:45", "09:30", "16:10", "16:40"],
      description: "荷城路36号新换的井盖松动，车辆经过时响声很大，担心再次脱落。",
      resolution: "井座重新找平加固，井盖已固定。",
    },
  ];
  let created = 0;
  for (const c of cases) {
    const [reportedAt, acceptedAt, resolvedAt, closedAt] = c.times as [string, string, string, string];
    const r = await reportEvent(atTime(ctx, c.day, reportedAt), worker, meta, {
      id: demoId(c.key),
      source: "field",
      categoryKey: "facility.damaged",
      description: c.description,
      address,
      ...spot,
    });
    if (!r.created) continue;
    created++;
    const id = r.event.id;
    await transitionEvent(atTime(ctx, c.day, acceptedAt), head, meta, id, { action: "accept" });
    await transitionEvent(atTime(ctx, c.day, resolvedAt), head, meta, id, { action: "resolve", note: c.resolution });
    await transitionEvent(atTime(ctx, c.day, closedAt), head, meta, id, { action: "verify" });
    await transitionEvent(atTime(ctx, c.day, closedAt), village, meta, id, { action: "close" });
  }
  return created;
}

export const eventsDemoPart: SeedPart = {
  name: "events",
  async run({ ctx }) {
    const worker = await principal(ctx, "demo.worker");
    const head = await principal(ctx, "demo.gridhead");
    const village = await principal(ctx, "demo.village");
    const mediator = await principal(ctx, "demo.mediator");
    // Points inside the crooked demo grid (near where each fraction of its bounding box falls).
    const spots = [
      [0.3, 0.4],
      [0.6, 0.5],
      [0.4, 0.6],
      [0.7, 0.3],
      [0.5, 0.2],
      [0.2, 0.7],
    ] as const;
    const points = new Map<string, { lng: number; lat: number }>();
    for (const [fx, fy] of spots) {
      const p = await demoPointIn(ctx.db, `${VILLAGE}G01`, fx, fy);
      if (p) points.set(`${fx},${fy}`, p);
    }
    if (!worker || !head || !village || !mediator || points.size < spots.length)
      return { summary: "no demo grid or accounts: skipped" };
    const at = (fx: number, fy: number) => points.get(`${fx},${fy}`) as { lng: number; lat: number };
    let created = 0;
    const report = async (key: string, body: Omit<Parameters<typeof reportEvent>[3], "id" | "source">) => {
      const r = await reportEvent(ctx, worker, meta, { id: demoId(key), source: "field", ...body });
      if (r.created) created++;
      return r;
    };
    const act = (who: Principal, id: string, action: Parameters<typeof transitionEvent>[4]) =>
      transitionEvent(ctx, who, meta, id, action);

    await report("sanitation", {
      categoryKey: "environment.sanitation",
      description: "金港大道12号楼下垃圾桶满溢，多日未清运，气味很大。",
      ...at(0.3, 0.4),
    });

    const lamp = await report("streetlight", {
      categoryKey: "facility.damaged",
      description: "荷城路口路灯连续三晚不亮，老人晚上出门不安全。",
      ...at(0.6, 0.5),
      // A public facility, shown on Open311 (/open311/v2/requests.json) as staff may mark it.
      public: true,
    });
    if (lamp.created) {
      await act(head, lamp.event.id, { action: "accept" });
      await act(head, lamp.event.id, { action: "assign", assigneeUserId: worker.userId });
      await act(worker, lamp.event.id, { action: "start" });
    }

    const dispute = await report("neighbours", {
      categoryKey: "dispute.neighbour",
      description: "韦、黄两户因楼上空调滴水到楼下阳台多次争吵，请求网格调解。",
      ...at(0.4, 0.6),
    });
    if (dispute.created) {
      const id = dispute.event.id;
      await act(head, id, { action: "accept" });
      await addParty(ctx, mediator, meta, id, { id: demoId("party:a"), role: "applicant", name: "黄桂兰（演示）" });
      await addParty(ctx, mediator, meta, id, { id: demoId("party:b"), role: "respondent", name: "韦建华（演示）" });
      await recordSession(ctx, mediator, meta, id, {
        id: demoId("session:1"),
        heldAt: new Date(ctx.now().getTime() - 3_600_000).toISOString(),
        place: "社区调解室",
        mediators: "调解员 陈静",
        attendees: "黄桂兰、韦建华、网格长 吴刚",
        record: "双方陈述情况；韦建华同意加装空调冷凝水管引至下水口，黄桂兰同意不再追究。",
        outcome: "agreement",
      });
      await saveAgreement(ctx, mediator, meta, id, {
        committee: "贵城街道某社区人民调解委员会（演示）",
        facts: "申请人与被申请人系上下楼邻居，被申请人家空调冷凝水长期滴落至申请人阳台，双方多次争吵。",
        matters: "空调冷凝水滴落的处理及今后相处。",
        obligations: [
          { party: "韦建华", obligation: "加装空调冷凝水管并引至下水口", method: "自行安装", deadline: "2026-12-15" },
          { party: "黄桂兰", obligation: "不再就此前滴水一事主张赔偿", method: "书面承诺", deadline: "2026-12-01" },
        ],
        signedOn: new Date(ctx.now().getTime() + 8 * 3_600_000).toISOString().slice(0, 10),
        mediatorName: "陈静",
      });
      await act(head, id, { action: "resolve", note: "调解成功，已签订调解协议。" });
    }

    const hazard = await report("hazard", {
      categoryKey: "hazard.safety",
      description: "老旧小区电动车在楼道内充电，电线私拉乱接，存在火灾隐患。",
      attributes: { hazard_level: "major" },
      ...at(0.7, 0.3),
    });
    if (hazard.created) {
      await act(head, hazard.event.id, { action: "accept" });
      await act(head, hazard.event.id, { action: "escalate", note: "需社区统一规划集中充电桩，网格无法解决。" });
    }

    const request = await report("livelihood", {
      categoryKey: "request.livelihood",
      description: "独居老人反映家中水龙头漏水，自己无法维修。",
      ...at(0.5, 0.2),
    });
    if (request.created) {
      await act(head, request.event.id, { action: "accept" });
      await act(head, request.event.id, { action: "resolve", note: "联系志愿者上门更换水龙头。" });
      await act(head, request.event.id, { action: "verify" });
      await act(head, request.event.id, { action: "close" });
    }

    const land = await report("land", {
      categoryKey: "dispute.land_forest",
      description: "两户因菜地边界发生争执，各执一词。",
      ...at(0.2, 0.7),
    });
    if (land.created) {
      await act(head, land.event.id, { action: "accept" });
      await act(head, land.event.id, { action: "suspend", note: "等待国土所现场测量边界。" });
    }
    created += await lastWeek(ctx, worker, head, village, at(0.6, 0.5));
    const [resident, township] = [await principal(ctx, "demo.resident"), await principal(ctx, "demo.township")];
    const history = township
      ? await seedEventHistory(ctx, { worker, head, village, township, resident }, [...points.values()], demoId)
      : 0;
    return { summary: `${created} demo events, ${history} settled in the weeks before` };
  },
};

import { createHash } from "node:crypto";
import { type Principal, systemPrincipal } from "@wangge/core";
import type { AppContext } from "../../context.ts";
import { demoPointIn } from "../areas/areas.demo.ts";
import { addParty, recordSession } from "../events/disputes.service.ts";
import { transitionEvent } from "../events/event-transitions.service.ts";
import { reportEvent } from "../events/events.service.ts";
import type { SeedPart } from "../seed/seed.types.ts";
import { principalOfUsername } from "../users/users.service.ts";
import { createPlaybook, createRule, createSensitiveDate } from "./risk-rules.service.ts";
import { sweepRisks } from "./risk-sweep.service.ts";

/**
 * Risk early warning in the demo township (贵城街道 450802001): a playbook for disputes that keep
 * coming back, the sensitive dates the township watches, one rule of each kind, and what makes the
 * repeated-disputes rule fire — the 黄/韦 neighbours of the events demo come back twice more within
 * the month (the drip again, then a quarrel over the repair), so the township's inbox holds one
 * alert explaining all three disputes. Ids are derived from names, so seeding twice changes nothing.
 */
const TOWNSHIP = "450802001";
const VILLAGE = "450802001003";
const meta = { requestId: "seed-demo", ip: null, userAgent: "wangge seed demo" };

function demoId(key: string): string {
  const h = createHash("sha256").update(`wangge-demo-risk:${key}`).digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-8${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

const principal = (ctx: AppContext, username: string): Promise<Principal | undefined> =>
  principalOfUsername(ctx.db, username);

export const riskDemoPart: SeedPart = {
  name: "risk",
  async run({ ctx }) {
    const admin = systemPrincipal();
    const township = await principal(ctx, "demo.township");
    const worker = await principal(ctx, "demo.worker");
    const head = await principal(ctx, "demo.gridhead");
    const mediator = await principal(ctx, "demo.mediator");
    const spot = await demoPointIn(ctx.db, `${VILLAGE}G01`, 0.4, 0.6);
    if (!township || !worker || !head || !mediator || !spot)
      return { summary: "no demo township or accounts: skipped" };

    const playbook = await createPlaybook(ctx, admin, meta, {
      id: demoId("playbook:repeat"),
      name: "重复纠纷升级防控预案",
      description: "同一当事人短期内反复发生纠纷时，由街道牵头、社区和网格配合，防止矛盾升级为治安或刑事案件。",
      steps: [
        { title: "网格员当日上门走访双方，了解最新情况", role: "grid_worker", dueHours: 24 },
        { title: "社区调解员组织双方再次调解，必要时邀请派出所民警参与", role: "mediator", dueHours: 72 },
        { title: "街道综治中心研判是否列为重点关注对象并落实包案责任人", role: "township_official", dueHours: 120 },
      ],
    });
    const dates = [
      { key: "national-day", name: "国庆节", onDate: "2026-10-01", recursYearly: true, daysBefore: 3, daysAfter: 7 },
      { key: "spring-festival", name: "春节", onDate: "2027-02-06", recursYearly: false, daysBefore: 7, daysAfter: 7 },
      {
        key: "two-sessions",
        name: "全国两会",
        onDate: "2027-03-05",
        recursYearly: false,
        daysBefore: 5,
        daysAfter: 10,
      },
    ];
    for (const d of dates)
      await createSensitiveDate(ctx, admin, meta, {
        id: demoId(`date:${d.key}`),
        name: d.name,
        onDate: d.onDate,
        recursYearly: d.recursYearly,
        daysBefore: d.daysBefore,
        daysAfter: d.daysAfter,
        areaCode: null,
      });
    const rules = [
      {
        key: "repeat",
        name: "同一当事人30天内3次纠纷",
        rule: { kind: "repeated_disputes", params: { match: "parties", windowDays: 30, minCount: 3 } },
        playbookId: playbook.playbook.id,
      },
      {
        key: "address",
        name: "同一地址30天内3次纠纷",
        rule: { kind: "repeated_disputes", params: { match: "address", windowDays: 30, minCount: 3 } },
      },
      {
        key: "surge",
        name: "村（社区）矛盾纠纷周激增",
        rule: {
          kind: "category_surge",
          params: { categoryPrefix: "dispute.", areaLevel: "village", baselineWeeks: 8, sdFactor: 3, minCount: 5 },
        },
      },
      {
        key: "major",
        name: "重大疑难纠纷15天未化解或被重新打开",
        rule: { kind: "major_dispute", params: { unsettledDays: 15, includeReopened: true } },
      },
      { key: "care", name: "关爱对象超期7天未走访", rule: { kind: "care_overdue", params: { graceDays: 7 } } },
      {
        key: "sensitive",
        name: "敏感节点前后的矛盾纠纷",
        rule: { kind: "sensitive_dates", params: { categoryPrefix: "dispute.", minCount: 1 } },
      },
    ] as const;
    for (const r of rules)
      await createRule(ctx, township, meta, {
        id: demoId(`rule:${r.key}`),
        name: r.name,
        areaCode: TOWNSHIP,
        alertLevel: "township",
        enabled: true,
        playbookId: "playbookId" in r ? r.playbookId : null,
        rule: r.rule as never,
      });

    // The neighbours of the events demo, twice more within the month.
    const again = [
      {
        key: "drip-again",
        categoryKey: "dispute.neighbour",
        description: "黄、韦两户因空调冷凝水管未按约定安装，楼下阳台再次被滴湿，双方在楼道争吵。",
      },
      {
        key: "repair-quarrel",
        categoryKey: "dispute.neighbour",
        description: "韦家安装冷凝水管时工人踩坏黄家雨棚，黄家要求赔偿，双方发生推搡，邻居劝开。",
      },
    ];
    let created = 0;
    for (const d of again) {
      const r = await reportEvent(ctx, worker, meta, {
        id: demoId(`event:${d.key}`),
        source: "field",
        categoryKey: d.categoryKey,
        description: d.description,
        ...spot,
      });
      if (!r.created) continue;
      created++;
      const id = r.event.id;
      await transitionEvent(ctx, head, meta, id, { action: "accept" });
      await addParty(ctx, mediator, meta, id, {
        id: demoId(`party:${d.key}:a`),
        role: "applicant",
        name: "黄桂兰（演示）",
      });
      await addParty(ctx, mediator, meta, id, {
        id: demoId(`party:${d.key}:b`),
        role: "respondent",
        name: "韦建华（演示）",
      });
      if (d.key === "drip-again")
        await recordSession(ctx, mediator, meta, id, {
          id: demoId(`session:${d.key}`),
          heldAt: new Date(ctx.now().getTime() - 1_800_000).toISOString(),
          place: "社区调解室",
          mediators: "调解员 陈静",
          attendees: "黄桂兰、韦建华",
          record: "韦建华称工人尚未上门安装，承诺本周内完成；黄桂兰表示再拖延将找街道。",
          outcome: "continue",
        });
    }
    const raised = await sweepRisks(ctx, "seed-demo");
    return {
      summary: `${rules.length} rules, ${dates.length} sensitive dates, 1 playbook, ${created} disputes, ${raised ?? 0} alerts`,
    };
  },
};

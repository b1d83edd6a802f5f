import { createHash } from "node:crypto";
import { chinaDate, DomainError, systemPrincipal } from "@wangge/core";
import type { SeedPart } from "../seed/seed.types.ts";
import { principalOfUsername } from "../users/users.service.ts";
import { confirmCloseOut, daySummary } from "./close-outs.service.ts";
import { dueList, fieldPack } from "./due.service.ts";
import { needToLeadHousehold } from "./visit-needs.service.ts";
import { listVisitPlans } from "./visit-plans.service.ts";
import { recordVisit } from "./visits.service.ts";

/**
 * Demo visits in the demo grid (450802001003G01), found in the registry as it is (not by its ids):
 * the demo grid worker visited a 独居老人 due for a visit (all fine), found nobody home at another
 * household, and at a third noted a need handed to the party-member lead household; then closed out
 * yesterday, carrying over the grid's open events. Ids come from names, so seeding twice changes
 * nothing; demo data never stops a start, so a refusal skips the rest.
 */
const GRID = "450802001003G01";
const meta = { requestId: "seed-demo", ip: null, userAgent: "wangge seed demo" };

function demoId(key: string): string {
  const h = createHash("sha256").update(`wangge-demo-visit:${key}`).digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-8${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export const visitsDemoPart: SeedPart = {
  name: "visits",
  async run({ ctx }) {
    const worker = await principalOfUsername(ctx.db, "demo.worker");
    if (!worker) return { summary: "no demo accounts: skipped" };
    const system = systemPrincipal();
    try {
      const due = await dueList(ctx, system, { areaCode: GRID, status: "overdue,due,done", limit: 200, offset: 0 });
      const elder = due.items.find((i) => i.personId && i.tags.includes("elderly_alone"));
      const pack = await fieldPack(ctx, system, { areaCode: GRID, limit: 50 });
      const others = pack.households.filter((h) => h.id !== elder?.householdId);
      if (!elder?.personId || others.length < 2) return { summary: "no demo residents: skipped" };
      const plans = await listVisitPlans(ctx);
      const allFine = (keys: string[]) =>
        plans.filter((p) => keys.includes(p.key)).flatMap((p) => p.checklist.map((c) => ({ key: c.key, ok: true })));
      const hoursAgo = (h: number) => new Date(ctx.now().getTime() - h * 3_600_000).toISOString();
      let created = 0;
      const visit = async (key: string, body: Omit<Parameters<typeof recordVisit>[3], "id">) => {
        const r = await recordVisit(ctx, worker, meta, { id: demoId(key), ...body });
        if (r.created) created++;
        return r.visit;
      };
      const elderChecklist = allFine(["elderly_alone"]);
      await visit("elderly", {
        householdId: elder.householdId,
        personIds: [elder.personId],
        kind: "care",
        outcome: "visited",
        checklist: elderChecklist.filter((c, i) => elderChecklist.findIndex((d) => d.key === c.key) === i),
        needs: [],
        visitedAt: hoursAgo(30),
      });
      await visit("nobody-home", {
        householdId: (others[0] as (typeof others)[number]).id,
        personIds: [],
        kind: "routine",
        outcome: "nobody_home",
        checklist: [],
        needs: [],
        visitedAt: hoursAgo(27),
      });
      const roof = await visit("roof", {
        householdId: (others[1] as (typeof others)[number]).id,
        personIds: [],
        kind: "routine",
        outcome: "visited",
        checklist: [],
        note: "厨房屋顶漏雨，户主腿脚不便。",
        needs: [{ id: demoId("roof-need"), text: "请党员中心户帮忙联系修缮屋顶" }],
        visitedAt: hoursAgo(26),
      });
      const need = roof.needs[0];
      if (need && !need.leadHouseholdId && !need.eventId)
        await needToLeadHousehold(ctx, worker, meta, roof.id, need.id).catch(() => undefined);
      // Yesterday's close-out, every open event carried over while it is within its deadline.
      const yesterday = chinaDate(ctx.now(), -1);
      const summary = await daySummary(ctx, worker, yesterday);
      await confirmCloseOut(ctx, worker, meta, {
        id: demoId(`close-out:${yesterday}`),
        day: yesterday,
        carryOvers: summary.events.stillOpen.map((e) => ({ eventId: e.id, reason: "within_deadline" as const })),
      }).catch(() => undefined);
      return { summary: `${created} demo visits in ${GRID}` };
    } catch (error) {
      if (error instanceof DomainError) return { summary: `demo visits skipped: ${error.message}` };
      throw error;
    }
  },
};

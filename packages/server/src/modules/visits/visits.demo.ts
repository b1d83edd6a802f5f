import { createHash } from "node:crypto";
import { chinaDate } from "@wangge/core";
import type { SeedPart } from "../seed/seed.types.ts";
import { principalOfUsername } from "../users/users.service.ts";
import { confirmCloseOut, daySummary } from "./close-outs.service.ts";
import { needToLeadHousehold } from "./visit-needs.service.ts";
import { recordVisit } from "./visits.service.ts";

/**
 * Demo visits in the demo grid (450802001003G01): the demo grid worker visited the 独居老人 of the
 * second household (all fine), found nobody home at the third, and at the fourth a need handed to the
 * party-member lead household; then closed out yesterday, carrying over the grid's open events. Ids
 * come from names (the registry's demo ids for its households and people), so seeding twice changes
 * nothing.
 */
const GRID = "450802001003G01";
const meta = { requestId: "seed-demo", ip: null, userAgent: "wangge seed demo" };

/** The id registry.demo.ts gives a demo record (same derivation). */
function registryDemoId(key: string): string {
  const h = createHash("sha256").update(`wangge-demo:${key}`).digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-8${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
const demoId = (key: string) => registryDemoId(`visit:${key}`);

export const visitsDemoPart: SeedPart = {
  name: "visits",
  async run({ ctx }) {
    const worker = await principalOfUsername(ctx.db, "demo.worker");
    const household = (b: number) => registryDemoId(`household:${GRID}:${b}`);
    const exists = await ctx.db.selectFrom("household").select("id").where("id", "=", household(1)).executeTakeFirst();
    if (!worker || !exists) return { summary: "no demo grid, residents or accounts: skipped" };
    const hoursAgo = (h: number) => new Date(ctx.now().getTime() - h * 3_600_000).toISOString();
    let created = 0;
    const visit = async (key: string, body: Omit<Parameters<typeof recordVisit>[3], "id">) => {
      const r = await recordVisit(ctx, worker, meta, { id: demoId(key), ...body });
      if (r.created) created++;
      return r.visit;
    };
    await visit("elderly", {
      householdId: household(1),
      // The head of the second household (person 10) carries the 独居老人 tag.
      personIds: [registryDemoId("person:10")],
      kind: "care",
      outcome: "visited",
      checklist: [
        { key: "home_safe", ok: true },
        { key: "health", ok: true },
        { key: "food", ok: true },
        { key: "heating", ok: true },
      ],
      needs: [],
      visitedAt: hoursAgo(30),
    });
    await visit("nobody-home", {
      householdId: household(2),
      personIds: [],
      kind: "routine",
      outcome: "nobody_home",
      checklist: [],
      needs: [],
      visitedAt: hoursAgo(27),
    });
    const roof = await visit("roof", {
      householdId: household(3),
      personIds: [],
      kind: "routine",
      outcome: "visited",
      checklist: [
        { key: "members_current", ok: true },
        { key: "home_safe", ok: false },
      ],
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
  },
};

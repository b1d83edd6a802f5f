import { createHash } from "node:crypto";
import { systemPrincipal } from "@wangge/core";
import { demoPointIn } from "../areas/areas.demo.ts";
import type { SeedPart } from "../seed/seed.types.ts";
import { DEMO_FAMILIES, demoPeople } from "./demo-households.ts";
import { createHousehold, getHousehold, setLeadHouseholds } from "./households.service.ts";
import { createPerson } from "./people.service.ts";
import { createPlace } from "./places.service.ts";
import { tagSubject } from "./tags.service.ts";

/**
 * Demo registry for the demo grid worker's community (450802001003, 贵城街道): addresses inside its two
 * demo grids, twelve households of invented people consistent with their ID numbers, ages and tags
 * (demo-households.ts), care tags, one sensitive tag, and a party member's lead household looking
 * after its neighbours. Ids are derived from the household and member numbers, so seeding twice
 * changes nothing.
 */
const VILLAGE = "450802001003";
const GRIDS = [`${VILLAGE}G01`, `${VILLAGE}G02`] as const;
const ROADS = ["金港大道", "荷城路"] as const;
const DAY = 86_400_000;

function demoId(key: string): string {
  const h = createHash("sha256").update(`wangge-demo:${key}`).digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-8${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export const registryDemoPart: SeedPart = {
  name: "registry",
  async run({ ctx }) {
    const actor = systemPrincipal();
    const meta = { requestId: "seed-demo", ip: null, userAgent: "wangge seed demo" };
    const now = ctx.now();
    const today = chinaDate(now);
    const people = demoPeople(today);
    let created = 0;
    const households: string[] = [];
    const numberInGrid: [number, number] = [0, 0];
    for (const [h, family] of DEMO_FAMILIES.entries()) {
      const grid = GRIDS[family.grid];
      const b = numberInGrid[family.grid];
      numberInGrid[family.grid] = b + 1;
      const point = await demoPointIn(ctx.db, grid, 0.25 + (b % 3) * 0.25, 0.33 + Math.floor(b / 3) * 0.33);
      if (!point) continue;
      const placeId = demoId(`place:${grid}:${b}`);
      await createPlace(ctx, actor, meta, {
        id: placeId,
        divisionCode: VILLAGE,
        road: ROADS[family.grid],
        houseNumber: String(10 + b * 2),
        gridCode: grid,
        ...point,
      });
      const householdId = demoId(`household:${grid}:${b}`);
      await createHousehold(ctx, actor, meta, { id: householdId, placeId, ref: `DEMO-${grid.slice(-3)}-${b + 1}` });
      households.push(householdId);
      for (const p of people.filter((p) => p.household === h)) {
        const id = demoId(`person:${h}:${p.member}`);
        const result = await createPerson(ctx, actor, meta, {
          id,
          name: p.name,
          idNumber: p.idNumber,
          phone: p.phone,
          ethnicity: (h + p.member) % 3 === 0 ? "汉族" : "壮族",
          householdId,
          relationship: p.relationship,
          partyMember: p.party === true,
          partyBranch: p.party ? "金港社区党支部" : undefined,
          residenceStatus: p.residence ?? "resident",
          notes: "演示数据 / demo data",
          tags: (p.tags ?? []).map((key) => ({ key })),
        });
        if (result.created) created++;
        // The son of the 蒙 household is under community correction, for a year and a half from three months ago.
        if (result.created && DEMO_FAMILIES[h]?.surname === "蒙" && p.relationship === "head")
          await tagSubject(ctx, actor, meta, "person", id, [
            {
              key: "community_correction",
              validFrom: chinaDate(new Date(now.getTime() - 90 * DAY)),
              validTo: chinaDate(new Date(now.getTime() + 450 * DAY)),
            },
          ]);
      }
    }
    // The party member's household (the first of G01) looks after its neighbours.
    const [lead, ...rest] = households;
    if (lead && rest.length > 0 && (await getHousehold(ctx, actor, lead)).looksAfter.length === 0)
      await setLeadHouseholds(ctx, actor, meta, lead, rest.slice(0, 7));
    return { summary: `${created} demo residents in ${households.length} households of ${VILLAGE}` };
  },
};

/** The date in China (UTC+8, no daylight saving) as YYYY-MM-DD. */
function chinaDate(at: Date): string {
  return new Date(at.getTime() + 8 * 3_600_000).toISOString().slice(0, 10);
}

import { createHash } from "node:crypto";
import { checkCharacter, systemPrincipal } from "@wangge/core";
import { currentBox } from "../areas/area-boundaries.service.ts";
import type { SeedPart } from "../seed/seed.types.ts";
import { createHousehold, getHousehold, setLeadHouseholds } from "./households.service.ts";
import { createPerson } from "./people.service.ts";
import { createPlace } from "./places.service.ts";
import { tagSubject } from "./tags.service.ts";

/**
 * Demo registry for the demo grid worker's community (450802001003, 贵城街道): addresses inside its two
 * demo grids, households with invented members (valid-form ID numbers, 演示 in the notes), care tags,
 * one sensitive tag, and a party member's lead household looking after its neighbours. Ids are
 * derived from names, so seeding twice changes nothing.
 */
const VILLAGE = "450802001003";
const SURNAMES = ["韦", "黄", "覃", "莫", "陆", "梁", "李", "陈"];
const GIVEN = ["秀英", "建华", "桂兰", "志强", "海燕", "德福", "美玲", "国庆", "小龙", "丽娟", "永红", "春生"];

function demoId(key: string): string {
  const h = createHash("sha256").update(`wangge-demo:${key}`).digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-8${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

function demoIdNumber(n: number, year: number, male: boolean): string {
  const seq = String(100 + ((n * 2 + (male ? 1 : 0)) % 900)).padStart(3, "0");
  const first17 = `450802${year}0${1 + (n % 9)}1${n % 9}${seq}`;
  return `${first17}${checkCharacter(first17)}`;
}

export const registryDemoPart: SeedPart = {
  name: "registry",
  async run({ ctx }) {
    const actor = systemPrincipal();
    const meta = { requestId: "seed-demo", ip: null, userAgent: "wangge seed demo" };
    let people = 0;
    const households: string[] = [];
    for (const [g, grid] of [`${VILLAGE}G01`, `${VILLAGE}G02`].entries()) {
      const box = await currentBox(ctx.db, grid);
      if (!box) continue;
      for (let b = 0; b < 6; b++) {
        const placeId = demoId(`place:${grid}:${b}`);
        await createPlace(ctx, actor, meta, {
          id: placeId,
          divisionCode: VILLAGE,
          road: g === 0 ? "金港大道" : "荷城路",
          houseNumber: String(10 + b * 2),
          gridCode: grid,
          lng: Math.round((box[0] + ((b % 3) + 1) * ((box[2] - box[0]) / 4)) * 1e6) / 1e6,
          lat: Math.round((box[1] + (Math.floor(b / 3) + 1) * ((box[3] - box[1]) / 3)) * 1e6) / 1e6,
        });
        const householdId = demoId(`household:${grid}:${b}`);
        await createHousehold(ctx, actor, meta, { id: householdId, placeId, ref: `DEMO-${grid.slice(-3)}-${b + 1}` });
        households.push(householdId);
        const surname = SURNAMES[(g * 6 + b) % SURNAMES.length] as string;
        const size = 2 + ((b * 7) % 3);
        for (let m = 0; m < size; m++) {
          const n = g * 100 + b * 10 + m;
          const male = m % 2 === 0;
          const year = m === 0 ? 1942 + b * 5 : m === 1 ? 1945 + b * 5 : 2012 + (b % 4);
          const { created } = await createPerson(ctx, actor, meta, {
            id: demoId(`person:${n}`),
            name: `${m === 1 ? (SURNAMES[(n + 3) % SURNAMES.length] as string) : surname}${GIVEN[n % GIVEN.length]}`,
            idNumber: demoIdNumber(n, year, male),
            phone: m < 2 ? `1387750${String(1000 + n).slice(-4)}` : undefined,
            ethnicity: n % 3 === 0 ? "汉族" : "壮族",
            householdId,
            relationship: m === 0 ? "head" : m === 1 ? "spouse" : "grandchild",
            partyMember: b === 0 && m === 0,
            partyBranch: b === 0 && m === 0 ? "金港社区党支部" : undefined,
            residenceStatus: m >= 2 ? "left_behind" : "resident",
            notes: "演示数据 / demo data",
            tags: [
              ...(m === 0 && b % 3 === 1 ? [{ key: "elderly_alone" }] : []),
              ...(m >= 2 ? [{ key: "left_behind_child" }] : []),
              ...(m === 1 && b === 4 ? [{ key: "minimum_subsistence" }] : []),
              ...(m === 0 && b === 5 ? [{ key: "veteran" }] : []),
            ],
          });
          if (created) people++;
          if (created && g === 1 && b === 2 && m === 0)
            await tagSubject(ctx, actor, meta, "person", demoId(`person:${n}`), [
              { key: "community_correction", validFrom: "2026-03-01", validTo: "2027-08-31" },
            ]);
        }
      }
    }
    // The party member's household (the first of G01) looks after its neighbours.
    const [lead, ...rest] = households;
    if (lead && rest.length > 0 && (await getHousehold(ctx, actor, lead)).looksAfter.length === 0)
      await setLeadHouseholds(ctx, actor, meta, lead, rest.slice(0, 7));
    return { summary: `${people} demo residents in ${households.length} households of ${VILLAGE}` };
  },
};

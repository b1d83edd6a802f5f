import { checkCharacter, type Relationship, type ResidenceStatus } from "@wangge/core";

/**
 * The demo registry's families, written so that a grid worker from Guangxi would recognise them: given
 * names that fit the person's sex and generation, ID numbers that agree with both (GB 11643: birth
 * date in digits 7–14, an odd 17th digit for a man), households whose relations fit their ages, and
 * care tags only where they hold — 独居老人 is someone 60 or older living alone, 留守儿童 a child whose
 * parents are both away, 空巢老人 an elderly couple whose children have left. Ages are counted from the
 * day the demo is seeded, so the tags stay true then; `demo-households.test.ts` holds every demo
 * person to these rules.
 */
export interface DemoMember {
  relationship: Relationship;
  male: boolean;
  age: number;
  residence?: ResidenceStatus;
  tags?: string[];
  party?: boolean;
  hasPhone?: boolean;
  /** A surname of their own (a spouse, a daughter-in-law); others carry the family's. */
  ownSurname?: boolean;
}

export interface DemoFamily {
  grid: 0 | 1;
  surname: string;
  members: DemoMember[];
}

const m = (
  relationship: Relationship,
  male: boolean,
  age: number,
  extra: Omit<DemoMember, "relationship" | "male" | "age"> = {},
): DemoMember => ({ relationship, male, age, ...extra });

/** Six households in each of the community's two demo grids. */
export const DEMO_FAMILIES: DemoFamily[] = [
  // The party member's household, whose children have moved to Nanning: the lead household of the grid.
  {
    grid: 0,
    surname: "韦",
    members: [
      m("head", true, 67, { party: true, hasPhone: true, tags: ["empty_nest_elderly"] }),
      m("spouse", false, 65, { ownSurname: true, hasPhone: true, tags: ["empty_nest_elderly"] }),
    ],
  },
  { grid: 0, surname: "黄", members: [m("head", false, 79, { hasPhone: true, tags: ["elderly_alone"] })] },
  // Both parents work in Guangdong; the grandparents bring up the children.
  {
    grid: 0,
    surname: "覃",
    members: [
      m("head", true, 64, { residence: "left_behind", hasPhone: true, tags: ["left_behind_elderly"] }),
      m("spouse", false, 62, { ownSurname: true, residence: "left_behind", tags: ["left_behind_elderly"] }),
      m("child", true, 38, { residence: "away", hasPhone: true, tags: ["migrant_worker"] }),
      m("child_in_law", false, 35, { ownSurname: true, residence: "away", tags: ["migrant_worker"] }),
      m("grandchild", true, 10, { residence: "left_behind", tags: ["left_behind_child"] }),
      m("grandchild", false, 7, { residence: "left_behind", tags: ["left_behind_child"] }),
    ],
  },
  {
    grid: 0,
    surname: "莫",
    members: [
      m("head", true, 41, { hasPhone: true }),
      m("spouse", false, 39, { ownSurname: true, hasPhone: true }),
      m("child", false, 15),
      m("child", true, 11),
    ],
  },
  {
    grid: 0,
    surname: "陆",
    members: [
      m("head", false, 55, { hasPhone: true, tags: ["minimum_subsistence"] }),
      m("child", true, 30, { tags: ["disabled"] }),
    ],
  },
  {
    grid: 0,
    surname: "梁",
    members: [
      m("head", true, 72, { hasPhone: true, tags: ["veteran"] }),
      m("spouse", false, 70, { ownSurname: true, tags: ["empty_nest_elderly"] }),
    ],
  },
  {
    grid: 1,
    surname: "李",
    members: [m("head", true, 84, { hasPhone: true, tags: ["elderly_alone", "serious_illness"] })],
  },
  {
    grid: 1,
    surname: "陈",
    members: [
      m("head", true, 46, { hasPhone: true }),
      m("spouse", false, 44, { ownSurname: true, hasPhone: true }),
      m("child", true, 19),
      m("parent", false, 73, { ownSurname: true }),
    ],
  },
  // Under community correction (a sensitive tag, added with its end date by the seed).
  {
    grid: 1,
    surname: "蒙",
    members: [m("head", true, 33, { hasPhone: true }), m("parent", false, 58, { ownSurname: true })],
  },
  {
    grid: 1,
    surname: "廖",
    members: [
      m("head", true, 29, { residence: "migrant", hasPhone: true }),
      m("spouse", false, 27, { ownSurname: true, residence: "migrant" }),
      m("child", true, 3, { residence: "migrant" }),
    ],
  },
  // The grandmother alone with her granddaughter while the parents work away.
  {
    grid: 1,
    surname: "农",
    members: [
      m("head", false, 66, { residence: "left_behind", hasPhone: true, tags: ["left_behind_elderly"] }),
      m("child", true, 40, { residence: "away", tags: ["migrant_worker"] }),
      m("child_in_law", false, 37, { ownSurname: true, residence: "away", tags: ["migrant_worker"] }),
      m("grandchild", false, 8, { residence: "left_behind", tags: ["left_behind_child"] }),
    ],
  },
  {
    grid: 1,
    surname: "潘",
    members: [
      m("head", true, 35, { hasPhone: true }),
      m("spouse", false, 31, { ownSurname: true, hasPhone: true }),
      m("child", false, 1),
    ],
  },
];

/** Surnames common in Guigang (Zhuang and Han), for spouses and daughters-in-law. */
const OTHER_SURNAMES = ["黄", "覃", "蒙", "卢", "甘", "谭", "罗", "杨", "刘", "周", "邓", "谢"];

/** Given names by sex and generation (born before 1970, 1970–1999, from 2000). */
export const DEMO_GIVEN_NAMES = {
  male: {
    old: ["德福", "国庆", "建华", "志强", "春生", "永康", "富贵", "振军"],
    middle: ["海军", "文斌", "伟东", "卫国", "志明", "家豪", "俊峰", "立新"],
    young: ["小龙", "子轩", "浩然", "宇航", "俊杰", "明辉", "梓豪", "一鸣"],
  },
  female: {
    old: ["秀英", "桂兰", "玉梅", "凤英", "月娥", "金花", "美玲", "素珍"],
    middle: ["海燕", "丽华", "春梅", "晓红", "丽娟", "小燕", "桂芳", "艳萍"],
    young: ["欣怡", "雨涵", "梓涵", "诗琪", "佳怡", "婷婷", "思琪", "语桐"],
  },
} as const;

export const generationOf = (birthYear: number) => (birthYear < 1970 ? "old" : birthYear < 2000 ? "middle" : "young");

export interface DemoPerson extends DemoMember {
  /** Household number (0–11) and member number, stable across runs: the record ids derive from them. */
  household: number;
  member: number;
  name: string;
  birthDate: string;
  idNumber: string;
  phone?: string;
}

/**
 * Every demo person with a name, birth date and ID number, as of `today` (YYYY-MM-DD). Birthdays fall
 * early in the year's calendar relative to today, so each person has their stated age on the day.
 */
export function demoPeople(today: string): DemoPerson[] {
  const [year, month, day] = today.split("-").map(Number) as [number, number, number];
  const used = { male: new Map<string, number>(), female: new Map<string, number>() };
  const out: DemoPerson[] = [];
  let serial = 0;
  DEMO_FAMILIES.forEach((family, h) => {
    family.members.forEach((member, k) => {
      serial++;
      // A birthday already passed this year: at most `today`, spread over the months before it.
      const birthMonth = 1 + ((h * 5 + k * 3) % month);
      const birthDay = birthMonth === month ? 1 + ((h + k) % day) : 1 + ((h * 7 + k * 11) % 28);
      const birthYear = year - member.age;
      const birthDate = `${birthYear}-${String(birthMonth).padStart(2, "0")}-${String(birthDay).padStart(2, "0")}`;
      const sex = member.male ? "male" : "female";
      const pool = DEMO_GIVEN_NAMES[sex][generationOf(birthYear)];
      const taken = used[sex];
      const turn = taken.get(generationOf(birthYear)) ?? 0;
      taken.set(generationOf(birthYear), turn + 1);
      const given = pool[turn % pool.length] as string;
      // A surname of their own: another family's, none other in the household bears.
      const others = [...OTHER_SURNAMES.slice(h % OTHER_SURNAMES.length), ...OTHER_SURNAMES];
      const surname = member.ownSurname
        ? (others.find((s) => s !== family.surname && !out.some((p) => p.household === h && p.name[0] === s)) ?? "黄")
        : family.surname;
      // Sequence digits: unique per person, the last one odd for a man and even for a woman (GB 11643).
      const sequence = String(serial * 2 + (member.male ? 1 : 0)).padStart(3, "0");
      const first17 = `450802${birthDate.replaceAll("-", "")}${sequence}`;
      out.push({
        ...member,
        household: h,
        member: k,
        name: `${surname}${given}`,
        birthDate,
        idNumber: `${first17}${checkCharacter(first17)}`,
        ...(member.hasPhone ? { phone: `1387750${String(1000 + serial * 37).slice(-4)}` } : {}),
      });
    });
  });
  return out;
}

/** Age in whole years on `today` of someone born on `birthDate` (both YYYY-MM-DD). */
export function ageOn(birthDate: string, today: string): number {
  const years = Number(today.slice(0, 4)) - Number(birthDate.slice(0, 4));
  return today.slice(5) >= birthDate.slice(5) ? years : years - 1;
}

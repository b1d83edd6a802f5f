import type { Permission } from "../auth/permissions.ts";

/**
 * Data tags (数据标签) on people and households: which care a person needs, which services they
 * receive, and the few sensitive facts a grid must know to act (community correction, severe mental
 * disorder…). Definitions are data an admin extends; these are the seeded ones. A sensitive tag is
 * visible only with `tag.sensitive.read` inside the scope — to everyone else it does not exist.
 */
export const TAG_CATEGORIES = ["care", "service", "sensitive"] as const;
export type TagCategory = (typeof TAG_CATEGORIES)[number];

export interface TagDefinition {
  key: string;
  category: TagCategory;
  name: { "zh-CN": string; en: string };
  /** Suggested days between door-knocking visits, or null. */
  visitEveryDays: number | null;
  /** Tags that end (a sentence, a rehabilitation order) carry an end date and vanish after it. */
  requiresEndDate: boolean;
}

const tag = (
  key: string,
  category: TagCategory,
  zh: string,
  en: string,
  visitEveryDays: number | null,
  requiresEndDate = false,
): TagDefinition => ({ key, category, name: { "zh-CN": zh, en }, visitEveryDays, requiresEndDate });

export const DEFAULT_TAGS: readonly TagDefinition[] = [
  tag("elderly_alone", "care", "独居老人", "Elderly living alone", 7),
  tag("empty_nest_elderly", "care", "空巢老人", "Empty-nest elderly", 14),
  tag("left_behind_child", "care", "留守儿童", "Left-behind child", 14),
  tag("left_behind_elderly", "care", "留守老人", "Left-behind elderly", 14),
  tag("disabled", "care", "残疾人", "Person with a disability", 30),
  tag("minimum_subsistence", "care", "低保户", "Minimum subsistence", 30),
  tag("extreme_poverty", "care", "特困供养", "Extreme poverty support", 14),
  tag("poverty_monitoring", "care", "防返贫监测对象", "Poverty-relapse monitoring", 30),
  tag("serious_illness", "care", "大病患者", "Serious illness", 30),
  tag("veteran", "service", "退役军人", "Veteran", 90),
  tag("entitled_group", "service", "优抚对象", "Entitled group (martyrs' families, disabled servicemen)", 30),
  tag("migrant_worker", "service", "外出务工", "Migrant worker", null),
  tag("volunteer", "service", "志愿者", "Volunteer", null),
  tag("party_member", "service", "党员", "Party member", null),
  tag("community_correction", "sensitive", "社区矫正对象", "Under community correction", 7, true),
  tag("released_prisoner", "sensitive", "刑满释放人员", "Released from prison", 30, true),
  tag("severe_mental_disorder", "sensitive", "严重精神障碍患者", "Severe mental disorder", 14),
  tag("drug_rehabilitation", "sensitive", "社区戒毒康复人员", "Community drug rehabilitation", 14, true),
  tag("petition_focus", "sensitive", "重点信访人员", "Petition follow-up", 14),
];

/** The permission needed to see tags of a category at all (beyond reading the person). */
export function permissionForTagCategory(category: TagCategory): Permission {
  return category === "sensitive" ? "tag.sensitive.read" : "person.read";
}

/** Whether a tag is in force on a date (ISO yyyy-mm-dd): started and not yet ended. */
export function tagInForce(tag: { validFrom: string; validTo: string | null }, today: string): boolean {
  return tag.validFrom <= today && (tag.validTo === null || tag.validTo >= today);
}

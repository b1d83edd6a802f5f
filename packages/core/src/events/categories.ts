import { z } from "zod";
import { fieldIssue } from "../platform/field.messages.ts";
import type { FieldIssue } from "../shared/domain-error.ts";
import { HANDLING_LEVELS, type HandlingLevel } from "./levels.ts";

/**
 * Event categories as data: a tree whose leaves are what people report. Each says the level that may
 * close it, a deadline per level in working minutes, a priority, and extra fields in the six Open311
 * datatypes — one definition drives the intake forms and the Open311 service list. These are the
 * seeded ones: the 15 dispute categories justice bureaus report, public-order and safety hazards,
 * livelihood requests, environment and sanitation, public facilities.
 */
export const ATTRIBUTE_TYPES = ["string", "number", "datetime", "text", "singlevaluelist", "multivaluelist"] as const;
export const PRIORITIES = ["low", "normal", "high", "urgent"] as const;

const Local = z.object({ "zh-CN": z.string().min(1).max(100), en: z.string().min(1).max(100) });

export const CategoryAttributeSchema = z
  .object({
    code: z.string().regex(/^[a-z][a-z0-9_]{0,39}$/),
    datatype: z.enum(ATTRIBUTE_TYPES),
    required: z.boolean(),
    description: Local,
    values: z
      .array(z.object({ key: z.string().min(1).max(40), name: Local }))
      .max(50)
      .optional(),
  })
  .refine((a) => !a.datatype.endsWith("list") || (a.values?.length ?? 0) > 0, {
    message: "a list needs its values",
    path: ["values"],
  });
export type CategoryAttribute = z.infer<typeof CategoryAttributeSchema>;

/** Working minutes each level has before the event escalates to the next. */
export const DeadlinesSchema = z.record(
  z.enum(HANDLING_LEVELS),
  z
    .number()
    .int()
    .min(1)
    .max(60 * 24 * 60),
);

export const CategorySettingsSchema = z
  .object({
    name: Local,
    closeLevel: z.enum(HANDLING_LEVELS),
    deadlines: DeadlinesSchema,
    priority: z.enum(PRIORITIES),
    attributes: z.array(CategoryAttributeSchema).max(20),
    active: z.boolean(),
  })
  .strict();
export type CategorySettings = z.infer<typeof CategorySettingsSchema>;

export interface CategoryDefinition extends CategorySettings {
  key: string;
  parentKey: string | null;
}

/** One office day is 6.5 working hours (08:30–12:00, 14:30–17:30). */
const DAY = 390;
const STANDARD = { grid: DAY, village: 2 * DAY, township: 3 * DAY, county: 5 * DAY, city: 10 * DAY };
const URGENT = { grid: 120, village: 240, township: DAY, county: 2 * DAY, city: 3 * DAY };

const group = (key: string, zh: string, en: string): CategoryDefinition => ({
  key,
  parentKey: null,
  name: { "zh-CN": zh, en },
  closeLevel: "township",
  deadlines: STANDARD,
  priority: "normal",
  attributes: [],
  active: true,
});

const leaf = (
  parentKey: string,
  key: string,
  zh: string,
  en: string,
  options: Partial<Pick<CategoryDefinition, "closeLevel" | "deadlines" | "priority" | "attributes">> = {},
): CategoryDefinition => ({
  key: `${parentKey}.${key}`,
  parentKey,
  name: { "zh-CN": zh, en },
  closeLevel: options.closeLevel ?? "grid",
  deadlines: options.deadlines ?? STANDARD,
  priority: options.priority ?? "normal",
  attributes: options.attributes ?? [],
  active: true,
});

const partiesCount: CategoryAttribute = {
  code: "parties_count",
  datatype: "number",
  required: false,
  description: { "zh-CN": "当事人人数", en: "Number of parties" },
};
const amount: CategoryAttribute = {
  code: "amount_yuan",
  datatype: "number",
  required: false,
  description: { "zh-CN": "涉及金额（元）", en: "Amount involved (yuan)" },
};
const hazardLevel: CategoryAttribute = {
  code: "hazard_level",
  datatype: "singlevaluelist",
  required: true,
  description: { "zh-CN": "隐患等级", en: "Hazard level" },
  values: [
    { key: "general", name: { "zh-CN": "一般", en: "General" } },
    { key: "major", name: { "zh-CN": "重大", en: "Major" } },
  ],
};

export const DEFAULT_CATEGORIES: readonly CategoryDefinition[] = [
  group("dispute", "矛盾纠纷", "Disputes"),
  leaf("dispute", "marriage_family", "婚姻家庭纠纷", "Marriage and family", { attributes: [partiesCount] }),
  leaf("dispute", "neighbour", "邻里纠纷", "Neighbours", { attributes: [partiesCount] }),
  leaf("dispute", "housing_homestead", "房屋宅基地纠纷", "Housing and homesteads", { closeLevel: "village" }),
  leaf("dispute", "contract", "合同纠纷", "Contracts", { closeLevel: "village", attributes: [amount] }),
  leaf("dispute", "production_business", "生产经营纠纷", "Production and business", {
    closeLevel: "village",
    attributes: [amount],
  }),
  leaf("dispute", "damages", "损害赔偿纠纷", "Damages", { closeLevel: "village", attributes: [amount] }),
  leaf("dispute", "land_forest", "山林土地纠纷", "Land and forests", { closeLevel: "township" }),
  leaf("dispute", "land_acquisition", "征地拆迁纠纷", "Land acquisition and demolition", {
    closeLevel: "township",
    priority: "high",
  }),
  leaf("dispute", "environment", "环境污染纠纷", "Environmental pollution", { closeLevel: "township" }),
  leaf("dispute", "labour", "劳动争议纠纷", "Labour", { closeLevel: "township", attributes: [amount] }),
  leaf("dispute", "consumer", "消费纠纷", "Consumer", { closeLevel: "village", attributes: [amount] }),
  leaf("dispute", "medical", "医疗纠纷", "Medical", { closeLevel: "township", priority: "high" }),
  leaf("dispute", "traffic_accident", "道路交通事故纠纷", "Road traffic accidents", { closeLevel: "township" }),
  leaf("dispute", "property_management", "物业纠纷", "Property management", { closeLevel: "village" }),
  leaf("dispute", "other", "其他纠纷", "Other disputes", { closeLevel: "village" }),
  group("hazard", "隐患", "Hazards"),
  leaf("hazard", "public_order", "治安隐患", "Public-order hazard", {
    priority: "high",
    deadlines: URGENT,
    attributes: [hazardLevel],
  }),
  leaf("hazard", "safety", "安全隐患", "Safety hazard", {
    priority: "high",
    deadlines: URGENT,
    attributes: [hazardLevel],
  }),
  group("request", "民生诉求", "Livelihood requests"),
  leaf("request", "livelihood", "民生服务诉求", "Livelihood request"),
  group("environment", "环境卫生", "Environment and sanitation"),
  leaf("environment", "sanitation", "环境卫生问题", "Sanitation problem"),
  group("facility", "公共设施", "Public facilities"),
  leaf("facility", "damaged", "公共设施损坏", "Damaged public facility", { closeLevel: "village" }),
];

export function deadlineAt(category: Pick<CategorySettings, "deadlines">, level: HandlingLevel): number | undefined {
  return category.deadlines[level];
}

/**
 * Checks the extra fields given for a category against its definition: required ones present,
 * numbers numeric, datetimes parseable, list values among the defined keys. Codes the category does
 * not define are kept as given (an Open311 client may send its own, e.g. its report's URL).
 */
export function checkAttributes(
  attributes: readonly CategoryAttribute[],
  given: Record<string, unknown> | undefined,
  pathPrefix: string,
): FieldIssue[] {
  const issues: FieldIssue[] = [];
  for (const a of attributes) {
    const value = given?.[a.code];
    const path = `${pathPrefix}.${a.code}`;
    const empty = value === undefined || value === null || value === "" || (Array.isArray(value) && value.length === 0);
    if (empty) {
      if (a.required) issues.push(fieldIssue(path, "EVENT_ATTRIBUTE_REQUIRED"));
      continue;
    }
    const keys = new Set(a.values?.map((v) => v.key));
    if (
      a.datatype === "number" &&
      !(typeof value === "number" || (typeof value === "string" && /^-?\d+(\.\d+)?$/.test(value)))
    )
      issues.push(fieldIssue(path, "EVENT_ATTRIBUTE_NUMBER"));
    if (a.datatype === "datetime" && (typeof value !== "string" || Number.isNaN(Date.parse(value))))
      issues.push(fieldIssue(path, "EVENT_ATTRIBUTE_DATETIME"));
    if (a.datatype === "singlevaluelist" && !keys.has(String(value)))
      issues.push(fieldIssue(path, "EVENT_ATTRIBUTE_ONE_OF", { values: [...keys].join(", ") }));
    if (a.datatype === "multivaluelist") {
      const list = Array.isArray(value) ? value : String(value).split(",");
      if (list.some((v) => !keys.has(String(v).trim())))
        issues.push(fieldIssue(path, "EVENT_ATTRIBUTE_VALUES_AMONG", { values: [...keys].join(", ") }));
    }
  }
  return issues;
}

/**
 * Events the community police officer of the grid's beats hears of (警网融合): public-order and
 * safety hazards, and disputes, which can turn violent. They follow such events from then on.
 */
export function notifiesPolice(categoryKey: string): boolean {
  return categoryKey.startsWith("hazard.") || categoryKey.startsWith("dispute.");
}

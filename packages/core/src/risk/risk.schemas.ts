import { z } from "zod";
import { ROLE_KEYS } from "../auth/roles.ts";
import {
  ALERT_LEVELS,
  ALERT_STATES,
  ALERT_TASK_STATES,
  CareOverdueParamsSchema,
  CategorySurgeParamsSchema,
  MajorDisputeParamsSchema,
  RepeatedDisputesParamsSchema,
  RISK_RULE_KINDS,
  SensitiveDatesParamsSchema,
} from "./risk-rules.ts";

/**
 * Request and response schemas of risk early warning, shared by the server's routes and the console:
 * rules, backtests, alerts with the records behind them, playbooks and their tasks, the calendar of
 * sensitive dates. No response carries an ID or phone number; notes are stored and shown masked.
 */
export const MAX_RISK_NOTE_LENGTH = 2000;
/** The longest history a backtest replays (about three years). */
export const MAX_BACKTEST_DAYS = 1100;
/** Would-be alerts a backtest lists in full (the summary counts them all). */
export const MAX_BACKTEST_ITEMS = 500;
/** Records an alert explains itself with in full (the count says how many there were). */
export const MAX_ALERT_RECORDS = 200;

const Name = z.string().trim().min(2).max(60);
const AreaCode = z.string().trim().min(2).max(24);
const Note = z.string().trim().min(2).max(MAX_RISK_NOTE_LENGTH);
const Day = z.iso.date();

const ruleOf = <K extends string, P extends z.ZodType>(kind: K, params: P) =>
  z.object({ kind: z.literal(kind), params }).strict();

/** A rule's kind with parameters that fit it (one variant per kind). */
export const RuleDefinitionSchema = z.discriminatedUnion("kind", [
  ruleOf("repeated_disputes", RepeatedDisputesParamsSchema),
  ruleOf("category_surge", CategorySurgeParamsSchema),
  ruleOf("major_dispute", MajorDisputeParamsSchema),
  ruleOf("care_overdue", CareOverdueParamsSchema),
  ruleOf("sensitive_dates", SensitiveDatesParamsSchema),
]);
export type RuleDefinition = z.infer<typeof RuleDefinitionSchema>;

export const NewRiskRuleSchema = z
  .object({
    id: z.uuid(),
    name: Name,
    areaCode: AreaCode.describe("the area the rule watches (everything under it)"),
    alertLevel: z.enum(ALERT_LEVELS).describe("whose inbox its alerts reach: the area at this level above the matters"),
    enabled: z.boolean(),
    playbookId: z.uuid().nullable().optional(),
    rule: RuleDefinitionSchema,
  })
  .strict()
  .meta({ id: "NewRiskRule" });

export const RiskRuleUpdateSchema = z
  .object({
    version: z.number().int().min(1).describe("the version read; a rule changed since is refused (RISK_RULE_STALE)"),
    name: Name,
    areaCode: AreaCode,
    alertLevel: z.enum(ALERT_LEVELS),
    enabled: z.boolean(),
    playbookId: z.uuid().nullable().optional(),
    rule: RuleDefinitionSchema,
  })
  .strict()
  .meta({ id: "RiskRuleUpdate" });

export const RiskRuleSchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    kind: z.enum(RISK_RULE_KINDS),
    params: z.record(z.string(), z.unknown()),
    areaCode: z.string(),
    areaName: z.string(),
    alertLevel: z.enum(ALERT_LEVELS),
    enabled: z.boolean(),
    playbookId: z.uuid().nullable(),
    version: z.number().int(),
    updatedAt: z.string(),
    editable: z.boolean().describe("the caller may change it (the area is theirs to configure)"),
    openAlerts: z.number().int(),
  })
  .meta({ id: "RiskRule" });

export const ALERT_RECORD_TYPES = ["event", "person", "household"] as const;
export type AlertRecordType = (typeof ALERT_RECORD_TYPES)[number];

export const AlertRecordSchema = z
  .object({
    type: z.enum(ALERT_RECORD_TYPES),
    id: z.uuid(),
    label: z
      .string()
      .describe("an event's number; a person's or household's name, masked unless the reader may see people"),
    categoryKey: z.string().nullable().describe("an event's category (the reader's app shows its name)"),
    detail: z.string().nullable().describe("an event's title (numbers masked) to who may read the event"),
    state: z.string().nullable(),
    at: z.string().nullable(),
    areaCode: z.string().nullable(),
    visible: z.boolean().describe("the reader may open the record itself"),
  })
  .meta({ id: "AlertRecord" });
export type AlertRecord = z.infer<typeof AlertRecordSchema>;

export const AlertExplanationSchema = z
  .object({
    ruleName: z.string(),
    kind: z.enum(RISK_RULE_KINDS),
    params: z.record(z.string(), z.unknown()),
    /** The figures behind the alert: counts, mean and sd of a surge, the window, the sensitive date, the basis of a match. */
    figures: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])),
  })
  .meta({ id: "AlertExplanation" });

export const AlertTaskSchema = z
  .object({
    id: z.uuid(),
    alertId: z.uuid(),
    ord: z.number().int(),
    title: z.string(),
    role: z.enum(ROLE_KEYS),
    dueAt: z.string(),
    state: z.enum(ALERT_TASK_STATES),
    isOverdue: z.boolean(),
    doneAt: z.string().nullable(),
    doneByName: z.string().nullable(),
    note: z.string().nullable().describe("Numbers masked"),
  })
  .meta({ id: "AlertTask" });

export const AlertSchema = z
  .object({
    id: z.uuid(),
    ruleId: z.uuid().nullable(),
    kind: z.enum(RISK_RULE_KINDS),
    state: z.enum(ALERT_STATES),
    title: z.string(),
    areaCode: z.string(),
    areaName: z.string(),
    raisedAt: z.string(),
    explanation: AlertExplanationSchema,
    records: z.array(AlertRecordSchema),
    recordCount: z.number().int(),
    acknowledgedAt: z.string().nullable(),
    acknowledgedByName: z.string().nullable(),
    acknowledgeNote: z.string().nullable().describe("what is being done, said when acknowledging; numbers masked"),
    closedAt: z.string().nullable(),
    closedByName: z.string().nullable(),
    closeNote: z.string().nullable().describe("Numbers masked"),
    playbookId: z.uuid().nullable(),
    playbookName: z.string().nullable(),
    tasks: z.array(AlertTaskSchema),
    parties: z
      .array(z.string())
      .describe(
        "who repeated in a repeated-disputes alert matched by parties: their names as the disputes hold them, masked unless the reader may read those disputes; never an ID or phone number",
      ),
  })
  .meta({ id: "Alert" });

export const AlertListQuerySchema = z.object({
  state: z
    .enum([...ALERT_STATES, "active"])
    .default("active")
    .describe("active: open or acknowledged"),
  areaCode: AreaCode.optional(),
  ruleId: z.uuid().optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).max(100_000).default(0),
});

export const AlertListSchema = z
  .object({
    total: z.number().int(),
    items: z.array(AlertSchema.omit({ records: true, tasks: true, parties: true })),
  })
  .meta({ id: "AlertList" });

export const AcknowledgeAlertSchema = z
  .object({ note: Note.optional().describe("what is being done; stored with numbers masked") })
  .strict()
  .meta({ id: "AcknowledgeAlert" });
export const CloseAlertSchema = z
  .object({ note: Note.describe("what was done; stored with numbers masked") })
  .strict()
  .meta({ id: "CloseAlert" });
export const StartPlaybookSchema = z.object({ playbookId: z.uuid() }).strict().meta({ id: "StartPlaybook" });

export const TaskUpdateSchema = z
  .object({ state: z.enum(["done", "skipped"]), note: Note.optional() })
  .strict()
  .meta({ id: "AlertTaskUpdate" });

export const PlaybookStepSchema = z
  .object({
    title: z.string().trim().min(2).max(200),
    // Staff do a playbook's steps: not a resident, not a wall screen.
    role: z
      .enum(ROLE_KEYS)
      .refine((r) => r !== "resident" && r !== "screen", "a step is done by staff: not a resident or a screen")
      .describe("who does it"),
    dueHours: z
      .number()
      .int()
      .min(1)
      .max(24 * 90)
      .describe("hours after the playbook starts"),
  })
  .strict()
  .meta({ id: "PlaybookStep" });

const PlaybookBody = {
  name: Name,
  description: z.string().trim().max(1000).default(""),
  steps: z.array(PlaybookStepSchema).min(1).max(30),
};
export const NewPlaybookSchema = z
  .object({ id: z.uuid(), ...PlaybookBody })
  .strict()
  .meta({ id: "NewPlaybook" });
export const PlaybookUpdateSchema = z
  .object({ ...PlaybookBody, active: z.boolean() })
  .strict()
  .meta({ id: "PlaybookUpdate" });
export const PlaybookSchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    description: z.string(),
    steps: z.array(PlaybookStepSchema),
    active: z.boolean(),
    updatedAt: z.string(),
  })
  .meta({ id: "Playbook" });

const SensitiveDateBody = {
  name: Name,
  onDate: Day,
  recursYearly: z.boolean(),
  daysBefore: z.number().int().min(0).max(60),
  daysAfter: z.number().int().min(0).max(60),
  areaCode: AreaCode.nullable().describe("null: the whole deployment"),
};
export const NewSensitiveDateSchema = z
  .object({ id: z.uuid(), ...SensitiveDateBody })
  .strict()
  .meta({ id: "NewSensitiveDate" });
export const SensitiveDateUpdateSchema = z.object(SensitiveDateBody).strict().meta({ id: "SensitiveDateUpdate" });
export const SensitiveDateSchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    onDate: z.string(),
    recursYearly: z.boolean(),
    daysBefore: z.number().int(),
    daysAfter: z.number().int(),
    areaCode: z.string().nullable(),
    areaName: z.string().nullable(),
  })
  .meta({ id: "SensitiveDate" });

export const BacktestRequestSchema = z
  .object({
    ruleId: z.uuid().optional().describe("a saved rule; or give `rule` and `areaCode` to try thresholds unsaved"),
    rule: RuleDefinitionSchema.optional(),
    areaCode: AreaCode.optional(),
    from: Day,
    to: Day.describe("inclusive"),
  })
  .strict()
  .meta({ id: "BacktestRequest" });

export const BacktestItemSchema = z
  .object({
    raisedAt: z.string().describe("when the rule would have fired"),
    title: z.string(),
    areaCode: z.string(),
    figures: AlertExplanationSchema.shape.figures,
    records: z.array(AlertRecordSchema),
    escalated: z.boolean().describe("a matter behind it was escalated after that moment"),
    reopened: z.boolean().describe("a matter behind it was reopened after that moment"),
  })
  .meta({ id: "BacktestItem" });

export const BacktestResultSchema = z
  .object({
    kind: z.enum(RISK_RULE_KINDS),
    params: z.record(z.string(), z.unknown()),
    areaCode: z.string(),
    from: z.string(),
    to: z.string(),
    summary: z.object({
      raised: z.number().int(),
      escalated: z.number().int(),
      reopened: z.number().int(),
      followed: z.number().int().describe("escalated or reopened"),
      share: z.number().nullable().describe("followed / raised: how often the rule was right that it would get worse"),
    }),
    items: z.array(BacktestItemSchema),
    truncated: z.boolean(),
  })
  .meta({ id: "BacktestResult" });

export type RiskRuleView = z.infer<typeof RiskRuleSchema>;
export type AlertView = z.infer<typeof AlertSchema>;
export type AlertListView = z.infer<typeof AlertListSchema>;
export type AlertTaskView = z.infer<typeof AlertTaskSchema>;
export type PlaybookView = z.infer<typeof PlaybookSchema>;
export type SensitiveDateView = z.infer<typeof SensitiveDateSchema>;
export type BacktestResultView = z.infer<typeof BacktestResultSchema>;
export type BacktestItemView = z.infer<typeof BacktestItemSchema>;

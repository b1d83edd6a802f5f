import { z } from "zod";
import { CARRY_OVER_REASONS, CLOSE_OUT_MAX_DAYS_BACK } from "./close-outs.ts";
import {
  MAX_CHECKLIST_ITEMS,
  MAX_VISIT_DAYS,
  MIN_VISIT_DAYS,
  VISIT_KINDS,
  VISIT_OUTCOMES,
  VISIT_STATUSES,
} from "./visit-plans.ts";
import { VISIT_SIGNAL_KINDS } from "./visit-signals.ts";

/**
 * Request and response schemas of visits, visit plans, coverage and close-outs, shared by the server's
 * routes and the apps. No response here has a field for an ID or phone number: the field app keeps
 * what these return on the phone.
 */
export const MAX_VISIT_NOTE_LENGTH = 1000;
export const MAX_VISIT_NEEDS = 10;
export const MAX_NEED_LENGTH = 500;

const LocalText = z.object({ "zh-CN": z.string().trim().min(1).max(40), en: z.string().trim().min(1).max(80) });
const dateSchema = z.iso.date();

export const ChecklistItemSchema = z
  .object({ key: z.string().regex(/^[a-z][a-z0-9_]{0,31}$/), label: LocalText })
  .meta({ id: "VisitChecklistItem" });

export const VisitPlanSchema = z
  .object({
    key: z.string().describe('"household" (every household) or a care or service tag\'s key'),
    subject: z.enum(["household", "tag"]),
    category: z.enum(["household", "care", "service"]),
    name: z.object({ "zh-CN": z.string(), en: z.string() }),
    everyDays: z.number().int().nullable().describe("Days between visits; null: no visits for this tag"),
    checklist: z.array(ChecklistItemSchema),
  })
  .meta({ id: "VisitPlan" });

export const VisitPlanParamsSchema = z.object({ key: z.string().min(1).max(64) });
export const VisitPlanSettingsSchema = z
  .object({
    everyDays: z
      .number()
      .int()
      .min(MIN_VISIT_DAYS)
      .max(MAX_VISIT_DAYS)
      .nullable()
      .describe("null for a tag: its people are not visited on a rhythm (the household plan always has one)"),
    checklist: z
      .array(ChecklistItemSchema)
      .max(MAX_CHECKLIST_ITEMS)
      .refine((items) => new Set(items.map((i) => i.key)).size === items.length, "each key once"),
  })
  .strict()
  .meta({ id: "VisitPlanSettings" });

export const VisitCheckAnswerSchema = z.object({ key: z.string().max(32), ok: z.boolean() }).strict();

export const NewVisitSchema = z
  .object({
    id: z.uuid().describe("Client-generated: a retried create (also in parallel) returns the first visit"),
    householdId: z.uuid(),
    personIds: z.array(z.uuid()).max(20).default([]).describe("The people of the household the visit was for"),
    kind: z.enum(VISIT_KINDS),
    outcome: z.enum(VISIT_OUTCOMES),
    eventId: z.uuid().optional().describe("The event a follow-up visit (回访) is about; only with kind follow_up"),
    checklist: z.array(VisitCheckAnswerSchema).max(40).default([]).describe("Answers; the apps preset all fine"),
    note: z.string().trim().max(MAX_VISIT_NOTE_LENGTH).optional(),
    needs: z
      .array(z.object({ id: z.uuid(), text: z.string().trim().min(1).max(MAX_NEED_LENGTH) }).strict())
      .max(MAX_VISIT_NEEDS)
      .default([]),
    visitedAt: z.iso
      .datetime({ offset: true })
      .describe("When it happened, by the phone's clock (a queued visit keeps its time)"),
    lng: z.number().min(-180).max(180).optional(),
    lat: z.number().min(-90).max(90).optional(),
  })
  .strict()
  .refine((v) => (v.lng === undefined) === (v.lat === undefined), {
    message: "give lng and lat together",
    path: ["lat"],
  })
  .meta({ id: "NewVisit" });

export const VisitNeedSchema = z
  .object({
    id: z.uuid(),
    text: z.string(),
    eventId: z.uuid().nullable(),
    leadHouseholdId: z.uuid().nullable().describe("The lead household the need was handed to as a service request"),
    handedAt: z.string().nullable(),
  })
  .meta({ id: "VisitNeed" });

export const VisitSchema = z
  .object({
    id: z.uuid(),
    householdId: z.uuid(),
    address: z.string().nullable(),
    personIds: z.array(z.uuid()),
    people: z.array(z.object({ id: z.uuid(), name: z.string() })),
    kind: z.enum(VISIT_KINDS),
    outcome: z.enum(VISIT_OUTCOMES),
    eventId: z.uuid().nullable(),
    checklist: z.array(z.object({ key: z.string(), ok: z.boolean() })),
    note: z.string().nullable(),
    needs: z.array(VisitNeedSchema),
    hasPhoto: z.boolean(),
    visitedAt: z.string(),
    receivedAt: z.string(),
    lng: z.number().nullable(),
    lat: z.number().nullable(),
    areaCode: z.string(),
    recordedBy: z.string().nullable().describe("Display name of who recorded it"),
  })
  .meta({ id: "Visit" });

export const VisitHistoryQuerySchema = z.object({
  householdId: z.uuid().optional(),
  personId: z.uuid().optional(),
  areaCode: z
    .string()
    .max(24)
    .optional()
    .describe("The visits recorded in an area (its households'), as the figures count them; default: all you see"),
  from: dateSchema.optional().describe("First day (China time) of the visits listed"),
  to: dateSchema.optional().describe("Last day (China time) of the visits listed"),
  met: z
    .enum(["true", "false"])
    .optional()
    .describe("true: only visits where someone was met (the figure visitsMet); false: only those where no one was"),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).max(100_000).default(0),
});

export const DueQuerySchema = z.object({
  areaCode: z.string().max(24).optional().describe("Default: the areas where you record visits"),
  status: z
    .string()
    .regex(/^(overdue|due|done)(,(overdue|due|done))*$/)
    .default("overdue,due")
    .describe("Comma-separated statuses to list"),
  lng: z.coerce.number().min(-180).max(180).optional().describe("With lat: nearest first from here"),
  lat: z.coerce.number().min(-90).max(90).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});

export const DueItemSchema = z
  .object({
    subjectType: z.enum(["person", "household"]),
    personId: z.uuid().nullable(),
    householdId: z.uuid(),
    name: z.string().nullable().describe("The person's name, or the head of the household's"),
    address: z.string().nullable(),
    areaCode: z.string(),
    lng: z.number().nullable(),
    lat: z.number().nullable(),
    tags: z.array(z.string()).describe("Keys of the care and service tags that set the rhythm"),
    everyDays: z.number().int(),
    status: z.enum(VISIT_STATUSES),
    dueOn: z.string(),
    lastVisitedOn: z.string().nullable(),
    distanceMeters: z.number().nullable(),
  })
  .meta({ id: "VisitDueItem" });

export const DueListSchema = z
  .object({
    today: z.string(),
    counts: z.object({ overdue: z.number().int(), due: z.number().int(), done: z.number().int() }),
    total: z.number().int().describe("Items of the statuses asked for"),
    items: z.array(DueItemSchema),
  })
  .meta({ id: "VisitDueList" });

/**
 * "Visits due" as a figure of an area now (the 工作台's): the subjects of the due list — people with a
 * care or service tag by its rhythm, households by theirs — that are due or overdue for a visit, and
 * those visited within their rhythm (done). The same statement as GET /visits/due, so each number is
 * that list's count for the area and status.
 */
export const DueCountsQuerySchema = z.object({
  areaCode: z
    .string()
    .regex(/^[0-9A-Za-z]{2,24}$/)
    .optional()
    .describe("Default: your one area (the deployment's root for an area-less reader)"),
});

export const DueCountsSchema = z
  .object({
    today: z.string(),
    area: z.object({ code: z.string(), name: z.string(), level: z.string() }),
    overdue: z.number().int().describe("Past their due day by more than the grace (GET /visits/due?status=overdue)"),
    due: z.number().int().describe("Due now, within the grace (status=due)"),
    done: z.number().int().describe("Visited within their rhythm: next due after today (status=done)"),
  })
  .meta({ id: "VisitDueCounts" });
export type VisitDueCounts = z.infer<typeof DueCountsSchema>;

export const FieldPackSchema = z
  .object({
    today: z.string(),
    areaCode: z.string(),
    plans: z.array(VisitPlanSchema),
    due: z.array(DueItemSchema),
    nextBefore: z
      .uuid()
      .nullable()
      .describe("More households remain: ask again with before=this (a sync resumes where it stopped)"),
    households: z.array(
      z.object({
        id: z.uuid(),
        address: z.string().nullable(),
        lng: z.number().nullable(),
        lat: z.number().nullable(),
        members: z.array(
          z.object({
            id: z.uuid(),
            name: z.string(),
            birthYear: z.number().int().nullable(),
            tags: z.array(z.string()),
          }),
        ),
      }),
    ),
  })
  .meta({ id: "VisitFieldPack" });

export const FIELD_PACK_MAX_HOUSEHOLDS = 3000;
export const FieldPackQuerySchema = z.object({
  areaCode: z.string().max(24).optional(),
  lng: z.coerce.number().min(-180).max(180).optional().describe("With lat: the due list nearest first from here"),
  lat: z.coerce.number().min(-90).max(90).optional(),
  before: z.uuid().optional().describe("Households after the last one fetched (newest first)"),
  limit: z.coerce.number().int().min(1).max(FIELD_PACK_MAX_HOUSEHOLDS).default(FIELD_PACK_MAX_HOUSEHOLDS),
});

/** The longest period whose on-time share is computed at once. */
export const COVERAGE_MAX_PERIOD_DAYS = 366;
export const COVERAGE_DEFAULT_PERIOD_DAYS = 90;
export const CoverageQuerySchema = z.object({
  areaCode: z.string().max(24).optional(),
  from: dateSchema
    .optional()
    .describe(
      `First day of the period for the on-time share; default ${COVERAGE_DEFAULT_PERIOD_DAYS} days before \`to\``,
    ),
  to: dateSchema.optional().describe("Last day of the period (default and at most today)"),
});
const CoverageRow = z.object({
  areaCode: z.string(),
  name: z.string(),
  level: z.string(),
  subjects: z.number().int(),
  done: z.number().int(),
  due: z.number().int(),
  overdue: z.number().int(),
  fellDue: z
    .number()
    .int()
    .describe(
      "Times a subject fell due for a visit within the period, judged: met in time, or met late, or not met past its last day",
    ),
  doneOnTime: z.number().int().describe("Of those, met by the last day before the visit counted as overdue"),
  onTimeShare: z.number().nullable().describe("doneOnTime / fellDue; null when nothing fell due"),
  careSubjects: z.number().int(),
  careNeverVisited: z.number().int(),
  households: z.number().int(),
  householdsNotSeenThisYear: z.number().int(),
});
export const CoverageSchema = z
  .object({
    today: z.string(),
    from: z.string().describe("The period of fellDue and doneOnTime"),
    to: z.string(),
    area: CoverageRow,
    children: z.array(CoverageRow),
  })
  .meta({ id: "VisitCoverage" });

export const SignalsQuerySchema = z.object({
  areaCode: z.string().max(24).optional(),
  from: dateSchema.optional().describe("Default: 30 days ago"),
  to: dateSchema.optional(),
});
export const VisitSignalSchema = z
  .object({
    visitId: z.uuid(),
    kind: z.enum(VISIT_SIGNAL_KINDS),
    detail: z.string().describe("Distance in metres, visits in the burst, or the other visit with the photo"),
    householdId: z.uuid(),
    address: z.string().nullable(),
    areaCode: z.string(),
    visitedAt: z.string(),
    recordedBy: z.string().nullable(),
  })
  .meta({ id: "VisitSignal" });

export const CloseOutDayQuerySchema = z.object({
  day: dateSchema.optional().describe(`Default today; up to ${CLOSE_OUT_MAX_DAYS_BACK} days back`),
});
const CountedEvent = z.object({
  id: z.uuid(),
  number: z.string(),
  categoryKey: z.string(),
  title: z.string().nullable(),
  state: z.string(),
});
export const CloseOutSummarySchema = z
  .object({
    day: z.string(),
    areaCodes: z.array(z.string()),
    events: z.object({
      received: z.number().int(),
      settled: z.number().int(),
      handedOn: z.number().int(),
      stillOpen: z.array(CountedEvent),
    }),
    visits: z.object({ done: z.number().int(), recorded: z.number().int(), due: z.number().int() }),
  })
  .meta({ id: "CloseOutSummary" });

export const CarryOverSchema = z
  .object({
    eventId: z.uuid(),
    reason: z.enum(CARRY_OVER_REASONS),
    note: z.string().trim().max(300).optional(),
  })
  .strict();

export const NewCloseOutSchema = z
  .object({
    id: z.uuid().describe("Client-generated: a retried confirmation returns the first"),
    day: dateSchema,
    carryOvers: z.array(CarryOverSchema).max(500).default([]),
    note: z.string().trim().max(500).optional(),
  })
  .strict()
  .meta({ id: "NewCloseOut" });

export const CloseOutSchema = z
  .object({
    id: z.uuid(),
    day: z.string(),
    confirmedAt: z.string(),
    confirmedBy: z.string().nullable(),
    areaCodes: z.array(z.string()),
    summary: CloseOutSummarySchema,
    carryOvers: z.array(
      z.object({
        eventId: z.uuid(),
        number: z.string(),
        reason: z.enum(CARRY_OVER_REASONS),
        note: z.string().nullable(),
      }),
    ),
    note: z.string().nullable(),
    corrections: z.array(z.object({ id: z.uuid(), note: z.string(), at: z.string(), by: z.string().nullable() })),
  })
  .meta({ id: "CloseOut" });

export const CloseOutCorrectionSchema = z
  .object({ id: z.uuid(), note: z.string().trim().min(1).max(500) })
  .strict()
  .meta({ id: "NewCloseOutCorrection" });

export const CloseOutStatusQuerySchema = z.object({
  areaCode: z.string().max(24).optional(),
  day: dateSchema.optional().describe("Default yesterday"),
  closed: z.enum(["yes", "no"]).optional().describe("Only the grids that have (yes) or have not (no) closed out"),
});
export const CloseOutStatusSchema = z
  .object({
    day: z.string(),
    grids: z.array(
      z.object({
        areaCode: z.string(),
        name: z.string(),
        closedOut: z.boolean(),
        closeOuts: z.array(
          z.object({
            id: z.uuid(),
            confirmedAt: z.string(),
            confirmedBy: z.string().nullable(),
            stillOpen: z.number().int(),
            carryOvers: z.array(z.object({ number: z.string(), reason: z.enum(CARRY_OVER_REASONS) })),
          }),
        ),
      }),
    ),
  })
  .meta({ id: "CloseOutStatus" });

export const NeedEventSchema = z
  .object({
    id: z.uuid().describe("Client id of the event to create"),
    categoryKey: z.string().min(1).max(64),
    title: z.string().trim().max(100).optional(),
  })
  .strict();
export const NeedParamsSchema = z.object({ id: z.uuid(), needId: z.uuid() });

export type VisitPlanView = z.infer<typeof VisitPlanSchema>;
export type VisitView = z.infer<typeof VisitSchema>;
export type VisitDueList = z.infer<typeof DueListSchema>;
export type VisitCoverage = z.infer<typeof CoverageSchema>;
export type VisitSignal = z.infer<typeof VisitSignalSchema>;
export type CloseOutStatus = z.infer<typeof CloseOutStatusSchema>;
export type CloseOutView = z.infer<typeof CloseOutSchema>;

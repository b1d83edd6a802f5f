import { z } from "zod";
import { ReportMapSchema } from "../areas/area-map.schemas.ts";
import { FigureAreaSchema, FigureCountsSchema, FigureRatesSchema } from "../figures/figures.schemas.ts";
import { MAX_REPORT_DAYS_BACK, REPORT_KINDS } from "./report-periods.ts";

/**
 * The reports API: daily, weekly and monthly reports of an area (日报、周分析、月研判), written by the
 * system from the kept figures, archived, downloadable as PDF and XLSX; the monthly one carries the
 * official's written judgement (研判意见), kept in versions. No report holds an ID or phone number:
 * matters are listed with their masked titles, the judgement is stored masked.
 */
export const MAX_JUDGEMENT_LENGTH = 5000;
/** Matters a daily report lists in full (its figures count them all). */
export const MAX_REPORT_MATTERS = 2000;
export const MAX_REPORTS_PAGE = 100;

const Day = z.iso.date();
const AreaCode = z.string().regex(/^[0-9A-Za-z]{2,24}$/);

export const ReportKindSchema = z.enum(REPORT_KINDS);

export const ReportsQuerySchema = z
  .object({
    kind: ReportKindSchema.optional(),
    area: AreaCode.optional().describe("the area (default: every area you read)"),
    from: Day.optional().describe("periods ending on or after this day"),
    to: Day.optional().describe("periods ending on or before this day"),
    limit: z.coerce.number().int().min(1).max(MAX_REPORTS_PAGE).default(30),
    offset: z.coerce.number().int().min(0).max(100_000).default(0),
  })
  .strict();

export const NewReportSchema = z
  .object({
    id: z.uuid().describe("client-generated; a retry answers the first report"),
    kind: ReportKindSchema,
    area: AreaCode,
    day: Day.describe(
      `any day of the period (the period of the kind that holds it); a period starting more than ${MAX_REPORT_DAYS_BACK} days back is refused`,
    ),
  })
  .strict()
  .meta({ id: "NewReport" });

export const NewJudgementSchema = z
  .object({
    id: z.uuid().describe("client-generated id of this version; a retry answers the first"),
    text: z.string().trim().min(2).max(MAX_JUDGEMENT_LENGTH),
    baseVersion: z.number().int().min(0).describe("the version read before writing (0: none yet)"),
  })
  .strict()
  .meta({ id: "NewJudgement" });

const Counted = z.object({ counts: FigureCountsSchema, rates: FigureRatesSchema });
const AreaFigures = FigureAreaSchema.extend({ counts: FigureCountsSchema, rates: FigureRatesSchema });

export const ReportFiguresSchema = Counted.extend({
  previous: z.object({ from: Day, to: Day, counts: FigureCountsSchema, rates: FigureRatesSchema }),
});

const Matter = z.object({
  id: z.uuid(),
  number: z.string(),
  categoryKey: z.string(),
  title: z.string(),
  state: z.string(),
  areaCode: z.string(),
  reportedAt: z.string(),
});

const CarryOver = z.object({ day: Day, areaCode: z.string(), number: z.string(), reason: z.string() });

export const DailyContentSchema = z.object({
  kind: z.literal("daily"),
  figures: ReportFiguresSchema,
  areas: z.array(AreaFigures),
  matters: z.array(Matter),
  mattersTotal: z.number().int(),
  closeOuts: z.array(
    z.object({
      day: Day,
      done: z.number().int(),
      missing: z.number().int(),
      grids: z.array(
        z.object({
          areaCode: z.string(),
          name: z.string(),
          closedOut: z.boolean(),
          carriedOver: z.number().int(),
          /** The village or community holding the grid; absent on reports written before they were kept. */
          villageCode: z.string().optional(),
          villageName: z.string().optional(),
        }),
      ),
    }),
  ),
  carriedOver: z.array(CarryOver),
});

/**
 * Visits due against visits done in the period, by the visits module's own measure (GET
 * /visits/coverage): the times a care or service subject or a household fell due for a visit within
 * the period (judged: met in time, met late, or not met past its grace) and those met in time.
 */
const VisitsDueOfPeriod = z.object({ fellDue: z.number().int(), doneOnTime: z.number().int() });

export const WeeklyContentSchema = z.object({
  kind: z.literal("weekly"),
  figures: ReportFiguresSchema,
  weeks: z.array(Counted.extend({ from: Day, to: Day })),
  categories: z.array(
    z.object({ key: z.string(), count: z.number().int(), baselineMean: z.number(), rising: z.boolean() }),
  ),
  hotspots: z.object({
    grids: z.array(FigureAreaSchema.extend({ count: z.number().int() })),
    addresses: z.array(
      z.object({
        address: z.string(),
        areaCode: z.string(),
        count: z.number().int(),
        /** Where its matters were reported (the mean of those with coordinates; null: none had any). */
        lng: z.number().nullable().optional(),
        lat: z.number().nullable().optional(),
      }),
    ),
    /** Absent on weekly reports written before hotspots had a map. */
    map: ReportMapSchema.optional(),
  }),
  /** Absent on reports written before visits due were reported. */
  visitsDue: VisitsDueOfPeriod.optional(),
  slow: z.object({
    overdue: z.number().int(),
    settledLate: z.number().int(),
    onTime: z.number().nullable(),
    openOverdue: z.array(Matter.extend({ dueAt: z.string().nullable() })),
  }),
});

export const MonthlyContentSchema = z.object({
  kind: z.literal("monthly"),
  figures: ReportFiguresSchema,
  areas: z.array(AreaFigures.extend({ previous: FigureRatesSchema })),
  /** Absent on reports written before visits due were reported. */
  visitsDue: VisitsDueOfPeriod.extend({ areas: z.array(FigureAreaSchema.extend(VisitsDueOfPeriod.shape)) }).optional(),
  alerts: z.array(
    FigureAreaSchema.extend({
      total: z.number().int(),
      open: z.number().int(),
      items: z.array(
        z.object({ id: z.uuid(), kind: z.string(), state: z.string(), title: z.string(), raisedAt: z.string() }),
      ),
    }),
  ),
});

export const ReportContentSchema = z
  .discriminatedUnion("kind", [DailyContentSchema, WeeklyContentSchema, MonthlyContentSchema])
  .meta({ id: "ReportContent" });
export type ReportContent = z.infer<typeof ReportContentSchema>;
export type DailyContent = z.infer<typeof DailyContentSchema>;
export type WeeklyContent = z.infer<typeof WeeklyContentSchema>;
export type MonthlyContent = z.infer<typeof MonthlyContentSchema>;

export const ReportSummarySchema = z
  .object({
    id: z.uuid(),
    kind: ReportKindSchema,
    area: FigureAreaSchema,
    from: Day,
    to: Day,
    generatedAt: z.string(),
    trigger: z.enum(["schedule", "demand"]),
    judgementVersion: z.number().int(),
  })
  .meta({ id: "ReportSummary" });

export const ReportListSchema = z
  .object({ total: z.number().int(), items: z.array(ReportSummarySchema) })
  .meta({ id: "ReportList" });

export const JudgementSchema = z
  .object({
    id: z.uuid(),
    version: z.number().int(),
    text: z.string(),
    writtenAt: z.string(),
    writtenBy: z.string(),
  })
  .meta({ id: "Judgement" });

export const ReportSchema = ReportSummarySchema.extend({
  content: ReportContentSchema,
  judgement: JudgementSchema.nullable(),
  judgementHistory: z.array(JudgementSchema.omit({ text: true })),
}).meta({ id: "Report" });
export type ReportView = z.infer<typeof ReportSchema>;

export const ReportIdParamsSchema = z.object({ id: z.uuid() }).strict();
export const ReportFileParamsSchema = z.object({ id: z.uuid(), format: z.enum(["pdf", "xlsx"]) }).strict();

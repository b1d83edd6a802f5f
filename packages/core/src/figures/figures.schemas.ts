import { z } from "zod";
import { EVENT_FIGURES, FIGURE_COMPARISONS, FIGURES } from "./figures.ts";

/**
 * The figures API (GET /figures, GET /figures/open): counts of an area and period, with the period
 * before for the change, broken down by day, category or child area — what the console's 工作台,
 * the reports and the big screen read.
 */
// Years 0–99 read as 19xx in Date.UTC and year 0 is none in PostgreSQL: a day is within these bounds.
const DAY = z.iso
  .date()
  .refine((d) => d >= "1970-01-01" && d <= "2099-12-31", "a date between 1970-01-01 and 2099-12-31");
const AREA_CODE = z.string().regex(/^[0-9A-Za-z]{2,24}$/);

export const FigureCountsSchema = z.object(Object.fromEntries(FIGURES.map((f) => [f, z.number().int()]))).meta({
  id: "FigureCounts",
}) as unknown as z.ZodType<Record<(typeof FIGURES)[number], number>>;

export const FigureRatesSchema = z
  .object({
    settledInGrid: z.number().nullable(),
    settledInCommunity: z.number().nullable(),
    onTime: z.number().nullable(),
    satisfaction: z.number().nullable(),
  })
  .meta({ id: "FigureRates" });

export const FigureAreaSchema = z
  .object({ code: z.string(), name: z.string(), level: z.string() })
  .meta({ id: "FigureArea" });

export const FIGURE_BREAKDOWNS = ["day", "category", "child"] as const;

export const FiguresQuerySchema = z
  .object({
    area: AREA_CODE.optional().describe("The area (default: your first area; the whole tree for a global reader)"),
    from: DAY,
    to: DAY.describe("The last day of the period (included)"),
    category: z.string().max(64).optional().describe("A category and every category below it"),
    by: z.enum(FIGURE_BREAKDOWNS).optional(),
    compare: z
      .enum(FIGURE_COMPARISONS)
      .optional()
      .describe(
        "What `previous` is: the period of equal length just before (preceding, the default), last week's same weekdays (lastWeek) or last month's same days (lastMonth)",
      ),
  })
  .strict();

/** The period a figure's change is measured against, and how it was chosen. */
export const FigurePreviousSchema = z
  .object({
    from: z.string(),
    to: z.string(),
    compare: z.enum(FIGURE_COMPARISONS),
    counts: FigureCountsSchema,
    rates: FigureRatesSchema,
  })
  .meta({ id: "FigurePrevious" });

export const FigureRowSchema = z
  .object({
    key: z.string().describe("The day, the category key ('' for visits and close-outs) or the child area's code"),
    name: z.string().nullable(),
    level: z.string().nullable(),
    counts: FigureCountsSchema,
  })
  .meta({ id: "FigureRow" });

export const FiguresSchema = z
  .object({
    area: FigureAreaSchema,
    /** From the top of what the reader sees down to the area (the breadcrumb). */
    trail: z.array(FigureAreaSchema),
    from: z.string(),
    to: z.string(),
    category: z.string().nullable(),
    counts: FigureCountsSchema,
    rates: FigureRatesSchema,
    previous: FigurePreviousSchema,
    by: z.enum(FIGURE_BREAKDOWNS).nullable(),
    rows: z.array(FigureRowSchema),
  })
  .meta({ id: "Figures" });

export const OpenMattersQuerySchema = z.object({ area: AREA_CODE.optional() }).strict();

export const OpenMattersSchema = z
  .object({
    area: FigureAreaSchema,
    trail: z.array(FigureAreaSchema),
    open: z.number().int(),
    overdue: z.number().int(),
    children: z.array(
      FigureAreaSchema.extend({
        open: z.number().int(),
        overdue: z.number().int(),
        hasChildren: z.boolean(),
      }),
    ),
  })
  .meta({ id: "OpenMatters" });

/** The events list behind an event figure: area, period and figure (GET /events?figure=…). */
export const EventFigureSchema = z.enum(EVENT_FIGURES);

import { z } from "zod";
import { HANDLING_LEVELS } from "../events/levels.ts";
import {
  FigureAreaSchema,
  FigureCountsSchema,
  FigurePreviousSchema,
  FigureRatesSchema,
} from "../figures/figures.schemas.ts";
import { RISK_RULE_KINDS } from "../risk/risk-rules.ts";

/**
 * The big screen's API (GET /screen/overview, GET /screen/stream): one answer holds everything the
 * screen draws for its area, so a screen that reconnects refetches once. Its schema is the privacy
 * fence of a public wall: areas, categories, counts and times — no names, no free text, no numbers
 * of people.
 */
const AREA_CODE = z.string().regex(/^[0-9A-Za-z]{2,24}$/);

/** How many days the trend covers, latest matters, alerts and close-outs the screen lists. */
export const SCREEN_TREND_DAYS = 30;
export const SCREEN_LIST_LENGTH = 8;

export const ScreenQuerySchema = z
  .object({ area: AREA_CODE.optional().describe("The area (default: the first area the screen is bound to)") })
  .strict();

export const ScreenStreamQuerySchema = z
  .object({ maxSeconds: z.coerce.number().int().min(0).max(3600).default(1800) })
  .strict();

const Names = z.object({ zh: z.string(), en: z.string() });

export const ScreenOverviewSchema = z
  .object({
    area: FigureAreaSchema,
    /** The screen's areas (it may be bound to several); the one shown is `area`. */
    areas: z.array(z.object({ code: z.string(), name: z.string() })),
    asOf: z.string().describe("When the answer was made (ISO)"),
    month: z.object({
      from: z.string(),
      to: z.string(),
      counts: FigureCountsSchema,
      rates: FigureRatesSchema,
      /** Last month's same days (clamped to its length): what the month's change is measured against. */
      previous: FigurePreviousSchema,
    }),
    trend: z.array(
      z.object({ day: z.string(), reported: z.number().int(), settled: z.number().int(), overdue: z.number().int() }),
    ),
    categories: z.array(z.object({ key: z.string(), names: Names, reported: z.number().int() })),
    open: z.object({
      open: z.number().int(),
      overdue: z.number().int(),
      /**
       * Open matters per area the wall's map draws: the areas from the screen's down to the deepest level
       * within the map's cap (3,000 areas — a township's or county's grids, a province's townships). A row of
       * that level counts everything under it; a row above, what sits on that area itself. A shape's
       * count: the rows whose path passes through it. Areas without open matters are left out.
       */
      areas: z.array(
        z.object({ code: z.string(), path: z.string(), open: z.number().int(), overdue: z.number().int() }),
      ),
    }),
    alerts: z.object({
      total: z.number().int(),
      items: z.array(
        z.object({
          id: z.string(),
          kind: z.enum(RISK_RULE_KINDS),
          state: z.enum(["open", "acknowledged"]),
          areaCode: z.string(),
          areaName: z.string(),
          raisedAt: z.string(),
          recordCount: z.number().int(),
        }),
      ),
    }),
    closeOuts: z.object({
      day: z.string().describe("Yesterday (China time): the grids that closed out their day"),
      grids: z.number().int(),
      closed: z.number().int(),
      latest: z.array(
        z.object({
          id: z.string(),
          day: z.string(),
          areaCode: z.string(),
          areaName: z.string(),
          confirmedAt: z.string(),
          stillOpen: z.number().int(),
        }),
      ),
    }),
    latest: z.array(
      z.object({
        id: z.string(),
        number: z.string(),
        category: z.object({ key: z.string(), names: Names }),
        areaCode: z.string(),
        areaName: z.string(),
        state: z.string(),
        level: z.enum(HANDLING_LEVELS),
        reportedAt: z.string(),
        updatedAt: z.string(),
      }),
    ),
  })
  .meta({ id: "ScreenOverview" });
export type ScreenOverview = z.infer<typeof ScreenOverviewSchema>;

/** One frame of the screen's stream: a matter of its areas arrived or changed (no text, no people). */
export const ScreenChangeSchema = z.object({
  id: z.string(),
  action: z.string(),
  state: z.string(),
  areaCode: z.string(),
  areaPath: z.string(),
  at: z.string(),
});
export type ScreenChange = z.infer<typeof ScreenChangeSchema>;

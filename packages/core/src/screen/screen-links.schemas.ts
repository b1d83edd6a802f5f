import { z } from "zod";

/**
 * Big-screen links (大屏链接): a read-only kiosk token bound to one area, issued by an official who
 * holds screen.manage over it. The wall opens `/screen#token=wgs_…`: the fragment never reaches a
 * server log or a Referer; the screen app posts it once (POST /screen/kiosk) and keeps it in an
 * HttpOnly cookie that only the screen's API paths receive. The secret is shown once, stored hashed.
 */
const AREA_CODE = z.string().regex(/^[0-9A-Za-z]{2,24}$/);

/** How long a link may be made to last at most; without a limit it lasts until revoked. */
export const SCREEN_LINK_MAX_DAYS = 3650;
export const SCREEN_LINK_NAME_MAX = 60;
/** The prefix every screen link's secret starts with (API tokens start with wgt_). */
export const SCREEN_LINK_PREFIX = "wgs_";

export const CreateScreenLinkSchema = z
  .object({
    id: z.uuid().describe("Chosen by the client: a retry with the same id answers the first link"),
    name: z.string().trim().min(1).max(SCREEN_LINK_NAME_MAX).describe("Where the wall hangs, e.g. 指挥中心大屏 1"),
    areaCode: AREA_CODE.describe("The area the wall shows (one of the caller's areas or below them)"),
    expiresInDays: z
      .number()
      .int()
      .min(1)
      .max(SCREEN_LINK_MAX_DAYS)
      .nullable()
      .default(null)
      .describe("Days the link lasts; null: until revoked"),
  })
  .strict();

export const ScreenLinkSchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    /** The first characters of the secret, to tell links apart (never the secret). */
    prefix: z.string(),
    area: z.object({ code: z.string(), name: z.string() }),
    createdBy: z.string().nullable().describe("Display name of who issued it"),
    createdAt: z.string(),
    expiresAt: z.string().nullable(),
    lastUsedAt: z.string().nullable(),
    revokedAt: z.string().nullable(),
  })
  .meta({ id: "ScreenLink" });

export const CreatedScreenLinkSchema = z
  .object({
    link: ScreenLinkSchema,
    /** The secret itself (wgs_…): shown once, on creation; null when a retry finds the link already made. */
    token: z.string().nullable(),
  })
  .meta({ id: "CreatedScreenLink" });

export const ScreenLinkListSchema = z.object({ items: z.array(ScreenLinkSchema) }).meta({ id: "ScreenLinkList" });

export const ScreenKioskOpenSchema = z.object({ token: z.string().min(1).max(200) }).strict();

/** What a wall opened with a link knows of it: its name, area and end; null when no link is held. */
export const ScreenKioskSchema = z
  .object({
    link: z
      .object({
        name: z.string(),
        area: z.object({ code: z.string(), name: z.string() }),
        expiresAt: z.string().nullable(),
      })
      .nullable(),
  })
  .meta({ id: "ScreenKiosk" });

export type CreateScreenLink = z.infer<typeof CreateScreenLinkSchema>;
export type ScreenLink = z.infer<typeof ScreenLinkSchema>;
export type CreatedScreenLink = z.infer<typeof CreatedScreenLinkSchema>;
export type ScreenKiosk = z.infer<typeof ScreenKioskSchema>;

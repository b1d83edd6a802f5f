import { z } from "zod";

/**
 * Request and response schemas of a resident's link to their registry record, their household and
 * who looked at their record. The household shows other members by a partly masked name and their
 * relationship only; nothing here carries another person's number.
 */
export const ResidentLinkSchema = z
  .object({
    name: z.string().trim().min(1).max(50),
    idNumber: z.string().trim().min(1).max(30),
  })
  .strict()
  .meta({ id: "ResidentLinkRequest" });

export const ResidentRecordSchema = z
  .object({
    linked: z.boolean(),
    name: z.string().nullable(),
    idNumberMasked: z.string().nullable(),
    areaName: z.string().nullable(),
    linkedAt: z.string().nullable(),
    lockedUntil: z.string().nullable().describe("Linking is refused until then (five failed attempts in a day)"),
  })
  .meta({ id: "ResidentRecord" });

export const ResidentHouseholdSchema = z
  .object({
    address: z.string().nullable(),
    areaName: z.string().nullable(),
    members: z.array(
      z.object({
        self: z.boolean(),
        name: z.string().describe("The resident's own name; others partly masked"),
        relationship: z.string().nullable(),
      }),
    ),
  })
  .meta({ id: "ResidentHousehold" });

/** `event_reveal`: a handler read the original text and contact of a matter the resident reported. */
export const ACCESS_ACTIONS = [
  "view",
  "reveal",
  "export",
  "create",
  "update",
  "transfer",
  "search",
  "event_reveal",
] as const;

export const ResidentAccessEntrySchema = z
  .object({
    at: z.string(),
    action: z.enum(ACCESS_ACTIONS),
    fields: z.array(z.string()).describe("What was revealed or changed (idNumber, phone, …)"),
    reason: z.string().nullable().describe("The reason given (numbers in it masked)"),
    system: z.boolean().describe("Done by the system (an import, a start-up task)"),
    staffName: z.string().nullable().describe("Only where the deployment shows staff names"),
    posts: z.array(
      z.object({ role: z.object({ "zh-CN": z.string(), en: z.string() }), areaName: z.string().nullable() }),
    ),
  })
  .meta({ id: "ResidentAccessEntry" });

export const ResidentAccessQuerySchema = z
  .object({ limit: z.coerce.number().int().min(1).max(200).default(50) })
  .strict();

export type ResidentRecord = z.infer<typeof ResidentRecordSchema>;
export type ResidentHousehold = z.infer<typeof ResidentHouseholdSchema>;
export type ResidentAccessEntry = z.infer<typeof ResidentAccessEntrySchema>;

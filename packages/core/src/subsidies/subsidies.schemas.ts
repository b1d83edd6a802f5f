import { z } from "zod";
import { MAX_PAYMENT_FEN, PUBLIC_AMOUNTS, SUBSIDY_FLAGS } from "./subsidy-rules.ts";

/**
 * Request and response schemas of subsidy programmes, payment batches, their public 公示 lists and a
 * resident's own payments. No response carries an ID number beyond its mask (the region), and the
 * public ones carry neither an ID fragment nor a full name.
 */
export const MAX_PROGRAM_RULES_LENGTH = 5000;
export const MAX_CONFIRM_REASON_LENGTH = 200;

const amountFen = z.number().int().min(1).max(MAX_PAYMENT_FEN);

export const SubsidyProgramSchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    areaCode: z.string(),
    areaName: z.string(),
    rules: z.string().describe("The programme's rules as published to residents"),
    publicAmount: z.enum(PUBLIC_AMOUNTS).describe("What the public list shows of each amount"),
    minAmountFen: z.number().int().nullable(),
    maxAmountFen: z.number().int().nullable(),
    createdAt: z.string(),
  })
  .meta({ id: "SubsidyProgram" });

const programFields = {
  name: z.string().trim().min(1).max(60),
  rules: z.string().trim().min(1).max(MAX_PROGRAM_RULES_LENGTH),
  publicAmount: z.enum(PUBLIC_AMOUNTS).default("exact"),
  minAmountFen: amountFen.nullable().default(null),
  maxAmountFen: amountFen.nullable().default(null),
};
const minNotAboveMax = (v: { minAmountFen: number | null; maxAmountFen: number | null }) =>
  v.minAmountFen === null || v.maxAmountFen === null || v.minAmountFen <= v.maxAmountFen;

export const NewSubsidyProgramSchema = z
  .object({
    id: z.uuid().describe("Client-generated: a retried create returns the first programme"),
    areaCode: z.string().trim().min(1).max(20).describe("Where the programme is run (a county, a township …)"),
    ...programFields,
  })
  .strict()
  .refine(minNotAboveMax, { message: "not below the smallest amount", path: ["maxAmountFen"] })
  .meta({ id: "NewSubsidyProgram" });

export const SubsidyProgramChangeSchema = z
  .object(programFields)
  .strict()
  .refine(minNotAboveMax, { message: "not below the smallest amount", path: ["maxAmountFen"] })
  .meta({ id: "SubsidyProgramChange" });

export const SubsidyBatchSchema = z
  .object({
    id: z.uuid(),
    title: z.string(),
    areaCode: z.string(),
    areaName: z.string(),
    status: z.enum(["draft", "published"]),
    fileName: z.string(),
    rowCount: z.number().int(),
    totalFen: z.number().int(),
    flaggedRows: z.number().int().describe("Rows with a flag"),
    openFlags: z.number().int().describe("Flagged rows neither corrected nor confirmed: publication waits for 0"),
    createdAt: z.string(),
    publishedAt: z.string().nullable(),
  })
  .meta({ id: "SubsidyBatch" });

export const SubsidyBatchQuerySchema = z
  .object({
    areaCode: z.string().trim().min(1).max(20).optional().describe("Batches of this area and below"),
    status: z.enum(["draft", "published"]).optional(),
  })
  .strict();

export const SubsidyImportQuerySchema = z
  .object({
    id: z.uuid().describe("Client-generated: a retried import returns the first batch"),
    areaCode: z.string().trim().min(1).max(20).describe("The village (or other area) the batch pays in"),
    title: z.string().trim().min(1).max(100),
    fileName: z.string().trim().min(1).max(200),
  })
  .strict();

export const SubsidyRowSchema = z
  .object({
    id: z.uuid(),
    row: z.number().int().describe("The row number in the imported file"),
    name: z.string(),
    idNumberMasked: z.string(),
    amountFen: z.number().int(),
    paidOn: z.string(),
    programId: z.uuid(),
    programName: z.string(),
    flags: z.array(z.enum(SUBSIDY_FLAGS)),
    corrected: z.boolean().describe("Changed by the village after the import"),
    confirmation: z
      .object({ reason: z.string(), by: z.string().nullable(), at: z.string() })
      .nullable()
      .describe("The village confirmed the row as it is, with a reason"),
  })
  .meta({ id: "SubsidyRow" });

export const SubsidyRowQuerySchema = z
  .object({
    flagged: z.enum(["true", "false"]).optional().describe("Only rows with a flag"),
    limit: z.coerce.number().int().min(1).max(500).default(100),
    offset: z.coerce.number().int().min(0).default(0),
  })
  .strict();

export const SubsidyRowCorrectionSchema = z
  .object({
    name: z.string().trim().min(1).max(50),
    idNumber: z.string().trim().min(1).max(30),
    amountFen,
    paidOn: z.iso.date(),
    programId: z.uuid(),
  })
  .strict()
  .meta({ id: "SubsidyRowCorrection" });

export const SubsidyRowConfirmationSchema = z
  .object({ reason: z.string().trim().min(2).max(MAX_CONFIRM_REASON_LENGTH) })
  .strict()
  .meta({ id: "SubsidyRowConfirmation" });

export const PublicSubsidyBatchSchema = z
  .object({
    id: z.uuid(),
    title: z.string(),
    areaName: z.string(),
    publishedAt: z.string(),
    rowCount: z.number().int(),
  })
  .meta({ id: "PublicSubsidyBatch" });

export const PublicSubsidyListSchema = z
  .object({
    batch: PublicSubsidyBatchSchema,
    programs: z.array(
      z.object({ id: z.uuid(), name: z.string(), rules: z.string(), publicAmount: z.enum(PUBLIC_AMOUNTS) }),
    ),
    rows: z.array(
      z.object({
        name: z.string().describe("Partly masked (韦*强)"),
        programId: z.uuid(),
        amountFen: z.number().int().nullable().describe("Null where the programme shows no amounts"),
        paidOn: z.string(),
      }),
    ),
  })
  .meta({ id: "PublicSubsidyList" });

export const MySubsidyPaymentSchema = z
  .object({
    id: z.uuid(),
    self: z.boolean().describe("A payment to the resident (else to a member of their household)"),
    name: z.string().describe("The resident's name, or a household member's partly masked"),
    programName: z.string(),
    amountFen: z.number().int(),
    paidOn: z.string(),
    batchTitle: z.string(),
    areaName: z.string(),
  })
  .meta({ id: "MySubsidyPayment" });

export type SubsidyProgram = z.infer<typeof SubsidyProgramSchema>;
export type NewSubsidyProgram = z.input<typeof NewSubsidyProgramSchema>;
export type SubsidyProgramChange = z.input<typeof SubsidyProgramChangeSchema>;
export type SubsidyBatch = z.infer<typeof SubsidyBatchSchema>;
export type SubsidyRow = z.infer<typeof SubsidyRowSchema>;
export type SubsidyRowCorrection = z.input<typeof SubsidyRowCorrectionSchema>;
export type PublicSubsidyBatch = z.infer<typeof PublicSubsidyBatchSchema>;
export type PublicSubsidyList = z.infer<typeof PublicSubsidyListSchema>;
export type MySubsidyPayment = z.infer<typeof MySubsidyPaymentSchema>;

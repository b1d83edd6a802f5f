import { z } from "zod";
import { FINANCE_DIRECTIONS, MAX_AMOUNT_FEN, MAX_FINANCE_LINES } from "./finance.ts";
import { PERIOD_KINDS } from "./periods.ts";

/**
 * Request and response schemas of four-affairs disclosures (四务公开), their versions, finance tables,
 * files, reviews, and residents' questions and objections. Public answers carry no author of an
 * anonymous objection and no account of anyone: a signature is a masked name (韦*强).
 */
export const DISCLOSURE_KINDS = ["party", "village", "finance", "service"] as const;
export type DisclosureKind = (typeof DISCLOSURE_KINDS)[number];
export const VERSION_STATES = ["draft", "in_review", "rejected", "published"] as const;
export type VersionState = (typeof VERSION_STATES)[number];
export const COMMENT_KINDS = ["question", "objection"] as const;
export type CommentKind = (typeof COMMENT_KINDS)[number];
/** What residents may comment on: a published disclosure, procedure guide or livelihood project. */
export const COMMENT_SUBJECTS = ["disclosure", "procedure", "project"] as const;
export type CommentSubject = (typeof COMMENT_SUBJECTS)[number];

export const MAX_TITLE_LENGTH = 120;
export const MAX_BODY_LENGTH = 20_000;
export const MAX_COMMENT_LENGTH = 1000;
export const MAX_PUBLICITY_DAYS = 60;
export const MAX_REASON_LENGTH = 500;

const dateSchema = z.iso.date();
const areaCode = z.string().regex(/^[0-9A-Za-z]{2,24}$/);

export const FinanceLineSchema = z
  .object({
    direction: z.enum(FINANCE_DIRECTIONS),
    subject: z.string().trim().min(1).max(60),
    summary: z.string().trim().max(200).default(""),
    amountFen: z.number().int().positive().max(MAX_AMOUNT_FEN).describe("Integer fen (分)"),
    occurredOn: dateSchema.nullable().default(null),
  })
  .strict()
  .meta({ id: "DisclosureFinanceLine" });

const FinanceFields = {
  financeLines: z.array(FinanceLineSchema).max(MAX_FINANCE_LINES).optional(),
  declaredIncomeFen: z.number().int().min(0).max(MAX_AMOUNT_FEN).optional().describe("收入合计 as declared, fen"),
  declaredExpenseFen: z.number().int().min(0).max(MAX_AMOUNT_FEN).optional().describe("支出合计 as declared, fen"),
};

const ContentFields = {
  title: z.string().trim().min(1).max(MAX_TITLE_LENGTH),
  body: z.string().trim().min(1).max(MAX_BODY_LENGTH),
  publicityDays: z
    .number()
    .int()
    .min(1)
    .max(MAX_PUBLICITY_DAYS)
    .nullable()
    .default(null)
    .describe("A 公示 item: days after publication in which residents may lodge objections; null: not a 公示"),
  ...FinanceFields,
};

export const NewDisclosureSchema = z
  .object({
    id: z.uuid().describe("Client-generated id of the item: a retry answers the first"),
    versionId: z.uuid().describe("Client-generated id of its first version"),
    areaCode: areaCode.describe("The village or community publishing it"),
    kind: z.enum(DISCLOSURE_KINDS),
    periodKind: z.enum(PERIOD_KINDS),
    periodStart: dateSchema,
    ...ContentFields,
  })
  .strict()
  .meta({ id: "NewDisclosure" });

export const DisclosureDraftSchema = z
  .object({
    periodKind: z.enum(PERIOD_KINDS).optional(),
    periodStart: dateSchema.optional(),
    ...ContentFields,
  })
  .strict()
  .meta({ id: "DisclosureDraft" });

export const DisclosureCorrectionSchema = z
  .object({
    versionId: z.uuid().describe("Client-generated id of the new version"),
    reason: z.string().trim().min(1).max(MAX_REASON_LENGTH).describe("Shown to residents beside the corrected item"),
    ...ContentFields,
  })
  .strict()
  .meta({ id: "DisclosureCorrection" });

export const DisclosureSubmitSchema = z.object({ versionId: z.uuid() }).strict().meta({ id: "DisclosureSubmit" });
export const DisclosureReviewSchema = z
  .object({
    versionId: z.uuid(),
    decision: z.enum(["approve", "reject"]),
    note: z.string().trim().max(MAX_REASON_LENGTH).default(""),
  })
  .strict()
  .meta({ id: "DisclosureReview" });

export const DisclosureFileSchema = z
  .object({
    id: z.uuid(),
    fileName: z.string(),
    contentType: z.string(),
    size: z.number().int(),
    createdAt: z.string(),
  })
  .meta({ id: "DisclosureFile" });

export const PublicCommentSchema = z
  .object({
    id: z.uuid(),
    kind: z.enum(COMMENT_KINDS),
    text: z.string(),
    signature: z.string().nullable().describe("A masked name (韦*强); null when anonymous"),
    createdAt: z.string(),
    reply: z.string(),
    repliedAt: z.string(),
  })
  .meta({ id: "PublicComment" });

export const PublishedVersionSchema = z
  .object({
    version: z.number().int(),
    title: z.string(),
    body: z.string(),
    correctionReason: z.string().nullable(),
    publishedAt: z.string(),
    financeLines: z.array(FinanceLineSchema).nullable(),
    incomeFen: z.number().int().nullable(),
    expenseFen: z.number().int().nullable(),
    files: z.array(DisclosureFileSchema),
  })
  .meta({ id: "DisclosurePublishedVersion" });

const Summary = {
  id: z.uuid(),
  areaCode: z.string(),
  areaName: z.string(),
  kind: z.enum(DISCLOSURE_KINDS),
  periodKind: z.enum(PERIOD_KINDS),
  periodStart: z.string(),
  periodKey: z.string(),
  publicityEndsAt: z.string().nullable(),
};

export const DisclosureSummarySchema = z
  .object({
    ...Summary,
    title: z.string(),
    version: z.number().int(),
    corrected: z.boolean().describe("A later version corrected the first"),
    publishedAt: z.string(),
  })
  .meta({ id: "DisclosureSummary" });

export const DisclosureListSchema = z
  .object({ items: z.array(DisclosureSummarySchema), nextCursor: z.string().nullable() })
  .meta({ id: "DisclosureList" });

export const PublicDisclosureSchema = z
  .object({
    ...Summary,
    current: PublishedVersionSchema,
    earlier: z.array(PublishedVersionSchema).describe("Earlier published versions, newest first"),
    comments: z.array(PublicCommentSchema).describe("Answered questions and objections"),
    acceptsObjections: z.boolean(),
  })
  .meta({ id: "PublicDisclosure" });

export const DisclosureListQuerySchema = z
  .object({
    areaCode,
    kind: z.enum(DISCLOSURE_KINDS).optional(),
    q: z.string().trim().max(40).optional(),
    cursor: z.string().max(80).optional(),
    limit: z.coerce.number().int().min(1).max(100).default(30),
  })
  .strict();

export const VersionViewSchema = z
  .object({
    id: z.uuid(),
    version: z.number().int(),
    state: z.enum(VERSION_STATES),
    title: z.string(),
    body: z.string(),
    publicityDays: z.number().int().nullable(),
    correctionReason: z.string().nullable(),
    financeLines: z.array(FinanceLineSchema).nullable(),
    incomeFen: z.number().int().nullable(),
    expenseFen: z.number().int().nullable(),
    files: z.array(DisclosureFileSchema),
    createdBy: z.string().nullable(),
    createdAt: z.string(),
    submittedAt: z.string().nullable(),
    reviewedBy: z.string().nullable(),
    reviewedAt: z.string().nullable(),
    reviewNote: z.string().nullable(),
    publishedAt: z.string().nullable(),
  })
  .meta({ id: "DisclosureVersion" });

export const StaffCommentSchema = z
  .object({
    id: z.uuid(),
    subjectType: z.enum(COMMENT_SUBJECTS),
    subjectId: z.uuid(),
    disclosureId: z.uuid().nullable().describe("Set when the subject is a disclosure"),
    disclosureTitle: z.string().describe("The title of the item commented on (whatever its type)"),
    areaCode: z.string(),
    kind: z.enum(COMMENT_KINDS),
    text: z.string(),
    anonymous: z.boolean(),
    signature: z.string().nullable(),
    author: z.string().describe("The account that wrote it (staff only; never in public answers)"),
    createdAt: z.string(),
    dueAt: z.string().nullable().describe("Objections: the end of the publicity period, by when to answer"),
    overdue: z.boolean(),
    reply: z.string().nullable(),
    repliedAt: z.string().nullable(),
    repliedBy: z.string().nullable(),
    hiddenAt: z.string().nullable(),
    hiddenReason: z.string().nullable(),
  })
  .meta({ id: "StaffComment" });

export const ManagedDisclosureSchema = z
  .object({
    ...Summary,
    title: z.string(),
    requiresReview: z.boolean(),
    publishedVersion: z.number().int().nullable(),
    versions: z.array(VersionViewSchema).describe("Every version, newest first"),
    comments: z.array(StaffCommentSchema),
  })
  .meta({ id: "ManagedDisclosure" });

export const ManagedSummarySchema = z
  .object({
    ...Summary,
    title: z.string(),
    state: z.enum(VERSION_STATES).describe("The newest version's state"),
    publishedVersion: z.number().int().nullable(),
    unanswered: z.number().int(),
    overdue: z.number().int(),
    updatedAt: z.string(),
  })
  .meta({ id: "ManagedDisclosureSummary" });

export const ManagedListQuerySchema = z
  .object({
    areaCode: areaCode.optional(),
    state: z.enum(VERSION_STATES).optional(),
    limit: z.coerce.number().int().min(1).max(200).default(100),
  })
  .strict();

export const DisclosureSettingSchema = z
  .object({ kind: z.enum(DISCLOSURE_KINDS), requiresReview: z.boolean() })
  .meta({ id: "DisclosureSetting" });

export const FinanceTableSchema = z
  .object({
    lines: z.array(FinanceLineSchema),
    declaredIncomeFen: z.number().int().nullable(),
    declaredExpenseFen: z.number().int().nullable(),
    incomeFen: z.number().int(),
    expenseFen: z.number().int(),
    rejected: z.array(z.object({ row: z.number().int(), column: z.string(), message: z.string() })),
  })
  .meta({ id: "DisclosureFinanceTable" });

export const PublicAreaSchema = z
  .object({ code: z.string(), name: z.string(), level: z.string(), hasChildren: z.boolean() })
  .meta({ id: "PublicArea" });

export const NewCommentSchema = z
  .object({
    id: z.uuid(),
    disclosureId: z.uuid().optional(),
    procedureId: z.uuid().optional(),
    projectId: z.uuid().optional(),
    kind: z.enum(COMMENT_KINDS).describe("An objection only on a disclosure in its publicity period"),
    text: z.string().trim().min(1).max(MAX_COMMENT_LENGTH),
    anonymous: z.boolean().default(false),
    signature: z.string().trim().max(20).optional().describe("The name to sign with (shown masked: 韦*强)"),
  })
  .strict()
  .refine((c) => [c.disclosureId, c.procedureId, c.projectId].filter(Boolean).length === 1, {
    message: "name exactly one of disclosureId, procedureId, projectId",
    path: ["disclosureId"],
  })
  .meta({ id: "NewComment" });

export const MyCommentSchema = z
  .object({
    id: z.uuid(),
    subjectType: z.enum(COMMENT_SUBJECTS),
    subjectId: z.uuid(),
    disclosureId: z.uuid().nullable().describe("Set when the subject is a disclosure"),
    disclosureTitle: z.string().describe("The title of the item commented on (whatever its type)"),
    kind: z.enum(COMMENT_KINDS),
    text: z.string(),
    anonymous: z.boolean(),
    signature: z.string().nullable(),
    createdAt: z.string(),
    reply: z.string().nullable(),
    repliedAt: z.string().nullable(),
    hiddenReason: z.string().nullable(),
  })
  .meta({ id: "MyComment" });

export const CommentInboxQuerySchema = z
  .object({
    areaCode: areaCode.optional(),
    state: z.enum(["open", "overdue", "answered", "hidden", "all"]).default("open"),
    subjectType: z.enum(COMMENT_SUBJECTS).optional().describe("Only comments on disclosures, procedures or projects"),
    limit: z.coerce.number().int().min(1).max(200).default(100),
  })
  .strict();

export const CommentReplySchema = z
  .object({ text: z.string().trim().min(1).max(MAX_COMMENT_LENGTH) })
  .strict()
  .meta({ id: "CommentReply" });
export const CommentHideSchema = z
  .object({ reason: z.string().trim().min(1).max(MAX_REASON_LENGTH) })
  .strict()
  .meta({ id: "CommentHide" });

export type DisclosureList = z.infer<typeof DisclosureListSchema>;
export type PublicDisclosure = z.infer<typeof PublicDisclosureSchema>;
export type PublicArea = z.infer<typeof PublicAreaSchema>;
export type ManagedDisclosure = z.infer<typeof ManagedDisclosureSchema>;
export type ManagedDisclosureSummary = z.infer<typeof ManagedSummarySchema>;
export type StaffComment = z.infer<typeof StaffCommentSchema>;
export type MyComment = z.infer<typeof MyCommentSchema>;
export type FinanceTable = z.infer<typeof FinanceTableSchema>;
export type DisclosureSetting = z.infer<typeof DisclosureSettingSchema>;

// ---- procedures (办事指南) ------------------------------------------------------------------------

export const MAX_PROCEDURE_MATERIALS = 30;

const ProcedureFields = {
  title: z.string().trim().min(1).max(MAX_TITLE_LENGTH),
  materials: z
    .array(z.string().trim().min(1).max(200))
    .max(MAX_PROCEDURE_MATERIALS)
    .describe("What to bring, one item each"),
  location: z.string().trim().min(1).max(200).describe("Where to go"),
  fees: z.string().trim().max(200).default("").describe("Fees, or empty when free"),
  timeLimit: z.string().trim().max(200).default("").describe("办理时限"),
  contact: z.string().trim().max(200).default(""),
  body: z.string().trim().max(MAX_BODY_LENGTH).default("").describe("Steps and notes"),
  published: z.boolean().default(false),
};

export const NewProcedureSchema = z
  .object({ id: z.uuid(), areaCode: areaCode.describe("The township or village that offers it"), ...ProcedureFields })
  .strict()
  .meta({ id: "NewProcedure" });
export const ProcedureUpdateSchema = z.object(ProcedureFields).strict().meta({ id: "ProcedureUpdate" });

export const ProcedureSchema = z
  .object({
    id: z.uuid(),
    areaCode: z.string(),
    areaName: z.string(),
    title: z.string(),
    materials: z.array(z.string()),
    location: z.string(),
    fees: z.string(),
    timeLimit: z.string(),
    contact: z.string(),
    body: z.string(),
    published: z.boolean(),
    updatedAt: z.string(),
  })
  .meta({ id: "Procedure" });

export const PublicProcedureSchema = ProcedureSchema.extend({
  comments: z.array(PublicCommentSchema).describe("Answered questions"),
}).meta({ id: "PublicProcedure" });

export const ProcedureListQuerySchema = z
  .object({
    areaCode: areaCode.describe("A village: its procedures and those of the areas above it"),
    q: z.string().trim().min(1).max(40).optional().describe("Chinese words, or pinyin (full or initials)"),
  })
  .strict();
export const ManagedProcedureQuerySchema = z.object({ areaCode: areaCode.optional() }).strict();

export type Procedure = z.infer<typeof ProcedureSchema>;
export type PublicProcedure = z.infer<typeof PublicProcedureSchema>;

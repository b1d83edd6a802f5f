import { z } from "zod";
import { PublicCommentSchema, StaffCommentSchema } from "../disclosures/disclosures.schemas.ts";
import { MAX_AMOUNT_FEN } from "../disclosures/finance.ts";
import {
  ACCEPTANCE_RESULTS,
  MILESTONE_STATES,
  PROJECT_FILE_PURPOSES,
  PROJECT_STAGES,
  SIGNATORY_ROLES,
} from "./projects.ts";

/**
 * Request and response schemas of livelihood projects (民生项目): the project with its budget (integer
 * fen), funding source and contractor; milestones with planned and actual dates; progress photos and the
 * acceptance document (location metadata removed); the completion acceptance (验收); and every published
 * version, a correction carrying the reason residents see.
 */
export const MAX_PROJECT_MILESTONES = 50;
const date = z.iso.date();
const areaCode = z.string().regex(/^[0-9A-Za-z]{2,24}$/);
const reason = z.string().trim().min(1).max(500);

const ProjectFields = {
  title: z.string().trim().min(1).max(120),
  body: z.string().trim().max(20_000).default("").describe("What is built, where, for whom"),
  budgetFen: z.number().int().positive().max(MAX_AMOUNT_FEN).describe("The budget in integer fen (分)"),
  fundingSource: z.string().trim().min(1).max(200).describe("资金来源, e.g. 衔接推进乡村振兴补助资金"),
  contractor: z.string().trim().max(200).default("").describe("施工单位; empty until chosen"),
  startOn: date.nullable().default(null),
  plannedEndOn: date.nullable().default(null),
};

export const NewProjectSchema = z
  .object({
    id: z.uuid().describe("Client-generated id: a retry (also in parallel) answers the first"),
    areaCode: areaCode.describe("The village or township that runs it"),
    ...ProjectFields,
  })
  .strict()
  .meta({ id: "NewProject" });

export const ProjectUpdateSchema = z
  .object({
    ...ProjectFields,
    reason: reason.optional().describe("Required once published: a correction, kept with the earlier version"),
  })
  .strict()
  .meta({ id: "ProjectUpdate" });

export const NewMilestoneSchema = z
  .object({
    id: z.uuid(),
    title: z.string().trim().min(1).max(120),
    plannedOn: date,
    note: z.string().trim().max(1000).default(""),
  })
  .strict()
  .meta({ id: "NewProjectMilestone" });

export const MilestoneUpdateSchema = z
  .object({
    title: z.string().trim().min(1).max(120),
    plannedOn: date,
    actualOn: date.nullable().default(null),
    status: z.enum(MILESTONE_STATES),
    note: z.string().trim().max(1000).default(""),
  })
  .strict()
  .meta({ id: "ProjectMilestoneUpdate" });

export const MAX_RECTIFICATION_ITEMS = 30;
export const MAX_SIGNATORIES = 12;

/** One who signed an acceptance, named by role and unit (验收组成员), as the project page shows people. */
export const AcceptanceSignatorySchema = z
  .object({
    role: z.enum(SIGNATORY_ROLES),
    unit: z.string().trim().min(1).max(120).describe("The unit or body that signed, e.g. 港北区住房和城乡建设局"),
  })
  .strict()
  .meta({ id: "ProjectAcceptanceSignatory" });

export const AcceptanceInputSchema = z
  .object({
    id: z.uuid().describe("Client-generated id: a retry (also in parallel) answers the first"),
    acceptedOn: date.describe("验收日期"),
    acceptedBy: z.string().trim().min(1).max(200).describe("Who organised it: the body or group (验收单位/验收组)"),
    result: z.enum(ACCEPTANCE_RESULTS),
    note: z.string().trim().max(2000).default("").describe("验收意见; for a failed one, why it failed"),
    rectifications: z
      .array(z.string().trim().min(1).max(300))
      .max(MAX_RECTIFICATION_ITEMS)
      .default([])
      .describe("整改事项: required (one at least) when it failed, none when it passed"),
    signatories: z
      .array(AcceptanceSignatorySchema)
      .min(1)
      .max(MAX_SIGNATORIES)
      .describe("Who signed, by role and unit"),
    documentFileId: z.uuid().nullable().default(null).describe("The acceptance report uploaded as purpose=acceptance"),
  })
  .strict()
  .meta({ id: "NewProjectAcceptance" });

export const ProjectFileQuerySchema = z
  .object({
    fileName: z.string().max(200).default(""),
    purpose: z.enum(PROJECT_FILE_PURPOSES).default("photo"),
    milestoneId: z.uuid().optional().describe("The milestone a progress photo shows"),
    caption: z.string().max(200).default(""),
  })
  .strict();

export const ProjectFileSchema = z
  .object({
    id: z.uuid(),
    purpose: z.enum(PROJECT_FILE_PURPOSES),
    milestoneId: z.uuid().nullable(),
    fileName: z.string(),
    caption: z.string(),
    contentType: z.string(),
    size: z.number().int(),
    createdAt: z.string(),
  })
  .meta({ id: "ProjectFile" });

export const MilestoneSchema = z
  .object({
    id: z.uuid(),
    position: z.number().int(),
    title: z.string(),
    plannedOn: z.string(),
    actualOn: z.string().nullable(),
    status: z.enum(MILESTONE_STATES),
    note: z.string(),
    late: z.boolean().describe("Planned date passed and not done"),
  })
  .meta({ id: "ProjectMilestone" });

export const AcceptanceSchema = z
  .object({
    id: z.uuid(),
    number: z.number().int().describe("1 for the first acceptance of the project, 2 for the next, …"),
    acceptedOn: z.string(),
    acceptedBy: z.string(),
    result: z.enum(ACCEPTANCE_RESULTS),
    note: z.string(),
    rectifications: z.array(z.string()),
    signatories: z.array(AcceptanceSignatorySchema),
    document: ProjectFileSchema.nullable(),
    recordedAt: z.string(),
  })
  .meta({ id: "ProjectAcceptance" });

export const ProjectVersionSchema = z
  .object({
    version: z.number().int(),
    title: z.string(),
    body: z.string(),
    budgetFen: z.number().int(),
    fundingSource: z.string(),
    contractor: z.string(),
    startOn: z.string().nullable(),
    plannedEndOn: z.string().nullable(),
    reason: z.string().nullable().describe("Why it was corrected; null for the first publication"),
    publishedAt: z.string(),
    publishedBy: z.string().nullable().describe("Staff only"),
  })
  .meta({ id: "ProjectVersion" });

const Core = {
  id: z.uuid(),
  areaCode: z.string(),
  areaName: z.string(),
  title: z.string(),
  budgetFen: z.number().int(),
  fundingSource: z.string(),
  contractor: z.string(),
  stage: z.enum(PROJECT_STAGES),
  milestonesDone: z.number().int(),
  milestonesTotal: z.number().int(),
};

export const ProjectSummarySchema = z
  .object({ ...Core, version: z.number().int().nullable(), publishedAt: z.string().nullable(), updatedAt: z.string() })
  .meta({ id: "ProjectSummary" });

export const PublicProjectSchema = z
  .object({
    ...Core,
    body: z.string(),
    startOn: z.string().nullable(),
    plannedEndOn: z.string().nullable(),
    version: z.number().int(),
    correctionReason: z.string().nullable(),
    publishedAt: z.string(),
    earlier: z.array(ProjectVersionSchema).describe("Earlier published versions, newest first"),
    milestones: z.array(MilestoneSchema),
    photos: z.array(ProjectFileSchema),
    acceptances: z
      .array(AcceptanceSchema)
      .describe("Every completion acceptance in order, a failed one kept with its rectification items"),
    comments: z.array(PublicCommentSchema).describe("Answered questions"),
  })
  .meta({ id: "PublicProject" });

export const ManagedProjectSchema = z
  .object({
    ...Core,
    body: z.string(),
    startOn: z.string().nullable(),
    plannedEndOn: z.string().nullable(),
    version: z.number().int().nullable().describe("The published version; null while a draft"),
    versions: z.array(ProjectVersionSchema).describe("Every published version, newest first"),
    milestones: z.array(MilestoneSchema),
    files: z.array(ProjectFileSchema),
    acceptances: z.array(AcceptanceSchema).describe("Every completion acceptance in order"),
    comments: z.array(StaffCommentSchema),
    updatedAt: z.string(),
  })
  .meta({ id: "ManagedProject" });

export const ProjectListQuerySchema = z
  .object({
    areaCode: areaCode.describe("A village (its projects and its township's) or a township"),
    q: z.string().trim().min(1).max(40).optional().describe("Words of the title"),
  })
  .strict();
export const ManagedProjectQuerySchema = z
  .object({ areaCode: areaCode.optional(), limit: z.coerce.number().int().min(1).max(500).default(200) })
  .strict();

export type NewProject = z.infer<typeof NewProjectSchema>;
export type ProjectUpdate = z.infer<typeof ProjectUpdateSchema>;
export type ProjectSummary = z.infer<typeof ProjectSummarySchema>;
export type PublicProject = z.infer<typeof PublicProjectSchema>;
export type ManagedProject = z.infer<typeof ManagedProjectSchema>;
export type ProjectMilestone = z.infer<typeof MilestoneSchema>;
export type ProjectFile = z.infer<typeof ProjectFileSchema>;
export type ProjectAcceptance = z.infer<typeof AcceptanceSchema>;
export type NewProjectAcceptance = z.input<typeof AcceptanceInputSchema>;
export type AcceptanceSignatory = z.infer<typeof AcceptanceSignatorySchema>;

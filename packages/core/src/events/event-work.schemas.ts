import { z } from "zod";

/**
 * What the pickers of an event's work ask for: the people who may be given it (an assignee, a
 * mediator), the areas it may be dispatched down to, the events it may be merged into. Each answer
 * lists exactly what the server would accept for that event now, so a person picks by name and
 * never types an id.
 */
export const CANDIDATE_PAGE_MAX = 50;

export const CandidatesQuerySchema = z
  .object({
    q: z.string().trim().max(50).optional().describe("Part of the name: characters, pinyin or initials (zx, zhengx)"),
    limit: z.coerce.number().int().min(1).max(CANDIDATE_PAGE_MAX).default(20),
    offset: z.coerce.number().int().min(0).max(10_000).default(0),
  })
  .strict();

export const CandidatePostSchema = z.object({
  roleKey: z.string(),
  roleName: z.object({ "zh-CN": z.string(), en: z.string() }),
  areaCode: z.string().nullable(),
  areaName: z.string().nullable(),
});

export const CandidateSchema = z
  .object({
    userId: z.uuid(),
    displayName: z.string(),
    posts: z.array(CandidatePostSchema).describe("The posts that let them take on this event's work, nearest first"),
    atEventArea: z.boolean().describe("One of those posts is at the event's own area (its grid): listed first"),
  })
  .meta({ id: "EventWorkCandidate" });
export type Candidate = z.infer<typeof CandidateSchema>;

export const CandidatePageSchema = z
  .object({ items: z.array(CandidateSchema), total: z.number().int() })
  .meta({ id: "EventWorkCandidatePage" });

export const DispatchTargetSchema = z
  .object({
    code: z.string(),
    name: z.string(),
    level: z.string(),
    parentCode: z.string().nullable(),
  })
  .meta({ id: "EventDispatchTarget" });

export const MergeTargetsQuerySchema = z
  .object({
    q: z.string().trim().max(100).optional().describe("An event number, or words of its title or description"),
  })
  .strict();

export const MergeTargetSchema = z
  .object({
    id: z.uuid(),
    number: z.string(),
    title: z.string(),
    state: z.string(),
    areaCode: z.string(),
    createdAt: z.string(),
    likelyDuplicate: z.boolean().describe("Found as a likely duplicate (same category, near, similar text)"),
    similarity: z.number().nullable(),
    distanceM: z.number().nullable(),
  })
  .meta({ id: "EventMergeTarget" });

import { fieldIssue } from "../platform/field.messages.ts";
import type { FieldIssue } from "../shared/domain-error.ts";

/**
 * Livelihood projects (民生项目): a village's or township's works (村道硬化, 饮水安全巩固提升, 太阳能路灯)
 * with a budget in fen, milestones and a completion acceptance (验收). What residents are told of a
 * project's progress is derived here from its milestones and acceptance, never typed in by hand.
 */
export const MILESTONE_STATES = ["planned", "in_progress", "done"] as const;
export type MilestoneState = (typeof MILESTONE_STATES)[number];
export const ACCEPTANCE_RESULTS = ["passed", "failed"] as const;
export type AcceptanceResult = (typeof ACCEPTANCE_RESULTS)[number];
/**
 * Who signs a completion acceptance, by role (竣工验收 of a village works: the owner, the builder, the
 * supervisor and designer where there is one, the competent department, and the villagers' own
 * representatives and oversight committee, 村务监督委员会).
 */
export const SIGNATORY_ROLES = [
  "owner",
  "contractor",
  "supervisor",
  "designer",
  "authority",
  "villager_representatives",
  "oversight_committee",
] as const;
export type SignatoryRole = (typeof SIGNATORY_ROLES)[number];
export const PROJECT_FILE_PURPOSES = ["photo", "acceptance"] as const;
export type ProjectFilePurpose = (typeof PROJECT_FILE_PURPOSES)[number];
export const PROJECT_STAGES = [
  "draft",
  "not_started",
  "under_way",
  "awaiting_acceptance",
  "rectifying",
  "completed",
] as const;
export type ProjectStage = (typeof PROJECT_STAGES)[number];

/** Where a project stands: from whether it is published, its milestones' states and its acceptance. */
export function projectStage(p: {
  published: boolean;
  milestones: readonly { status: MilestoneState }[];
  acceptanceResult: AcceptanceResult | null;
}): ProjectStage {
  if (!p.published) return "draft";
  if (p.acceptanceResult === "passed") return "completed";
  if (p.acceptanceResult === "failed") return "rectifying";
  const done = p.milestones.filter((m) => m.status === "done").length;
  if (p.milestones.length > 0 && done === p.milestones.length) return "awaiting_acceptance";
  if (done === 0 && p.milestones.every((m) => m.status === "planned")) return "not_started";
  return "under_way";
}

/** A completion acceptance is recorded only once every milestone is done (and there is one at least). */
export function readyForAcceptance(milestones: readonly { status: MilestoneState }[]): boolean {
  return milestones.length > 0 && milestones.every((m) => m.status === "done");
}

/** A milestone is late when its planned date has passed (in China's calendar) and it is not done. */
export function milestoneLate(m: { status: MilestoneState; plannedOn: string }, today: string): boolean {
  return m.status !== "done" && m.plannedOn < today;
}

/**
 * The rules of a new completion acceptance beside its project's record: a failed one lists what is to
 * be rectified (整改事项) and a passed one nothing; none is dated before the acceptance before it, nor
 * after `today` (China's calendar): an acceptance is recorded once it has taken place.
 */
export function acceptanceIssues(
  input: { result: AcceptanceResult; rectifications: readonly string[]; acceptedOn: string },
  previousOn: string | null,
  today: string,
): FieldIssue[] {
  const issues: FieldIssue[] = [];
  if ((input.result === "failed") !== input.rectifications.length > 0)
    issues.push(fieldIssue("body.rectifications", "PROJECT_FIELD_RECTIFICATIONS"));
  if (previousOn !== null && input.acceptedOn < previousOn)
    issues.push(fieldIssue("body.acceptedOn", "PROJECT_FIELD_ACCEPTANCE_DATE"));
  if (input.acceptedOn > today) issues.push(fieldIssue("body.acceptedOn", "PROJECT_FIELD_ACCEPTANCE_FUTURE"));
  return issues;
}

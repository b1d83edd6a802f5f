import { fieldIssue } from "../platform/field.messages.ts";
import type { FieldIssue } from "../shared/domain-error.ts";

/**
 * The daily close-out (日尽结): at the end of a day a worker confirms what the day held — events
 * received, settled, handed on and still open, visits done and due — all derived from the records,
 * nothing typed twice. Every event still open is carried over with a reason chosen from this list
 * ("other" needs a few words). Once confirmed a close-out is locked; a later correction is a new
 * record beside it. A worker may close out today or one of the CLOSE_OUT_MAX_DAYS_BACK days before.
 */
export const CARRY_OVER_REASONS = [
  "within_deadline",
  "awaiting_party",
  "awaiting_materials",
  "needs_higher_level",
  "weather_or_access",
  "other",
] as const;
export type CarryOverReason = (typeof CARRY_OVER_REASONS)[number];

export const CLOSE_OUT_MAX_DAYS_BACK = 7;

export interface CarryOver {
  eventId: string;
  reason: CarryOverReason;
  note?: string | undefined;
}

/**
 * What is wrong with the carry-overs given for the events still open (paths under `body.carryOvers`):
 * `missing` lists the open events without one, `issues` every problem with its path.
 */
export function checkCarryOvers(
  openEventIds: readonly string[],
  carryOvers: readonly CarryOver[],
): { missing: string[]; issues: FieldIssue[] } {
  const issues: FieldIssue[] = [];
  const open = new Set(openEventIds);
  const given = new Set<string>();
  for (const [i, c] of carryOvers.entries()) {
    if (!open.has(c.eventId)) issues.push(fieldIssue(`body.carryOvers.${i}.eventId`, "VISIT_FIELD_NOT_OPEN_EVENT"));
    if (given.has(c.eventId)) issues.push(fieldIssue(`body.carryOvers.${i}.eventId`, "VISIT_FIELD_GIVEN_TWICE"));
    given.add(c.eventId);
    if (c.reason === "other" && !c.note?.trim())
      issues.push(fieldIssue(`body.carryOvers.${i}.note`, "VISIT_FIELD_SAY_WHY"));
  }
  const missing = openEventIds.filter((id) => !given.has(id));
  for (const id of missing) issues.push(fieldIssue("body.carryOvers", "VISIT_FIELD_EVENT_STILL_OPEN", { event: id }));
  return { missing, issues };
}

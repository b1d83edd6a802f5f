import { canView, canWork, DomainError, type Principal, principalScope } from "@wangge/core";
import type { AppContext, RequestMeta } from "../../context.ts";
import { refusal } from "../audit/audit.service.ts";

/**
 * Registry writes act in the WORK scope of `person.manage` (core/auth/scope.ts), as event actions do:
 * grid staff change records anywhere under their grid; an official only records attributed to their own
 * area — the rest of their subtree they view and supervise, they do not edit. A record the writer can
 * see but not work on is refused (403, audited as denied); one they cannot see stays not found.
 */
export async function requireWork(
  ctx: AppContext,
  actor: Principal,
  meta: RequestMeta,
  target: { action: string; type: string; id: string; areaPath: string },
): Promise<void> {
  if (canWork(principalScope(actor, "person.manage"), target.areaPath)) return;
  throw await refusal(ctx, actor, meta, target, `you may not change ${target.type} records of this area`);
}

export const NOT_FOUND_CODES = {
  person: "PERSON_NOT_FOUND",
  household: "HOUSEHOLD_NOT_FOUND",
  place: "PLACE_NOT_FOUND",
  organisation: "ORGANISATION_NOT_FOUND",
} as const;

/**
 * A create whose client id already holds a different record: a conflict if the caller may see that
 * record, else the answer a read of that id would give (not found) — a conflict would tell it exists.
 */
export function takenIdError(
  actor: Principal,
  type: keyof typeof NOT_FOUND_CODES,
  id: string,
  areaPath: string,
): DomainError {
  if (canView(principalScope(actor, "person.read"), areaPath))
    return new DomainError("REGISTRY_ID_CONFLICT", `id ${id} already holds a different record`);
  return new DomainError(NOT_FOUND_CODES[type], `no ${type} ${id} in your scope`, {
    errors: [{ path: "id", message: `unknown ${type}` }],
  });
}

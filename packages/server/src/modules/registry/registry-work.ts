import {
  authorId,
  canView,
  canWork,
  codeOfPath,
  DomainError,
  fieldIssue,
  type Principal,
  principalScope,
} from "@wangge/core";
import type { AppContext, RequestMeta } from "../../context.ts";
import { recordAudit, refusal } from "../audit/audit.service.ts";
import type { NumberSought } from "./number-lookups.ts";

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
    errors: [fieldIssue("id", `REGISTRY_FIELD_UNKNOWN_${type.toUpperCase()}`)],
  });
}

/** The words of a refusal that says nothing of where, or whose, a number is. */
export const NUMBER_REFUSED = {
  idNumber: "this ID number cannot be registered here; contact the township registry office",
  householdRef: "this household number cannot be registered here; contact the township registry office",
} as const;

/**
 * A registration (or correction) whose ID or household number another record already holds: one
 * record per number, so it is refused — audited as denied with the number's blind index and the
 * record that holds it. A writer who may see that record is told which it is and where
 * (PERSON_ID_NUMBER_TAKEN, or a field error for a household number, with the record to open); anyone
 * else gets REGISTRY_NUMBER_REFUSED in the same words wherever the record is. `visible` tells the
 * caller to write the look-up to the record's access log.
 */
export async function registeredNumberRefusal(
  ctx: AppContext,
  actor: Principal,
  meta: RequestMeta,
  attempt: { action: string; type: string; id: string; areaPath: string | null; path: string; number: NumberSought },
  holder: { type: "person" | "household"; id: string; areaPath: string; label: string },
): Promise<{ error: DomainError; visible: boolean }> {
  const visible = canView(principalScope(actor, "person.read"), holder.areaPath);
  await recordAudit(ctx, ctx.db, {
    action: attempt.action,
    outcome: "denied",
    actor: { userId: authorId(actor), username: actor.username },
    meta,
    targetType: attempt.type,
    targetId: attempt.id,
    areaPath: attempt.areaPath,
    reason: `the ${attempt.number.kind === "householdRef" ? "household number" : "ID number"} is already registered`,
    details: {
      by: attempt.number.kind,
      index: attempt.number.index,
      masked: attempt.number.masked,
      holder: { type: holder.type, id: holder.id },
      toldWhere: visible,
    },
  });
  const kind = attempt.number.kind === "householdRef" ? "householdRef" : "idNumber";
  if (!visible)
    return {
      visible,
      error: new DomainError("REGISTRY_NUMBER_REFUSED", NUMBER_REFUSED[kind], {
        errors: [
          fieldIssue(
            attempt.path,
            kind === "idNumber" ? "REGISTRY_FIELD_ID_REFUSED" : "REGISTRY_FIELD_HOUSEHOLD_REFUSED",
          ),
        ],
      }),
    };
  const where = codeOfPath(holder.areaPath);
  const issue = {
    ...fieldIssue(attempt.path, "REGISTRY_FIELD_ALREADY_REGISTERED", {
      type: { code: `RECORD_TYPE_${holder.type}` },
      label: String(holder.label),
      where: String(where),
    }),
    record: { type: holder.type, id: holder.id },
  };
  return {
    visible,
    error:
      kind === "idNumber"
        ? new DomainError("PERSON_ID_NUMBER_TAKEN", "another person is registered with this ID number", {
            errors: [issue],
          })
        : new DomainError("VALIDATION_FAILED", "the household number is already used", { errors: [issue] }),
  };
}

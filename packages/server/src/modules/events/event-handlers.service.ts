import { canWork, DomainError, type Permission, principalScope } from "@wangge/core";
import type { AppContext } from "../../context.ts";
import { findAccount, loadPrincipal } from "../users/users.service.ts";

/**
 * Whom an event's work may be given to (the person assigned, the mediator of a dispute): an active
 * account holding a post with the permission that may act where the event is — the same test its
 * own actions will meet. Anyone else (an unknown id, a resident, a disabled account, staff of another
 * area) is answered with one and the same field error, so the answer tells nothing about who exists
 * or where, and nothing is written or notified.
 */
export async function staffWhoMayWork(
  ctx: AppContext,
  userId: string,
  permission: Permission,
  areaPath: string,
  field: string,
): Promise<{ userId: string; displayName: string }> {
  const user = await findAccount(ctx.db, userId);
  const principal = user?.status === "active" ? await loadPrincipal(ctx.db, user, "session") : undefined;
  if (!principal || !canWork(principalScope(principal, permission), areaPath))
    throw new DomainError("VALIDATION_FAILED", "no one by that id may take on this event's work", {
      errors: [{ path: field, message: "not a member of staff who may handle this event" }],
    });
  return { userId: principal.userId, displayName: principal.displayName };
}

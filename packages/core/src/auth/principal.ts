import { PERMISSION_KEYS, type Permission } from "./permissions.ts";
import type { RoleKey } from "./roles.ts";
import { computeScope, type DataScope } from "./scope.ts";

/** The signed-in user as every rule sees them: who, and what they may do where. */
export interface PrincipalAssignment {
  id: string;
  roleKey: RoleKey | string;
  areaCode: string | null;
  areaName: string | null;
  areaPath: string | null;
  homeUnit: string | null;
  workScope: "subtree" | "area";
  permissions: Permission[];
  /** The role demands a second factor (an admin's choice per role). */
  requiresTotp?: boolean;
}

export interface Principal {
  userId: string;
  username: string;
  displayName: string;
  via: "session" | "token";
  assignments: PrincipalAssignment[];
}

export function principalPermissions(p: Pick<Principal, "assignments">): Permission[] {
  return [...new Set(p.assignments.flatMap((a) => a.permissions))].sort();
}

export function principalScope(p: Pick<Principal, "assignments">, permission?: Permission): DataScope {
  return computeScope(p.assignments, permission);
}

/** The actor of CLI commands, seeds and start-up tasks: everything, everywhere, audited as "system". */
export const SYSTEM_USER_ID = "00000000-0000-0000-0000-000000000000";

export function systemPrincipal(): Principal {
  return {
    userId: SYSTEM_USER_ID,
    username: "system",
    displayName: "system",
    via: "token",
    assignments: [
      {
        id: SYSTEM_USER_ID,
        roleKey: "system",
        areaCode: null,
        areaName: null,
        areaPath: null,
        homeUnit: null,
        workScope: "subtree",
        permissions: [...PERMISSION_KEYS],
      },
    ],
  };
}

/** The recorded author of a change: a real user's id, or null for the system. */
export function authorId(p: Pick<Principal, "userId">): string | null {
  return p.userId === SYSTEM_USER_ID ? null : p.userId;
}

/**
 * What a signed-in user must do before anything else: set up TOTP when one of their roles demands it
 * and they have none, or replace a temporary password an admin gave them.
 */
export type Restriction = "totp_setup" | "password_change" | null;

export function accountRestriction(
  account: { totpEnabled: boolean; mustChangePassword: boolean },
  principal: Pick<Principal, "assignments">,
): Restriction {
  if (!account.totpEnabled && principal.assignments.some((a) => a.requiresTotp)) return "totp_setup";
  if (account.mustChangePassword) return "password_change";
  return null;
}

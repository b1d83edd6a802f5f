import type { RoleView, UserView } from "@wangge/core";
import { apiFetch } from "../../../lib/api-client.ts";

export type User = UserView;
export type Role = RoleView;
export interface AreaSummary {
  code: string;
  name: string;
  level: string;
  path: string;
  parentCode: string | null;
}

export interface UserQuery {
  q?: string;
  status?: string;
  roleKey?: string;
  limit: number;
  offset: number;
}

export function listUsers(query: UserQuery) {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== "") params.set(k, String(v));
  return apiFetch<{ items: User[]; total: number }>(`/api/v1/users?${params}`);
}

export interface NewUserInput {
  username: string;
  displayName: string;
  phone?: string;
  password?: string;
  assignment?: { roleKey: string; areaCode: string | null; homeUnit?: string };
}

export const createUser = (input: NewUserInput) =>
  apiFetch<{ user: User; initialPassword: string | null }>("/api/v1/users", {
    method: "POST",
    json: { id: crypto.randomUUID(), ...input },
  });
/** Auditors only (三员分立): the new auditor gets a temporary password, shown once. */
export const createAuditor = (input: Pick<NewUserInput, "username" | "displayName" | "phone">) =>
  apiFetch<{ user: User; initialPassword: string | null }>("/api/v1/auditors", {
    method: "POST",
    json: { id: crypto.randomUUID(), ...input },
  });
export const updateUser = (
  id: string,
  patch: { displayName?: string; status?: User["status"]; phone?: string | null },
) => apiFetch<User>(`/api/v1/users/${id}`, { method: "PATCH", json: patch });
export const resetPassword = (id: string) =>
  apiFetch<{ temporaryPassword: string | null }>(`/api/v1/users/${id}/password-reset`, { method: "POST", json: {} });
export const grantRole = (userId: string, roleKey: string, areaCode: string | null, homeUnit?: string) =>
  apiFetch<User>("/api/v1/assignments", {
    method: "POST",
    json: { id: crypto.randomUUID(), userId, roleKey, areaCode, ...(homeUnit ? { homeUnit } : {}) },
  });
export const revokeRole = (assignmentId: string) =>
  apiFetch<void>(`/api/v1/assignments/${assignmentId}`, { method: "DELETE" });
export const listRoles = () => apiFetch<Role[]>("/api/v1/roles");
export const listAreas = () => apiFetch<AreaSummary[]>("/api/v1/areas?limit=2000").catch(() => [] as AreaSummary[]);

import type { Permission, RoleView } from "@wangge/core";
import { apiFetch } from "../../../lib/api-client.ts";

export const listRoles = () => apiFetch<RoleView[]>("/api/v1/roles");
export const saveRole = (key: string, permissions: Permission[], requiresTotp: boolean) =>
  apiFetch<RoleView>(`/api/v1/roles/${key}`, { method: "PUT", json: { permissions, requiresTotp } });

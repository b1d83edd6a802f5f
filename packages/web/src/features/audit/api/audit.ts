import type { AuditRecord, AuditVerifyResult } from "@wangge/core";
import { apiFetch } from "../../../lib/api-client.ts";

export interface AuditFilter {
  actor?: string;
  action?: string;
  outcome?: string;
  from?: string;
  to?: string;
}

function toParams(filter: AuditFilter & { beforeSeq?: number; limit?: number }): URLSearchParams {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(filter)) if (v !== undefined && v !== "") params.set(k, String(v));
  return params;
}

export const listAudit = (filter: AuditFilter, beforeSeq?: number) =>
  apiFetch<{ items: AuditRecord[]; nextBeforeSeq: number | null }>(
    `/api/v1/audit?${toParams({ ...filter, limit: 50, ...(beforeSeq ? { beforeSeq } : {}) })}`,
  );
export const verifyAudit = () => apiFetch<AuditVerifyResult>("/api/v1/audit/verify");
export const exportUrl = (filter: Pick<AuditFilter, "from" | "to">) => `/api/v1/audit/export?${toParams(filter)}`;

export interface ActorOption {
  username: string;
  displayName: string;
}

/** Accounts whose name or account name holds `q`, to pick whose actions to show. */
export const searchActors = async (q: string): Promise<ActorOption[]> => {
  const params = new URLSearchParams({ limit: "20", ...(q.trim() ? { q: q.trim() } : {}) });
  const page = await apiFetch<{ items: ActorOption[] }>(`/api/v1/users?${params}`);
  return page.items.map(({ username, displayName }) => ({ username, displayName }));
};

import type {
  CloseOutStatus,
  VisitCoverage as Coverage,
  VisitView as Visit,
  VisitDueCounts,
  VisitDueList,
  VisitPlanView as VisitPlan,
  VisitSignal,
} from "@wangge/core";
import { apiFetch } from "../../../lib/api-client.ts";

export type { CloseOutStatus, Coverage, Visit, VisitDueCounts, VisitDueList, VisitPlan, VisitSignal };
export type CoverageRow = Coverage["area"];

const query = (params: Record<string, string | undefined>) => {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v) q.set(k, v);
  const s = q.toString();
  return s ? `?${s}` : "";
};

export const listVisitPlans = () => apiFetch<VisitPlan[]>("/api/v1/visit-plans");
export const updateVisitPlan = (key: string, body: Pick<VisitPlan, "everyDays" | "checklist">) =>
  apiFetch<VisitPlan>(`/api/v1/visit-plans/${encodeURIComponent(key)}`, { method: "PUT", json: body });
export const listVisitHistory = (subject: { householdId?: string; personId?: string }) =>
  apiFetch<Visit[]>(`/api/v1/visits${query(subject)}`);
/** An area's visits over a period, newest first (the list behind the visit figures), a page at a time. */
export const listAreaVisits = (params: {
  areaCode?: string;
  from?: string;
  to?: string;
  met?: "true" | "false";
  limit: number;
  offset: number;
}) =>
  apiFetch<Visit[]>(
    `/api/v1/visits${query({ ...params, limit: String(params.limit), offset: String(params.offset) })}`,
  );
/** Coverage of an area and its children; the on-time share over a period (default the last 90 days). */
export const getCoverage = (areaCode?: string, period: { from?: string; to?: string } = {}) =>
  apiFetch<Coverage>(`/api/v1/visits/coverage${query({ areaCode, ...period })}`);
export const listSignals = (areaCode?: string) =>
  apiFetch<VisitSignal[]>(`/api/v1/visits/signals${query({ areaCode })}`);
export const getCloseOutStatus = (params: { areaCode?: string; day?: string; closed?: "yes" | "no" }) =>
  apiFetch<CloseOutStatus>(`/api/v1/close-outs/status${query(params)}`);

/** Who is due for a visit in an area (the list behind the 工作台's visits due), a page at a time. */
export const listDue = (params: { areaCode?: string; status: string; limit: number; offset: number }) =>
  apiFetch<VisitDueList>(
    `/api/v1/visits/due${query({ ...params, limit: String(params.limit), offset: String(params.offset) })}`,
  );

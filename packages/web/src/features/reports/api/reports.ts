import type { ReportKind, ReportView } from "@wangge/core";
import { apiFetch } from "../../../lib/api-client.ts";

export type { ReportKind, ReportView };

export interface ReportSummary {
  id: string;
  kind: ReportKind;
  area: { code: string; name: string; level: string };
  from: string;
  to: string;
  generatedAt: string;
  trigger: "schedule" | "demand";
  judgementVersion: number;
}

export const listReports = (q: { kind?: ReportKind | undefined; area?: string | undefined; offset: number }) => {
  const params = new URLSearchParams({ limit: "20", offset: String(q.offset) });
  if (q.kind) params.set("kind", q.kind);
  if (q.area) params.set("area", q.area);
  return apiFetch<{ total: number; items: ReportSummary[] }>(`/api/v1/reports?${params}`);
};

export const getReport = (id: string) => apiFetch<ReportView>(`/api/v1/reports/${id}`);

export const requestReport = (body: { id: string; kind: ReportKind; area: string; day: string }) =>
  apiFetch<ReportView>("/api/v1/reports", { method: "POST", json: body });

export const writeJudgement = (id: string, body: { id: string; text: string; baseVersion: number }) =>
  apiFetch<ReportView>(`/api/v1/reports/${id}/judgement`, { method: "POST", json: body });

export const reportFileUrl = (id: string, format: "pdf" | "xlsx") => `/api/v1/reports/${id}/${format}`;

export const listCategoryNames = () =>
  apiFetch<{ key: string; name: { "zh-CN": string; en: string } }[]>("/api/v1/event-categories");

/** A year's holidays and make-up working days (the calendar daily report periods follow). */
export const getWorkCalendar = (year: number) =>
  apiFetch<{ day: string; kind: "holiday" | "workday" }[]>(`/api/v1/work-calendar/${year}`);

import type {
  AlertListView,
  AlertTaskView,
  AlertView,
  BacktestResultView,
  PlaybookView,
  RiskRuleView,
  RuleDefinition,
  SensitiveDateView,
} from "@wangge/core";
import { apiFetch } from "../../../lib/api-client.ts";

export type {
  AlertListView,
  AlertTaskView,
  AlertView,
  BacktestResultView,
  PlaybookView,
  RiskRuleView,
  RuleDefinition,
  SensitiveDateView,
};

export const listAlerts = (state: string) =>
  apiFetch<AlertListView>(`/api/v1/alerts?state=${encodeURIComponent(state)}`);
export const getAlert = (id: string) => apiFetch<AlertView>(`/api/v1/alerts/${id}`);
export const acknowledgeAlert = (id: string, note?: string) =>
  apiFetch<AlertView>(`/api/v1/alerts/${id}/acknowledge`, { method: "POST", json: note ? { note } : {} });
export const closeAlert = (id: string, note: string) =>
  apiFetch<AlertView>(`/api/v1/alerts/${id}/close`, { method: "POST", json: { note } });
export const startPlaybook = (id: string, playbookId: string) =>
  apiFetch<AlertView>(`/api/v1/alerts/${id}/playbook`, { method: "POST", json: { playbookId } });
export const finishTask = (id: string, state: "done" | "skipped", note?: string) =>
  apiFetch<AlertTaskView>(`/api/v1/alert-tasks/${id}/finish`, {
    method: "POST",
    json: note ? { state, note } : { state },
  });

/** The event categories' names (a group's key has no dot; its children's keys start with it and a dot). */
export interface CategoryName {
  key: string;
  parentKey: string | null;
  name: { "zh-CN": string; en: string };
}
export const listCategoryNames = () => apiFetch<CategoryName[]>("/api/v1/event-categories");

export const listRules = () => apiFetch<RiskRuleView[]>("/api/v1/risk-rules");
export interface RuleForm {
  name: string;
  areaCode: string;
  alertLevel: "county" | "township" | "village";
  enabled: boolean;
  playbookId: string | null;
  rule: RuleDefinition;
}
export const createRule = (body: RuleForm & { id: string }) =>
  apiFetch<RiskRuleView>("/api/v1/risk-rules", { method: "POST", json: body });
export const saveRule = (id: string, body: RuleForm & { version: number }) =>
  apiFetch<RiskRuleView>(`/api/v1/risk-rules/${id}`, { method: "PUT", json: body });
export const runBacktest = (body: {
  ruleId?: string;
  rule?: RuleDefinition;
  areaCode?: string;
  from: string;
  to: string;
}) => apiFetch<BacktestResultView>("/api/v1/risk-rules/backtest", { method: "POST", json: body });

export const listPlaybooks = () => apiFetch<PlaybookView[]>("/api/v1/playbooks");
export const createPlaybook = (body: Omit<PlaybookView, "updatedAt" | "active">) =>
  apiFetch<PlaybookView>("/api/v1/playbooks", { method: "POST", json: body });
export const savePlaybook = (id: string, body: Omit<PlaybookView, "id" | "updatedAt">) =>
  apiFetch<PlaybookView>(`/api/v1/playbooks/${id}`, { method: "PUT", json: body });

export const listSensitiveDates = () => apiFetch<SensitiveDateView[]>("/api/v1/sensitive-dates");
export const createSensitiveDate = (body: Omit<SensitiveDateView, "areaName">) =>
  apiFetch<SensitiveDateView>("/api/v1/sensitive-dates", { method: "POST", json: body });
export const deleteSensitiveDate = (id: string) =>
  apiFetch<null>(`/api/v1/sensitive-dates/${id}`, { method: "DELETE" });

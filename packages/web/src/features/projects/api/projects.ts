import type {
  ManagedProject,
  MilestoneState,
  NewProjectAcceptance,
  ProjectFilePurpose,
  ProjectSummary,
} from "@wangge/core";
import { apiFetch } from "../../../lib/api-client.ts";

export type { ManagedProject, MilestoneState, ProjectSummary };

const query = (params: Record<string, string | number | undefined>) => {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== "") q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : "";
};

export interface ProjectContent {
  title: string;
  body: string;
  budgetFen: number;
  fundingSource: string;
  contractor: string;
  startOn: string | null;
  plannedEndOn: string | null;
}

export const listManagedProjects = (params: { areaCode?: string } = {}) =>
  apiFetch<ProjectSummary[]>(`/api/v1/projects/manage${query(params)}`);
export const getManagedProject = (id: string) => apiFetch<ManagedProject>(`/api/v1/projects/${id}/manage`);
export const createProject = (body: ProjectContent & { id: string; areaCode: string }) =>
  apiFetch<ManagedProject>("/api/v1/projects", { method: "POST", json: body });
export const updateProject = (id: string, body: ProjectContent & { reason?: string }) =>
  apiFetch<ManagedProject>(`/api/v1/projects/${id}`, { method: "PUT", json: body });
export const publishProject = (id: string) =>
  apiFetch<ManagedProject>(`/api/v1/projects/${id}/publish`, { method: "POST" });
export const addMilestone = (id: string, body: { id: string; title: string; plannedOn: string }) =>
  apiFetch<ManagedProject>(`/api/v1/projects/${id}/milestones`, { method: "POST", json: body });
export const updateMilestone = (
  id: string,
  milestoneId: string,
  body: { title: string; plannedOn: string; actualOn: string | null; status: MilestoneState; note: string },
) => apiFetch<ManagedProject>(`/api/v1/projects/${id}/milestones/${milestoneId}`, { method: "PUT", json: body });
export const addProjectFile = (
  id: string,
  fileId: string,
  file: File,
  opts: { purpose: ProjectFilePurpose; milestoneId?: string; caption?: string },
) =>
  apiFetch<ManagedProject>(`/api/v1/projects/${id}/files/${fileId}${query({ fileName: file.name, ...opts })}`, {
    method: "PUT",
    headers: { "content-type": file.type || "application/octet-stream" },
    body: file,
  });
export const removeProjectFile = (id: string, fileId: string) =>
  apiFetch<ManagedProject>(`/api/v1/projects/${id}/files/${fileId}`, { method: "DELETE" });
export const staffFileUrl = (id: string, fileId: string) => `/api/v1/projects/${id}/manage/files/${fileId}`;
export const recordAcceptance = (id: string, body: NewProjectAcceptance) =>
  apiFetch<ManagedProject>(`/api/v1/projects/${id}/acceptances`, { method: "POST", json: body });

import type {
  DisclosureKind,
  DisclosureList,
  DisclosureSetting,
  FinanceLine,
  FinanceTable,
  ManagedDisclosure,
  ManagedDisclosureSummary as ManagedSummary,
  MyComment,
  PeriodKind,
  PublicArea,
  PublicDisclosure,
  StaffComment,
} from "@wangge/core";
import { apiFetch } from "../../../lib/api-client.ts";

export type {
  DisclosureKind,
  DisclosureList,
  DisclosureSetting,
  FinanceLine,
  FinanceTable,
  ManagedDisclosure,
  ManagedSummary,
  MyComment,
  PeriodKind,
  PublicArea,
  PublicDisclosure,
  StaffComment,
};

const query = (params: Record<string, string | number | undefined>) => {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== "") q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : "";
};

// ---- public -----------------------------------------------------------------------------------------
export const listPublicAreas = (params: { parentCode?: string; q?: string }) =>
  apiFetch<PublicArea[]>(`/api/v1/disclosures/areas${query(params)}`);
export const listDisclosures = (params: { areaCode: string; kind?: string; q?: string; cursor?: string }) =>
  apiFetch<DisclosureList>(`/api/v1/disclosures${query(params)}`);
export const getDisclosure = (id: string) => apiFetch<PublicDisclosure>(`/api/v1/disclosures/${id}`);
export const publicFileUrl = (id: string, fileId: string) => `/api/v1/disclosures/${id}/files/${fileId}`;

/** What a comment is on: a disclosure, a procedure guide or a livelihood project. */
export type CommentSubjectRef = { disclosureId: string } | { procedureId: string } | { projectId: string };

export const lodgeComment = (
  body: CommentSubjectRef & {
    id: string;
    kind: "question" | "objection";
    text: string;
    anonymous: boolean;
    signature?: string;
  },
) => apiFetch<MyComment>("/api/v1/comments", { method: "POST", json: body });
export const listMyComments = () => apiFetch<MyComment[]>("/api/v1/comments/mine");

// ---- staff ------------------------------------------------------------------------------------------
export interface ContentInput {
  title: string;
  body: string;
  publicityDays: number | null;
  financeLines?: FinanceLine[];
  declaredIncomeFen?: number;
  declaredExpenseFen?: number;
}

export const listManaged = (params: { areaCode?: string; state?: string }) =>
  apiFetch<ManagedSummary[]>(`/api/v1/disclosures/manage${query(params)}`);
export const listReviewQueue = () => apiFetch<ManagedSummary[]>("/api/v1/disclosures/review");
export const getManaged = (id: string) => apiFetch<ManagedDisclosure>(`/api/v1/disclosures/${id}/manage`);
export const createDisclosure = (
  body: ContentInput & {
    id: string;
    versionId: string;
    areaCode: string;
    kind: DisclosureKind;
    periodKind: PeriodKind;
    periodStart: string;
  },
) => apiFetch<ManagedDisclosure>("/api/v1/disclosures", { method: "POST", json: body });
export const editDraft = (id: string, body: ContentInput & { periodKind?: PeriodKind; periodStart?: string }) =>
  apiFetch<ManagedDisclosure>(`/api/v1/disclosures/${id}/draft`, { method: "PUT", json: body });
export const startCorrection = (id: string, body: ContentInput & { versionId: string; reason: string }) =>
  apiFetch<ManagedDisclosure>(`/api/v1/disclosures/${id}/versions`, { method: "POST", json: body });
export const submitDisclosure = (id: string, versionId: string) =>
  apiFetch<ManagedDisclosure>(`/api/v1/disclosures/${id}/submit`, { method: "POST", json: { versionId } });
export const reviewDisclosure = (
  id: string,
  body: { versionId: string; decision: "approve" | "reject"; note: string },
) => apiFetch<ManagedDisclosure>(`/api/v1/disclosures/${id}/review`, { method: "POST", json: body });
export const addDraftFile = (id: string, fileId: string, file: File) =>
  apiFetch<ManagedDisclosure>(`/api/v1/disclosures/${id}/draft-files/${fileId}${query({ fileName: file.name })}`, {
    method: "PUT",
    headers: { "content-type": file.type || "application/octet-stream" },
    body: file,
  });
export const removeDraftFile = (id: string, fileId: string) =>
  apiFetch<ManagedDisclosure>(`/api/v1/disclosures/${id}/draft-files/${fileId}`, { method: "DELETE" });
export const draftFileUrl = (id: string, fileId: string) => `/api/v1/disclosures/${id}/draft-files/${fileId}`;
export const financeTemplateUrl = (lang: string) => `/api/v1/disclosures/finance-template${query({ lang })}`;
export const readFinanceTable = (file: File) =>
  apiFetch<FinanceTable>("/api/v1/disclosures/finance-table", {
    method: "POST",
    headers: { "content-type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" },
    body: file,
  });
export const listSettings = () => apiFetch<DisclosureSetting[]>("/api/v1/disclosures/settings");
export const updateSetting = (kind: DisclosureKind, requiresReview: boolean) =>
  apiFetch<DisclosureSetting[]>(`/api/v1/disclosures/settings/${kind}`, { method: "PUT", json: { requiresReview } });
export const listInbox = (params: { areaCode?: string; state: string }) =>
  apiFetch<StaffComment[]>(`/api/v1/comments${query(params)}`);
export const replyToComment = (id: string, text: string) =>
  apiFetch<StaffComment>(`/api/v1/comments/${id}/reply`, { method: "POST", json: { text } });
export const hideComment = (id: string, reason: string) =>
  apiFetch<StaffComment>(`/api/v1/comments/${id}/hide`, { method: "POST", json: { reason } });

// ---- procedures (办事指南) ----------------------------------------------------------------------------
export type { Procedure, PublicProcedure } from "@wangge/core";

import type { Procedure, PublicProcedure } from "@wangge/core";

export interface ProcedureInput {
  title: string;
  materials: string[];
  location: string;
  fees: string;
  timeLimit: string;
  contact: string;
  body: string;
  published: boolean;
}
export const searchProcedures = (params: { areaCode: string; q?: string }) =>
  apiFetch<Procedure[]>(`/api/v1/procedures${query(params)}`);
export const getProcedure = (id: string) => apiFetch<PublicProcedure>(`/api/v1/procedures/${id}`);
export const listManagedProcedures = () => apiFetch<Procedure[]>("/api/v1/procedures/manage");
export const createProcedure = (body: ProcedureInput & { id: string; areaCode: string }) =>
  apiFetch<Procedure>("/api/v1/procedures", { method: "POST", json: body });
export const updateProcedure = (id: string, body: ProcedureInput) =>
  apiFetch<Procedure>(`/api/v1/procedures/${id}`, { method: "PUT", json: body });

// ---- livelihood projects (民生项目), as residents read them -------------------------------------------
export type { ProjectSummary, PublicProject } from "@wangge/core";

import type { ProjectSummary, PublicProject } from "@wangge/core";

export const listProjects = (params: { areaCode: string; q?: string }) =>
  apiFetch<ProjectSummary[]>(`/api/v1/projects${query(params)}`);
export const getProject = (id: string) => apiFetch<PublicProject>(`/api/v1/projects/${id}`);
export const projectFileUrl = (id: string, fileId: string) => `/api/v1/projects/${id}/files/${fileId}`;

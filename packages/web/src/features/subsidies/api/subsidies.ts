import type {
  NewSubsidyProgram as NewProgram,
  SubsidyProgramChange as ProgramChange,
  PublicArea,
  PublicSubsidyBatch,
  PublicSubsidyList,
  SubsidyRowCorrection as RowCorrection,
  SubsidyBatch,
  SubsidyProgram,
  SubsidyRow,
} from "@wangge/core";
import { apiFetch } from "../../../lib/api-client.ts";

export type {
  NewProgram,
  ProgramChange,
  PublicArea,
  PublicSubsidyBatch,
  PublicSubsidyList,
  RowCorrection,
  SubsidyBatch,
  SubsidyProgram,
  SubsidyRow,
};

const XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

export const listPrograms = () => apiFetch<SubsidyProgram[]>("/api/v1/subsidies/programs");
export const createProgram = (body: NewProgram) =>
  apiFetch<SubsidyProgram>("/api/v1/subsidies/programs", { method: "POST", json: body });
export const updateProgram = (id: string, body: ProgramChange) =>
  apiFetch<SubsidyProgram>(`/api/v1/subsidies/programs/${id}`, { method: "PUT", json: body });
export const listBatches = () => apiFetch<SubsidyBatch[]>("/api/v1/subsidies/batches");
export const getBatch = (id: string) => apiFetch<SubsidyBatch>(`/api/v1/subsidies/batches/${id}`);
export const listRows = (id: string, flagged: boolean, offset = 0) =>
  apiFetch<SubsidyRow[]>(
    `/api/v1/subsidies/batches/${id}/rows?limit=200&offset=${offset}${flagged ? "&flagged=true" : ""}`,
  );
export const correctRow = (batchId: string, rowId: string, body: RowCorrection) =>
  apiFetch<SubsidyRow>(`/api/v1/subsidies/batches/${batchId}/rows/${rowId}`, { method: "PUT", json: body });
export const confirmRow = (batchId: string, rowId: string, reason: string) =>
  apiFetch<SubsidyRow>(`/api/v1/subsidies/batches/${batchId}/rows/${rowId}/confirm`, {
    method: "POST",
    json: { reason },
  });
export const publishBatch = (id: string) =>
  apiFetch<SubsidyBatch>(`/api/v1/subsidies/batches/${id}/publish`, { method: "POST" });
export const deleteBatch = (id: string) => apiFetch<void>(`/api/v1/subsidies/batches/${id}`, { method: "DELETE" });
export const importBatch = (input: { id: string; areaCode: string; title: string; file: File }) =>
  apiFetch<SubsidyBatch>(
    `/api/v1/subsidies/batches?${new URLSearchParams({
      id: input.id,
      areaCode: input.areaCode,
      title: input.title,
      fileName: input.file.name,
    })}`,
    { method: "POST", body: input.file, headers: { "content-type": XLSX } },
  );
export const templateUrl = (lang: string) => `/api/v1/subsidies/template?lang=${encodeURIComponent(lang)}`;

// ---- the public side (resident app): no sign-in ----------------------------------------------

const areaQuery = (params: { parentCode?: string; q?: string }) => {
  const q = new URLSearchParams(Object.entries(params).filter((e): e is [string, string] => Boolean(e[1])));
  return q.size > 0 ? `?${q}` : "";
};
/** Areas to browse to a village: the public area list the resident app's village pickers read. */
export const listPublicAreas = (params: { parentCode?: string; q?: string }) =>
  apiFetch<PublicArea[]>(`/api/v1/disclosures/areas${areaQuery(params)}`);
export const listPublicBatches = (areaCode: string) =>
  apiFetch<PublicSubsidyBatch[]>(`/api/v1/subsidies/public/batches?areaCode=${encodeURIComponent(areaCode)}`);
export const getPublicList = (id: string) => apiFetch<PublicSubsidyList>(`/api/v1/subsidies/public/batches/${id}`);

import type { FeatureCollection } from "@wangge/core";
import { apiFetch } from "../../../lib/api-client.ts";

export interface LocalText {
  "zh-CN": string;
  en: string;
}
export interface SubjectTag {
  id: string;
  key: string;
  category: "care" | "service" | "sensitive";
  name: LocalText;
  visitEveryDays: number | null;
  validFrom: string;
  validTo: string | null;
}
export interface Person {
  id: string;
  name: string;
  gender: "male" | "female" | null;
  /** Only for those who may reveal the ID number; otherwise null, with the year in birthYear. */
  birthDate: string | null;
  birthYear: number | null;
  ethnicity: { code: string; name: LocalText } | null;
  idType: string | null;
  idNumber: string | null;
  phone: string | null;
  residenceStatus: string;
  partyMember: boolean;
  partyBranch: string | null;
  registeredAddress: string | null;
  householdId: string | null;
  relationship: string | null;
  placeId: string | null;
  gridCode: string | null;
  notes: string | null;
  tags: SubjectTag[];
}
export interface PersonDetail extends Person {
  attribution: {
    areaCode: string | null;
    areaName: string | null;
    validFrom: string;
    validTo: string | null;
    reason: string | null;
  }[];
}
export interface AccessEntry {
  at: string;
  username: string | null;
  action: string;
  fields: string[];
  reason: string | null;
}
export interface TagDefinition {
  key: string;
  category: "care" | "service" | "sensitive";
  name: LocalText;
  visitEveryDays: number | null;
  requiresEndDate: boolean;
}
export interface HouseholdSummary {
  id: string;
  kind: string;
  ref: string | null;
  address: string | null;
  headPersonId: string | null;
  headName: string | null;
  memberCount: number;
  gridCode: string | null;
}
export interface Household extends HouseholdSummary {
  members: Person[];
  tags: SubjectTag[];
  ledBy: string | null;
  looksAfter: { householdId: string; address: string | null; since: string }[];
}
export interface ImportJob {
  id: string;
  status: "queued" | "running" | "done" | "failed";
  fileName: string;
  allOrNothing: boolean;
  total: number;
  processed: number;
  created: number;
  updated: number;
  unchanged: number;
  rejected: number;
  applied: boolean;
  error: string | null;
  hasReport: boolean;
  createdAt: string;
}

export const searchPeople = (params: {
  q?: string;
  tag?: string;
  tagCategory?: "care" | "service";
  address?: string;
  gridCode?: string;
}) => {
  const query = new URLSearchParams({ limit: "100" });
  for (const [k, v] of Object.entries(params)) if (v) query.set(k, v);
  return apiFetch<Person[]>(`/api/v1/people?${query}`);
};
export const getPerson = (id: string) => apiFetch<PersonDetail>(`/api/v1/people/${id}`);
export const revealPerson = (id: string, fields: ("idNumber" | "phone")[], reason: string) =>
  apiFetch<{ idNumber?: string | null; phone?: string | null }>(`/api/v1/people/${id}/reveal`, {
    method: "POST",
    json: { fields, reason },
  });
export const getAccessLog = (id: string) => apiFetch<AccessEntry[]>(`/api/v1/people/${id}/access-log?limit=20`);
export const listTags = () => apiFetch<TagDefinition[]>("/api/v1/tags");
export const createPerson = (body: Record<string, unknown>) =>
  apiFetch<Person>("/api/v1/people", { method: "POST", json: body });
export const searchHouseholds = (q: string, gridCode?: string) => {
  const query = new URLSearchParams({ limit: "100" });
  if (q) query.set("q", q);
  if (gridCode) query.set("gridCode", gridCode);
  return apiFetch<HouseholdSummary[]>(`/api/v1/households?${query}`);
};
export const getHousehold = (id: string) => apiFetch<Household>(`/api/v1/households/${id}`);

const XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
/** The file is the request body; `id` is made once per upload so a retry answers the same job. */
export const uploadPeople = (id: string, file: File, allOrNothing: boolean) =>
  apiFetch<ImportJob>(
    `/api/v1/imports/people?id=${id}&fileName=${encodeURIComponent(file.name)}&allOrNothing=${allOrNothing}`,
    {
      method: "POST",
      body: file,
      headers: { "content-type": /\.xlsx$/i.test(file.name) ? XLSX : "text/csv" },
    },
  );
export const listImports = () => apiFetch<ImportJob[]>("/api/v1/imports");
export const getImport = (id: string) => apiFetch<ImportJob>(`/api/v1/imports/${id}`);

/** Lead households, the households they look after and the links between them, for a map. */
export const leadHouseholdLayer = (areaCode: string) =>
  apiFetch<FeatureCollection>(`/api/v1/lead-households?areaCode=${encodeURIComponent(areaCode)}`);

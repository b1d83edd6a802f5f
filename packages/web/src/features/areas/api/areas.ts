import type { FeatureCollection, PolygonalGeometry } from "@wangge/core";
import { apiFetch } from "../../../lib/api-client.ts";

export interface AreaSummary {
  code: string;
  name: string;
  level: string;
  kind: string | null;
  path: string;
  parentCode: string | null;
  /** Whether it has live children (listed areas and children only). */
  hasChildren?: boolean;
}

export interface AreaDetail extends AreaSummary {
  source: "nbs" | "local";
  ancestors: { code: string; name: string; level: string }[];
  descendants: Record<string, number>;
  hasBoundary: boolean;
}

export interface ImportReport {
  applied: boolean;
  created: number;
  updated: number;
  unchanged: number;
  rejected: number;
  features: { index: number; code: string | null; outcome: string; errors?: { path: string; message: string }[] }[];
}

export const listAreas = () => apiFetch<AreaSummary[]>("/api/v1/areas?limit=2000");
export const getArea = (code: string) => apiFetch<AreaDetail>(`/api/v1/areas/${encodeURIComponent(code)}`);
export const getChildren = (code: string) =>
  apiFetch<AreaSummary[]>(`/api/v1/areas/${encodeURIComponent(code)}/children`);
export const exportSubtree = (code: string) =>
  apiFetch<FeatureCollection>(`/api/v1/areas/${encodeURIComponent(code)}/export`);
export const importGrids = (collection: unknown, allOrNothing: boolean) =>
  apiFetch<ImportReport>("/api/v1/areas/import", {
    method: "POST",
    json: {
      collection,
      parentCodeProperty: "parent_code",
      codeProperty: "code",
      nameProperty: "name",
      kindProperty: "kind",
      allOrNothing,
    },
  });

export interface StaffMember {
  roleKey: string;
  roleName: { "zh-CN": string; en: string };
  displayName: string;
  homeUnit: string | null;
  employment: "full_time" | "part_time" | null;
}
export interface Beat {
  code: string;
  name: string;
  station: string;
  share: number;
  officer: string | null;
}
export interface Coverage {
  grids: number;
  posts: { roleKey: string; filled: number; share: number }[];
  gridsMissingPosts: { code: string; name: string; missing: string[] }[];
  overlaps: FeatureCollection;
  gaps: FeatureCollection;
}

export const getStaff = (code: string) => apiFetch<StaffMember[]>(`/api/v1/areas/${encodeURIComponent(code)}/staff`);
export const getBeats = (code: string) => apiFetch<Beat[]>(`/api/v1/areas/${encodeURIComponent(code)}/beats`);
export const getCoverage = (code: string) => apiFetch<Coverage>(`/api/v1/areas/${encodeURIComponent(code)}/coverage`);

export interface ReshapeResult {
  id: string;
  change: "split" | "merge";
  at: string;
  from: string[];
  to: { code: string; name: string }[];
}
export interface LineageEntry {
  change: "split" | "merge";
  direction: "from" | "into";
  code: string;
  name: string;
  reason: string;
  at: string;
}
export interface NewGrid {
  code?: string;
  name: string;
  kind?: string | null;
}

export const setBoundary = (code: string, geometry: PolygonalGeometry) =>
  apiFetch<{ code: string; outcome: "drawn" | "redrawn" | "unchanged" }>(
    `/api/v1/areas/${encodeURIComponent(code)}/boundary`,
    { method: "PUT", json: { geometry } },
  );
/** `id` is made once per change in the form, so that a retried submit answers the same change. */
export const splitGrid = (
  id: string,
  code: string,
  reason: string,
  parts: (NewGrid & { geometry: PolygonalGeometry })[],
) =>
  apiFetch<ReshapeResult>(`/api/v1/areas/${encodeURIComponent(code)}/split`, {
    method: "POST",
    json: { id, reason, parts },
  });
export const mergeGrids = (id: string, codes: string[], reason: string, into: NewGrid) =>
  apiFetch<ReshapeResult>("/api/v1/areas/merge", { method: "POST", json: { id, reason, codes, into } });
export const getLineage = (code: string) =>
  apiFetch<LineageEntry[]>(`/api/v1/areas/${encodeURIComponent(code)}/lineage`);

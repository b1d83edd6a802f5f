import type { AcceptanceResult, AcceptanceSignatory, MilestoneState, ProjectFilePurpose } from "@wangge/core";
import type { ColumnType, Selectable } from "kysely";

/** bigint columns: the pg driver's parser (db/database.ts) hands them as numbers. */
type Fen = ColumnType<number, number, number>;
/** date columns, read and written as YYYY-MM-DD (db/database.ts parses them as text). */
type Day = ColumnType<string, string, string>;

export interface ProjectTable {
  id: string;
  area_id: string;
  area_path: string;
  title: string;
  title_search: string;
  body: string;
  budget_fen: Fen;
  funding_source: string;
  contractor: string;
  start_on: Day | null;
  planned_end_on: Day | null;
  published_version: number | null;
  first_published_at: Date | null;
  last_published_at: Date | null;
  /** The latest acceptance's result (its stage and lock are read from it); every one is a project_acceptance. */
  acceptance_result: AcceptanceResult | null;
  created_by: string | null;
  created_at: Date;
  updated_at: Date;
}
export type ProjectRow = Selectable<ProjectTable>;

export interface ProjectVersionTable {
  project_id: string;
  version: number;
  title: string;
  body: string;
  budget_fen: Fen;
  funding_source: string;
  contractor: string;
  start_on: Day | null;
  planned_end_on: Day | null;
  reason: string | null;
  published_at: Date;
  published_by: string | null;
  published_by_name: string | null;
}
export type ProjectVersionRow = Selectable<ProjectVersionTable>;

export interface ProjectMilestoneTable {
  id: string;
  project_id: string;
  position: number;
  title: string;
  planned_on: Day;
  actual_on: Day | null;
  status: MilestoneState;
  note: string;
  created_at: Date;
  updated_at: Date;
}
export type ProjectMilestoneRow = Selectable<ProjectMilestoneTable>;

export interface ProjectAcceptanceTable {
  id: string;
  project_id: string;
  accepted_on: Day;
  accepted_by: string;
  result: AcceptanceResult;
  note: string;
  /** jsonb: written as JSON text, read back as the array. */
  rectifications: ColumnType<string[], string, string>;
  signatories: ColumnType<AcceptanceSignatory[], string, string>;
  document_file_id: string | null;
  recorded_at: Date;
  recorded_by: string | null;
}
export type ProjectAcceptanceRow = Selectable<ProjectAcceptanceTable>;

export interface ProjectFileTable {
  id: string;
  project_id: string;
  purpose: ProjectFilePurpose;
  milestone_id: string | null;
  file_name: string;
  caption: string;
  content_type: string;
  size: number;
  sha256: string;
  uploaded_by: string | null;
  created_at: Date;
}
export type ProjectFileRow = Selectable<ProjectFileTable>;

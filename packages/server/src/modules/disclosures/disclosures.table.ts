import type { DisclosureKind, FinanceLine, PeriodKind, VersionState } from "@wangge/core";
import type { ColumnType, Insertable, Selectable } from "kysely";

type Json<T> = ColumnType<T, string, string>;
/** bigint columns: the pg driver's parser (db/database.ts) hands them as numbers. */
type Fen = ColumnType<number, number, number>;

export interface DisclosureSettingTable {
  kind: DisclosureKind;
  requires_review: boolean;
  updated_at: ColumnType<Date, Date | undefined, Date>;
  updated_by: string | null;
}

export interface DisclosureTable {
  id: string;
  area_id: string;
  area_path: string;
  kind: DisclosureKind;
  period_kind: PeriodKind;
  period_start: ColumnType<string, string, string>;
  title: string;
  title_search: string;
  published_version: number | null;
  first_published_at: Date | null;
  last_published_at: Date | null;
  publicity_ends_at: Date | null;
  created_by: string | null;
  created_at: Date;
  updated_at: Date;
}
export type DisclosureRow = Selectable<DisclosureTable>;

export interface DisclosureVersionTable {
  id: string;
  disclosure_id: string;
  version: number;
  state: VersionState;
  title: string;
  title_sealed: string | null;
  body: string;
  body_sealed: string | null;
  correction_reason: string | null;
  correction_reason_sealed: string | null;
  publicity_days: number | null;
  finance_lines: Json<FinanceLine[]> | null;
  finance_lines_sealed: string | null;
  income_fen: Fen | null;
  expense_fen: Fen | null;
  created_by: string | null;
  created_by_name: string | null;
  created_at: Date;
  updated_at: Date;
  submitted_at: Date | null;
  submitted_by: string | null;
  reviewed_at: Date | null;
  reviewed_by: string | null;
  reviewed_by_name: string | null;
  review_note: string | null;
  published_at: Date | null;
}
export type DisclosureVersionRow = Selectable<DisclosureVersionTable>;
export type NewDisclosureVersionRow = Insertable<DisclosureVersionTable>;

export interface DisclosureFileTable {
  version_id: string;
  id: string;
  file_name: string;
  content_type: string;
  size: number;
  sha256: string;
  uploaded_by: string | null;
  created_at: Date;
}
export type DisclosureFileRow = Selectable<DisclosureFileTable>;

export interface CommentTable {
  id: string;
  /** Exactly one of the three names what the comment is on (comment_one_subject). */
  disclosure_id: string | null;
  procedure_id: string | null;
  project_id: string | null;
  area_path: string;
  kind: "question" | "objection";
  author_id: string;
  author_name: string;
  is_anonymous: boolean;
  signature: string | null;
  text: string;
  text_sealed: string | null;
  created_at: Date;
  due_at: Date | null;
  reply: string | null;
  reply_sealed: string | null;
  replied_at: Date | null;
  replied_by: string | null;
  replied_by_name: string | null;
  hidden_at: Date | null;
  hidden_by: string | null;
  hidden_reason: string | null;
}
export type CommentRow = Selectable<CommentTable>;

export interface ProcedureTable {
  id: string;
  area_id: string;
  area_path: string;
  title: string;
  materials: Json<string[]>;
  location: string;
  fees: string;
  time_limit: string;
  contact: string;
  body: string;
  published: boolean;
  search_text: string;
  title_pinyin: string;
  title_initials: string;
  created_by: string | null;
  created_at: Date;
  updated_at: Date;
}
export type ProcedureRow = Selectable<ProcedureTable>;

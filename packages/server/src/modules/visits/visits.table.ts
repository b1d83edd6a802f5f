import type { ColumnType, Insertable, Selectable } from "kysely";

type Json<T> = ColumnType<T, string, string>;

export interface VisitPlanTable {
  key: string;
  every_days: number;
  checklist: Json<{ key: string; label: { "zh-CN": string; en: string } }[]>;
  updated_at: ColumnType<Date, Date | undefined, Date>;
  updated_by: string | null;
}

export interface VisitTable {
  id: string;
  household_id: string;
  area_path: string;
  kind: "routine" | "care" | "verification" | "follow_up";
  outcome: "visited" | "nobody_home" | "refused" | "moved_away";
  event_id: string | null;
  checklist: Json<{ key: string; ok: boolean }[]>;
  note: string | null;
  note_sealed: string | null;
  visited_at: Date;
  received_at: Date;
  lng: number | null;
  lat: number | null;
  distance_meters: number | null;
  photo_sha256: string | null;
  photo_type: string | null;
  /** The photo's perceptual hash (photo-hash.ts), a signed 64-bit integer as text; null: none. */
  photo_dhash: ColumnType<string | null, string | null | undefined, string | null>;
  recorded_by: string | null;
  recorded_by_name: string | null;
}
export type VisitRow = Selectable<VisitTable>;
export type NewVisitRow = Insertable<VisitTable>;

export interface VisitPersonTable {
  visit_id: string;
  person_id: string;
}

export interface VisitNeedTable {
  id: string;
  visit_id: string;
  position: number;
  text: string;
  text_sealed: string | null;
  event_id: string | null;
  lead_household_id: string | null;
  handed_at: Date | null;
  handed_by: string | null;
}
export type VisitNeedRow = Selectable<VisitNeedTable>;

export interface VisitLastTable {
  subject_id: string;
  subject_type: "person" | "household";
  last_visited_on: ColumnType<string, string, string>;
  last_visit_id: string;
}

export interface CloseOutTable {
  id: string;
  user_id: string;
  day: ColumnType<string, string, string>;
  area_paths: string[];
  summary: Json<unknown>;
  note: string | null;
  note_sealed: string | null;
  confirmed_at: Date;
  confirmed_by_name: string | null;
}
export type CloseOutRow = Selectable<CloseOutTable>;

export interface CloseOutAreaTable {
  close_out_id: string;
  day: ColumnType<string, string, string>;
  area_path: string;
}

/**
 * The grids closed out on a day, each once (db/close-out-grid-coverage.ts says which grids a close-out
 * covers): written with the close-out, so only a grid not yet covered that day adds to the figure
 * grids_closed. Rebuilt with the figures (`wangge figures rebuild`).
 */
export interface CloseOutGridTable {
  day: ColumnType<string, string, never>;
  grid_code: string;
}

export interface CloseOutCarryOverTable {
  id: string;
  close_out_id: string;
  event_id: string;
  event_number: string;
  reason: string;
  note: string | null;
  note_sealed: string | null;
}

export interface CloseOutCorrectionTable {
  id: string;
  close_out_id: string;
  note: string;
  note_sealed: string | null;
  at: Date;
  by_user: string | null;
  by_name: string | null;
}

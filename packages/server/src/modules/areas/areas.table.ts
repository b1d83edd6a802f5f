import type { ColumnType, Selectable } from "kysely";

export interface AreaTable {
  id: string;
  code: string;
  name: string;
  level: "province" | "city" | "county" | "township" | "village" | "grid" | "microgrid";
  parent_id: string | null;
  path: string;
  kind: "community" | "rural" | "border" | "coastal" | "dedicated" | null;
  source: ColumnType<"nbs" | "local", "nbs" | "local" | undefined, "nbs" | "local">;
  abolished_at: Date | null;
  created_at: ColumnType<Date, Date | undefined, never>;
  updated_at: ColumnType<Date, Date | undefined, Date>;
}
export type AreaRow = Selectable<AreaTable>;

export interface AreaBoundaryTable {
  id: string;
  area_id: string;
  geometry: ColumnType<unknown, string, never>;
  min_lng: number;
  min_lat: number;
  max_lng: number;
  max_lat: number;
  label_lng: number;
  label_lat: number;
  area_m2: number;
  valid_from: Date;
  valid_to: Date | null;
  created_by: string | null;
}
export type AreaBoundaryRow = Selectable<AreaBoundaryTable>;

export interface PoliceBeatTable {
  id: string;
  code: string;
  name: string;
  station: string;
  officer_user_id: string | null;
  geometry: ColumnType<unknown, string, string>;
  min_lng: number;
  min_lat: number;
  max_lng: number;
  max_lat: number;
  created_at: ColumnType<Date, Date | undefined, never>;
  updated_at: ColumnType<Date, Date | undefined, Date>;
}

export interface GridBeatTable {
  grid_area_id: string;
  beat_id: string;
  share: number;
}

export interface AreaVersionTable {
  id: string;
  area_id: string;
  name: string;
  kind: string | null;
  path: string;
  valid_from: Date;
  valid_to: Date;
}

export interface AreaLineageTable {
  id: string;
  change_id: string;
  from_area_id: string;
  to_area_id: string;
  change: "split" | "merge";
  reason: string;
  changed_at: Date;
  changed_by: string | null;
}

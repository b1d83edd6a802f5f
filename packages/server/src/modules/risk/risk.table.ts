import type { ColumnType, Selectable } from "kysely";

/** Tables of risk early warning (migration 2026_12_08_0940_create_risk_warning.ts says why each is there). */
type Json<T> = ColumnType<T, string, string>;
type Sealed = ColumnType<string | null, string | null | undefined, string | null>;
type Nullable<T> = ColumnType<T | null, T | null | undefined, T | null>;

export interface RiskRuleTable {
  id: string;
  name: string;
  kind: string;
  params: Json<Record<string, unknown>>;
  area_id: string;
  area_path: string;
  alert_level: string;
  enabled: boolean;
  playbook_id: string | null;
  version: ColumnType<number, number | undefined, number>;
  created_by: string | null;
  created_at: Date;
  updated_by: string | null;
  updated_at: Date;
  evaluated_at: Nullable<Date>;
}
export type RiskRuleRow = Selectable<RiskRuleTable>;

export interface AlertExplanationJson {
  ruleName: string;
  kind: string;
  params: Record<string, unknown>;
  figures: Record<string, string | number | boolean | null>;
}

export interface AlertTable {
  id: string;
  rule_id: string | null;
  kind: string;
  dedup_key: string;
  area_id: string;
  area_path: string;
  state: string;
  title: string;
  explanation: Json<AlertExplanationJson>;
  raised_at: Date;
  acknowledged_at: Nullable<Date>;
  acknowledged_by: Nullable<string>;
  acknowledged_by_name: Nullable<string>;
  ack_note: Nullable<string>;
  ack_note_sealed: Sealed;
  closed_at: Nullable<Date>;
  closed_by: Nullable<string>;
  closed_by_name: Nullable<string>;
  close_note: Nullable<string>;
  close_note_sealed: Sealed;
  playbook_id: Nullable<string>;
  updated_at: Date;
}
export type AlertRow = Selectable<AlertTable>;

export interface AlertRecordTable {
  alert_id: string;
  record_type: string;
  record_id: string;
  at: Date | null;
}

export interface AlertTaskTable {
  id: string;
  alert_id: string;
  ord: number;
  title: string;
  role: string;
  due_at: Date;
  state: string;
  done_at: Nullable<Date>;
  done_by: Nullable<string>;
  done_by_name: Nullable<string>;
  note: Nullable<string>;
  note_sealed: Sealed;
  created_at: Date;
}
export type AlertTaskRow = Selectable<AlertTaskTable>;

export interface PlaybookStepJson {
  title: string;
  role: string;
  dueHours: number;
}

export interface PlaybookTable {
  id: string;
  name: string;
  description: string;
  steps: Json<PlaybookStepJson[]>;
  active: ColumnType<boolean, boolean | undefined, boolean>;
  created_by: string | null;
  created_at: Date;
  updated_at: Date;
}
export type PlaybookRow = Selectable<PlaybookTable>;

export interface SensitiveDateTable {
  id: string;
  name: string;
  on_date: ColumnType<string, string, string>;
  recurs_yearly: boolean;
  days_before: number;
  days_after: number;
  area_id: string | null;
  area_path: string | null;
  created_by: string | null;
  created_at: Date;
  updated_at: Date;
  deleted_at: Nullable<Date>;
}
export type SensitiveDateRow = Selectable<SensitiveDateTable>;

export interface JobLeaseTable {
  name: string;
  holder: string | null;
  expires_at: Date | null;
}

import type { ColumnType, Insertable, Selectable } from "kysely";

type Created = ColumnType<Date, Date | undefined, never>;

export interface SubsidyProgramTable {
  id: string;
  name: string;
  area_id: string;
  area_path: string;
  rules: string;
  public_amount: "exact" | "hidden";
  min_amount_fen: number | null;
  max_amount_fen: number | null;
  created_by: string | null;
  created_at: Created;
  updated_at: ColumnType<Date, Date | undefined, Date>;
}
export type SubsidyProgramRow = Selectable<SubsidyProgramTable>;

export interface SubsidyBatchTable {
  id: string;
  title: string;
  area_id: string;
  area_path: string;
  status: "draft" | "published";
  file_name: string;
  created_by: string | null;
  created_at: Date;
  published_at: Date | null;
  published_by: string | null;
}
export type SubsidyBatchRow = Selectable<SubsidyBatchTable>;

export interface SubsidyPaymentTable {
  id: string;
  batch_id: string;
  row: number;
  program_id: string;
  name: string;
  id_number_enc: string;
  id_number_bidx: string;
  id_number_masked: string;
  amount_fen: number;
  paid_on: ColumnType<string, string, string>;
  flags: ColumnType<string[], string[] | undefined, string[]>;
  corrected: ColumnType<boolean, boolean | undefined, boolean>;
  confirm_reason: string | null;
  confirm_reason_sealed: string | null;
  confirmed_by: string | null;
  confirmed_by_name: string | null;
  confirmed_at: Date | null;
  published: ColumnType<boolean, boolean | undefined, boolean>;
}
export type SubsidyPaymentRow = Selectable<SubsidyPaymentTable>;
export type NewSubsidyPaymentRow = Insertable<SubsidyPaymentTable>;

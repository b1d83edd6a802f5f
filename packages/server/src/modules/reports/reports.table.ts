import type { ColumnType, Insertable, Selectable } from "kysely";

/** A report written by the system: one per kind, area and period (the unique key), its content archived. */
export interface ReportTable {
  id: string;
  kind: string;
  area_id: string;
  area_path: string;
  period_from: ColumnType<string, string, string>;
  period_to: ColumnType<string, string, string>;
  content: ColumnType<unknown, string, string>;
  trigger: string;
  generated_by: string | null;
  generated_at: ColumnType<Date, Date, Date>;
}
export type ReportRow = Selectable<ReportTable>;
export type NewReportRow = Insertable<ReportTable>;

/** One version of the official's judgement on a monthly report: masked text, original sealed. */
export interface ReportJudgementTable {
  id: string;
  report_id: string;
  version: number;
  text: string;
  text_sealed: string | null;
  written_by: string | null;
  written_by_name: string;
  written_at: ColumnType<Date, Date, Date>;
}
export type ReportJudgementRow = Selectable<ReportJudgementTable>;

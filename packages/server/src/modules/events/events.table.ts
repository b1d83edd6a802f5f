import type { ColumnType, Selectable } from "kysely";

export interface EventCategoryTable {
  key: string;
  parent_key: string | null;
  name_zh: string;
  name_en: string;
  close_level: string;
  deadlines: ColumnType<Record<string, number>, string, string>;
  priority: string;
  attributes: ColumnType<unknown[], string | undefined, string>;
  active: ColumnType<boolean, boolean | undefined, boolean>;
  updated_at: ColumnType<Date, Date | undefined, Date>;
  updated_by: string | null;
}
export type EventCategoryRow = Selectable<EventCategoryTable>;

export interface WorkCalendarDayTable {
  day: ColumnType<string, string, string>;
  kind: "holiday" | "workday";
  note: string | null;
  updated_at: ColumnType<Date, Date | undefined, Date>;
  updated_by: string | null;
}

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

export interface EventTable {
  id: string;
  number: string;
  category_key: string;
  title: string;
  description: string;
  lng: number | null;
  lat: number | null;
  area_id: string;
  area_path: string;
  level: string;
  state: string;
  state_before_suspension: string | null;
  priority: string;
  source: string;
  reporter_user_id: string | null;
  reporter_name: string | null;
  assignee_user_id: string | null;
  due_at: Date | null;
  remaining_minutes: number | null;
  supervised: ColumnType<boolean, boolean | undefined, boolean>;
  resolved_level: string | null;
  attributes: ColumnType<Record<string, unknown>, string | undefined, string>;
  created_at: Date;
  updated_at: Date;
  closed_at: Date | null;
}
export type EventRow = Selectable<EventTable>;

export interface EventStepTable {
  id: string;
  event_id: string;
  action: string;
  from_state: string | null;
  to_state: string;
  level: string;
  area_path: string;
  actor_user_id: string | null;
  actor_name: string | null;
  note: string | null;
  lng: number | null;
  lat: number | null;
  at: Date;
}

export interface EventCounterTable {
  scope: string;
  n: number;
}

import type { ColumnType, Selectable } from "kysely";

export interface AreaTable {
  id: string;
  code: string;
  name: string;
  level: "province" | "city" | "county" | "township" | "village" | "grid" | "microgrid";
  parent_id: string | null;
  path: string;
  created_at: ColumnType<Date, Date | undefined, never>;
}
export type AreaRow = Selectable<AreaTable>;

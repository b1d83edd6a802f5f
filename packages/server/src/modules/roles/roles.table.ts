import type { ColumnType, Selectable } from "kysely";

export interface RoleTable {
  key: string;
  name_zh: string;
  name_en: string;
  work_scope: "subtree" | "area";
  requires_totp: ColumnType<boolean, boolean | undefined, boolean>;
  updated_at: ColumnType<Date, Date | undefined, Date>;
}
export type RoleRow = Selectable<RoleTable>;

export interface RolePermissionTable {
  role_key: string;
  permission: string;
}

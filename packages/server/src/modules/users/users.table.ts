import type { ColumnType, Insertable, Selectable, Updateable } from "kysely";

export interface AppUserTable {
  id: string;
  username: string;
  display_name: string;
  phone_enc: string | null;
  phone_bidx: string | null;
  password_hash: string | null;
  status: "active" | "locked" | "disabled";
  totp_secret_enc: string | null;
  totp_enabled: ColumnType<boolean, boolean | undefined, boolean>;
  totp_last_step: number | null;
  must_change_password: ColumnType<boolean, boolean | undefined, boolean>;
  password_changed_at: Date | null;
  created_at: ColumnType<Date, Date | undefined, never>;
  updated_at: ColumnType<Date, Date | undefined, Date>;
}
export type AppUserRow = Selectable<AppUserTable>;
export type NewAppUserRow = Insertable<AppUserTable>;
export type AppUserUpdate = Updateable<AppUserTable>;

export interface AssignmentTable {
  id: string;
  user_id: string;
  role_key: string;
  area_id: string | null;
  area_path: string | null;
  home_unit: string | null;
  /** Grid workers: full-time (专职) or part-time (兼职). */
  employment: ColumnType<"full_time" | "part_time" | null, "full_time" | "part_time" | null | undefined, never>;
  created_by: string | null;
  created_at: ColumnType<Date, Date | undefined, never>;
}
export type AssignmentRow = Selectable<AssignmentTable>;

import type { ColumnType, Selectable } from "kysely";

/** A read-only big-screen link (kiosk token) bound to one area; only the SHA-256 of its secret is kept. */
export interface ScreenTokenTable {
  id: string;
  name: string;
  area_id: string;
  token_hash: string;
  prefix: string;
  created_by: string | null;
  created_at: ColumnType<Date, Date | undefined, never>;
  expires_at: Date | null;
  last_used_at: Date | null;
  revoked_at: Date | null;
  revoked_by: string | null;
}
export type ScreenTokenRow = Selectable<ScreenTokenTable>;

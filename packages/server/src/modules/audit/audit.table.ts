import type { ColumnType, Selectable } from "kysely";

export interface AuditLogTable {
  seq: number;
  occurred_at: Date;
  actor_user_id: string | null;
  actor_username: string | null;
  ip: string | null;
  user_agent: string | null;
  action: string;
  target_type: string | null;
  target_id: string | null;
  area_path: string | null;
  outcome: "success" | "failure" | "denied";
  reason: string | null;
  details: ColumnType<unknown, string, never>;
  hash_alg: string;
  prev_hash: string;
  hash: string;
}
export type AuditLogRow = Selectable<AuditLogTable>;

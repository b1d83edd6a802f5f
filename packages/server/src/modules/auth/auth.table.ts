import type { ColumnType, Generated, Insertable, Selectable } from "kysely";

export interface SessionTable {
  /** SHA-256 of the session token; the token itself lives only in the user's cookie. */
  id_hash: string;
  user_id: string;
  stage: "totp" | "active";
  created_at: Date;
  last_seen_at: Date;
  ip: string | null;
  user_agent: string | null;
  revoked_at: Date | null;
  /** Codes tried on a pending (password-only) sign-in; it ends after TOTP_MAX_ATTEMPTS. */
  totp_attempts: ColumnType<number, number | undefined, number>;
}
export type SessionRow = Selectable<SessionTable>;
export type NewSessionRow = Insertable<SessionTable>;

export interface ApiTokenTable {
  id: string;
  user_id: string;
  name: string;
  token_hash: string;
  prefix: string;
  expires_at: Date;
  created_at: ColumnType<Date, Date | undefined, never>;
  last_used_at: Date | null;
  revoked_at: Date | null;
}
export type ApiTokenRow = Selectable<ApiTokenTable>;

export interface LoginAttemptTable {
  id: Generated<number>;
  username: string;
  ip: string | null;
  outcome: "success" | "failure" | "locked";
  at: Date;
}

/** One row per username signed in to with a wrong password: the lockout counter (core/auth/lockout.ts). */
export interface LoginLockTable {
  username: string;
  locked_until: Date | null;
  /** Attempts counted in the current window (each counted before its password is checked). */
  failures: ColumnType<number, number | undefined, number>;
  window_started_at: Date | null;
}

export interface OtpChallengeTable {
  id: string;
  phone_bidx: string;
  code_hash: string;
  created_at: Date;
  expires_at: Date;
  attempts: ColumnType<number, number | undefined, number>;
  consumed_at: Date | null;
}

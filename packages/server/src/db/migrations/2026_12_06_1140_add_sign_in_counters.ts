import { type Kysely, sql } from "kysely";

/**
 * Sign-in limits that hold under parallel requests and across server processes: each attempt takes
 * its number from one row, updated atomically (insert … on conflict do update … returning), before
 * the password or code is checked.
 * - login_lock becomes a per-username counter: failures within the window that started at
 *   window_started_at, and locked_until (now nullable: a counter may exist without a lock).
 * - session.totp_attempts counts the codes tried on a pending (password-only) sign-in.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table login_lock alter column locked_until drop not null`.execute(db);
  await sql`alter table login_lock add column failures integer not null default 0`.execute(db);
  await sql`alter table login_lock add column window_started_at timestamptz`.execute(db);
  await sql`alter table session add column totp_attempts integer not null default 0`.execute(db);
}

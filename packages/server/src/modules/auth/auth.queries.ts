import { type Kysely, sql, type Transaction } from "kysely";
import type { DB } from "../../db/schema.ts";
import type { ApiTokenRow, NewSessionRow, SessionRow } from "./auth.table.ts";

type Db = Kysely<DB> | Transaction<DB>;

export async function insertSession(db: Db, row: NewSessionRow): Promise<void> {
  await db.insertInto("session").values(row).execute();
}

export async function findSession(db: Db, idHash: string): Promise<SessionRow | undefined> {
  return db.selectFrom("session").selectAll().where("id_hash", "=", idHash).executeTakeFirst();
}

/**
 * A session with what each request needs of its account (status, name, second-factor state), in one
 * round trip: authenticating is on every request, and a round trip costs more than the look-up.
 */
export async function findSessionWithAccount(db: Db, idHash: string) {
  return db
    .selectFrom("session as s")
    .innerJoin("app_user as u", "u.id", "s.user_id")
    .selectAll("s")
    .select(["u.username", "u.display_name", "u.status as user_status", "u.totp_enabled", "u.must_change_password"])
    .where("s.id_hash", "=", idHash)
    .executeTakeFirst();
}

export async function touchSession(db: Db, idHash: string, now: Date): Promise<void> {
  await db.updateTable("session").set({ last_seen_at: now }).where("id_hash", "=", idHash).execute();
}

export async function promoteSession(db: Db, idHash: string, now: Date): Promise<void> {
  await db.updateTable("session").set({ stage: "active", last_seen_at: now }).where("id_hash", "=", idHash).execute();
}

export async function revokeSession(db: Db, idHash: string, now: Date): Promise<void> {
  await db
    .updateTable("session")
    .set({ revoked_at: now })
    .where("id_hash", "=", idHash)
    .where("revoked_at", "is", null)
    .execute();
}

/**
 * Takes the next TOTP attempt of a pending sign-in, atomically: the number of this attempt, or
 * undefined when the session is not pending any more or its attempts are used up (parallel requests
 * each get their own number, so no more than `max` codes are ever checked).
 */
export async function takeTotpAttempt(db: Db, idHash: string, max: number): Promise<number | undefined> {
  const row = await db
    .updateTable("session")
    .set((eb) => ({ totp_attempts: eb("totp_attempts", "+", 1) }))
    .where("id_hash", "=", idHash)
    .where("stage", "=", "totp")
    .where("revoked_at", "is", null)
    .where("totp_attempts", "<", max)
    .returning("totp_attempts")
    .executeTakeFirst();
  return row?.totp_attempts;
}

export async function revokeSessionsOfUser(db: Db, userId: string, now: Date, exceptIdHash?: string): Promise<void> {
  let q = db
    .updateTable("session")
    .set({ revoked_at: now })
    .where("user_id", "=", userId)
    .where("revoked_at", "is", null);
  if (exceptIdHash) q = q.where("id_hash", "!=", exceptIdHash);
  await q.execute();
}

export async function insertApiToken(
  db: Db,
  row: Omit<ApiTokenRow, "created_at" | "last_used_at" | "revoked_at">,
): Promise<ApiTokenRow | undefined> {
  return db
    .insertInto("api_token")
    .values(row)
    .onConflict((oc) => oc.column("id").doNothing())
    .returningAll()
    .executeTakeFirst();
}

export async function findApiTokenById(db: Db, id: string): Promise<ApiTokenRow | undefined> {
  return db.selectFrom("api_token").selectAll().where("id", "=", id).executeTakeFirst();
}

/** A token by its hash with its account's name and status, in one statement (every API request reads it). */
export async function findApiTokenWithAccount(db: Db, tokenHash: string) {
  return db
    .selectFrom("api_token as t")
    .innerJoin("app_user as u", "u.id", "t.user_id")
    .selectAll("t")
    .select(["u.username", "u.display_name", "u.status as user_status"])
    .where("t.token_hash", "=", tokenHash)
    .executeTakeFirst();
}

export async function listApiTokensOfUser(db: Db, userId: string): Promise<ApiTokenRow[]> {
  return db.selectFrom("api_token").selectAll().where("user_id", "=", userId).orderBy("created_at", "desc").execute();
}

export async function markApiTokenUsed(db: Db, id: string, now: Date): Promise<void> {
  await db.updateTable("api_token").set({ last_used_at: now }).where("id", "=", id).execute();
}

export async function revokeApiToken(db: Db, id: string, now: Date): Promise<void> {
  await db
    .updateTable("api_token")
    .set({ revoked_at: now })
    .where("id", "=", id)
    .where("revoked_at", "is", null)
    .execute();
}

export async function revokeApiTokensOfUser(db: Db, userId: string, now: Date): Promise<number> {
  const result = await db
    .updateTable("api_token")
    .set({ revoked_at: now })
    .where("user_id", "=", userId)
    .where("revoked_at", "is", null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

export async function insertLoginAttempt(
  db: Db,
  row: { username: string; ip: string | null; outcome: "success" | "failure" | "locked"; at: Date },
): Promise<void> {
  await db.insertInto("login_attempt").values(row).execute();
}

/**
 * Counts one sign-in attempt for a username before its password is checked, in one statement, so
 * parallel attempts (in this process or another) each get their own number: a new window when the
 * last one ended, no counting while a lock lasts, and a lock as soon as an attempt beyond `max` is
 * counted. Returns this attempt's number in its window and the lock in force.
 */
export async function countLoginAttempt(
  db: Db,
  username: string,
  at: { now: Date; windowStart: Date; lockUntil: Date; max: number },
): Promise<{ attempt: number; lockedUntil: Date | null }> {
  const { now, windowStart, lockUntil, max } = at;
  const locked = sql`l.locked_until is not null and l.locked_until > ${now}`;
  const windowOver = sql`l.window_started_at is null or l.window_started_at <= ${windowStart}`;
  const { rows } = await sql<{ failures: number; locked_until: Date | null }>`
    insert into login_lock as l (username, locked_until, failures, window_started_at)
    values (${username}, null, 1, ${now})
    on conflict (username) do update set
      failures = case when ${locked} then l.failures when ${windowOver} then 1 else l.failures + 1 end,
      window_started_at = case when ${locked} then l.window_started_at when ${windowOver} then ${now}
        else l.window_started_at end,
      locked_until = case when ${locked} then l.locked_until
        when not (${windowOver}) and l.failures + 1 > ${max} then ${lockUntil}::timestamptz else null end
    returning failures, locked_until`.execute(db);
  const row = rows[0] as { failures: number; locked_until: Date | null };
  return { attempt: Number(row.failures), lockedUntil: row.locked_until };
}

/**
 * Takes back the count of an attempt that proved right without finishing a sign-in (a password
 * whose second factor is still to come), so it is not a failure — but the count is not cleared: the
 * codes tried next add to it. Only in the window that counted it, and not while a lock lasts.
 */
export async function uncountLoginAttempt(db: Db, username: string, countedAt: Date): Promise<void> {
  await db
    .updateTable("login_lock")
    .set((eb) => ({ failures: eb("failures", "-", 1) }))
    .where("username", "=", username)
    .where("failures", ">", 0)
    .where("window_started_at", "<=", countedAt)
    .where((eb) => eb.or([eb("locked_until", "is", null), eb("locked_until", "<=", countedAt)]))
    .execute();
}

/** Locks a username until the given time (or keeps a later lock). */
export async function lockLogin(db: Db, username: string, lockedUntil: Date): Promise<void> {
  await db
    .updateTable("login_lock")
    .set({ locked_until: lockedUntil })
    .where("username", "=", username)
    .where((eb) => eb.or([eb("locked_until", "is", null), eb("locked_until", "<", lockedUntil)]))
    .execute();
}

/** Forgets a username's failures and lock (a sign-in completed, second factor and all, or an admin lifting the lock). */
export async function clearLoginCounter(db: Db, username: string): Promise<void> {
  await db.deleteFrom("login_lock").where("username", "=", username).execute();
}

export async function insertOtpChallenge(
  db: Db,
  row: { id: string; phone_bidx: string; code_hash: string; created_at: Date; expires_at: Date },
): Promise<void> {
  await db.insertInto("otp_challenge").values(row).execute();
}

export async function countOtpChallengesSince(db: Db, phoneBidx: string, since: Date): Promise<number> {
  const row = await db
    .selectFrom("otp_challenge")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("phone_bidx", "=", phoneBidx)
    .where("created_at", ">", since)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function findLatestOtpChallenge(db: Transaction<DB>, phoneBidx: string, now: Date) {
  return db
    .selectFrom("otp_challenge")
    .selectAll()
    .where("phone_bidx", "=", phoneBidx)
    .where("consumed_at", "is", null)
    .where("expires_at", ">", now)
    .orderBy("created_at", "desc")
    .limit(1)
    .forUpdate()
    .executeTakeFirst();
}

export async function updateOtpChallenge(
  db: Db,
  id: string,
  update: { attempts?: number; consumed_at?: Date },
): Promise<void> {
  await db.updateTable("otp_challenge").set(update).where("id", "=", id).execute();
}

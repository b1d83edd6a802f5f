import type { Kysely, Transaction } from "kysely";
import type { DB } from "../../db/schema.ts";
import type { ApiTokenRow, SessionRow } from "./auth.table.ts";

type Db = Kysely<DB> | Transaction<DB>;

export async function insertSession(db: Db, row: SessionRow): Promise<void> {
  await db.insertInto("session").values(row).execute();
}

export async function findSession(db: Db, idHash: string): Promise<SessionRow | undefined> {
  return db.selectFrom("session").selectAll().where("id_hash", "=", idHash).executeTakeFirst();
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

export async function findApiTokenByHash(db: Db, tokenHash: string): Promise<ApiTokenRow | undefined> {
  return db.selectFrom("api_token").selectAll().where("token_hash", "=", tokenHash).executeTakeFirst();
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

export async function insertLoginAttempt(
  db: Db,
  row: { username: string; ip: string | null; outcome: "success" | "failure" | "locked"; at: Date },
): Promise<void> {
  await db.insertInto("login_attempt").values(row).execute();
}

export async function listRecentFailures(db: Db, username: string, since: Date): Promise<Date[]> {
  const rows = await db
    .selectFrom("login_attempt")
    .select("at")
    .where("username", "=", username)
    .where("outcome", "=", "failure")
    .where("at", ">", since)
    .execute();
  return rows.map((r) => r.at);
}

export async function findLoginLock(db: Db, username: string): Promise<Date | null> {
  const row = await db
    .selectFrom("login_lock")
    .select("locked_until")
    .where("username", "=", username)
    .executeTakeFirst();
  return row?.locked_until ?? null;
}

export async function setLoginLock(db: Db, username: string, lockedUntil: Date | null): Promise<void> {
  if (lockedUntil === null) {
    await db.deleteFrom("login_lock").where("username", "=", username).execute();
    return;
  }
  await db
    .insertInto("login_lock")
    .values({ username, locked_until: lockedUntil })
    .onConflict((oc) => oc.column("username").doUpdateSet({ locked_until: lockedUntil }))
    .execute();
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

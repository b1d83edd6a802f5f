import type { Kysely, Transaction } from "kysely";
import type { DB } from "../../db/schema.ts";
import type { ScreenTokenRow } from "./screen.table.ts";

type Db = Kysely<DB> | Transaction<DB>;

/** Inserts a link unless its id exists (a retried create): undefined then. */
export async function insertScreenToken(
  db: Db,
  row: Omit<ScreenTokenRow, "created_at" | "last_used_at" | "revoked_at" | "revoked_by">,
): Promise<ScreenTokenRow | undefined> {
  return db
    .insertInto("screen_token")
    .values(row)
    .onConflict((oc) => oc.column("id").doNothing())
    .returningAll()
    .executeTakeFirst();
}

/** A link with the code, name and path of its area and the name of who issued it. */
function selectLinks(db: Db) {
  return db
    .selectFrom("screen_token as s")
    .innerJoin("area as a", "a.id", "s.area_id")
    .leftJoin("app_user as u", "u.id", "s.created_by")
    .selectAll("s")
    .select(["a.code as area_code", "a.name as area_name", "a.path as area_path", "u.display_name as creator_name"]);
}
export type ScreenLinkRow = Awaited<ReturnType<typeof findScreenTokenById>> & object;

export async function findScreenTokenById(db: Db, id: string) {
  return selectLinks(db).where("s.id", "=", id).executeTakeFirst();
}

export async function findScreenTokenByHash(db: Db, tokenHash: string) {
  return selectLinks(db).where("s.token_hash", "=", tokenHash).executeTakeFirst();
}

/** The links bound to areas under any of `prefixes` ("all": every link), newest first. */
export async function listScreenTokensUnder(db: Db, prefixes: string[] | "all", limit: number) {
  if (prefixes !== "all" && prefixes.length === 0) return [];
  let q = selectLinks(db);
  if (prefixes !== "all") q = q.where((eb) => eb.or(prefixes.map((p) => eb("a.path", "like", `${p}%`))));
  return q.orderBy("s.created_at", "desc").orderBy("s.id", "desc").limit(limit).execute();
}

/** Revokes a live link; false when it was already revoked. */
export async function revokeScreenToken(db: Db, id: string, at: Date, by: string | null): Promise<boolean> {
  const res = await db
    .updateTable("screen_token")
    .set({ revoked_at: at, revoked_by: by })
    .where("id", "=", id)
    .where("revoked_at", "is", null)
    .executeTakeFirst();
  return Number(res.numUpdatedRows) > 0;
}

export async function markScreenTokenUsed(db: Db, id: string, at: Date): Promise<void> {
  await db.updateTable("screen_token").set({ last_used_at: at }).where("id", "=", id).execute();
}

/** Whether an id is an account's (a link may not take it: it would read as that account). */
export async function isAccountId(db: Db, id: string): Promise<boolean> {
  const row = await db.selectFrom("app_user").select("id").where("id", "=", id).executeTakeFirst();
  return row !== undefined;
}

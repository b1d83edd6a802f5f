import type { Kysely, Transaction } from "kysely";
import type { DB } from "../../db/schema.ts";
import type { AreaRow, AreaTable } from "./areas.table.ts";

type Db = Kysely<DB> | Transaction<DB>;

export async function findAreaByCode(db: Db, code: string): Promise<AreaRow | undefined> {
  return db.selectFrom("area").selectAll().where("code", "=", code).executeTakeFirst();
}

export async function insertAreaIfMissing(db: Db, row: Omit<AreaTable, "created_at">): Promise<void> {
  await db
    .insertInto("area")
    .values(row)
    .onConflict((oc) => oc.column("code").doNothing())
    .execute();
}

export async function listAreasUnder(db: Db, pathPrefix: string, limit: number): Promise<AreaRow[]> {
  return db
    .selectFrom("area")
    .selectAll()
    .where("path", "like", `${pathPrefix}%`)
    .orderBy("path")
    .limit(limit)
    .execute();
}

import type { Kysely, Transaction } from "kysely";
import type { DB } from "../../db/schema.ts";
import { forgetPrincipals } from "../users/principal-cache.ts";
import type { RoleRow } from "./roles.table.ts";

type Db = Kysely<DB> | Transaction<DB>;

export async function listRoleRows(db: Db): Promise<RoleRow[]> {
  return db.selectFrom("role").selectAll().orderBy("key").execute();
}

export async function findRoleRow(db: Db, key: string): Promise<RoleRow | undefined> {
  return db.selectFrom("role").selectAll().where("key", "=", key).executeTakeFirst();
}

export async function listRolePermissions(db: Db): Promise<{ role_key: string; permission: string }[]> {
  return db.selectFrom("role_permission").selectAll().orderBy("role_key").orderBy("permission").execute();
}

export async function insertRoleIfMissing(
  db: Db,
  row: Omit<RoleRow, "updated_at" | "requires_totp">,
  permissions: string[],
): Promise<boolean> {
  forgetPrincipals();
  const inserted = await db
    .insertInto("role")
    .values(row)
    .onConflict((oc) => oc.column("key").doNothing())
    .returning("key")
    .executeTakeFirst();
  if (inserted && permissions.length > 0) {
    await db
      .insertInto("role_permission")
      .values(permissions.map((permission) => ({ role_key: row.key, permission })))
      .execute();
  }
  return Boolean(inserted);
}

export async function replaceRolePermissions(db: Db, key: string, permissions: string[], now: Date): Promise<void> {
  forgetPrincipals();
  await db.deleteFrom("role_permission").where("role_key", "=", key).execute();
  if (permissions.length > 0) {
    await db
      .insertInto("role_permission")
      .values(permissions.map((permission) => ({ role_key: key, permission })))
      .execute();
  }
  await db.updateTable("role").set({ updated_at: now }).where("key", "=", key).execute();
}

export async function updateRoleRequiresTotp(db: Db, key: string, requiresTotp: boolean, now: Date): Promise<void> {
  forgetPrincipals();
  await db.updateTable("role").set({ requires_totp: requiresTotp, updated_at: now }).where("key", "=", key).execute();
}

export async function lockRole(db: Transaction<DB>, key: string): Promise<RoleRow | undefined> {
  return db.selectFrom("role").selectAll().where("key", "=", key).forUpdate().executeTakeFirst();
}

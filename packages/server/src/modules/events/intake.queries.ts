import type { Kysely, Transaction } from "kysely";
import type { DB } from "../../db/schema.ts";
import type { DeviceKind, IntakeDeviceRow, Open311KeyRow } from "./events.table.ts";

/** The statements on the clients that report events by machine: Open311 API keys and intake devices. */
type Db = Kysely<DB> | Transaction<DB>;

// ---- Open311 keys ------------------------------------------------------------------------------------

export async function findOpen311KeyByName(db: Db, name: string): Promise<{ id: string } | undefined> {
  return db.selectFrom("open311_key").select("id").where("name", "=", name).executeTakeFirst();
}

/** Inserts the key unless its name is taken; false if it was. */
export async function insertOpen311KeyIfNameFree(db: Db, row: Open311KeyRow): Promise<boolean> {
  const inserted = await db
    .insertInto("open311_key")
    .values(row)
    .onConflict((oc) => oc.column("name").doNothing())
    .returning("id")
    .executeTakeFirst();
  return inserted !== undefined;
}

export async function listOpen311KeyRows(db: Db): Promise<Open311KeyRow[]> {
  return db.selectFrom("open311_key").selectAll().orderBy("created_at").execute();
}

/** Revokes an active key; false if there is none with that id. */
export async function revokeOpen311KeyRow(db: Db, id: string, at: Date): Promise<boolean> {
  const r = await db
    .updateTable("open311_key")
    .set({ revoked_at: at })
    .where("id", "=", id)
    .where("revoked_at", "is", null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

export async function findActiveOpen311Key(db: Db, keyHash: string): Promise<Open311KeyRow | undefined> {
  return db
    .selectFrom("open311_key")
    .selectAll()
    .where("key_hash", "=", keyHash)
    .where("revoked_at", "is", null)
    .executeTakeFirst();
}

export async function touchOpen311Key(db: Db, id: string, at: Date): Promise<void> {
  await db.updateTable("open311_key").set({ last_used_at: at }).where("id", "=", id).execute();
}

// ---- intake devices ----------------------------------------------------------------------------------

export async function findDeviceByKey(
  db: Db,
  deviceKey: string,
  options: { activeOnly?: boolean; kind?: DeviceKind } = {},
): Promise<IntakeDeviceRow | undefined> {
  let q = db.selectFrom("intake_device").selectAll().where("device_key", "=", deviceKey);
  if (options.activeOnly) q = q.where("revoked_at", "is", null);
  if (options.kind) q = q.where("kind", "=", options.kind);
  return q.executeTakeFirst();
}

/** Inserts the device unless its key is taken; false if it was. */
export async function insertDeviceIfKeyFree(db: Db, row: IntakeDeviceRow): Promise<boolean> {
  const inserted = await db
    .insertInto("intake_device")
    .values(row)
    .onConflict((oc) => oc.column("device_key").doNothing())
    .returning("id")
    .executeTakeFirst();
  return inserted !== undefined;
}

export async function listDeviceRows(db: Db, kind: DeviceKind): Promise<IntakeDeviceRow[]> {
  return db.selectFrom("intake_device").selectAll().where("kind", "=", kind).orderBy("created_at").execute();
}

/** Retires an active device; false if there is none with that id. */
export async function retireDeviceRow(db: Db, id: string, at: Date, kind: DeviceKind): Promise<boolean> {
  const r = await db
    .updateTable("intake_device")
    .set({ revoked_at: at })
    .where("id", "=", id)
    .where("kind", "=", kind)
    .where("revoked_at", "is", null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/** Spends a device's nonce; false if it was spent before (a replay). */
export async function spendNonce(db: Db, deviceId: string, nonce: string, at: Date): Promise<boolean> {
  const spent = await db
    .insertInto("intake_device_nonce")
    .values({ device_id: deviceId, nonce, at })
    .onConflict((oc) => oc.columns(["device_id", "nonce"]).doNothing())
    .returning("nonce")
    .executeTakeFirst();
  return spent !== undefined;
}

export async function forgetNoncesBefore(db: Db, deviceId: string, before: Date): Promise<void> {
  await db.deleteFrom("intake_device_nonce").where("device_id", "=", deviceId).where("at", "<", before).execute();
}

export async function touchDevice(db: Db, id: string, at: Date): Promise<void> {
  await db.updateTable("intake_device").set({ last_seen_at: at }).where("id", "=", id).execute();
}

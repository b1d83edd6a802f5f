import { type Kysely, sql, type Transaction } from "kysely";
import type { DB } from "../../db/schema.ts";

type Db = Kysely<DB> | Transaction<DB>;

export async function upsertBeat(
  db: Db,
  row: {
    id: string;
    code: string;
    name: string;
    station: string;
    officer_user_id: string | null;
    geometry: string;
    min_lng: number;
    min_lat: number;
    max_lng: number;
    max_lat: number;
  },
  now: Date,
): Promise<{ id: string; inserted: boolean }> {
  const result = await db
    .insertInto("police_beat")
    .values({ ...row, created_at: now, updated_at: now })
    .onConflict((oc) =>
      oc.column("code").doUpdateSet((eb) => ({
        name: eb.ref("excluded.name"),
        station: eb.ref("excluded.station"),
        officer_user_id: eb.ref("excluded.officer_user_id"),
        geometry: eb.ref("excluded.geometry"),
        min_lng: eb.ref("excluded.min_lng"),
        min_lat: eb.ref("excluded.min_lat"),
        max_lng: eb.ref("excluded.max_lng"),
        max_lat: eb.ref("excluded.max_lat"),
        updated_at: now,
      })),
    )
    .returning(["id", sql<boolean>`(xmax = 0)`.as("inserted")])
    .executeTakeFirstOrThrow();
  return { id: result.id, inserted: Boolean(result.inserted) };
}

/** Grids (and micro-grids) whose current boundary box overlaps the box given. */
export async function listGridShapesInBox(
  db: Db,
  box: { minLng: number; minLat: number; maxLng: number; maxLat: number },
) {
  return db
    .selectFrom("area_boundary as b")
    .innerJoin("area as a", "a.id", "b.area_id")
    .select(["a.id", "a.code", "b.geometry"])
    .where("b.valid_to", "is", null)
    .where("a.level", "in", ["grid", "microgrid"])
    .where("a.abolished_at", "is", null)
    .where("b.max_lng", ">=", box.minLng)
    .where("b.min_lng", "<=", box.maxLng)
    .where("b.max_lat", ">=", box.minLat)
    .where("b.min_lat", "<=", box.maxLat)
    .execute();
}

export async function replaceBeatLinks(
  db: Db,
  beatId: string,
  links: { gridAreaId: string; share: number }[],
): Promise<void> {
  await db.deleteFrom("grid_beat").where("beat_id", "=", beatId).execute();
  if (links.length > 0) {
    await db
      .insertInto("grid_beat")
      .values(links.map((l) => ({ grid_area_id: l.gridAreaId, beat_id: beatId, share: l.share })))
      .execute();
  }
}

export async function listBeatsOfGrid(db: Db, gridAreaId: string) {
  return db
    .selectFrom("grid_beat as gb")
    .innerJoin("police_beat as p", "p.id", "gb.beat_id")
    .leftJoin("app_user as u", "u.id", "p.officer_user_id")
    .select(["p.code", "p.name", "p.station", "gb.share", "u.display_name as officer_name"])
    .where("gb.grid_area_id", "=", gridAreaId)
    .orderBy("gb.share", "desc")
    .execute();
}

/** The community police officers of the beats a grid overlaps (those with an officer). */
export async function listBeatOfficersOfGrid(
  db: Db,
  gridAreaId: string,
): Promise<{ userId: string; beatCode: string }[]> {
  const rows = await db
    .selectFrom("grid_beat as gb")
    .innerJoin("police_beat as p", "p.id", "gb.beat_id")
    .select(["p.officer_user_id", "p.code"])
    .where("gb.grid_area_id", "=", gridAreaId)
    .where("p.officer_user_id", "is not", null)
    .execute();
  return rows.map((r) => ({ userId: r.officer_user_id as string, beatCode: r.code }));
}

export async function listBeatsInBox(db: Db, box: { minLng: number; minLat: number; maxLng: number; maxLat: number }) {
  return db
    .selectFrom("police_beat")
    .select(["id", "geometry"])
    .where("max_lng", ">=", box.minLng)
    .where("min_lng", "<=", box.maxLng)
    .where("max_lat", ">=", box.minLat)
    .where("min_lat", "<=", box.maxLat)
    .execute();
}

export async function replaceGridLinks(
  db: Db,
  gridAreaId: string,
  links: { beatId: string; share: number }[],
): Promise<void> {
  await db.deleteFrom("grid_beat").where("grid_area_id", "=", gridAreaId).execute();
  if (links.length > 0) {
    await db
      .insertInto("grid_beat")
      .values(links.map((l) => ({ grid_area_id: gridAreaId, beat_id: l.beatId, share: l.share })))
      .execute();
  }
}

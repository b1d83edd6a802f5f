import type { Kysely, Transaction } from "kysely";
import type { DB } from "../../db/schema.ts";

type Db = Kysely<DB> | Transaction<DB>;

/**
 * The newest matters reported under a path (merged duplicates left out): what they are and where, no
 * text. At a province or city the newest events walked backwards on event_created_id_idx (created_at,
 * id), stopping at the limit; at a township its few events by the path index, then sorted.
 */
export async function listLatestEvents(db: Db, path: string, limit: number) {
  return db
    .selectFrom("event as e")
    .innerJoin("area as a", "a.id", "e.area_id")
    .select([
      "e.id",
      "e.number",
      "e.category_key",
      "e.state",
      "e.level",
      "e.created_at",
      "e.updated_at",
      "a.code as area_code",
      "a.name as area_name",
    ])
    .where("e.area_path", "like", `${path}%`)
    .where("e.merged_into", "is", null)
    .orderBy("e.created_at", "desc")
    .orderBy("e.id", "desc")
    .limit(limit)
    .execute();
}

/** The close-outs confirmed last for areas under a path, with the area each was for. */
export async function listLatestCloseOuts(db: Db, path: string, limit: number) {
  return (
    db
      .selectFrom("close_out_area as ca")
      .innerJoin("close_out as c", "c.id", "ca.close_out_id")
      .innerJoin("area as a", "a.path", "ca.area_path")
      .select(["c.id", "c.day", "c.confirmed_at", "a.code as area_code", "a.name as area_name"])
      // What was carried over within the screen's area only: a worker's close-out may cover grids beyond it.
      .select((eb) =>
        eb
          .selectFrom("close_out_carry_over as co")
          .innerJoin("event as e", "e.id", "co.event_id")
          .whereRef("co.close_out_id", "=", "c.id")
          .where("e.area_path", "like", `${path}%`)
          .select(eb.fn.countAll<string>().as("n"))
          .as("still_open"),
      )
      .where("ca.area_path", "like", `${path}%`)
      .orderBy("c.confirmed_at", "desc")
      .orderBy("c.id", "desc")
      .limit(limit)
      .execute()
  );
}

/** Every category with its parent and names: the screen groups the figures by top-level category. */
export async function listCategoryNames(db: Db) {
  return db.selectFrom("event_category").select(["key", "parent_key", "name_zh", "name_en"]).execute();
}

import { type Insertable, type Kysely, sql, type Transaction, type Updateable } from "kysely";
import type { DB } from "../../db/schema.ts";
import type { ProcedureRow } from "./disclosures.table.ts";

type Db = Kysely<DB> | Transaction<DB>;
const like = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

export async function findProcedure(db: Db, id: string): Promise<ProcedureRow | undefined> {
  return db.selectFrom("procedure").selectAll().where("id", "=", id).executeTakeFirst();
}

export async function insertProcedureIfNew(db: Db, row: Insertable<DB["procedure"]>): Promise<boolean> {
  const res = await db
    .insertInto("procedure")
    .values(row)
    .onConflict((oc) => oc.column("id").doNothing())
    .executeTakeFirst();
  return Number(res.numInsertedOrUpdatedRows ?? 0) > 0;
}

export async function updateProcedureRow(db: Db, id: string, set: Updateable<DB["procedure"]>) {
  await db.updateTable("procedure").set(set).where("id", "=", id).execute();
}

/**
 * Published procedures offered at any of `paths` (a village and the areas above it), matching `q`:
 * Chinese words in the title or the materials, or pinyin — the title's initials from the start
 * (bsz → 办身份证) or its full pinyin anywhere (shenfenzheng).
 */
export async function listPublishedProcedures(
  db: Db,
  f: { paths: string[]; words?: string | undefined; pinyin?: string | undefined },
) {
  let query = db
    .selectFrom("procedure as p")
    .innerJoin("area as a", "a.id", "p.area_id")
    .selectAll("p")
    .select(["a.code as area_code", "a.name as area_name"])
    .where("p.published", "=", true)
    .where("p.area_path", "in", f.paths);
  if (f.words) query = query.where("p.search_text", "like", `%${like(f.words)}%`);
  if (f.pinyin) {
    const q = like(f.pinyin);
    query = query.where((eb) =>
      eb.or([
        eb(sql`p.title_initials collate "C"`, "like", `${q}%`),
        eb(sql`p.title_pinyin collate "C"`, "like", `%${q}%`),
      ]),
    );
  }
  return query.orderBy(sql`length(p.area_path)`, "desc").orderBy("p.title").limit(200).execute();
}

export async function listProceduresUnder(db: Db, prefixes: string[] | null) {
  let query = db
    .selectFrom("procedure as p")
    .innerJoin("area as a", "a.id", "p.area_id")
    .selectAll("p")
    .select(["a.code as area_code", "a.name as area_name"]);
  if (prefixes)
    query = query.where((eb) => eb.or(prefixes.map((p) => eb(sql`p.area_path collate "C"`, "like", `${like(p)}%`))));
  return query.orderBy("p.updated_at", "desc").limit(500).execute();
}

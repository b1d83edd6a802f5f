import { type Insertable, type Kysely, sql, type Transaction } from "kysely";
import type { DB } from "../../db/schema.ts";
import type { AreaBoundaryRow, AreaBoundaryTable, AreaLineageTable, AreaRow, AreaTable } from "./areas.table.ts";

type Db = Kysely<DB> | Transaction<DB>;

export async function findAreaByCode(db: Db, code: string): Promise<AreaRow | undefined> {
  return db.selectFrom("area").selectAll().where("code", "=", code).executeTakeFirst();
}

export async function insertAreaIfMissing(db: Db, row: Insertable<AreaTable>): Promise<void> {
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
    .where("abolished_at", "is", null)
    .orderBy("path")
    .limit(limit)
    .execute();
}

/** Paths of the live areas without a parent: the roots of the deployment's tree. */
export async function listRootPaths(db: Db): Promise<string[]> {
  const rows = await db
    .selectFrom("area")
    .select("path")
    .where("parent_id", "is", null)
    .where("abolished_at", "is", null)
    .execute();
  return rows.map((r) => r.path);
}

export async function listChildren(db: Db, parentId: string): Promise<AreaRow[]> {
  return db
    .selectFrom("area")
    .selectAll()
    .where("parent_id", "=", parentId)
    .where("abolished_at", "is", null)
    .orderBy("code")
    .execute();
}

/** Descendants of the area at each level (one indexed prefix scan). */
export async function countDescendantsByLevel(db: Db, path: string): Promise<{ level: string; n: number }[]> {
  const rows = await db
    .selectFrom("area")
    .select(["level", (eb) => eb.fn.countAll<number>().as("n")])
    .where("path", "like", `${path}%`)
    .where("path", "!=", path)
    .where("abolished_at", "is", null)
    .groupBy("level")
    .execute();
  return rows.map((r) => ({ level: r.level, n: Number(r.n) }));
}

/**
 * Upserts divisions from the statistics bureau in one statement per batch: new codes are inserted,
 * renamed ones updated, a code that had been abolished and came back is restored. Returns codes changed.
 */
export async function upsertDivisions(
  db: Db,
  rows: {
    id: string;
    code: string;
    name: string;
    level: AreaTable["level"];
    parentCode: string | null;
    path: string;
  }[],
  now: Date,
): Promise<{ inserted: number; renamed: number; restored: number }> {
  if (rows.length === 0) return { inserted: 0, renamed: 0, restored: 0 };
  const result = await sql<{ inserted: boolean; renamed: boolean; restored: boolean }>`
    with input (id, code, name, level, parent_code, path) as (
      values ${sql.join(rows.map((r) => sql`(${r.id}::uuid, ${r.code}, ${r.name}, ${r.level}, ${r.parentCode}, ${r.path})`))}
    ),
    before as (select a.id, a.code, a.name, a.kind, a.path, a.updated_at, a.abolished_at from area a join input i on i.code = a.code),
    history as (
      insert into area_version (id, area_id, name, kind, path, valid_from, valid_to)
      select gen_random_uuid(), b.id, b.name, b.kind, b.path, b.updated_at, ${now}
      from before b join input i on i.code = b.code where b.name <> i.name
    ),
    upserted as (
      insert into area (id, code, name, level, parent_id, path, source, created_at, updated_at)
      select i.id, i.code, i.name, i.level, p.id, i.path, 'nbs', ${now}, ${now}
      from input i left join area p on p.code = i.parent_code
      on conflict (code) do update set name = excluded.name, abolished_at = null, source = 'nbs', updated_at = excluded.updated_at
        where area.name is distinct from excluded.name or area.abolished_at is not null
      returning code
    )
    select (b.code is null) as inserted,
           (b.code is not null and b.name <> i.name) as renamed,
           (b.abolished_at is not null) as restored
    from upserted u join input i on i.code = u.code left join before b on b.code = u.code`.execute(db);
  return {
    inserted: result.rows.filter((r) => r.inserted).length,
    renamed: result.rows.filter((r) => r.renamed).length,
    restored: result.rows.filter((r) => r.restored).length,
  };
}

/** Divisions from the bureau under `path` whose codes are no longer in its list: marked abolished, never deleted. */
export async function abolishDivisionsNotIn(db: Db, path: string, keep: string[], now: Date): Promise<string[]> {
  const rows = await sql<{ code: string }>`
    update area set abolished_at = ${now}, updated_at = ${now}
    where source = 'nbs' and abolished_at is null and path like ${`${path}%`}
      and not (code = any(${keep}::text[]))
    returning code`.execute(db);
  return rows.rows.map((r) => r.code);
}

export async function findCurrentBoundary(db: Db, areaId: string): Promise<AreaBoundaryRow | undefined> {
  return db
    .selectFrom("area_boundary")
    .selectAll()
    .where("area_id", "=", areaId)
    .where("valid_to", "is", null)
    .executeTakeFirst();
}

export async function closeBoundary(db: Db, id: string, at: Date): Promise<void> {
  await db.updateTable("area_boundary").set({ valid_to: at }).where("id", "=", id).execute();
}

export async function insertBoundary(
  db: Db,
  row: Omit<AreaBoundaryTable, "geometry"> & { geometry: string },
): Promise<void> {
  await db.insertInto("area_boundary").values(row).execute();
}

export interface BoundaryWithArea {
  id: string;
  code: string;
  name: string;
  parent_id: string | null;
  level: AreaTable["level"];
  path: string;
  geometry: unknown;
  min_lng: number;
  min_lat: number;
  max_lng: number;
  max_lat: number;
  area_m2: number;
}

/** Boundaries in force at `at` (now when omitted), with their areas, for the locate index. */
export async function listBoundariesAt(db: Db, at?: Date): Promise<BoundaryWithArea[]> {
  let q = db
    .selectFrom("area_boundary as b")
    .innerJoin("area as a", "a.id", "b.area_id")
    .select([
      "a.id",
      "a.code",
      "a.name",
      "a.parent_id",
      "a.level",
      "a.path",
      "b.geometry",
      "b.min_lng",
      "b.min_lat",
      "b.max_lng",
      "b.max_lat",
      "b.area_m2",
    ]);
  q = at
    ? q.where("b.valid_from", "<=", at).where((eb) => eb.or([eb("b.valid_to", "is", null), eb("b.valid_to", ">", at)]))
    : q.where("b.valid_to", "is", null).where("a.abolished_at", "is", null);
  return q.execute();
}

export async function listBoundaryHistory(db: Db, areaId: string): Promise<AreaBoundaryRow[]> {
  return db
    .selectFrom("area_boundary")
    .selectAll()
    .where("area_id", "=", areaId)
    .orderBy("valid_from", "desc")
    .execute();
}

/** Current boundaries of the area and everything under it, for GeoJSON export. */
export async function listSubtreeBoundaries(db: Db, path: string) {
  return db
    .selectFrom("area_boundary as b")
    .innerJoin("area as a", "a.id", "b.area_id")
    .select(["a.code", "a.name", "a.level", "a.kind", "b.geometry"])
    .where("a.path", "like", `${path}%`)
    .where("a.abolished_at", "is", null)
    .where("b.valid_to", "is", null)
    .orderBy("a.path")
    .execute();
}

export async function maxBoundaryRevision(db: Db): Promise<string> {
  const row = await sql<{
    rev: string | null;
  }>`select greatest(
        (select max(valid_from) from area_boundary),
        (select max(valid_to) from area_boundary where valid_to is not null)
      )::text as rev`.execute(db);
  return row.rows[0]?.rev ?? "";
}

/** Current boundaries of the area and everything under it, with each area's parent path. */
export async function listSubtreeShapes(db: Db, path: string) {
  return db
    .selectFrom("area as a")
    .leftJoin("area_boundary as b", (join) => join.onRef("b.area_id", "=", "a.id").on("b.valid_to", "is", null))
    .select(["a.code", "a.name", "a.level", "a.path", "b.geometry"])
    .where("a.path", "like", `${path}%`)
    .where("a.abolished_at", "is", null)
    .orderBy("a.path")
    .execute();
}

/** Keeps the state an area had until `until` (called before a rename, a change of kind or a move). */
export async function recordPastVersion(db: Db, area: AreaRow, until: Date): Promise<void> {
  await db
    .insertInto("area_version")
    .values({
      id: crypto.randomUUID(),
      area_id: area.id,
      name: area.name,
      kind: area.kind,
      path: area.path,
      valid_from: area.updated_at,
      valid_to: until,
    })
    .execute();
}

export async function listPastVersions(db: Db, areaId: string) {
  return db.selectFrom("area_version").selectAll().where("area_id", "=", areaId).orderBy("valid_to", "desc").execute();
}

/** The past state in force at `at`, if the area looked different then. */
export async function findVersionAt(db: Db, areaId: string, at: Date) {
  return db
    .selectFrom("area_version")
    .selectAll()
    .where("area_id", "=", areaId)
    .where("valid_from", "<=", at)
    .where("valid_to", ">", at)
    .orderBy("valid_to")
    .limit(1)
    .executeTakeFirst();
}

export async function insertLineage(db: Db, rows: Insertable<AreaLineageTable>[]): Promise<void> {
  if (rows.length > 0) await db.insertInto("area_lineage").values(rows).execute();
}

/** The areas a recorded change went from and to, in the order they were written. */
export async function listChange(db: Db, changeId: string) {
  return db
    .selectFrom("area_lineage as l")
    .innerJoin("area as f", "f.id", "l.from_area_id")
    .innerJoin("area as t", "t.id", "l.to_area_id")
    .select(["l.change", "l.changed_at", "f.code as from_code", "t.code as to_code", "t.name as to_name"])
    .where("l.change_id", "=", changeId)
    .orderBy("f.code")
    .orderBy("t.code")
    .execute();
}

/** Where an area came from (predecessors) and what it became (successors). */
export async function listLineageOf(db: Db, areaId: string) {
  return db
    .selectFrom("area_lineage as l")
    .innerJoin("area as f", "f.id", "l.from_area_id")
    .innerJoin("area as t", "t.id", "l.to_area_id")
    .select([
      "l.change",
      "l.reason",
      "l.changed_at",
      "l.from_area_id",
      "f.code as from_code",
      "f.name as from_name",
      "t.code as to_code",
      "t.name as to_name",
    ])
    .where((eb) => eb.or([eb("l.from_area_id", "=", areaId), eb("l.to_area_id", "=", areaId)]))
    .orderBy("l.changed_at")
    .orderBy("f.code")
    .orderBy("t.code")
    .execute();
}

/** Every code ever used under a path, abolished ones included, so that derived codes are never reused. */
export async function listCodesUnder(db: Db, path: string): Promise<Set<string>> {
  const rows = await db.selectFrom("area").select("code").where("path", "like", `${path}%`).execute();
  return new Set(rows.map((r) => r.code));
}

export async function abolishArea(db: Db, areaId: string, at: Date): Promise<void> {
  await db.updateTable("area").set({ abolished_at: at, updated_at: at }).where("id", "=", areaId).execute();
}

export async function countLiveChildren(db: Db, areaId: string): Promise<number> {
  const row = await db
    .selectFrom("area")
    .select((eb) => eb.fn.countAll<string>().as("n"))
    .where("parent_id", "=", areaId)
    .where("abolished_at", "is", null)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Current boundaries under any of the path prefixes, counted by level (what a map of them would draw). */
export async function countBoundariesByLevel(db: Db, prefixes: readonly string[]) {
  if (prefixes.length === 0) return [];
  const rows = await db
    .selectFrom("area_boundary as b")
    .innerJoin("area as a", "a.id", "b.area_id")
    .select(["a.level", (eb) => eb.fn.countAll<number>().as("n")])
    .where((eb) => eb.or(prefixes.map((p) => eb("a.path", "like", `${p}%`))))
    .where("a.abolished_at", "is", null)
    .where("b.valid_to", "is", null)
    .groupBy("a.level")
    .execute();
  return rows.map((r) => ({ level: r.level, n: Number(r.n) }));
}

/** Current boundaries at the given levels under any of the path prefixes, with their label points. */
export async function listBoundariesUnder(db: Db, prefixes: readonly string[], levels: readonly AreaRow["level"][]) {
  if (prefixes.length === 0 || levels.length === 0) return [];
  return db
    .selectFrom("area_boundary as b")
    .innerJoin("area as a", "a.id", "b.area_id")
    .select([
      "a.code",
      "a.name",
      "a.level",
      "a.kind",
      "a.path",
      "b.geometry",
      "b.min_lng",
      "b.min_lat",
      "b.max_lng",
      "b.max_lat",
      "b.label_lng",
      "b.label_lat",
    ])
    .where((eb) => eb.or(prefixes.map((p) => eb("a.path", "like", `${p}%`))))
    .where("a.level", "in", levels)
    .where("a.abolished_at", "is", null)
    .where("b.valid_to", "is", null)
    .orderBy("a.path")
    .execute();
}

/** The live areas at exactly these paths. */
export async function listAreasAtPaths(db: Db, paths: readonly string[]): Promise<AreaRow[]> {
  if (paths.length === 0) return [];
  return db
    .selectFrom("area")
    .selectAll()
    .where("path", "in", paths)
    .where("abolished_at", "is", null)
    .orderBy("path")
    .execute();
}

/** Areas by code, abolished ones included (records may still name them). */
export async function listAreasByCodes(db: Db, codes: readonly string[]): Promise<AreaRow[]> {
  if (codes.length === 0) return [];
  return db.selectFrom("area").selectAll().where("code", "in", codes).orderBy("path").execute();
}

/** Which of these areas have a live child (a tree shows no expand arrow on the others). */
export async function listParentsAmong(db: Db, ids: readonly string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await db
    .selectFrom("area")
    .select("parent_id")
    .distinct()
    .where("parent_id", "in", ids)
    .where("abolished_at", "is", null)
    .execute();
  return new Set(rows.map((r) => r.parent_id as string));
}

/**
 * Current boundaries of live divisions at these levels whose extent meets the box (WGS-84): what an
 * offline base-map tile draws — without their geometry, which the caller fetches only when it has
 * not kept it (a city's outline is in every tile of the city).
 */
export async function listOutlinesInBox(
  db: Db,
  box: readonly [west: number, south: number, east: number, north: number],
  levels: readonly AreaRow["level"][],
) {
  if (levels.length === 0) return [];
  const [west, south, east, north] = box;
  return (
    db
      .selectFrom("area_boundary as b")
      .innerJoin("area as a", "a.id", "b.area_id")
      .select(["a.code", "a.name", "a.level", "b.id", "b.label_lng", "b.label_lat"])
      .where("b.valid_to", "is", null)
      // The expression of area_boundary_extent_idx (GiST): overlapping boxes, edges included.
      .where(
        sql<boolean>`box(point(b.min_lng, b.min_lat), point(b.max_lng, b.max_lat)) && box(point(${west}, ${south}), point(${east}, ${north}))`,
      )
      .where("a.level", "in", levels)
      .where("a.abolished_at", "is", null)
      .orderBy("a.path")
      .execute()
  );
}

/** The geometries of boundaries by id (a boundary row never changes: a new shape is a new row). */
export async function listBoundaryGeometries(db: Db, ids: readonly string[]) {
  if (ids.length === 0) return [];
  return db.selectFrom("area_boundary").select(["id", "geometry"]).where("id", "in", ids).execute();
}

/**
 * What the base map depends on: the latest boundary change and the latest change of any area (a
 * rename, an abolition: both set updated_at). Changes whenever a drawn outline or label would.
 */
export async function outlinesRevision(db: Db): Promise<string> {
  const row = await sql<{ rev: string | null }>`select concat_ws('|',
        (select max(valid_from) from area_boundary),
        (select max(valid_to) from area_boundary where valid_to is not null),
        (select max(updated_at) from area)
      )::text as rev`.execute(db);
  return row.rows[0]?.rev ?? "";
}

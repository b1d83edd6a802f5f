import { type Insertable, type Kysely, sql, type Transaction, type Updateable } from "kysely";
import type { DB } from "../../db/schema.ts";
import type {
  CommentRow,
  DisclosureFileRow,
  DisclosureRow,
  DisclosureVersionRow,
  NewDisclosureVersionRow,
} from "./disclosures.table.ts";

type Db = Kysely<DB> | Transaction<DB>;

// ---- settings --------------------------------------------------------------------------------------

export async function listSettingRows(db: Db) {
  return db.selectFrom("disclosure_setting").selectAll().orderBy("kind").execute();
}

export async function updateSettingRow(db: Db, kind: string, requiresReview: boolean, by: string | null, at: Date) {
  await db
    .updateTable("disclosure_setting")
    .set({ requires_review: requiresReview, updated_by: by, updated_at: at })
    .where("kind", "=", kind as never)
    .execute();
}

// ---- items and versions ----------------------------------------------------------------------------

export async function findDisclosure(db: Db, id: string): Promise<DisclosureRow | undefined> {
  return db.selectFrom("disclosure").selectAll().where("id", "=", id).executeTakeFirst();
}

/** The item locked for a read-modify-write (submit, review, correction, a new draft). */
export async function lockDisclosure(db: Transaction<DB>, id: string): Promise<DisclosureRow | undefined> {
  return db.selectFrom("disclosure").selectAll().where("id", "=", id).forUpdate().executeTakeFirst();
}

/** Inserts the item unless its id exists (a retry, perhaps in parallel); true when this call wrote it. */
export async function insertDisclosureIfNew(db: Db, row: Insertable<DB["disclosure"]>): Promise<boolean> {
  const res = await db
    .insertInto("disclosure")
    .values(row)
    .onConflict((oc) => oc.column("id").doNothing())
    .executeTakeFirst();
  return Number(res.numInsertedOrUpdatedRows ?? 0) > 0;
}

export async function updateDisclosureRow(db: Db, id: string, set: Updateable<DB["disclosure"]>) {
  await db.updateTable("disclosure").set(set).where("id", "=", id).execute();
}

export async function insertVersionIfNew(db: Db, row: NewDisclosureVersionRow): Promise<boolean> {
  const res = await db
    .insertInto("disclosure_version")
    .values(row)
    .onConflict((oc) => oc.doNothing())
    .executeTakeFirst();
  return Number(res.numInsertedOrUpdatedRows ?? 0) > 0;
}

export async function findVersion(db: Db, id: string): Promise<DisclosureVersionRow | undefined> {
  return db.selectFrom("disclosure_version").selectAll().where("id", "=", id).executeTakeFirst();
}

/** Every version of an item, newest first. */
export async function listVersions(db: Db, disclosureId: string): Promise<DisclosureVersionRow[]> {
  return db
    .selectFrom("disclosure_version")
    .selectAll()
    .where("disclosure_id", "=", disclosureId)
    .orderBy("version", "desc")
    .execute();
}

export async function updateVersionRow(db: Db, id: string, set: Updateable<DB["disclosure_version"]>) {
  await db.updateTable("disclosure_version").set(set).where("id", "=", id).execute();
}

// ---- files -----------------------------------------------------------------------------------------

export async function listFilesOf(db: Db, versionIds: string[]): Promise<DisclosureFileRow[]> {
  if (versionIds.length === 0) return [];
  return db
    .selectFrom("disclosure_file")
    .selectAll()
    .where("version_id", "in", versionIds)
    .orderBy("created_at")
    .orderBy("id")
    .execute();
}

export async function findFile(db: Db, versionId: string, id: string): Promise<DisclosureFileRow | undefined> {
  return db
    .selectFrom("disclosure_file")
    .selectAll()
    .where("version_id", "=", versionId)
    .where("id", "=", id)
    .executeTakeFirst();
}

/** A file of the item's newest version that has it: of any version (staff), or of a published one (everyone). */
export async function findFileOf(db: Db, disclosureId: string, id: string, only: "any" | "published") {
  let query = db
    .selectFrom("disclosure_file as f")
    .innerJoin("disclosure_version as v", "v.id", "f.version_id")
    .selectAll("f")
    .where("v.disclosure_id", "=", disclosureId)
    .where("f.id", "=", id);
  if (only === "published") query = query.where("v.state", "=", "published");
  return query.orderBy("v.version", "desc").executeTakeFirst();
}

export async function insertFileIfNew(db: Db, row: Insertable<DB["disclosure_file"]>): Promise<boolean> {
  const res = await db
    .insertInto("disclosure_file")
    .values(row)
    .onConflict((oc) => oc.columns(["version_id", "id"]).doNothing())
    .executeTakeFirst();
  return Number(res.numInsertedOrUpdatedRows ?? 0) > 0;
}

export async function deleteFile(db: Db, versionId: string, id: string) {
  await db.deleteFrom("disclosure_file").where("version_id", "=", versionId).where("id", "=", id).execute();
}

/** A correction starts with the files of the version it corrects (the bytes are stored once, by digest). */
export async function copyFiles(db: Db, fromVersion: string, toVersion: string) {
  await sql`
    insert into disclosure_file (version_id, id, file_name, content_type, size, sha256, uploaded_by, created_at)
    select ${toVersion}::uuid, id, file_name, content_type, size, sha256, uploaded_by, created_at
    from disclosure_file where version_id = ${fromVersion}::uuid`.execute(db);
}

// ---- lists -----------------------------------------------------------------------------------------

/**
 * A village's published items, newest period first, a page after the cursor. One range of
 * disclosure_public_idx (area_path, period_start desc, id desc): the bench measures it at a province's
 * villages × 24 months.
 */
export async function listPublishedRows(
  db: Db,
  f: { areaPath: string; kind?: string | undefined; q?: string | undefined; after?: { start: string; id: string } },
  limit: number,
) {
  let query = db
    .selectFrom("disclosure")
    .selectAll()
    .where("area_path", "=", f.areaPath)
    .where("published_version", "is not", null);
  if (f.kind) query = query.where("kind", "=", f.kind as never);
  if (f.q) query = query.where("title_search", "like", `%${f.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
  if (f.after) {
    const { start, id } = f.after;
    query = query.where((eb) =>
      eb.or([eb("period_start", "<", start), eb.and([eb("period_start", "=", start), eb("id", "<", id)])]),
    );
  }
  return query.orderBy("period_start", "desc").orderBy("id", "desc").limit(limit).execute();
}

/** Items under the caller's areas with their newest version's state and what is left to answer. */
export async function listManagedRows(
  db: Db,
  f: { prefixes: string[] | null; below?: boolean; state?: string | undefined; now: Date },
  limit: number,
) {
  // `below`: strictly under a prefix (the villages below a reviewer's township, not the area itself).
  const tail = f.below ? "_%" : "%";
  let query = db
    .selectFrom("disclosure as d")
    .innerJoin("disclosure_version as v", (j) =>
      j
        .onRef("v.disclosure_id", "=", "d.id")
        .on(
          "v.version",
          "=",
          sql<number>`(select max(version) from disclosure_version m where m.disclosure_id = d.id)`,
        ),
    )
    .innerJoin("area as a", "a.id", "d.area_id")
    .selectAll("d")
    .select([
      "v.state as state",
      "v.title as latest_title",
      "a.code as area_code",
      "a.name as area_name",
      sql<number>`(select count(*) from comment c where c.disclosure_id = d.id and c.replied_at is null and c.hidden_at is null)::int`.as(
        "unanswered",
      ),
      sql<number>`(select count(*) from comment c where c.disclosure_id = d.id and c.replied_at is null and c.hidden_at is null and c.due_at < ${f.now})::int`.as(
        "overdue",
      ),
    ]);
  if (f.prefixes)
    query = query.where((eb) =>
      eb.or(f.prefixes!.map((p) => eb(sql`d.area_path collate "C"`, "like", `${p.replace(/[\\%_]/g, "\\$&")}${tail}`))),
    );
  if (f.state) query = query.where("v.state", "=", f.state as never);
  return query.orderBy("d.updated_at", "desc").orderBy("d.id", "desc").limit(limit).execute();
}

// ---- areas for public browsing ---------------------------------------------------------------------

/** Live areas above the grids: the children of one, or the roots; by name when `q` is given. */
export async function listBrowsableAreas(db: Db, f: { parentId: string | null; q?: string | undefined }) {
  let query = db
    .selectFrom("area")
    .select([
      "id",
      "code",
      "name",
      "level",
      "path",
      sql<boolean>`exists (select 1 from area c where c.parent_id = area.id and c.abolished_at is null and c.level in ('province', 'city', 'county', 'township', 'village'))`.as(
        "has_children",
      ),
    ])
    .where("abolished_at", "is", null)
    .where("level", "in", ["province", "city", "county", "township", "village"]);
  if (f.q) query = query.where("level", "=", "village").where("name", "like", `%${f.q.replace(/[\\%_]/g, "\\$&")}%`);
  else query = f.parentId ? query.where("parent_id", "=", f.parentId) : query.where("parent_id", "is", null);
  return query.orderBy("code").limit(200).execute();
}

export async function findAreaById(db: Db, id: string) {
  return db.selectFrom("area").select(["id", "code", "name", "level", "path"]).where("id", "=", id).executeTakeFirst();
}

// ---- comments --------------------------------------------------------------------------------------

export async function insertCommentIfNew(db: Db, row: Insertable<DB["comment"]>): Promise<boolean> {
  const res = await db
    .insertInto("comment")
    .values(row)
    .onConflict((oc) => oc.column("id").doNothing())
    .executeTakeFirst();
  return Number(res.numInsertedOrUpdatedRows ?? 0) > 0;
}

export async function findComment(db: Db, id: string): Promise<CommentRow | undefined> {
  return db.selectFrom("comment").selectAll().where("id", "=", id).executeTakeFirst();
}

export async function lockComment(db: Transaction<DB>, id: string): Promise<CommentRow | undefined> {
  return db.selectFrom("comment").selectAll().where("id", "=", id).forUpdate().executeTakeFirst();
}

export async function updateCommentRow(db: Db, id: string, set: Updateable<DB["comment"]>) {
  await db.updateTable("comment").set(set).where("id", "=", id).execute();
}

export type CommentSubjectRef = { type: "disclosure" | "procedure" | "project"; id: string };
const subjectColumn = { disclosure: "disclosure_id", procedure: "procedure_id", project: "project_id" } as const;

/** Every comment on one item (a disclosure, a procedure guide or a project), oldest first. */
export async function listCommentsOn(db: Db, subject: CommentSubjectRef): Promise<CommentRow[]> {
  return db
    .selectFrom("comment")
    .selectAll()
    .where(subjectColumn[subject.type], "=", subject.id)
    .orderBy("created_at")
    .orderBy("id")
    .execute();
}

export async function listCommentsOf(db: Db, disclosureId: string): Promise<CommentRow[]> {
  return listCommentsOn(db, { type: "disclosure", id: disclosureId });
}

/** Comments with the title and area of what they are on, whichever kind of item it is. */
const withSubject = (db: Db) =>
  db
    .selectFrom("comment as c")
    .leftJoin("disclosure as d", "d.id", "c.disclosure_id")
    .leftJoin("procedure as pr", "pr.id", "c.procedure_id")
    .leftJoin("project as pj", "pj.id", "c.project_id")
    .innerJoin("area as a", (j) => j.on(sql<boolean>`a.id = coalesce(d.area_id, pr.area_id, pj.area_id)`))
    .selectAll("c")
    .select([sql<string>`coalesce(d.title, pr.title, pj.title)`.as("disclosure_title"), "a.code as area_code"]);

export async function listCommentsByAuthor(db: Db, authorId: string, limit: number) {
  return withSubject(db).where("c.author_id", "=", authorId).orderBy("c.created_at", "desc").limit(limit).execute();
}

/** One comment with its item's title and area code (staff answers). */
export async function findCommentWithSubject(db: Db, id: string) {
  return withSubject(db).where("c.id", "=", id).executeTakeFirst();
}

/**
 * Questions and objections under the caller's areas: open ones oldest first, else newest first.
 * `items` are the prefixes where the caller sees disclosures' and procedures' comments, `projects`
 * where they see projects' (null: everywhere; empty: nowhere).
 */
export async function listInboxRows(
  db: Db,
  f: {
    items: string[] | null;
    projects: string[] | null;
    subjectType?: "disclosure" | "procedure" | "project" | undefined;
    state: "open" | "overdue" | "answered" | "hidden" | "all";
    now: Date;
  },
  limit: number,
) {
  let query = withSubject(db);
  const under = (prefixes: string[] | null) =>
    prefixes === null
      ? sql<boolean>`true`
      : prefixes.length === 0
        ? sql<boolean>`false`
        : sql<boolean>`(${sql.join(
            prefixes.map((p) => sql`c.area_path collate "C" like ${`${p.replace(/[\\%_]/g, "\\$&")}%`}`),
            sql` or `,
          )})`;
  query = query.where(
    sql<boolean>`((c.project_id is null and ${under(f.items)}) or (c.project_id is not null and ${under(f.projects)}))`,
  );
  if (f.subjectType) query = query.where(`c.${subjectColumn[f.subjectType]}`, "is not", null);
  if (f.state === "open" || f.state === "overdue")
    query = query.where("c.replied_at", "is", null).where("c.hidden_at", "is", null);
  if (f.state === "overdue") query = query.where("c.due_at", "<", f.now);
  if (f.state === "answered") query = query.where("c.replied_at", "is not", null).where("c.hidden_at", "is", null);
  if (f.state === "hidden") query = query.where("c.hidden_at", "is not", null);
  const open = f.state === "open" || f.state === "overdue";
  return query
    .orderBy("c.created_at", open ? "asc" : "desc")
    .orderBy("c.id")
    .limit(limit)
    .execute();
}

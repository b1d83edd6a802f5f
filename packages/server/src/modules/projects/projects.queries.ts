import { type Insertable, type Kysely, sql, type Transaction, type Updateable } from "kysely";
import type { DB } from "../../db/schema.ts";
import type {
  ProjectAcceptanceRow,
  ProjectFileRow,
  ProjectMilestoneRow,
  ProjectRow,
  ProjectVersionRow,
} from "./projects.table.ts";

type Db = Kysely<DB> | Transaction<DB>;
const like = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

// ---- projects ----------------------------------------------------------------------------------------

export async function findProject(db: Db, id: string): Promise<ProjectRow | undefined> {
  return db.selectFrom("project").selectAll().where("id", "=", id).executeTakeFirst();
}

/** The project locked for a read-modify-write (edit, publish, acceptance, a milestone's change). */
export async function lockProject(db: Transaction<DB>, id: string): Promise<ProjectRow | undefined> {
  return db.selectFrom("project").selectAll().where("id", "=", id).forUpdate().executeTakeFirst();
}

/** Inserts unless the id exists (a retry, perhaps in parallel); true when this call wrote it. */
export async function insertProjectIfNew(db: Db, row: Insertable<DB["project"]>): Promise<boolean> {
  const res = await db
    .insertInto("project")
    .values(row)
    .onConflict((oc) => oc.column("id").doNothing())
    .executeTakeFirst();
  return Number(res.numInsertedOrUpdatedRows ?? 0) > 0;
}

export async function updateProjectRow(db: Db, id: string, set: Updateable<DB["project"]>) {
  await db.updateTable("project").set(set).where("id", "=", id).execute();
}

export async function insertVersion(db: Db, row: Insertable<DB["project_version"]>) {
  await db.insertInto("project_version").values(row).execute();
}

/** Every published version, newest first. */
export async function listVersions(db: Db, projectId: string): Promise<ProjectVersionRow[]> {
  return db
    .selectFrom("project_version")
    .selectAll()
    .where("project_id", "=", projectId)
    .orderBy("version", "desc")
    .execute();
}

const withProgress = (db: Db) =>
  db
    .selectFrom("project as p")
    .innerJoin("area as a", "a.id", "p.area_id")
    .selectAll("p")
    .select([
      "a.code as area_code",
      "a.name as area_name",
      sql<number>`(select count(*) from project_milestone m where m.project_id = p.id)::int`.as("milestones_total"),
      sql<number>`(select count(*) from project_milestone m where m.project_id = p.id and m.status = 'done')::int`.as(
        "milestones_done",
      ),
      sql<boolean>`exists (select 1 from project_milestone m where m.project_id = p.id and m.status <> 'planned')`.as(
        "started",
      ),
    ]);
export type ProjectListRow = Awaited<ReturnType<ReturnType<typeof withProgress>["execute"]>>[number];

/** Published projects run at any of `paths` (a village and the areas above it), newest first. */
export async function listPublishedProjects(db: Db, f: { paths: string[]; q?: string | undefined }) {
  let query = withProgress(db).where("p.published_version", "is not", null).where("p.area_path", "in", f.paths);
  if (f.q) query = query.where("p.title_search", "like", `%${like(f.q)}%`);
  return query.orderBy("p.last_published_at", "desc").orderBy("p.id", "desc").limit(200).execute();
}

/** Projects under the caller's areas, published or not, last changed first. */
export async function listProjectsUnder(db: Db, prefixes: string[] | null, limit: number) {
  let query = withProgress(db);
  if (prefixes)
    query = query.where((eb) => eb.or(prefixes.map((p) => eb(sql`p.area_path collate "C"`, "like", `${like(p)}%`))));
  return query.orderBy("p.updated_at", "desc").orderBy("p.id", "desc").limit(limit).execute();
}

// ---- milestones --------------------------------------------------------------------------------------

export async function listMilestones(db: Db, projectId: string): Promise<ProjectMilestoneRow[]> {
  return db
    .selectFrom("project_milestone")
    .selectAll()
    .where("project_id", "=", projectId)
    .orderBy("position")
    .orderBy("id")
    .execute();
}

export async function findMilestone(db: Db, id: string): Promise<ProjectMilestoneRow | undefined> {
  return db.selectFrom("project_milestone").selectAll().where("id", "=", id).executeTakeFirst();
}

export async function insertMilestoneIfNew(
  db: Db,
  row: Omit<Insertable<DB["project_milestone"]>, "position">,
): Promise<boolean> {
  const res = await db
    .insertInto("project_milestone")
    .values({
      ...row,
      position: sql<number>`(select coalesce(max(position), 0) + 1 from project_milestone where project_id = ${row.project_id})`,
    })
    .onConflict((oc) => oc.column("id").doNothing())
    .executeTakeFirst();
  return Number(res.numInsertedOrUpdatedRows ?? 0) > 0;
}

export async function updateMilestoneRow(db: Db, id: string, set: Updateable<DB["project_milestone"]>) {
  await db.updateTable("project_milestone").set(set).where("id", "=", id).execute();
}

// ---- acceptances -------------------------------------------------------------------------------------

/** Every completion acceptance of a project, in the order they took place. */
export async function listAcceptances(db: Db, projectId: string): Promise<ProjectAcceptanceRow[]> {
  return db
    .selectFrom("project_acceptance")
    .selectAll()
    .where("project_id", "=", projectId)
    .orderBy("accepted_on")
    .orderBy("recorded_at")
    .orderBy("id")
    .execute();
}

export async function findAcceptance(db: Db, id: string): Promise<ProjectAcceptanceRow | undefined> {
  return db.selectFrom("project_acceptance").selectAll().where("id", "=", id).executeTakeFirst();
}

/** Inserts unless the id exists (a retry); true when this call wrote it. */
export async function insertAcceptanceIfNew(
  db: Db,
  row: Omit<Insertable<DB["project_acceptance"]>, "rectifications" | "signatories"> & {
    rectifications: string[];
    signatories: ProjectAcceptanceRow["signatories"];
  },
): Promise<boolean> {
  const res = await db
    .insertInto("project_acceptance")
    .values({
      ...row,
      rectifications: JSON.stringify(row.rectifications),
      signatories: JSON.stringify(row.signatories),
    })
    .onConflict((oc) => oc.column("id").doNothing())
    .executeTakeFirst();
  return Number(res.numInsertedOrUpdatedRows ?? 0) > 0;
}

/** Whether a file is the document of one of the project's acceptances (public, and kept). */
export async function isAcceptanceDocument(db: Db, projectId: string, fileId: string): Promise<boolean> {
  const row = await db
    .selectFrom("project_acceptance")
    .select("id")
    .where("project_id", "=", projectId)
    .where("document_file_id", "=", fileId)
    .executeTakeFirst();
  return row !== undefined;
}

// ---- files -------------------------------------------------------------------------------------------

export async function listProjectFiles(db: Db, projectId: string): Promise<ProjectFileRow[]> {
  return db
    .selectFrom("project_file")
    .selectAll()
    .where("project_id", "=", projectId)
    .orderBy("created_at")
    .orderBy("id")
    .execute();
}

export async function findProjectFile(db: Db, id: string): Promise<ProjectFileRow | undefined> {
  return db.selectFrom("project_file").selectAll().where("id", "=", id).executeTakeFirst();
}

export async function insertProjectFileIfNew(db: Db, row: Insertable<DB["project_file"]>): Promise<boolean> {
  const res = await db
    .insertInto("project_file")
    .values(row)
    .onConflict((oc) => oc.column("id").doNothing())
    .executeTakeFirst();
  return Number(res.numInsertedOrUpdatedRows ?? 0) > 0;
}

export async function deleteProjectFile(db: Db, projectId: string, id: string) {
  await db.deleteFrom("project_file").where("project_id", "=", projectId).where("id", "=", id).execute();
}

import { type Kysely, sql, type Transaction } from "kysely";
import type { DB } from "../../db/schema.ts";
import type { NewReportRow, ReportJudgementRow } from "./reports.table.ts";

type Db = Kysely<DB> | Transaction<DB>;

/** China-time midnight of a date, as an instant. */
const cnStart = (day: string) => new Date(`${day}T00:00:00+08:00`);
const cnEndExclusive = (day: string) => new Date(cnStart(day).getTime() + 86_400_000);

// ---- the lease: one process at a time writes scheduled reports -----------------------------------

export async function takeLease(db: Db, name: string, holder: string, now: Date, ms: number): Promise<boolean> {
  const r = await db
    .updateTable("job_lease")
    .set({ holder, expires_at: new Date(now.getTime() + ms) })
    .where("name", "=", name)
    .where((eb) => eb.or([eb("expires_at", "is", null), eb("expires_at", "<", now), eb("holder", "=", holder)]))
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

export async function releaseLease(db: Db, name: string, holder: string): Promise<void> {
  await db
    .updateTable("job_lease")
    .set({ holder: null, expires_at: null })
    .where("name", "=", name)
    .where("holder", "=", holder)
    .execute();
}

// ---- reports --------------------------------------------------------------------------------------

/** Inserts a report unless its id or its kind, area and period are taken; true when it was inserted. */
export async function insertReportIfNew(db: Db, row: NewReportRow): Promise<boolean> {
  const r = await db
    .insertInto("report")
    .values(row)
    .onConflict((oc) => oc.doNothing())
    .returning("id")
    .executeTakeFirst();
  return r !== undefined;
}

const reportColumns = [
  "r.id",
  "r.kind",
  "r.area_id",
  "r.area_path",
  "r.period_from",
  "r.period_to",
  "r.trigger",
  "r.generated_by",
  "r.generated_at",
  "a.code as area_code",
  "a.name as area_name",
  "a.level as area_level",
] as const;

function withJudgementVersion(db: Db) {
  return db
    .selectFrom("report as r")
    .innerJoin("area as a", "a.id", "r.area_id")
    .select(reportColumns)
    .select((eb) =>
      eb
        .selectFrom("report_judgement as j")
        .whereRef("j.report_id", "=", "r.id")
        .select(sql<number>`coalesce(max(j.version), 0)::integer`.as("v"))
        .as("judgement_version"),
    );
}

export type ReportListRow = Awaited<ReturnType<typeof listReportRows>>[number];

export async function findReport(db: Db, id: string) {
  return withJudgementVersion(db).select("r.content").where("r.id", "=", id).executeTakeFirst();
}

export async function findReportByKey(db: Db, key: { kind: string; areaId: string; from: string; to: string }) {
  return withJudgementVersion(db)
    .select("r.content")
    .where("r.kind", "=", key.kind)
    .where("r.area_id", "=", key.areaId)
    .where("r.period_from", "=", key.from)
    .where("r.period_to", "=", key.to)
    .executeTakeFirst();
}

export interface ReportFilter {
  /** Area path prefixes the reader sees (null: all). */
  prefixes: string[] | null;
  /** Only this area's own reports. */
  areaId?: string | undefined;
  kind?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
}

function filtered(db: Db, f: ReportFilter) {
  let q = withJudgementVersion(db);
  if (f.prefixes !== null) {
    const prefixes = f.prefixes;
    if (prefixes.length === 0) return q.where(sql<boolean>`false`);
    q = q.where((eb) => eb.or(prefixes.map((p) => eb("r.area_path", "like", `${p}%`))));
  }
  if (f.areaId) q = q.where("r.area_id", "=", f.areaId);
  if (f.kind) q = q.where("r.kind", "=", f.kind);
  if (f.from) q = q.where("r.period_to", ">=", f.from);
  if (f.to) q = q.where("r.period_to", "<=", f.to);
  return q;
}

export async function listReportRows(db: Db, f: ReportFilter & { limit: number; offset: number }) {
  return filtered(db, f)
    .orderBy("r.period_to", "desc")
    .orderBy("r.kind")
    .orderBy("a.path")
    .limit(f.limit)
    .offset(f.offset)
    .execute();
}

export async function countReports(db: Db, f: ReportFilter): Promise<number> {
  const row = await filtered(db, f).clearSelect().select(sql<number>`count(*)::integer`.as("n")).executeTakeFirst();
  return Number(row?.n ?? 0);
}

/** Live areas at the levels reports are scheduled for. */
export async function listScheduledAreas(db: Db, levels: readonly ("county" | "township")[]) {
  return db
    .selectFrom("area")
    .selectAll()
    .where("level", "in", [...levels])
    .where("abolished_at", "is", null)
    .orderBy("path")
    .execute();
}

/** Kinds, areas and periods among these that already have a report (keys "kind area from to"). */
export async function listExistingKeys(db: Db, kind: string, from: string, to: string): Promise<Set<string>> {
  const rows = await db
    .selectFrom("report")
    .select(["area_id"])
    .where("kind", "=", kind)
    .where("period_from", "=", from)
    .where("period_to", "=", to)
    .execute();
  return new Set(rows.map((r) => r.area_id));
}

// ---- hotspots: where matters repeat ----------------------------------------------------------------

/** Areas under a path where more than one matter arose in the period (merged duplicates aside), most first. */
export async function listRepeatedAreas(db: Db, path: string, from: string, to: string, limit: number) {
  const origin = sql<string>`coalesce(e.origin_path, e.area_path)`;
  const rows = await db
    .selectFrom("event as e")
    .select([origin.as("path"), sql<number>`count(*)::integer`.as("n")])
    .where(origin, "like", `${path}%`)
    .where("e.created_at", ">=", cnStart(from))
    .where("e.created_at", "<", cnEndExclusive(to))
    .where("e.merged_into", "is", null)
    .groupBy(origin)
    .having(sql`count(*)`, ">", 1)
    .orderBy("n", "desc")
    .orderBy("path")
    .limit(limit)
    .execute();
  if (rows.length === 0) return [];
  const areas = await db
    .selectFrom("area")
    .select(["code", "name", "level", "path"])
    .where(
      "path",
      "in",
      rows.map((r) => r.path),
    )
    .execute();
  const byPath = new Map(areas.map((a) => [a.path, a]));
  return rows.flatMap((r) => {
    const a = byPath.get(r.path);
    return a ? [{ code: a.code, name: a.name, level: a.level, count: Number(r.n) }] : [];
  });
}

/** Addresses (as stored: masked) under a path where more than one matter arose in the period. */
export async function listRepeatedAddresses(db: Db, path: string, from: string, to: string, limit: number) {
  const origin = sql<string>`coalesce(e.origin_path, e.area_path)`;
  const address = sql<string>`btrim(e.address)`;
  const rows = await db
    .selectFrom("event as e")
    .select([
      address.as("address"),
      sql<string>`min(${origin})`.as("path"),
      sql<number>`count(*)::integer`.as("n"),
      // Where its matters were reported: the mean of the positions given (several reporters, one place).
      sql<number | null>`avg(e.lng)::float8`.as("lng"),
      sql<number | null>`avg(e.lat)::float8`.as("lat"),
    ])
    .where(origin, "like", `${path}%`)
    .where("e.created_at", ">=", cnStart(from))
    .where("e.created_at", "<", cnEndExclusive(to))
    .where("e.merged_into", "is", null)
    .where("e.address", "is not", null)
    .where(address, "<>", "")
    .groupBy(address)
    .having(sql`count(*)`, ">", 1)
    .orderBy("n", "desc")
    .orderBy("address")
    .limit(limit)
    .execute();
  return rows.map((r) => ({
    address: r.address,
    path: r.path,
    count: Number(r.n),
    lng: r.lng === null ? null : Number(r.lng),
    lat: r.lat === null ? null : Number(r.lat),
  }));
}

/** Current boundaries (with label points) of these live areas: hotspots a report's map must show. */
export async function listOutlinesOf(db: Db, codes: readonly string[]) {
  if (codes.length === 0) return [];
  return db
    .selectFrom("area_boundary as b")
    .innerJoin("area as a", "a.id", "b.area_id")
    .select(["a.code", "a.name", "a.level", "b.geometry", "b.label_lng", "b.label_lat"])
    .where("a.code", "in", [...codes])
    .where("b.valid_to", "is", null)
    .execute();
}

// ---- judgements -------------------------------------------------------------------------------------

export async function insertJudgementIfNew(
  db: Db,
  row: Omit<ReportJudgementRow, "written_at"> & { written_at: Date },
): Promise<boolean> {
  const r = await db
    .insertInto("report_judgement")
    .values(row)
    .onConflict((oc) => oc.doNothing())
    .returning("id")
    .executeTakeFirst();
  return r !== undefined;
}

export async function findJudgement(db: Db, id: string) {
  return db.selectFrom("report_judgement").selectAll().where("id", "=", id).executeTakeFirst();
}

export async function listJudgements(db: Db, reportId: string) {
  return db
    .selectFrom("report_judgement")
    .selectAll()
    .where("report_id", "=", reportId)
    .orderBy("version", "desc")
    .execute();
}

/** Locks the report row while a judgement version is added (versions are numbered one after another). */
export async function lockReport(db: Db, id: string) {
  return db.selectFrom("report").select(["id"]).where("id", "=", id).forUpdate().executeTakeFirst();
}

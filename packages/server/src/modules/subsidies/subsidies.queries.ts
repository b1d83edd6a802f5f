import type { Insertable } from "kysely";
import { type Kysely, sql, type Transaction } from "kysely";
import type { DB } from "../../db/schema.ts";
import type { SubsidyBatchTable, SubsidyProgramTable } from "./subsidies.table.ts";

type Db = Kysely<DB> | Transaction<DB>;

// ---- programmes -------------------------------------------------------------------------------

const programColumns = [
  "p.id",
  "p.name",
  "p.area_path",
  "p.rules",
  "p.public_amount",
  "p.min_amount_fen",
  "p.max_amount_fen",
  "p.created_by",
  "p.created_at",
  "a.code as area_code",
  "a.name as area_name",
] as const;

export async function findProgram(db: Db, id: string) {
  return db
    .selectFrom("subsidy_program as p")
    .innerJoin("area as a", "a.id", "p.area_id")
    .select(programColumns)
    .where("p.id", "=", id)
    .executeTakeFirst();
}
export type ProgramView = NonNullable<Awaited<ReturnType<typeof findProgram>>>;

/**
 * Programmes that reach somewhere in `prefixes` (run at one of them, above it or below it); every
 * programme when `prefixes` is null (a global scope).
 */
export async function listPrograms(db: Db, prefixes: string[] | null) {
  return db
    .selectFrom("subsidy_program as p")
    .innerJoin("area as a", "a.id", "p.area_id")
    .select(programColumns)
    .$call((q) =>
      prefixes === null
        ? q
        : prefixes.length === 0
          ? q.where(sql.lit(false))
          : q.where((eb) =>
              eb.or(
                prefixes.flatMap((prefix) => [
                  eb("p.area_path", "like", `${prefix}%`),
                  eb(sql.val(prefix), "like", sql<string>`p.area_path || '%'`),
                ]),
              ),
            ),
    )
    .orderBy("p.area_path")
    .orderBy("p.name")
    .execute();
}

/** Programmes run at the area or above it: those a batch of that area may pay. */
export async function listProgramsOver(db: Db, areaPath: string) {
  return db
    .selectFrom("subsidy_program as p")
    .innerJoin("area as a", "a.id", "p.area_id")
    .select(programColumns)
    .where(sql.val(areaPath), "like", sql<string>`p.area_path || '%'`)
    .orderBy("p.area_path")
    .orderBy("p.name")
    .execute();
}

export async function insertProgram(db: Db, row: Insertable<SubsidyProgramTable>) {
  const done = await db
    .insertInto("subsidy_program")
    .values(row)
    .onConflict((oc) => oc.column("id").doNothing())
    .executeTakeFirst();
  return Number(done.numInsertedOrUpdatedRows ?? 0) > 0;
}

export async function updateProgram(
  db: Db,
  id: string,
  change: Pick<SubsidyProgramTable, "name" | "rules" | "public_amount" | "min_amount_fen" | "max_amount_fen"> & {
    updated_at: Date;
  },
) {
  await db.updateTable("subsidy_program").set(change).where("id", "=", id).execute();
}

export async function findProgramNamed(db: Db, areaPath: string, name: string) {
  return db
    .selectFrom("subsidy_program")
    .select("id")
    .where("area_path", "=", areaPath)
    .where("name", "=", name)
    .executeTakeFirst();
}

// ---- batches ----------------------------------------------------------------------------------

const batchColumns = [
  "b.id",
  "b.title",
  "b.area_path",
  "b.status",
  "b.file_name",
  "b.created_by",
  "b.created_at",
  "b.published_at",
  "a.code as area_code",
  "a.name as area_name",
] as const;

/** Batches with their counts (rows, total, flagged, flagged and neither corrected nor confirmed). */
function batchesWithCounts(db: Db) {
  return db
    .selectFrom("subsidy_batch as b")
    .innerJoin("area as a", "a.id", "b.area_id")
    .select(batchColumns)
    .select((eb) => [
      eb
        .selectFrom("subsidy_payment as s")
        .whereRef("s.batch_id", "=", "b.id")
        .select(
          sql<string>`json_build_object(
            'rows', count(*),
            'total', coalesce(sum(s.amount_fen), 0),
            'flagged', count(*) filter (where cardinality(s.flags) > 0),
            'open', count(*) filter (where cardinality(s.flags) > 0 and s.confirmed_at is null)
          )::text`.as("c"),
        )
        .as("counts"),
    ]);
}

export async function findBatch(db: Db, id: string) {
  return batchesWithCounts(db).where("b.id", "=", id).executeTakeFirst();
}
export type BatchView = NonNullable<Awaited<ReturnType<typeof findBatch>>>;

export async function listBatches(
  db: Db,
  filter: { prefixes: string[] | null; status?: "draft" | "published"; limit: number },
) {
  return batchesWithCounts(db)
    .$call((q) =>
      filter.prefixes === null
        ? q
        : filter.prefixes.length === 0
          ? q.where(sql.lit(false))
          : q.where((eb) => eb.or(filter.prefixes?.map((p) => eb("b.area_path", "like", `${p}%`)) ?? [])),
    )
    .$call((q) => (filter.status ? q.where("b.status", "=", filter.status) : q))
    .orderBy("b.created_at", "desc")
    .orderBy("b.id", "desc")
    .limit(filter.limit)
    .execute();
}

export async function lockBatch(db: Transaction<DB>, id: string) {
  return db.selectFrom("subsidy_batch").selectAll().where("id", "=", id).forUpdate().executeTakeFirst();
}

export async function insertBatch(db: Db, row: SubsidyBatchTable) {
  const done = await db
    .insertInto("subsidy_batch")
    .values(row)
    .onConflict((oc) => oc.column("id").doNothing())
    .executeTakeFirst();
  return Number(done.numInsertedOrUpdatedRows ?? 0) > 0;
}

export async function findBatchRow(db: Db, id: string) {
  return db.selectFrom("subsidy_batch").selectAll().where("id", "=", id).executeTakeFirst();
}

export async function publishBatch(db: Db, id: string, at: Date, by: string | null) {
  await db
    .updateTable("subsidy_batch")
    .set({ status: "published", published_at: at, published_by: by })
    .where("id", "=", id)
    .execute();
  await db.updateTable("subsidy_payment").set({ published: true }).where("batch_id", "=", id).execute();
}

export async function deleteBatch(db: Db, id: string) {
  await db.deleteFrom("subsidy_payment").where("batch_id", "=", id).execute();
  await db.deleteFrom("subsidy_batch").where("id", "=", id).execute();
}

export async function countOpenFlags(db: Db, batchId: string): Promise<number> {
  const row = await db
    .selectFrom("subsidy_payment")
    .select((eb) => eb.fn.countAll<string>().as("n"))
    .where("batch_id", "=", batchId)
    .where(sql<boolean>`cardinality(flags) > 0`)
    .where("confirmed_at", "is", null)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

// ---- payments ---------------------------------------------------------------------------------

/** Which of these blind indexes the registry holds. */
export async function knownIdIndexes(db: Db, indexes: string[]): Promise<Set<string>> {
  if (indexes.length === 0) return new Set();
  const rows = await db
    .selectFrom("person")
    .select("id_number_bidx")
    .distinct()
    .where("id_number_bidx", "in", indexes)
    .execute();
  return new Set(rows.map((r) => r.id_number_bidx as string));
}

const rowColumns = [
  "s.id",
  "s.row",
  "s.name",
  "s.id_number_bidx",
  "s.id_number_masked",
  "s.amount_fen",
  "s.paid_on",
  "s.program_id",
  "s.flags",
  "s.corrected",
  "s.confirm_reason",
  "s.confirmed_by_name",
  "s.confirmed_at",
  "p.name as program_name",
] as const;

export async function listRows(db: Db, batchId: string, filter: { flagged: boolean; limit: number; offset: number }) {
  return db
    .selectFrom("subsidy_payment as s")
    .innerJoin("subsidy_program as p", "p.id", "s.program_id")
    .select(rowColumns)
    .where("s.batch_id", "=", batchId)
    .$call((q) => (filter.flagged ? q.where(sql<boolean>`cardinality(s.flags) > 0`) : q))
    .orderBy("s.row")
    .limit(filter.limit)
    .offset(filter.offset)
    .execute();
}

export async function findRow(db: Db, batchId: string, rowId: string) {
  return db
    .selectFrom("subsidy_payment as s")
    .innerJoin("subsidy_program as p", "p.id", "s.program_id")
    .select(rowColumns)
    .where("s.batch_id", "=", batchId)
    .where("s.id", "=", rowId)
    .executeTakeFirst();
}
export type RowView = NonNullable<Awaited<ReturnType<typeof findRow>>>;

export async function updateRow(db: Db, id: string, change: Record<string, unknown>) {
  await db
    .updateTable("subsidy_payment")
    .set(change as never)
    .where("id", "=", id)
    .execute();
}

export async function listRowsWithIndex(db: Db, batchId: string, idIndex: string, programId: string) {
  return db
    .selectFrom("subsidy_payment")
    .select(["id", "flags"])
    .where("batch_id", "=", batchId)
    .where("id_number_bidx", "=", idIndex)
    .where("program_id", "=", programId)
    .execute();
}

/**
 * The published payments to a linked resident and to every member of their household, newest first,
 * in one round trip: the account's link, the household's members (by their ID numbers' blind
 * indexes) and their payments. One row with a null payment id when the account is linked and nobody
 * in the household was paid; no row when the account is not linked.
 */
export function householdPaymentsStatement(db: Db, userId: string) {
  return db
    .with("me", (q) =>
      q
        .selectFrom("resident_link as l")
        .innerJoin("person as p", "p.id", "l.person_id")
        .select(["p.id", "p.household_id"])
        .where("l.user_id", "=", userId),
    )
    .with("payee", (q) =>
      q
        .selectFrom("me")
        .innerJoin("person as m", (j) =>
          j.on((eb) => eb.or([eb("m.household_id", "=", eb.ref("me.household_id")), eb("m.id", "=", eb.ref("me.id"))])),
        )
        .select(["m.name", "m.id_number_bidx", sql<boolean>`m.id = me.id`.as("self")])
        .where("m.id_number_bidx", "is not", null),
    )
    .selectFrom("me")
    .leftJoin(
      (eb) =>
        eb
          .selectFrom("payee")
          .innerJoin("subsidy_payment as s", "s.id_number_bidx", "payee.id_number_bidx")
          .innerJoin("subsidy_batch as b", "b.id", "s.batch_id")
          .innerJoin("subsidy_program as p", "p.id", "s.program_id")
          .innerJoin("area as a", "a.id", "b.area_id")
          .select([
            "s.id",
            "payee.self",
            "payee.name",
            "s.amount_fen",
            "s.paid_on",
            "p.name as program_name",
            "b.title",
            "a.name as area_name",
          ])
          .where("s.published", "=", true)
          .as("x"),
      (j) => j.onTrue(),
    )
    .select(["x.id", "x.self", "x.name", "x.amount_fen", "x.paid_on", "x.program_name", "x.title", "x.area_name"])
    .orderBy("x.paid_on", "desc")
    .orderBy("x.id");
}

/** A published batch's rows for its public list: name, programme, amount, date — nothing else (unordered: core orders them). */
export async function listPublicRows(db: Db, batchId: string) {
  return db
    .selectFrom("subsidy_payment")
    .select(["name", "program_id", "amount_fen", "paid_on"])
    .where("batch_id", "=", batchId)
    .execute();
}

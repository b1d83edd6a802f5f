import type { Insertable, Kysely, Transaction, Updateable } from "kysely";
import { sql } from "kysely";
import type { DB } from "../../db/schema.ts";
import type { PlaybookTable, RiskRuleTable, SensitiveDateTable } from "./risk.table.ts";

/** The statements on risk rules, playbooks, the calendar of sensitive dates and the sweep's lease. */
type Db = Kysely<DB> | Transaction<DB>;

const underAny = (column: string, prefixes: string[] | null) =>
  prefixes === null
    ? sql<boolean>`true`
    : prefixes.length === 0
      ? sql<boolean>`false`
      : sql<boolean>`(${sql.join(
          prefixes.map((p) => sql`${sql.ref(column)} like ${`${p}%`}`),
          sql` or `,
        )})`;

/** Rules under the prefixes or above them (a rule of the county applies to a township's officials). */
export async function listRules(db: Db, prefixes: string[] | null) {
  const ancestors = (prefixes ?? []).flatMap((p) => {
    const codes = p.split("/").filter(Boolean);
    return codes.map((_, i) => `/${codes.slice(0, i + 1).join("/")}/`);
  });
  return db
    .selectFrom("risk_rule as r")
    .innerJoin("area as a", "a.id", "r.area_id")
    .selectAll("r")
    .select("a.name as area_name")
    .select((eb) =>
      eb
        .selectFrom("alert as al")
        .whereRef("al.rule_id", "=", "r.id")
        .where("al.state", "<>", "closed")
        .select(sql<string>`count(*)`.as("n"))
        .as("open_alerts"),
    )
    .where((eb) =>
      ancestors.length > 0
        ? eb.or([underAny("r.area_path", prefixes), eb("r.area_path", "in", ancestors)])
        : underAny("r.area_path", prefixes),
    )
    .orderBy("r.area_path")
    .orderBy("r.name")
    .execute();
}

export async function findRule(db: Db, id: string) {
  return db
    .selectFrom("risk_rule as r")
    .innerJoin("area as a", "a.id", "r.area_id")
    .selectAll("r")
    .select("a.name as area_name")
    .where("r.id", "=", id)
    .executeTakeFirst();
}

export async function listEnabledRules(db: Db) {
  return db.selectFrom("risk_rule").selectAll().where("enabled", "=", true).orderBy("id").execute();
}

/** Inserts a rule unless its id exists; true when inserted (a retry finds the first). */
export async function insertRule(db: Db, row: Insertable<RiskRuleTable>): Promise<boolean> {
  const r = await db
    .insertInto("risk_rule")
    .values(row)
    .onConflict((oc) => oc.column("id").doNothing())
    .executeTakeFirst();
  return Number(r.numInsertedOrUpdatedRows ?? 0) > 0;
}

/** Saves over `version`; false when someone saved since (no row changed). */
export async function updateRule(
  db: Db,
  id: string,
  version: number,
  values: Updateable<RiskRuleTable>,
): Promise<boolean> {
  const r = await db
    .updateTable("risk_rule")
    .set({ ...values, version: version + 1 })
    .where("id", "=", id)
    .where("version", "=", version)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

export async function markRuleEvaluated(db: Db, id: string, at: Date): Promise<void> {
  await db.updateTable("risk_rule").set({ evaluated_at: at }).where("id", "=", id).execute();
}

// ---- playbooks ---------------------------------------------------------------------------------------

export async function listPlaybooks(db: Db) {
  return db.selectFrom("playbook").selectAll().orderBy("name").execute();
}

export async function findPlaybook(db: Db, id: string) {
  return db.selectFrom("playbook").selectAll().where("id", "=", id).executeTakeFirst();
}

export async function insertPlaybook(
  db: Db,
  row: Omit<Insertable<PlaybookTable>, "steps"> & { steps: unknown[] },
): Promise<boolean> {
  const r = await db
    .insertInto("playbook")
    .values({ ...row, steps: JSON.stringify(row.steps) })
    .onConflict((oc) => oc.column("id").doNothing())
    .executeTakeFirst();
  return Number(r.numInsertedOrUpdatedRows ?? 0) > 0;
}

export async function updatePlaybookRow(
  db: Db,
  id: string,
  values: { name: string; description: string; steps: unknown[]; active: boolean; updated_at: Date },
): Promise<boolean> {
  const r = await db
    .updateTable("playbook")
    .set({ ...values, steps: JSON.stringify(values.steps) })
    .where("id", "=", id)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

// ---- sensitive dates ---------------------------------------------------------------------------------

/** Dates of the whole deployment and of the areas under or above the prefixes (null: all). */
export async function listSensitiveDates(db: Db, prefixes: string[] | null) {
  return db
    .selectFrom("sensitive_date as d")
    .leftJoin("area as a", "a.id", "d.area_id")
    .selectAll("d")
    .select(["a.name as area_name", "a.code as area_code"])
    .where("d.deleted_at", "is", null)
    .where((eb) =>
      prefixes === null
        ? sql<boolean>`true`
        : eb.or([
            eb("d.area_path", "is", null),
            underAny("d.area_path", prefixes),
            ...prefixes.map((p) => sql<boolean>`${p} like d.area_path || '%'`),
          ]),
    )
    .orderBy("d.on_date")
    .execute();
}

export async function findSensitiveDate(db: Db, id: string) {
  return db
    .selectFrom("sensitive_date as d")
    .leftJoin("area as a", "a.id", "d.area_id")
    .selectAll("d")
    .select(["a.name as area_name", "a.code as area_code"])
    .where("d.id", "=", id)
    .executeTakeFirst();
}

export async function insertSensitiveDate(db: Db, row: Insertable<SensitiveDateTable>): Promise<boolean> {
  const r = await db
    .insertInto("sensitive_date")
    .values(row)
    .onConflict((oc) => oc.column("id").doNothing())
    .executeTakeFirst();
  return Number(r.numInsertedOrUpdatedRows ?? 0) > 0;
}

export async function updateSensitiveDateRow(db: Db, id: string, values: Updateable<SensitiveDateTable>) {
  await db.updateTable("sensitive_date").set(values).where("id", "=", id).execute();
}

// ---- the sweep's lease -------------------------------------------------------------------------------

/**
 * Takes the lease of a periodic job for `ms` when it is free, expired or already this holder's: a
 * single compare-and-set, so of several processes asking at once exactly one gets it.
 */
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

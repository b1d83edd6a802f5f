import type { Kysely, Transaction } from "kysely";
import { sql } from "kysely";
import type { DB } from "../../db/schema.ts";

/**
 * What the rules read from the raw tables (events, disputes and their parties, event steps, tags),
 * for live evaluation and for the backtest alike. Every statement is bounded by an area path prefix
 * and a period, so a county's two years is an index range, not a scan of the province.
 */
type Db = Kysely<DB> | Transaction<DB>;

/** `category_key like 'dispute.%'` for a group prefix, `= key` for one category. */
const categoryIs = (prefix: string) =>
  prefix.endsWith(".")
    ? sql<boolean>`e.category_key like ${`${prefix.replace(/[\\%_]/g, (c) => `\\${c}`)}%`}`
    : sql<boolean>`e.category_key = ${prefix}`;

export interface PartySightingRow {
  id: string;
  created_at: Date;
  area_path: string;
  keys: string[];
}

/**
 * Disputes reported in [from, to) under `prefix` with at least two distinct parties, each with its
 * parties' identity keys. One row per party is read and grouped here: an aggregate per dispute in
 * SQL sorts every row (to disk on a county's two years), a hash of 100,000 keys here does not.
 */
export async function listPartySightings(db: Db, prefix: string, from: Date, to: Date): Promise<PartySightingRow[]> {
  const r = await sql<{ id: string; created_at: Date; area_path: string; identity_key: string }>`
    select e.id, e.created_at, e.area_path, dp.identity_key
    from event e join dispute_party dp on dp.event_id = e.id
    where e.category_key like 'dispute.%' and e.area_path like ${`${prefix}%`}
      and e.created_at >= ${from} and e.created_at < ${to} and e.merged_into is null
      and dp.identity_key is not null`.execute(db);
  const byEvent = new Map<string, PartySightingRow>();
  for (const row of r.rows) {
    const seen = byEvent.get(row.id);
    if (seen) {
      if (!seen.keys.includes(row.identity_key)) seen.keys.push(row.identity_key);
    } else
      byEvent.set(row.id, {
        id: row.id,
        created_at: row.created_at,
        area_path: row.area_path,
        keys: [row.identity_key],
      });
  }
  return [...byEvent.values()].filter((s) => s.keys.length >= 2);
}

export interface AddressSightingRow {
  id: string;
  created_at: Date;
  area_path: string;
  address: string;
}

export async function listAddressSightings(
  db: Db,
  prefix: string,
  from: Date,
  to: Date,
): Promise<AddressSightingRow[]> {
  const r = await sql<AddressSightingRow>`
    select e.id, e.created_at, e.area_path, e.address
    from event e
    where e.category_key like 'dispute.%' and e.area_path like ${`${prefix}%`}
      and e.created_at >= ${from} and e.created_at < ${to} and e.merged_into is null
      and e.address is not null and length(e.address) >= 4`.execute(db);
  return r.rows;
}

/** The parties of one event (the cheap evaluation on change starts from them). */
export async function listPartyKeysOf(db: Db, eventId: string): Promise<string[]> {
  const rows = await db
    .selectFrom("dispute_party")
    .select("identity_key")
    .where("event_id", "=", eventId)
    .where("identity_key", "is not", null)
    .execute();
  return rows.map((r) => r.identity_key as string);
}

export interface WeekCountRow {
  unit: string;
  week: Date;
  n: string | number;
}

/**
 * Events of a category per area at `depth` (the number of codes in its path) and per week (Monday
 * 00:00 China time), reported in [from, to) under `prefix`.
 */
export async function weeklyCounts(
  db: Db,
  q: { prefix: string; depth: number; categoryPrefix: string; from: Date; to: Date },
): Promise<WeekCountRow[]> {
  const pattern = `^(/(?:[^/]+/){${q.depth}})`;
  const r = await sql<WeekCountRow>`
    select substring(e.area_path from ${pattern}) as unit,
      (date_trunc('week', e.created_at at time zone 'Asia/Shanghai') at time zone 'Asia/Shanghai') as week,
      count(*) as n
    from event e
    where e.area_path like ${`${q.prefix}%`} and ${categoryIs(q.categoryPrefix)}
      and e.created_at >= ${q.from} and e.created_at < ${q.to} and e.merged_into is null
    group by 1, 2`.execute(db);
  return r.rows.filter((row) => row.unit !== null);
}

export interface EventRefRow {
  id: string;
  created_at: Date;
  area_path: string;
}

/** Events of a category under a unit's path reported in [from, to), oldest first. */
export async function listEventsIn(
  db: Db,
  q: { prefix: string; categoryPrefix: string; from: Date; to: Date; limit: number },
): Promise<EventRefRow[]> {
  const r = await sql<EventRefRow>`
    select e.id, e.created_at, e.area_path from event e
    where e.area_path like ${`${q.prefix}%`} and ${categoryIs(q.categoryPrefix)}
      and e.created_at >= ${q.from} and e.created_at < ${q.to} and e.merged_into is null
    order by e.created_at, e.id
    limit ${q.limit}`.execute(db);
  return r.rows;
}

export interface MajorDisputeRow {
  id: string;
  created_at: Date;
  area_path: string;
  state: string;
  settled_at: Date | null;
}

/**
 * Major (重大疑难) disputes under `prefix` reported in [from, to), each with when it was first
 * settled (resolved, verified or closed; null while it is not).
 */
export async function listMajorDisputes(db: Db, prefix: string, from: Date, to: Date): Promise<MajorDisputeRow[]> {
  const r = await sql<MajorDisputeRow>`
    select e.id, e.created_at, e.area_path, e.state,
      (select min(s.at) from event_step s where s.event_id = e.id and s.to_state in ('resolved', 'verified', 'closed')) as settled_at
    from event e join dispute d on d.event_id = e.id
    where d.risk_grade = 'major' and e.area_path like ${`${prefix}%`}
      and e.created_at >= ${from} and e.created_at < ${to} and e.merged_into is null`.execute(db);
  return r.rows;
}

export interface ReopenRow {
  step_id: string;
  event_id: string;
  at: Date;
  area_path: string;
}

/** Reopenings in [from, to) of major disputes under `prefix`. */
export async function listMajorReopenings(db: Db, prefix: string, from: Date, to: Date): Promise<ReopenRow[]> {
  const r = await sql<ReopenRow>`
    select s.id as step_id, s.event_id, s.at, e.area_path
    from event_step s join event e on e.id = s.event_id join dispute d on d.event_id = e.id
    where s.action = 'reopen' and d.risk_grade = 'major' and e.area_path like ${`${prefix}%`}
      and s.at >= ${from} and s.at < ${to}`.execute(db);
  return r.rows;
}

export interface FollowUpRow {
  event_id: string;
  action: string;
  at: Date;
}

/** Escalations (by a person or by the deadline) and reopenings of the events given. */
export async function listFollowUps(db: Db, eventIds: string[]): Promise<FollowUpRow[]> {
  if (eventIds.length === 0) return [];
  const out: FollowUpRow[] = [];
  for (let i = 0; i < eventIds.length; i += 5000) {
    const chunk = eventIds.slice(i, i + 5000);
    out.push(
      ...(await db
        .selectFrom("event_step")
        .select(["event_id", "action", "at"])
        .where("event_id", "in", chunk)
        .where("action", "in", ["escalate", "deadline", "reopen"])
        .execute()),
    );
  }
  return out;
}

// ---- party identities --------------------------------------------------------------------------------

export interface PartyWithoutKeyRow {
  id: string;
  name: string;
  name_sealed: string | null;
  phone_enc: string | null;
  id_number_enc: string | null;
  person_id: string | null;
  person_id_bidx: string | null;
}

/** Parties whose identity key was not worked out yet (added since the last sweep). */
export async function listPartiesWithoutKey(db: Db, limit: number, eventId?: string): Promise<PartyWithoutKeyRow[]> {
  let q = db
    .selectFrom("dispute_party as dp")
    .leftJoin("person as p", "p.id", "dp.person_id")
    .select(["dp.id", "dp.name", "dp.name_sealed", "dp.phone_enc", "dp.id_number_enc", "dp.person_id"])
    .select("p.id_number_bidx as person_id_bidx")
    .where("dp.identity_key", "is", null)
    .limit(limit);
  if (eventId) q = q.where("dp.event_id", "=", eventId);
  return q.execute();
}

export async function setPartyKeys(db: Db, keys: { id: string; key: string }[]): Promise<void> {
  for (const k of keys)
    await db.updateTable("dispute_party").set({ identity_key: k.key }).where("id", "=", k.id).execute();
}

/** Keys of the care tags (care subjects are people or households carrying one). */
export async function listCareTagKeys(db: Db): Promise<string[]> {
  return (await db.selectFrom("tag_definition").select("key").where("category", "=", "care").execute()).map(
    (r) => r.key,
  );
}

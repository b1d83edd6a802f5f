import { constants, existsSync } from "node:fs";
import { access, mkdir, rm } from "node:fs/promises";
import path from "node:path";
import {
  type AreaIndex,
  authorId,
  canView,
  canWork,
  codeOfPath,
  DomainError,
  type Principal,
  principalScope,
} from "@wangge/core";
import ExcelJS from "exceljs";
import { type Kysely, sql, type Transaction, type Updateable } from "kysely";
import type { AppContext, RequestMeta } from "../../context.ts";
import { csvText } from "../../csv.ts";
import type { Bulk, CopyData } from "../../db/bulk.ts";
import { deferIndexes, restoreDeferred } from "../../db/deferred-ddl.ts";
import type { DB } from "../../db/schema.ts";
import { uuidv7 } from "../../ids.ts";
import { locateIndexFor } from "../areas/area-boundaries.service.ts";
import { findArea } from "../areas/areas.service.ts";
import type { AreaRow } from "../areas/areas.table.ts";
import { recordAudit } from "../audit/audit.service.ts";
import { findAccount, loadPrincipal } from "../users/users.service.ts";
import { RejectionRecorder } from "./import-reports.service.ts";
import { today } from "./people.service.ts";
import {
  countRows,
  type FileFormat,
  PEOPLE_COLUMNS,
  type PeopleFileHeader,
  type PeopleFileRow,
  readPeopleFile,
} from "./people-file.ts";
import { type PreparedRow, type Rejection, RowChecker, sealRequest } from "./people-rows.ts";
import {
  attributionsCopy,
  closeAttribution,
  findHouseholdsByRef,
  findPeopleByIdIndexes,
  findPlacesByAddress,
  householdsCopy,
  listTagsOf,
  peopleCopy,
  placesCopy,
  tagsCopy,
} from "./registry.queries.ts";
import type { HouseholdRow, ImportJobRow, NewPersonRow, PersonRow, PersonTable } from "./registry.table.ts";
import { charsOf } from "./registry-fields.ts";
import { NUMBER_REFUSED } from "./registry-work.ts";
import { importSealer, type SealedFields, sealAhead } from "./sealing.ts";
import { visibleTagDefinitions } from "./tags.service.ts";

/**
 * Importing people (with their households and addresses) from CSV or XLSX, as a background job that
 * survives a page reload: rows are streamed in batches, each row validated (ID check digit, dates,
 * codes, duplicates inside the file), valid rows committed (or none, with all-or-nothing), rejected
 * rows kept for a report (sealed, for a retention period: import-reports.service.ts). People are matched by
 * the blind index of their ID number, so importing the same file again changes nothing.
 */
const BATCH = 1000;
/**
 * From this many rows, a file loaded into an empty registry sets aside the secondary indexes and
 * foreign keys of the tables it fills and builds them again at the end (db/deferred-ddl.ts): for a
 * county's first load that is half of the database's work per person. Searches of people, households,
 * places and tags read the whole table until the load ends.
 */
export const DEFER_INDEXES_FROM = 20_000;
/** The tables a people import fills, whose indexes a first load sets aside: people, and their households, places and tags. */
const LOADED_TABLES = ["person", "household", "place", "subject_tag"] as const;
/**
 * Checking rows is synchronous work on the thread that also writes: every so many rows it lets the
 * database's answers in, so the write of the previous batch goes on meanwhile.
 */
const YIELD_EVERY = 10;
/** How often at most the job's progress is written while it runs. */
const PROGRESS_EVERY_MS = 500;

export interface ImportCounts {
  created: number;
  updated: number;
  unchanged: number;
  rejected: number;
}

/** The columns of a person an import takes from the file: a registered person whose differ is updated. */
const FILE_COLUMNS = [
  "household_id",
  "relationship",
  "name",
  "gender",
  "birth_date",
  "ethnicity",
  "phone_bidx",
  "residence_status",
  "party_member",
  "party_branch",
  "registered_address",
  "place_id",
  "notes",
] as const;

interface PlaceRef {
  id: string;
  area_id: string | null;
  area_path: string;
}

interface HouseholdRef extends PlaceRef {
  head: string | null;
}

interface WritePlan {
  epoch: number;
  counts: Omit<ImportCounts, "rejected">;
  /** The new rows, encoded for COPY while the previous batch is written. */
  places: CopyData;
  households: CopyData;
  people: CopyData;
  tags: CopyData;
  attributions: CopyData;
  heads: { household: string; person: string }[];
  /** Updates of people already registered, run in the write's transaction. */
  later: ((trx: Kysely<DB> | Transaction<DB>) => Promise<void>)[];
}

/** Everything one pass of a job needs while it runs: caches of areas and tags, what recent batches created. */
class ImportRun {
  readonly #areas = new Map<string, AreaRow | null>();
  #tags: Map<string, string> | undefined;
  /**
   * Whether each batch's ID numbers must be looked up. Not while the registry was empty when this run
   * started: the only people then are this file's, and the file's duplicates are already refused
   * (a first load of a county skips a million look-ups). If another import fills the registry
   * meanwhile, a batch meets a duplicate key, and is written again with look-ups from then on.
   */
  lookUp = true;
  /**
   * For places and households whose table was empty when this run started, the keys (village and
   * address; household number) this run has created: while `lookUp` is off, only these can be in the
   * database, so only these are looked up there. (If another import creates the same meanwhile, the
   * write meets a duplicate key and look-ups come back on.)
   */
  #made: { places?: Set<string>; households?: Set<string> } = {};

  /** Which of the tables were empty as this run started (a first load of a county). */
  startedEmpty(empty: { places: boolean; households: boolean }) {
    this.#made = {
      places: empty.places ? new Set() : undefined,
      households: empty.households ? new Set() : undefined,
    };
  }
  /** Once a write had to be repeated, batches are planned one after the other's write, not ahead. */
  sequential = false;
  epoch = 0;
  /** The places and households the last two plans created (the one being written and the next). */
  #created: { places: Map<string, PlaceRef>; households: Map<string, HouseholdRef> }[] = [];

  readonly startedAt: Date;

  constructor(
    readonly ctx: AppContext,
    readonly actor: Principal,
  ) {
    this.startedAt = ctx.now();
  }

  get scope() {
    return principalScope(this.actor, "person.manage");
  }

  get readScope() {
    return principalScope(this.actor, "person.read");
  }

  async area(code: string): Promise<AreaRow | null> {
    if (!this.#areas.has(code)) {
      const row = await findArea(this.ctx.db, code);
      this.#areas.set(code, row && !row.abolished_at ? row : null);
    }
    return this.#areas.get(code) ?? null;
  }

  async tagKeys(): Promise<Map<string, string>> {
    if (!this.#tags) {
      const defs = await visibleTagDefinitions(this.ctx, this.actor);
      this.#tags = new Map();
      for (const d of defs.values()) {
        this.#tags.set(d.key, d.key);
        this.#tags.set(d.name_zh, d.key);
        this.#tags.set(d.name_en.toLowerCase(), d.key);
      }
    }
    return this.#tags;
  }

  /**
   * Rows whose ID number belongs to someone the importer may not change, or whose household number to
   * a household they may not change (one this run made aside), are refused: where the importer can see
   * that record the reason says where it is, elsewhere it says the same words wherever it is. Nothing
   * is counted per row (an import is a bulk load); the job's audit record counts them.
   */
  async checkExisting(
    rows: PreparedRow[],
  ): Promise<{ ok: PreparedRow[]; existing: Map<string, PersonRow>; rejected: Rejection[] }> {
    const db = this.ctx.db;
    const existing = new Map(
      this.lookUp
        ? (
            await findPeopleByIdIndexes(
              db,
              rows.map((r) => r.sealedId.id_number_bidx),
            )
          ).map((p) => [p.id_number_bidx as string, p])
        : [],
    );
    // While the household table started empty and nothing forced look-ups, only this run's households exist.
    const refs = [...new Set(rows.flatMap((r) => (r.householdRef ? [r.householdRef] : [])))];
    const households = new Map(
      this.lookUp || !this.#made.households
        ? (await findHouseholdsByRef(db, refs)).map((h) => [h.ref as string, h])
        : [],
    );
    const ok: PreparedRow[] = [];
    const rejected: Rejection[] = [];
    for (const r of rows) {
      const reasons: string[] = [];
      const found = existing.get(r.sealedId.id_number_bidx);
      if (found && !canWork(this.scope, found.area_path)) reasons.push(this.refusal("idNumber", found.area_path));
      const household = r.householdRef ? households.get(r.householdRef) : undefined;
      if (household && !canWork(this.scope, household.area_path) && !this.madeHere(household))
        reasons.push(this.refusal("householdRef", household.area_path));
      if (reasons.length > 0) rejected.push({ row: r.file, reasons, refused: true });
      else ok.push(r);
    }
    return { ok, existing, rejected };
  }

  /** The reason a row is refused for a number another record holds (registry-work.ts's words when unseen). */
  refusal(kind: "idNumber" | "householdRef", areaPath: string): string {
    const column = kind === "idNumber" ? "证件号码" : "户编号";
    if (!canView(this.readScope, areaPath)) return `${column}: ${NUMBER_REFUSED[kind]}`;
    return `${column}: already registered in ${codeOfPath(areaPath)}, where you may not change records`;
  }

  /** A household this run (or another import of the same user since it started) created. */
  madeHere(household: Pick<HouseholdRow, "created_by" | "created_at">): boolean {
    return household.created_by === authorId(this.actor) && household.created_at >= this.startedAt;
  }

  /**
   * Works out what one batch of valid rows writes — places, households, people and tags, new ones to
   * be copied in — while the previous batch is being written: what that batch creates is known from
   * `#created`, everything older from the database. A place or household the import creates, like a
   * person, carries no attribution row: its own area since its creation is its attribution until it
   * first moves (then the period is written, closed).
   */
  async plan(rows: PreparedRow[], existing: Map<string, PersonRow>, index: AreaIndex): Promise<WritePlan> {
    const db = this.ctx.db;
    const epoch = this.epoch;
    const created = this.#created;
    const mine = { places: new Map<string, PlaceRef>(), households: new Map<string, HouseholdRef>() };
    created.unshift(mine);
    created.length = Math.min(created.length, 2);
    const recent = <V>(pick: (c: typeof mine) => Map<string, V>, key: string): V | undefined => {
      for (const c of created) {
        const found = pick(c).get(key);
        if (found) return found;
      }
      return undefined;
    };
    const recentPlace = (key: string) => recent((c) => c.places, key);
    const recentHousehold = (ref: string) => recent((c) => c.households, ref);
    const later: WritePlan["later"] = [];
    const now = this.ctx.now();
    const by = authorId(this.actor);
    const attributions: Parameters<typeof attributionsCopy>[0] = [];
    // Every row's person id first, so a new household is created with its head.
    const personIds = rows.map((r) => existing.get(r.sealedId.id_number_bidx)?.id ?? uuidv7(now.getTime()));
    // Places: found by (village, address), created once.
    const placeKey = (r: PreparedRow) => r.placeKey as string;
    const wanted = [...new Map(rows.filter((r) => r.address).map((r) => [placeKey(r), r])).values()];
    const places = new Map<string, PlaceRef>();
    for (const r of wanted) {
      const known = recentPlace(placeKey(r));
      if (known) places.set(placeKey(r), known);
    }
    const made = this.lookUp ? {} : this.#made;
    for (const p of await findPlacesByAddress(
      db,
      wanted
        .filter((r) => !places.has(placeKey(r)) && (!made.places || made.places.has(placeKey(r))))
        .map((r) => ({ division: r.division.code, address: r.address as string })),
    ))
      places.set(`${p.division_code}\u0000${p.address}`, { id: p.id, area_id: p.area_id, area_path: p.area_path });
    const newPlaces: Parameters<typeof placesCopy>[0] = [];
    for (const r of wanted) {
      if (places.has(placeKey(r))) continue;
      let area: AreaRow = r.grid ?? r.division;
      if (!r.grid && r.lng !== null && r.lat !== null) {
        const hit = index.locate(r.lng, r.lat);
        const found = hit ? await this.area(hit.code) : null;
        if (found?.path.startsWith(r.division.path) && canWork(this.scope, found.path)) area = found;
      }
      const id = uuidv7(now.getTime());
      places.set(placeKey(r), { id, area_id: area.id, area_path: area.path });
      mine.places.set(placeKey(r), { id, area_id: area.id, area_path: area.path });
      made.places?.add(placeKey(r));
      newPlaces.push({
        id,
        area_id: area.id,
        area_path: area.path,
        division_code: r.division.code,
        road: r.place.road,
        house_number: r.place.houseNumber,
        building: r.place.building,
        unit: r.place.unit,
        room: r.place.room,
        address: r.address as string,
        address_chars: charsOf(r.address as string),
        lng: r.lng,
        lat: r.lat,
        created_at: now,
        updated_at: now,
        created_by: by,
      });
    }
    // Households: found by the register's household number.
    const refSet = new Set<string>();
    for (const r of rows) if (r.householdRef) refSet.add(r.householdRef);
    const refs = [...refSet];
    const households = new Map<string, HouseholdRef>();
    for (const ref of refs) {
      const known = recentHousehold(ref);
      if (known) households.set(ref, known);
    }
    for (const h of await findHouseholdsByRef(
      db,
      refs.filter((ref) => !households.has(ref) && (!made.households || made.households.has(ref))),
    ))
      households.set(h.ref as string, { id: h.id, area_id: h.area_id, area_path: h.area_path, head: h.head_person_id });
    const headOf = new Map<string, string>();
    rows.forEach((r, i) => {
      if (r.relationship === "head" && r.householdRef && !headOf.has(r.householdRef))
        headOf.set(r.householdRef, personIds[i] as string);
    });
    const newHouseholds: Parameters<typeof householdsCopy>[0] = [];
    for (const r of rows) {
      if (!r.householdRef || households.has(r.householdRef)) continue;
      const place = r.address ? places.get(placeKey(r)) : undefined;
      const area = r.grid
        ? { id: r.grid.id, path: r.grid.path }
        : place
          ? { id: place.area_id, path: place.area_path }
          : { id: r.division.id, path: r.division.path };
      const id = uuidv7(now.getTime());
      const head = headOf.get(r.householdRef) ?? null;
      households.set(r.householdRef, { id, area_id: area.id, area_path: area.path, head });
      mine.households.set(r.householdRef, { id, area_id: area.id, area_path: area.path, head });
      made.households?.add(r.householdRef);
      newHouseholds.push({
        id,
        place_id: place?.id ?? null,
        kind: r.householdKind,
        ref: r.householdRef,
        area_id: area.id,
        area_path: area.path,
        head_person_id: head,
        created_at: now,
        updated_at: now,
        created_by: by,
      });
    }
    // People: new ones copied in together, changed ones updated, the rest left alone.
    const counts = { created: 0, updated: 0, unchanged: 0 };
    const newPeople: NewPersonRow[] = [];
    const newTags: Parameters<typeof tagsCopy>[0] = [];
    const heads: { household: string; person: string }[] = [];
    const existingTags = new Map<string, Set<string>>();
    const existingIds: string[] = [];
    if (existing.size > 0)
      for (const r of rows) {
        const p = existing.get(r.sealedId.id_number_bidx);
        if (p) existingIds.push(p.id);
      }
    for (const t of await listTagsOf(db, existingIds)) {
      if (t.valid_to !== null && t.valid_to < today(this.ctx)) continue;
      existingTags.set(t.subject_id, (existingTags.get(t.subject_id) ?? new Set()).add(t.tag_key));
    }
    const day = today(this.ctx);
    for (const [i, r] of rows.entries()) {
      const household = r.householdRef ? households.get(r.householdRef) : undefined;
      const place = r.address ? places.get(placeKey(r)) : undefined;
      // The person's area: the grid given, else the household's, else the place's, else the village.
      const areaId = r.grid ? r.grid.id : household ? household.area_id : place ? place.area_id : r.division.id;
      const areaPath = r.grid
        ? r.grid.path
        : household
          ? household.area_path
          : place
            ? place.area_path
            : r.division.path;
      const found = existing.get(r.sealedId.id_number_bidx);
      const personId = personIds[i] as string;
      // One literal, the columns in a fixed order: every new row of the batch has the same shape.
      const row = {
        id: personId,
        household_id: household?.id ?? null,
        relationship: r.relationship,
        name: r.name,
        gender: r.gender,
        birth_date: r.birthDate,
        ethnicity: r.ethnicity,
        phone_bidx: r.phone?.bidx ?? null,
        residence_status: r.residence,
        party_member: r.partyMember,
        party_branch: r.partyBranch,
        registered_address: r.registeredAddress,
        place_id: place?.id ?? null,
        notes: r.notes,
        name_chars: r.nameKeys.name_chars,
        name_pinyin: r.nameKeys.name_pinyin,
        name_initials: r.nameKeys.name_initials,
        id_type: r.sealedId.id_type,
        id_number_enc: r.sealedId.id_number_enc,
        id_number_bidx: r.sealedId.id_number_bidx,
        id_number_masked: r.sealedId.id_number_masked,
        phone_enc: r.phone?.enc ?? null,
        phone_masked: r.phone?.masked ?? null,
        area_id: areaId,
        area_path: areaPath,
        created_at: now,
        updated_at: now,
        created_by: by,
      };
      if (!found) {
        counts.created++;
        newPeople.push(row);
        // No attribution row: a new person's attribution is their own record until they move.
        for (const key of r.tags) newTags.push(this.tagRow(personId, key, areaPath, day));
      } else {
        const area = { id: areaId, path: areaPath };
        const fields = Object.fromEntries(FILE_COLUMNS.map((k) => [k, row[k]])) as Pick<
          NewPersonRow,
          (typeof FILE_COLUMNS)[number]
        >;
        const changed = FILE_COLUMNS.filter((k) => found[k] !== row[k]);
        const moved = found.area_path !== area.path;
        const tagsToAdd = r.tags.filter((k) => !existingTags.get(found.id)?.has(k));
        if (changed.length === 0 && !moved && tagsToAdd.length === 0) {
          counts.unchanged++;
          continue;
        }
        counts.updated++;
        const update: Updateable<PersonTable> = { ...fields, updated_at: now };
        if (fields.name !== found.name) Object.assign(update, r.nameKeys);
        if (fields.phone_bidx !== found.phone_bidx) {
          update.phone_enc = r.phone?.enc ?? null;
          update.phone_masked = r.phone?.masked ?? null;
        }
        if (moved) {
          update.area_id = area.id;
          update.area_path = area.path;
          later.push(async (trx) => {
            await closeAttribution(
              trx,
              {
                id: found.id,
                type: "person",
                areaId: found.area_id,
                areaPath: found.area_path,
                since: found.created_at,
              },
              now,
              by,
            );
            await trx
              .updateTable("subject_tag")
              .set({ area_path: area.path })
              .where("subject_id", "=", found.id)
              .execute();
          });
          attributions.push(movedInto(found.id, area, now, by));
        }
        if (changed.length > 0 || moved)
          later.push(async (trx) => {
            await trx.updateTable("person").set(update).where("id", "=", found.id).execute();
          });
        for (const key of tagsToAdd) newTags.push(this.tagRow(found.id, key, area.path, day));
      }
      if (r.relationship === "head" && household && household.head !== personId) {
        household.head = personId;
        heads.push({ household: household.id, person: personId });
      }
    }
    return {
      epoch,
      counts,
      places: placesCopy(newPlaces),
      households: householdsCopy(newHouseholds),
      people: peopleCopy(newPeople),
      tags: tagsCopy(newTags),
      attributions: attributionsCopy(attributions),
      heads,
      later,
    };
  }

  /**
   * Writes a planned batch in one transaction. Without updates of registered people (a first load),
   * everything goes to the database at once; otherwise the updates run between the new places and
   * households and the new people.
   */
  async apply(bulk: Bulk, plan: WritePlan): Promise<void> {
    const heads = headsStatement(plan.heads);
    const after = [plan.people, plan.attributions, plan.tags, ...(heads ? [heads] : [])];
    if (plan.later.length === 0) return bulk.write([plan.places, plan.households, ...after]);
    await bulk.session(async (session) => {
      await session.send([plan.places, plan.households]);
      for (const step of plan.later) await step(session.db);
      await session.send(after);
    });
  }

  /** Forgets what earlier plans created (after a failed write, whose plan is made again). */
  forget() {
    this.epoch++;
    this.#created = [];
  }

  tagRow(subjectId: string, key: string, areaPath: string, day: string) {
    return {
      id: uuidv7(),
      subject_type: "person" as const,
      subject_id: subjectId,
      tag_key: key,
      area_path: areaPath,
      source: "import",
      note: null,
      valid_from: day,
      valid_to: null,
      created_by: authorId(this.actor),
    };
  }
}

/** The open attribution of a person an import moved into another area. */
function movedInto(subjectId: string, area: { id: string | null; path: string }, now: Date, by: string | null) {
  return {
    id: uuidv7(now.getTime()),
    subject_type: "person" as const,
    subject_id: subjectId,
    area_id: area.id,
    area_path: area.path,
    valid_from: now,
    valid_to: null,
    reason: "import",
    changed_by: by,
  };
}

const UNIQUE_VIOLATION = "23505";
/** Writes of one batch, the first included, before a duplicate key stops the import. */
const WRITE_ATTEMPTS = 4;

async function isEmpty(db: Kysely<DB>, table: "person" | "place" | "household"): Promise<boolean> {
  return !(await db.selectFrom(table).select("id").limit(1).executeTakeFirst());
}

async function registryIsEmpty(db: Kysely<DB>): Promise<boolean> {
  return isEmpty(db, "person");
}

/**
 * The planner's statistics of the tables an import filled, refreshed once it is done: PGlite has no
 * autovacuum to do it, and until then searches are planned with the statistics of the table as it
 * was before (typically empty).
 */
async function refreshStatistics(db: Kysely<DB>): Promise<void> {
  // People on one connection, the rest on another: on PostgreSQL the two run at once.
  await Promise.all([sql`analyze person`.execute(db), sql`analyze household, place, subject_tag`.execute(db)]);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * Every household head of a batch in one statement. It travels with the batch's COPYs, so without
 * parameters: the ids are this server's own UUIDs, checked as such before they are written in.
 */
export function headsStatement(heads: readonly { household: string; person: string }[]): string | undefined {
  if (heads.length === 0) return undefined;
  let values = "";
  for (const h of heads) {
    if (!UUID.test(h.household) || !UUID.test(h.person)) throw new Error(`not a UUID: ${h.household}, ${h.person}`);
    values += `${values === "" ? "" : ","}('${h.household}'::uuid,'${h.person}'::uuid)`;
  }
  return `update household set head_person_id = v.person from (values ${values}) as v(household, person) where household.id = v.household`;
}

// ---- jobs --------------------------------------------------------------------------------------

export function uploadsDir(ctx: Pick<AppContext, "config">): string {
  return path.join(ctx.config.dataDir, "imports");
}

export function uploadPath(ctx: Pick<AppContext, "config">, id: string, format: FileFormat): string {
  return path.join(uploadsDir(ctx), `${id}.${format}`);
}

async function updateJob(db: Kysely<DB>, id: string, set: Updateable<DB["import_job"]>) {
  await db.updateTable("import_job").set(set).where("id", "=", id).execute();
}

export interface ImportOptions {
  /** Rows from which a first load sets the person indexes aside (DEFER_INDEXES_FROM). */
  deferIndexesFrom?: number;
  /** Told at most twice a second and at the end: rows processed, and the file's rows (0 for XLSX, not counted). */
  onProgress?: (processed: number, total: number) => void;
  /** Rows after which ID and phone numbers are sealed on worker threads (SEAL_ON_THREADS_FROM). */
  sealOnThreadsFrom?: number;
}

/**
 * Runs an uploaded file to the end. With all-or-nothing, a first pass only validates and a second
 * writes, so one bad row leaves the registry as it was.
 */
export async function runPeopleImport(
  ctx: AppContext,
  actor: Principal,
  job: Pick<ImportJobRow, "id" | "all_or_nothing" | "file_name">,
  file: string,
  format: FileFormat,
  options: ImportOptions = {},
): Promise<ImportCounts> {
  const counts: ImportCounts = { created: 0, updated: 0, unchanged: 0, rejected: 0 };
  /** Rows refused for a number another record holds: each tells the importer that the number is registered. */
  let refusedNumbers = 0;
  // An XLSX whose size is only estimated shows no total; the estimate still decides how it loads.
  const size = await countRows(file, format);
  const total = size.exact ? size.rows : 0;
  // Written to the job at most twice a second (the console polls it), and at the end.
  let progressAt = 0;
  const progress = async (processed: number, final = false) => {
    if (!final && Date.now() - progressAt < PROGRESS_EVERY_MS) return;
    progressAt = Date.now();
    await updateJob(ctx.db, job.id, { processed });
    options.onProgress?.(processed, total);
  };
  await updateJob(ctx.db, job.id, { status: "running", total, processed: 0 });
  // Rejected rows are sealed as they come and written a page at a time (import-reports.service.ts).
  const report = new RejectionRecorder(ctx, job.id);
  await report.start();
  const pass = async (write: boolean) => {
    const run = new ImportRun(ctx, actor);
    const firstLoad = write && (await registryIsEmpty(ctx.db));
    run.lookUp = !firstLoad;
    if (firstLoad)
      run.startedEmpty({ places: await isEmpty(ctx.db, "place"), households: await isEmpty(ctx.db, "household") });
    const deferred: string[] = [];
    let failed = false;
    try {
      if (firstLoad && size.rows >= (options.deferIndexesFrom ?? DEFER_INDEXES_FROM))
        for (const table of LOADED_TABLES) if ((await deferIndexes(ctx.db, table)) > 0) deferred.push(table);
      return await load(write, run);
    } catch (error) {
      failed = true;
      throw error;
    } finally {
      // Built again whether the load finished or not; if that fails too, the next start builds them.
      // Two restorers share the work of all the tables (each takes the next definition): on PostgreSQL
      // two indexes build at once, on PGlite they take turns.
      if (deferred.length > 0)
        await Promise.all([restoreDeferred(ctx.db, deferred), restoreDeferred(ctx.db, deferred)]).then(
          (restored) => {
            const unvalidated = restored.flatMap((r) => r.unvalidated);
            if (unvalidated.length > 0) ctx.log.warn({ importId: job.id, unvalidated }, "foreign keys left NOT VALID");
          },
          (error) => {
            if (!failed) throw error;
            ctx.log.warn({ importId: job.id, err: error }, "indexes not built again after a failed import");
          },
        );
    }
  };
  const load = async (write: boolean, run: ImportRun) => {
    let batch: PreparedRow[] = [];
    // The next rows are read and checked while the previous batch is written; writes stay one after
    // another, in file order.
    let writing: Promise<void> = Promise.resolve();
    let beforeLast: Promise<void> = Promise.resolve();
    let planning: Promise<unknown> = Promise.resolve();
    const planBatch = async (rows: PreparedRow[]) => {
      const { ok, existing, rejected } = await run.checkExisting(rows);
      if (!write || ok.length === 0) return { rejected, plan: undefined };
      const index = await locateIndexFor(ctx.db).ready();
      return { rejected, plan: await run.plan(ok, existing, index) };
    };
    const flush = () => {
      const rows = batch;
      batch = [];
      // Each batch is planned while the one before it is written (unless a write had to be repeated).
      const ahead = planning.then(() => (run.sequential ? undefined : planBatch(rows)));
      planning = ahead.catch(() => {});
      writing = Promise.all([writing, ahead]).then(async ([, early]) => {
        let planned = early && (!early.plan || early.plan.epoch === run.epoch) ? early : await planBatch(rows);
        for (let attempt = 1; ; attempt++) {
          try {
            if (planned.plan) await run.apply(ctx.bulk, planned.plan);
            break;
          } catch (error) {
            if ((error as { code?: string }).code !== UNIQUE_VIOLATION || attempt >= WRITE_ATTEMPTS) throw error;
            // Another import wrote the same people, households or places meanwhile (the write waited for
            // it): plan the batch again, now that they can be seen, and from now on look everyone up
            // and plan in turn.
            run.lookUp = true;
            run.sequential = true;
            run.forget();
            planned = await planBatch(rows);
          }
        }
        for (const r of planned.rejected) {
          counts.rejected++;
          if (r.refused) refusedNumbers++;
          report.add(r);
        }
        if (planned.plan) {
          counts.created += planned.plan.counts.created;
          counts.updated += planned.plan.counts.updated;
          counts.unchanged += planned.plan.counts.unchanged;
        }
      });
      // A failed write stops the loop at the next batch instead of going on to the end of the file.
      return writing;
    };
    let seen = 0;
    const checker = new RowChecker({
      today: today(ctx),
      scope: run.scope,
      tags: await run.tagKeys(),
      area: (code) => run.area(code),
    });
    const rows = sealAhead<PeopleFileHeader | PeopleFileRow>(readPeopleFile(file, format), sealer, (item) =>
      "header" in item ? undefined : sealRequest(item),
    );
    for await (const chunk of rows) {
      const first = chunk.items[0];
      if (first && "header" in first) {
        report.setHeader(first.header, first.check.columns);
        if (first.check.missing.length > 0)
          throw new DomainError("IMPORT_FILE_INVALID", `the file lacks the columns ${first.check.missing.join(", ")}`);
        continue;
      }
      const files = chunk.items as PeopleFileRow[];
      await checker.prepare(files);
      for (let i = 0; i < files.length; i++) {
        seen++;
        if (seen % YIELD_EVERY === 0) await new Promise((resolve) => setImmediate(resolve));
        const checked = checker.check(files[i] as PeopleFileRow, chunk.sealed[i] as SealedFields);
        if ("reasons" in checked) {
          counts.rejected++;
          report.add(checked);
          if (report.behind) await report.settled();
        } else batch.push(checked);
        if (batch.length >= BATCH) {
          // One batch being written, the next one planned meanwhile: wait for the one before them.
          await beforeLast;
          beforeLast = writing;
          void flush().catch(() => {});
        }
        if (seen % BATCH === 0) await progress(write || !job.all_or_nothing ? seen : Math.floor(seen / 2));
      }
    }
    await writing;
    await flush();
    return { seen };
  };
  // ID and phone numbers are sealed and names keyed on other threads once the file proves large.
  const sealer = importSealer(ctx.crypto, ctx.now(), { threadsFrom: options.sealOnThreadsFrom });
  try {
    if (job.all_or_nothing) {
      const { seen } = await pass(false);
      if (counts.rejected === 0) {
        await pass(true);
      }
      await progress(seen);
    } else {
      const { seen } = await pass(true);
      await progress(seen);
    }
  } finally {
    await sealer.close();
  }
  if (counts.created + counts.updated > 0) await refreshStatistics(ctx.db);
  await report.finish();
  await updateJob(ctx.db, job.id, {
    status: "done",
    ...counts,
    total: counts.created + counts.updated + counts.unchanged + counts.rejected,
    report_header: report.header,
    finished_at: ctx.now(),
  });
  await recordAudit(ctx, ctx.db, {
    action: "person.import.finish",
    outcome: "success",
    actor: { userId: authorId(actor), username: actor.username },
    meta: { requestId: `import:${job.id}`, ip: null, userAgent: null },
    targetType: "import",
    targetId: job.id,
    details: { ...counts, refusedNumbers },
  });
  return counts;
}

export interface StartImportInput {
  id: string;
  fileName: string;
  format: FileFormat;
  allOrNothing: boolean;
}

/** The job, queued, and its audit record: who imported which file. */
async function recordJob(
  ctx: AppContext,
  actor: Principal,
  meta: RequestMeta,
  input: Omit<StartImportInput, "format">,
  via: "upload" | "cli",
): Promise<ImportJobRow> {
  await ctx.db
    .insertInto("import_job")
    .values({
      id: input.id,
      kind: "people",
      status: "queued",
      file_name: input.fileName,
      all_or_nothing: input.allOrNothing,
      created_by: authorId(actor),
    })
    .execute();
  await recordAudit(ctx, ctx.db, {
    action: "person.import",
    outcome: "success",
    actor: { userId: authorId(actor), username: actor.username },
    meta,
    targetType: "import",
    targetId: input.id,
    details: { fileName: input.fileName, allOrNothing: input.allOrNothing, via },
  });
  // Read back, so the answer is the job as it was queued.
  return (await findJob(ctx.db, input.id)) as ImportJobRow;
}

/** Records the job (the file is already at its upload path) and runs it in the background. */
export async function startPeopleImport(
  ctx: AppContext,
  actor: Principal,
  meta: RequestMeta,
  input: StartImportInput,
): Promise<ImportJobRow> {
  const job = await recordJob(ctx, actor, meta, input, "upload");
  void runInBackground(ctx, actor, input.id, input.format);
  return job;
}

/**
 * A file on this machine imported to the end in this process (`wangge import people`): recorded as a
 * job and audited like an upload; the file stays where it is. CSV or XLSX by its extension.
 */
export async function importPeopleFile(
  ctx: AppContext,
  actor: Principal,
  meta: RequestMeta,
  input: { file: string; allOrNothing: boolean; onProgress?: ImportOptions["onProgress"] },
): Promise<{ counts: ImportCounts; job: ImportJobRow }> {
  const format = /\.xlsx$/i.test(input.file) ? "xlsx" : /\.csv$/i.test(input.file) ? "csv" : undefined;
  if (!format) throw new DomainError("IMPORT_FILE_INVALID", `${input.file} is neither a .csv nor an .xlsx file`);
  try {
    await access(input.file, constants.R_OK);
  } catch (error) {
    throw new DomainError("IMPORT_FILE_INVALID", `cannot read ${input.file}: ${(error as Error).message}`);
  }
  const id = uuidv7();
  await recordJob(
    ctx,
    actor,
    meta,
    { id, fileName: path.basename(input.file), allOrNothing: input.allOrNothing },
    "cli",
  );
  try {
    const counts = await runPeopleImport(
      ctx,
      actor,
      { id, all_or_nothing: input.allOrNothing, file_name: path.basename(input.file) },
      input.file,
      format,
      { onProgress: input.onProgress },
    );
    return { counts, job: (await findJob(ctx.db, id)) as ImportJobRow };
  } catch (error) {
    await recordFailure(ctx, id, error);
    throw error;
  }
}

/** The job as failed, with what the user may read of why (a domain error's message, else none of it). */
function recordFailure(ctx: AppContext, id: string, error: unknown): Promise<void> {
  const message = error instanceof DomainError ? error.message : "the import stopped on an internal error";
  return updateJob(ctx.db, id, { status: "failed", error: message, finished_at: ctx.now() });
}

const running = new Set<string>();

async function runInBackground(ctx: AppContext, actor: Principal, id: string, format: FileFormat) {
  if (running.has(id)) return;
  running.add(id);
  const file = uploadPath(ctx, id, format);
  let keepFile = false;
  try {
    const job = (await findJob(ctx.db, id)) as ImportJobRow;
    const counts = await runPeopleImport(ctx, actor, job, file, format);
    ctx.log.info({ importId: id, ...counts }, "people import finished");
  } catch (error) {
    ctx.log.warn({ importId: id, err: error }, "people import failed");
    // If even the failure cannot be recorded, the server is stopping: keep the file, the next start resumes it.
    await recordFailure(ctx, id, error).catch(() => {
      keepFile = true;
    });
  } finally {
    running.delete(id);
    if (!keepFile) await rm(file, { force: true }).catch(() => {});
  }
}

/**
 * On start: imports that were running when the server stopped are run again from the start (an
 * import is idempotent), if their file is on this machine.
 */
export async function resumeImports(ctx: AppContext): Promise<number> {
  const jobs = await ctx.db
    .selectFrom("import_job")
    .select(["id", "file_name", "created_by"])
    .where("status", "in", ["queued", "running"])
    .execute();
  let resumed = 0;
  for (const job of jobs) {
    for (const format of ["csv", "xlsx"] as const) {
      if (!existsSync(uploadPath(ctx, job.id, format)) || !job.created_by) continue;
      const user = await findAccount(ctx.db, job.created_by);
      if (!user) continue;
      const actor = await loadPrincipal(ctx.db, user, "session");
      void runInBackground(ctx, actor, job.id, format);
      resumed++;
    }
  }
  return resumed;
}

export async function ensureUploadsDir(ctx: Pick<AppContext, "config">): Promise<void> {
  await mkdir(uploadsDir(ctx), { recursive: true, mode: 0o700 });
}

export async function findJob(db: Kysely<DB>, id: string): Promise<ImportJobRow | undefined> {
  return db.selectFrom("import_job").selectAll().where("id", "=", id).executeTakeFirst();
}

export async function jobOf(ctx: AppContext, actor: Principal, id: string): Promise<ImportJobRow> {
  const job = await findJob(ctx.db, id);
  if (!job || job.created_by !== authorId(actor))
    throw new DomainError("IMPORT_NOT_FOUND", `no import ${id} of yours`, {
      errors: [{ path: "id", message: "unknown import" }],
    });
  return job;
}

export async function listJobs(ctx: AppContext, actor: Principal) {
  return ctx.db
    .selectFrom("import_job")
    .selectAll()
    .where("created_by", "=", authorId(actor))
    .orderBy("created_at", "desc")
    .limit(20)
    .execute();
}

export function jobView(job: ImportJobRow) {
  return {
    id: job.id,
    kind: job.kind,
    status: job.status,
    fileName: job.file_name,
    allOrNothing: job.all_or_nothing,
    total: job.total,
    processed: job.processed,
    created: job.created,
    updated: job.updated,
    unchanged: job.unchanged,
    rejected: job.rejected,
    applied: job.status === "done" && !(job.all_or_nothing && job.rejected > 0),
    error: job.error,
    hasReport: job.status === "done" && job.report_purged_at === null,
    createdAt: job.created_at.toISOString(),
    finishedAt: job.finished_at?.toISOString() ?? null,
  };
}

/** The template: the columns with Chinese headers (required ones starred) and one example row. */
export async function peopleTemplate(format: FileFormat): Promise<Buffer> {
  const header = PEOPLE_COLUMNS.map((c) => ("required" in c && c.required ? `${c.zh}*` : c.zh));
  const example = PEOPLE_COLUMNS.map((c) => c.example);
  if (format === "csv") return Buffer.from(csvText([header, example]), "utf8");
  const wb = new ExcelJS.Workbook();
  const sheet = wb.addWorksheet("人员");
  sheet.addRow(header);
  sheet.addRow(example);
  sheet.getRow(1).font = { bold: true };
  sheet.columns.forEach((c) => {
    c.width = 14;
  });
  // ID and phone numbers as text, so a spreadsheet does not turn them into 4.50802E+17.
  sheet.getColumn(6).numFmt = "@";
  sheet.getColumn(7).numFmt = "@";
  return Buffer.from(await wb.xlsx.writeBuffer());
}

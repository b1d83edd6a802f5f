import { type AreaIndex, authorId, canWork, type Principal, principalScope } from "@wangge/core";
import type { Kysely, Transaction, Updateable } from "kysely";
import type { AppContext, RequestMeta } from "../../context.ts";
import type { Bulk, CopyData } from "../../db/bulk.ts";
import type { DB } from "../../db/schema.ts";
import { uuidv7 } from "../../ids.ts";
import { findArea } from "../areas/areas.service.ts";
import type { AreaRow } from "../areas/areas.table.ts";
import { today } from "./people.service.ts";
import type { PreparedRow } from "./people-rows.ts";
import {
  attributionsCopy,
  closeAttribution,
  householdsCopy,
  listTagsOf,
  peopleCopy,
  placesCopy,
  retagPath,
  tagsCopy,
  updatePerson,
} from "./registry.queries.ts";
import type { HouseholdRow, NewPersonRow, PersonRow, PersonTable } from "./registry.table.ts";
import { charsOf } from "./registry-fields.ts";
import { visibleTagDefinitions } from "./tags.service.ts";

/**
 * Planning and writing one batch of a people import: which places, households and people it creates
 * (copied in together), which registered people it updates, and the household heads it sets — worked
 * out while the batch before it is being written. What each batch made is remembered for the next
 * two, since the database has not seen it yet when they are planned.
 */

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

export interface PlaceRef {
  id: string;
  area_id: string | null;
  area_path: string;
}

export interface HouseholdRef extends PlaceRef {
  head: string | null;
}

/** A batch's rows the registry accepts, with what they name there (people-import-checks.ts finds it). */
export interface BatchToPlan {
  ok: PreparedRow[];
  /** Registered people the rows name, by blind index: all in the importer's work. */
  existing: Map<string, PersonRow>;
  /** Households (by number) and places (by village and address) in the database the rows resolve to. */
  households: Map<string, HouseholdRef>;
  places: Map<string, PlaceRef>;
}

export interface WritePlan {
  epoch: number;
  counts: { created: number; updated: number; unchanged: number };
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
export class ImportRun {
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
  /** Once a write had to be repeated, batches are planned one after the other's write, not ahead. */
  sequential = false;
  epoch = 0;
  /** The places and households the last two plans created (the one being written and the next). */
  #created: { places: Map<string, PlaceRef>; households: Map<string, HouseholdRef> }[] = [];
  /** File rows already drawn from the importer's allowance of look-ups (a batch planned again is not drawn twice). */
  readonly drawn = new Set<number>();

  readonly startedAt: Date;
  /** What the access log and the audit trail name as the request: the job. */
  readonly meta: RequestMeta;

  constructor(
    readonly ctx: AppContext,
    readonly actor: Principal,
    jobId: string,
  ) {
    this.startedAt = ctx.now();
    this.meta = { requestId: `import:${jobId}`, ip: null, userAgent: null };
  }

  /** Which of the tables were empty as this run started (a first load of a county). */
  startedEmpty(empty: { places: boolean; households: boolean }) {
    this.#made = {
      places: empty.places ? new Set() : undefined,
      households: empty.households ? new Set() : undefined,
    };
  }

  /**
   * The places or households the database may hold for these keys, to be looked up there: all of
   * them, unless this is a first load of that table, when only those this run created can be.
   */
  mayExist(kind: "places" | "households", key: string): boolean {
    const made = this.lookUp ? undefined : this.#made[kind];
    return !made || made.has(key);
  }

  /** Whether a key missing from the database tells anything: not in a table this first load started empty. */
  couldBeHeld(kind: "places" | "households"): boolean {
    return this.lookUp || !this.#made[kind];
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

  /** A household this run (or another import of the same user since it started) created. */
  madeHere(household: Pick<HouseholdRow, "created_by" | "created_at">): boolean {
    return household.created_by === authorId(this.actor) && household.created_at >= this.startedAt;
  }

  /** A place or household one of the last two plans created (not yet in the database, or only just). */
  recentPlace(key: string): PlaceRef | undefined {
    for (const c of this.#created) {
      const found = c.places.get(key);
      if (found) return found;
    }
    return undefined;
  }

  recentHousehold(ref: string): HouseholdRef | undefined {
    for (const c of this.#created) {
      const found = c.households.get(ref);
      if (found) return found;
    }
    return undefined;
  }

  /**
   * Works out what one batch of checked rows writes — places, households, people and tags, new ones
   * to be copied in — while the previous batch is being written: what that batch creates is known
   * from `#created`, everything older from the check (people-import-checks.ts), which found only what
   * lies in the importer's work. A place or household the import creates, like a person, carries no
   * attribution row: its own area since its creation is its attribution until it first moves (then
   * the period is written, closed).
   */
  async plan(checked: BatchToPlan, index: AreaIndex): Promise<WritePlan> {
    const { ok: rows, existing } = checked;
    const db = this.ctx.db;
    const epoch = this.epoch;
    const mine = { places: new Map<string, PlaceRef>(), households: new Map<string, HouseholdRef>() };
    // Looked up before this plan's own are added.
    const places = new Map<string, PlaceRef>();
    const households = new Map<string, HouseholdRef>();
    for (const r of rows) {
      if (r.placeKey && !places.has(r.placeKey)) {
        const known = this.recentPlace(r.placeKey) ?? checked.places.get(r.placeKey);
        if (known) places.set(r.placeKey, known);
      }
      if (r.householdRef && !households.has(r.householdRef)) {
        const known = this.recentHousehold(r.householdRef) ?? checked.households.get(r.householdRef);
        if (known) households.set(r.householdRef, known);
      }
    }
    this.#created.unshift(mine);
    this.#created.length = Math.min(this.#created.length, 2);
    const later: WritePlan["later"] = [];
    const now = this.ctx.now();
    const by = authorId(this.actor);
    const attributions: Parameters<typeof attributionsCopy>[0] = [];
    // Every row's person id first, so a new household is created with its head.
    const personIds = rows.map((r) => existing.get(r.sealedId.id_number_bidx)?.id ?? uuidv7(now.getTime()));
    // Places: found by (village, address), created once.
    const newPlaces: Parameters<typeof placesCopy>[0] = [];
    for (const r of rows) {
      const key = r.placeKey;
      if (!key || places.has(key)) continue;
      let area: AreaRow = r.grid ?? r.division;
      if (!r.grid && r.lng !== null && r.lat !== null) {
        const hit = index.locate(r.lng, r.lat);
        const found = hit ? await this.area(hit.code) : null;
        if (found?.path.startsWith(r.division.path) && canWork(this.scope, found.path)) area = found;
      }
      const id = uuidv7(now.getTime());
      places.set(key, { id, area_id: area.id, area_path: area.path });
      mine.places.set(key, { id, area_id: area.id, area_path: area.path });
      this.#made.places?.add(key);
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
    const headOf = new Map<string, string>();
    rows.forEach((r, i) => {
      if (r.relationship === "head" && r.householdRef && !headOf.has(r.householdRef))
        headOf.set(r.householdRef, personIds[i] as string);
    });
    const newHouseholds: Parameters<typeof householdsCopy>[0] = [];
    for (const r of rows) {
      if (!r.householdRef || households.has(r.householdRef)) continue;
      const place = r.placeKey ? places.get(r.placeKey) : undefined;
      const area = r.grid
        ? { id: r.grid.id, path: r.grid.path }
        : place
          ? { id: place.area_id, path: place.area_path }
          : { id: r.division.id, path: r.division.path };
      const id = uuidv7(now.getTime());
      const head = headOf.get(r.householdRef) ?? null;
      households.set(r.householdRef, { id, area_id: area.id, area_path: area.path, head });
      mine.households.set(r.householdRef, { id, area_id: area.id, area_path: area.path, head });
      this.#made.households?.add(r.householdRef);
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
    const day = today(this.ctx);
    for (const t of await listTagsOf(db, existingIds)) {
      if (t.valid_to !== null && t.valid_to < day) continue;
      existingTags.set(t.subject_id, (existingTags.get(t.subject_id) ?? new Set()).add(t.tag_key));
    }
    for (const [i, r] of rows.entries()) {
      const household = r.householdRef ? households.get(r.householdRef) : undefined;
      const place = r.placeKey ? places.get(r.placeKey) : undefined;
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
            await retagPath(trx, found.id, area.path);
          });
          attributions.push(movedInto(found.id, area, now, by));
        }
        if (changed.length > 0 || moved) later.push((trx) => updatePerson(trx, found.id, update));
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

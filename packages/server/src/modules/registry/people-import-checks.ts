import { canView, canWork, codeOfPath, type Message } from "@wangge/core";
import { drawNumberLookups } from "./number-lookups.ts";
import { accessRow } from "./people.service.ts";
import type { BatchToPlan, HouseholdRef, ImportRun, PlaceRef } from "./people-import-plan.ts";
import { type PreparedRow, type Rejection, reason } from "./people-rows.ts";
import { findHouseholdsByRef, findPeopleByIdIndexes, findPlacesByAddress, logAccess } from "./registry.queries.ts";
import type { PersonRow } from "./registry.table.ts";

/**
 * Checking a batch of an import against what the registry holds, so that an import neither writes
 * outside the importer's work nor answers "is this number registered?" for free (#16):
 * - a row whose ID number a person out of the importer's work holds, or whose household number such a
 *   household holds, is refused — where the importer can see that record the reason says where it
 *   is, elsewhere the same words wherever it is — and is one look-up from the importer's allowance of
 *   look-ups by number (number-lookups.ts, shared with searches by number): audited (the job's
 *   refusal record, with the numbers' blind indexes) and, for a person, written to their access log;
 * - once the allowance is spent, every row with an ID or household number not already known in the
 *   importer's own work is refused in one wording, registered elsewhere or not, so that the refusals
 *   stop telling the two apart; rows about the importer's own records draw nothing and go on;
 * - a row whose address is a place of an area the importer does not work on is refused (the place's
 *   grid named only to who may see it, as registering the place would say): nobody is put there.
 * Households and places are otherwise resolved only among those in the importer's work (or that this
 * run made). The CLI and the system have no allowance: they are refused what is out of their work only.
 * An all-or-nothing import runs none of this until its file has no error of its own
 * (people-import.service.ts): a file that writes nothing learns nothing from the registry.
 */
export const LOOKUPS_SPENT = "limit of number look-ups reached; import the rest later";

export interface CheckedBatch extends BatchToPlan {
  rejected: Rejection[];
  /** What the job's refusal record gathers once the batch is written. */
  refusals: ImportRefusals;
}

/** Rows refused for numbers held out of the importer's work, and rows refused once the allowance was spent. */
export interface ImportRefusals {
  idNumbers: { row: number; index: string; masked: string; holder: string }[];
  householdRefs: { row: number; ref: string; holder: string }[];
  limitedRows: number;
}

export const noRefusals = (): ImportRefusals => ({ idNumbers: [], householdRefs: [], limitedRows: 0 });

/** A number of a row: the importer's own record's, someone else's out of their work, or unknown. */
type Standing = "none" | "mine" | "held" | "unknown";

export async function checkAgainstRegistry(run: ImportRun, rows: PreparedRow[]): Promise<CheckedBatch> {
  const db = run.ctx.db;
  const scope = run.scope;
  // People by the blind index of their ID number (not while the registry started empty: none can be).
  const people = new Map(
    run.lookUp
      ? (
          await findPeopleByIdIndexes(
            db,
            rows.map((r) => r.sealedId.id_number_bidx),
          )
        ).map((p) => [p.id_number_bidx as string, p])
      : [],
  );
  // Households by number, and places by village and address: what recent batches made is the run's own.
  const refs = new Set<string>();
  const placeKeys = new Map<string, PreparedRow>();
  for (const r of rows) {
    if (r.householdRef && !run.recentHousehold(r.householdRef) && run.mayExist("households", r.householdRef))
      refs.add(r.householdRef);
    if (r.placeKey && !run.recentPlace(r.placeKey) && run.mayExist("places", r.placeKey)) placeKeys.set(r.placeKey, r);
  }
  const householdRows = new Map((await findHouseholdsByRef(db, [...refs])).map((h) => [h.ref as string, h]));
  const placeRows = new Map(
    (
      await findPlacesByAddress(
        db,
        [...placeKeys.values()].map((r) => ({ division: r.division.code, address: r.address as string })),
      )
    ).map((p) => [`${p.division_code}\u0000${p.address}`, p]),
  );

  const idStanding = (r: PreparedRow): Standing => {
    const found = people.get(r.sealedId.id_number_bidx);
    if (found) return canWork(scope, found.area_path) ? "mine" : "held";
    return run.lookUp ? "unknown" : "mine"; // a first load: the file's own people, nothing to tell
  };
  const refStanding = (r: PreparedRow): Standing => {
    const ref = r.householdRef;
    if (!ref) return "none";
    if (run.recentHousehold(ref)) return "mine";
    const found = householdRows.get(ref);
    if (found) return canWork(scope, found.area_path) || run.madeHere(found) ? "mine" : "held";
    return run.couldBeHeld("households") ? "unknown" : "mine";
  };
  const standings = rows.map((r) => ({ id: idStanding(r), ref: refStanding(r) }));

  const rejected: Rejection[] = [];
  const refusals = noRefusals();
  const logged: string[] = [];
  const decide = (left: number): number => {
    let taken = 0;
    // New households of earlier rows of the batch: the run's own for the rows after them.
    const accepted = new Set<string>();
    rows.forEach((r, i) => {
      const given = standings[i] as { id: Standing; ref: Standing };
      const s = given.ref === "unknown" && accepted.has(r.householdRef as string) ? { ...given, ref: "mine" } : given;
      const reasons: Message[] = [];
      const held = s.id === "held" || s.ref === "held";
      const drawnBefore = run.drawn.has(r.file.row);
      if (held && (drawnBefore || taken < left)) {
        // Refused, told (in the words the importer may hear), and one look-up.
        if (!drawnBefore) {
          taken++;
          run.drawn.add(r.file.row);
        }
        if (s.id === "held") {
          const found = people.get(r.sealedId.id_number_bidx) as PersonRow;
          reasons.push(refusal(run, "idNumber", found.area_path));
          refusals.idNumbers.push({
            row: r.file.row,
            index: r.sealedId.id_number_bidx,
            masked: r.sealedId.id_number_masked,
            holder: found.id,
          });
          if (!drawnBefore) logged.push(found.id);
        }
        if (s.ref === "held") {
          const found = householdRows.get(r.householdRef as string) as { id: string; area_path: string };
          reasons.push(refusal(run, "householdRef", found.area_path));
          refusals.householdRefs.push({ row: r.file.row, ref: r.householdRef as string, holder: found.id });
        }
        rejected.push({ row: r.file, reasons, refused: true });
        return;
      }
      if ((held || s.id === "unknown" || s.ref === "unknown") && taken >= left) {
        // No look-ups left: whatever is not the importer's own is refused alike, registered or not.
        if (s.id !== "mine") reasons.push(reason("IMPORT_ROW_LOOKUPS_SPENT", "idNumber"));
        if (s.ref !== "mine" && s.ref !== "none") reasons.push(reason("IMPORT_ROW_LOOKUPS_SPENT", "householdRef"));
        refusals.limitedRows++;
        rejected.push({ row: r.file, reasons });
        return;
      }
      if (s.ref === "unknown") accepted.add(r.householdRef as string);
    });
    return taken;
  };
  // Rows about the importer's own records (a grid imported again) draw nothing and ask nothing.
  if (standings.some((s) => s.id === "held" || s.id === "unknown" || s.ref === "held" || s.ref === "unknown"))
    await drawNumberLookups(run.ctx, run.actor, decide);
  if (logged.length > 0)
    await logAccess(
      db,
      logged.map((id) => accessRow(run.actor, run.meta, id, "search", ["idNumber"])),
    );

  // Places out of the importer's work refuse their rows; nobody is put there.
  const refused = new Set(rejected.map((x) => x.row.row));
  const ok: PreparedRow[] = [];
  for (const r of rows) {
    const place = r.placeKey ? placeRows.get(r.placeKey) : undefined;
    if (place && !canWork(scope, place.area_path)) {
      const why = canView(run.readScope, place.area_path)
        ? reason("IMPORT_ROW_REGISTERED_ELSEWHERE", "road", { area: codeOfPath(place.area_path) ?? "" })
        : reason("IMPORT_ROW_PLACE_REFUSED", "road");
      const earlier = rejected.find((x) => x.row.row === r.file.row);
      if (earlier) earlier.reasons.push(why);
      else rejected.push({ row: r.file, reasons: [why] });
      continue;
    }
    if (!refused.has(r.file.row)) ok.push(r);
  }
  rejected.sort((a, b) => a.row.row - b.row.row);

  const existing = new Map<string, PersonRow>();
  const households = new Map<string, HouseholdRef>();
  const places = new Map<string, PlaceRef>();
  for (const r of ok) {
    const person = people.get(r.sealedId.id_number_bidx);
    if (person) existing.set(r.sealedId.id_number_bidx, person);
    const household = r.householdRef ? householdRows.get(r.householdRef) : undefined;
    if (household)
      households.set(household.ref as string, {
        id: household.id,
        area_id: household.area_id,
        area_path: household.area_path,
        head: household.head_person_id,
      });
    const place = r.placeKey ? placeRows.get(r.placeKey) : undefined;
    if (place) places.set(r.placeKey as string, { id: place.id, area_id: place.area_id, area_path: place.area_path });
  }
  return { ok, rejected, existing, households, places, refusals };
}

/** The reason a row is refused for a number another record holds (registry-work.ts's words when unseen). */
function refusal(run: ImportRun, kind: "idNumber" | "householdRef", areaPath: string): Message {
  if (!canView(run.readScope, areaPath))
    return reason(kind === "idNumber" ? "IMPORT_ROW_ID_REFUSED" : "IMPORT_ROW_HOUSEHOLD_REFUSED", kind);
  return reason("IMPORT_ROW_REGISTERED_ELSEWHERE", kind, { area: codeOfPath(areaPath) ?? "" });
}

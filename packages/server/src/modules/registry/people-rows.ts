import { canWork, composeAddress, type DataScope, ethnicityCode, type IdType, type Message } from "@wangge/core";
import type { AreaRow } from "../areas/areas.table.ts";
import { keepsExampleNote, type PeopleColumn, type PeopleFileRow } from "./people-file.ts";
import type { PersonTable } from "./registry.table.ts";
import type { SealedId, SealedPhone } from "./registry-fields.ts";
import { NAME_MAX, type NameKeys, type SealedFields, type SealRequest } from "./sealing.ts";

/**
 * Checking the rows of a people import, one at a time and against the rows before them in the file:
 * required fields, ID check digit, dates, codes, the area in the importer's scope, tags, duplicates
 * inside the file. ID and phone numbers come sealed (encrypted, blind-indexed, masked: sealing.ts), so
 * a checked row never carries them in clear. It needs no database, only the areas it asks for.
 */
const GENDERS: Record<string, "male" | "female"> = {
  男: "male",
  女: "female",
  male: "male",
  female: "female",
  m: "male",
  f: "female",
};
const RESIDENCE: Record<string, PersonTable["residence_status"]> = {
  常住: "resident",
  常住人口: "resident",
  户籍人口: "resident",
  resident: "resident",
  流动: "migrant",
  流入: "migrant",
  流动人口: "migrant",
  migrant: "migrant",
  外出: "away",
  外出人口: "away",
  away: "away",
  留守: "left_behind",
  left_behind: "left_behind",
};
const RELATIONSHIP: Record<string, string> = {
  户主: "head",
  本人: "head",
  head: "head",
  配偶: "spouse",
  妻: "spouse",
  夫: "spouse",
  spouse: "spouse",
  子: "child",
  女: "child",
  子女: "child",
  儿子: "child",
  女儿: "child",
  child: "child",
  父亲: "parent",
  母亲: "parent",
  父母: "parent",
  parent: "parent",
  祖父母: "grandparent",
  外祖父母: "grandparent",
  grandparent: "grandparent",
  孙子: "grandchild",
  孙女: "grandchild",
  孙子女: "grandchild",
  外孙子女: "grandchild",
  grandchild: "grandchild",
  兄弟姐妹: "sibling",
  sibling: "sibling",
  儿媳: "child_in_law",
  女婿: "child_in_law",
  child_in_law: "child_in_law",
  其他: "other",
  other: "other",
};
const HOUSEHOLD_KIND: Record<string, "family" | "collective" | "other"> = {
  家庭户: "family",
  family: "family",
  集体户: "collective",
  collective: "collective",
  其他: "other",
  other: "other",
};
const ID_TYPE: Record<string, IdType> = {
  居民身份证: "resident_id",
  身份证: "resident_id",
  resident_id: "resident_id",
  港澳台居民居住证: "hmt_residence_permit",
  hmt_residence_permit: "hmt_residence_permit",
  港澳居民来往内地通行证: "hmt_travel_permit",
  台湾居民来往大陆通行证: "hmt_travel_permit",
  hmt_travel_permit: "hmt_travel_permit",
  护照: "passport",
  passport: "passport",
  外国人永久居留身份证: "foreign_permanent_residence",
  foreign_permanent_residence: "foreign_permanent_residence",
};
const YES = new Set(["是", "yes", "y", "true", "1", "党员"]);
const NO = new Set(["否", "no", "n", "false", "0", ""]);

function parseDate(text: string): string | "invalid" {
  // A spreadsheet date read without its cell style is the Excel day number (days since 1899-12-30).
  const serial = /^\d{3,5}(\.\d+)?$/.test(text.trim()) ? Math.floor(Number(text)) : undefined;
  // (A bare year such as 1990 is not a date.)
  if (serial !== undefined && !(serial >= 1800 && serial <= 2100)) {
    const days = serial;
    return new Date(Date.UTC(1899, 11, 30) + days * 86_400_000).toISOString().slice(0, 10);
  }
  const m = /^(\d{4})[-/.年]?(\d{1,2})[-/.月]?(\d{1,2})日?$/.exec(text.trim());
  if (!m) return "invalid";
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d) return "invalid";
  return date.toISOString().slice(0, 10);
}

export interface PreparedRow {
  file: PeopleFileRow;
  name: string;
  /** The name's search keys (characters, pinyin, initials), worked out here rather than where rows are written. */
  nameKeys: NameKeys;
  sealedId: SealedId;
  phone: SealedPhone | undefined;
  gender: "male" | "female" | null;
  birthDate: string | null;
  ethnicity: string | null;
  residence: PersonTable["residence_status"];
  partyMember: boolean;
  partyBranch: string | null;
  registeredAddress: string | null;
  relationship: string | null;
  householdRef: string | null;
  householdKind: "family" | "collective" | "other";
  division: AreaRow;
  grid: AreaRow | undefined;
  address: string | null;
  /** The place's key among the file's rows (village and address), when it has an address. */
  placeKey: string | null;
  place: {
    road: string | null;
    houseNumber: string | null;
    building: string | null;
    unit: string | null;
    room: string | null;
  };
  lng: number | null;
  lat: number | null;
  tags: string[];
  notes: string | null;
}

export interface Rejection {
  row: PeopleFileRow;
  /** Why, as messages (registry.messages.ts): the report says them in its reader's language. */
  reasons: Message[];
  /** Refused for a number (ID, household) that a record the importer may not change holds. */
  refused?: boolean;
}

/** A reason about a column: `column` is the column's key, named in the reader's language when said. */
export const reason = (code: string, column: PeopleColumn | "lngLat", params: Record<string, string | Message> = {}) =>
  ({ code, params: { column, ...params } }) satisfies Message;

/** An ID or phone number's issue from sealing: a message as JSON (sealing.ts), or older plain text. */
function issueOf(issue: string): Message {
  try {
    const parsed = JSON.parse(issue) as Message;
    if (typeof parsed?.code === "string") return parsed;
  } catch {
    // plain text below
  }
  return { code: "IMPORT_ROW_TEXT", params: { text: issue } };
}
// Control characters (NUL, tabs, line breaks…) have no place in a name.
// biome-ignore lint/suspicious/noControlCharactersInRegex: that is what it finds
const CONTROL = /[\u0000-\u001f\u007f]/;

/** The row's document type: a resident ID card unless it says otherwise; undefined if unknown. */
const idTypeOf = (file: PeopleFileRow): IdType | undefined =>
  file.values.idType ? ID_TYPE[file.values.idType.trim()] : "resident_id";

/** What a sealing thread needs of a row (`sealFields`). */
export function sealRequest(file: PeopleFileRow): SealRequest {
  const v = file.values;
  return { idType: idTypeOf(file), idNumber: v.idNumber, phone: v.phone, name: v.name ?? "" };
}

export interface RowCheckerDeps {
  /** Today's date in China (YYYY-MM-DD). */
  today: string;
  scope: DataScope;
  /** A village, community or grid by code; null when there is none (or it was abolished). */
  area(code: string): Promise<AreaRow | null>;
  /** Tag keys by key, Chinese name or lower-case English name, among the tags the importer may see. */
  tags: Map<string, string>;
}

export class RowChecker {
  readonly #seen = new Map<string, number>();
  readonly #areas = new Map<string, AreaRow | null>();

  constructor(readonly deps: RowCheckerDeps) {}

  /** Looks up the villages, communities and grids these rows name that it has not met yet. */
  async prepare(files: readonly PeopleFileRow[]): Promise<void> {
    for (const file of files) {
      const division = file.values.divisionCode?.trim();
      if (division && !this.#areas.has(division)) this.#areas.set(division, await this.deps.area(division));
      const grid = file.values.gridCode?.trim();
      if (grid && !this.#areas.has(grid)) this.#areas.set(grid, await this.deps.area(grid));
    }
  }

  #area(code: string): AreaRow | null {
    const found = this.#areas.get(code);
    if (found === undefined) throw new Error(`the area ${code} was not looked up before its row was checked`);
    return found;
  }

  /**
   * Checks one row on its own (and against the rows before it in the file), its personal fields
   * sealed beforehand from its `sealRequest` (sealing.ts: inline, or on a sealing thread), and the
   * areas it names looked up beforehand (`prepare`), so that checking waits for nothing.
   */
  check(file: PeopleFileRow, sealed: SealedFields): PreparedRow | Rejection {
    const v = file.values;
    const reasons: Message[] = file.problems ? [...file.problems] : [];
    if (keepsExampleNote(v)) reasons.push(reason("IMPORT_ROW_EXAMPLE_NOTE", "notes", { note: v.notes?.trim() ?? "" }));
    const name = v.name?.trim() ?? "";
    if (!name) reasons.push(reason("IMPORT_ROW_REQUIRED", "name"));
    else if (name.length > NAME_MAX) reasons.push(reason("IMPORT_ROW_TOO_LONG", "name", { max: String(NAME_MAX) }));
    else if (CONTROL.test(name)) reasons.push(reason("IMPORT_ROW_CONTROL_CHARACTERS", "name"));
    const idType = idTypeOf(file);
    if (!idType) reasons.push(reason("IMPORT_ROW_ID_TYPE_UNKNOWN", "idType", { value: v.idType ?? "" }));
    let sealedId: SealedId | undefined;
    if (!v.idNumber) reasons.push(reason("IMPORT_ROW_ID_REQUIRED", "idNumber"));
    else if (idType && sealed.id) {
      if ("issue" in sealed.id)
        reasons.push(reason("IMPORT_ROW_INVALID", "idNumber", { reason: issueOf(sealed.id.issue) }));
      else {
        const first = this.#seen.get(sealed.id.id_number_bidx);
        if (first !== undefined && first !== file.row)
          reasons.push(reason("IMPORT_ROW_SAME_PERSON", "idNumber", { row: String(first) }));
        else sealedId = sealed.id;
      }
    }
    let birthDate: string | null = sealedId?.birthDate ?? null;
    if (v.birthDate) {
      const parsed = parseDate(v.birthDate);
      if (parsed === "invalid") reasons.push(reason("IMPORT_ROW_DATE_INVALID", "birthDate", { value: v.birthDate }));
      else if (parsed > this.deps.today) reasons.push(reason("IMPORT_ROW_DATE_FUTURE", "birthDate", { value: parsed }));
      else if (sealedId?.birthDate && parsed !== sealedId.birthDate)
        reasons.push(
          reason("IMPORT_ROW_BIRTH_DATE_MISMATCH", "birthDate", { value: parsed, expected: sealedId.birthDate }),
        );
      else birthDate = parsed;
    }
    let gender: "male" | "female" | null = sealedId?.gender ?? null;
    if (v.gender) {
      const g = GENDERS[v.gender.trim().toLowerCase()];
      if (!g) reasons.push(reason("IMPORT_ROW_GENDER_INVALID", "gender"));
      else if (sealedId?.gender && g !== sealedId.gender) reasons.push(reason("IMPORT_ROW_GENDER_MISMATCH", "gender"));
      else gender = g;
    }
    const ethnicity = v.ethnicity ? (ethnicityCode(v.ethnicity) ?? null) : null;
    if (v.ethnicity && !ethnicity)
      reasons.push(reason("IMPORT_ROW_ETHNICITY_UNKNOWN", "ethnicity", { value: v.ethnicity }));
    let phone: SealedPhone | undefined;
    if (sealed.phone && "issue" in sealed.phone)
      reasons.push(reason("IMPORT_ROW_INVALID", "phone", { reason: issueOf(sealed.phone.issue) }));
    else phone = sealed.phone;
    const residence = v.residenceStatus ? RESIDENCE[v.residenceStatus.trim().toLowerCase()] : "resident";
    if (!residence) reasons.push(reason("IMPORT_ROW_RESIDENCE_INVALID", "residenceStatus"));
    const party = (v.partyMember ?? "").trim().toLowerCase();
    if (!YES.has(party) && !NO.has(party)) reasons.push(reason("IMPORT_ROW_PARTY_INVALID", "partyMember"));
    const relationship = v.relationship ? (RELATIONSHIP[v.relationship.trim().toLowerCase()] ?? null) : null;
    if (v.relationship && !relationship)
      reasons.push(reason("IMPORT_ROW_RELATIONSHIP_UNKNOWN", "relationship", { value: v.relationship }));
    const householdKind = v.householdKind ? HOUSEHOLD_KIND[v.householdKind.trim().toLowerCase()] : "family";
    if (!householdKind) reasons.push(reason("IMPORT_ROW_HOUSEHOLD_KIND_INVALID", "householdKind"));

    let division: AreaRow | null = null;
    let grid: AreaRow | null = null;
    if (!v.divisionCode) reasons.push(reason("IMPORT_ROW_REQUIRED", "divisionCode"));
    else {
      division = this.#area(v.divisionCode.trim());
      if (v.gridCode) {
        grid = this.#area(v.gridCode.trim());
        if (!grid || !division || !grid.path.startsWith(division.path) || !canWork(this.deps.scope, grid.path))
          reasons.push(
            reason("IMPORT_ROW_GRID_NOT_IN_AREA", "gridCode", { grid: v.gridCode, division: v.divisionCode }),
          );
      } else if (!division || !canWork(this.deps.scope, division.path))
        reasons.push(reason("IMPORT_ROW_DIVISION_NOT_IN_AREA", "divisionCode", { division: v.divisionCode }));
    }
    const lng = v.lng ? Number(v.lng) : null;
    const lat = v.lat ? Number(v.lat) : null;
    if ((lng === null) !== (lat === null)) reasons.push(reason("IMPORT_ROW_POINT_HALF", "lngLat"));
    else if (lng !== null && lat !== null && (!(lng >= 73 && lng <= 136) || !(lat >= 3 && lat <= 54)))
      reasons.push(reason("IMPORT_ROW_POINT_OUTSIDE_CHINA", "lngLat"));
    const tags: string[] = [];
    if (v.tags) {
      const known = this.deps.tags;
      for (const t of v.tags
        .split(/[;；,，、]/)
        .map((s) => s.trim())
        .filter(Boolean)) {
        const key = known.get(t) ?? known.get(t.toLowerCase());
        if (!key) reasons.push(reason("IMPORT_ROW_TAG_UNKNOWN", "tags", { value: t }));
        else tags.push(key);
      }
    }
    if (reasons.length > 0 || !sealedId || !division || !residence || !householdKind || !sealed.nameKeys)
      return { row: file, reasons };
    this.#seen.set(sealedId.id_number_bidx, file.row);
    const place = {
      road: v.road ?? null,
      houseNumber: v.houseNumber ?? null,
      building: v.building ?? null,
      unit: v.unit ?? null,
      room: v.room ?? null,
    };
    const address = composeAddress(place);
    return {
      file,
      name,
      nameKeys: sealed.nameKeys,
      sealedId,
      phone,
      gender,
      birthDate,
      ethnicity,
      residence,
      partyMember: YES.has(party),
      partyBranch: v.partyBranch ?? null,
      registeredAddress: v.registeredAddress ?? null,
      relationship,
      householdRef: v.householdRef ?? null,
      householdKind,
      division,
      grid: grid ?? undefined,
      address: address || null,
      placeKey: address ? `${division.code}\u0000${address}` : null,
      place,
      lng,
      lat,
      tags: [...new Set(tags)],
      notes: v.notes ?? null,
    };
  }
}

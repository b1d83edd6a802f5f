import type { ColumnType, Insertable, Selectable } from "kysely";

type Created = ColumnType<Date, Date | undefined, never>;
type Updated = ColumnType<Date, Date | undefined, Date>;

export interface PlaceTable {
  id: string;
  area_id: string | null;
  area_path: string;
  division_code: string;
  road: string | null;
  house_number: string | null;
  building: string | null;
  unit: string | null;
  room: string | null;
  address: string;
  address_chars: string[];
  lng: number | null;
  lat: number | null;
  created_at: Created;
  updated_at: Updated;
  created_by: string | null;
}
export type PlaceRow = Selectable<PlaceTable>;

export interface HouseholdTable {
  id: string;
  place_id: string | null;
  kind: "family" | "collective" | "other";
  ref: string | null;
  area_id: string | null;
  area_path: string;
  head_person_id: string | null;
  created_at: Created;
  updated_at: Updated;
  created_by: string | null;
}
export type HouseholdRow = Selectable<HouseholdTable>;

export interface PersonTable {
  id: string;
  household_id: string | null;
  relationship: string | null;
  name: string;
  name_chars: string[];
  name_pinyin: string;
  name_initials: string;
  gender: "male" | "female" | null;
  birth_date: ColumnType<string | null, string | null, string | null>;
  ethnicity: string | null;
  id_type: string | null;
  id_number_enc: string | null;
  id_number_bidx: string | null;
  id_number_masked: string | null;
  phone_enc: string | null;
  phone_bidx: string | null;
  phone_masked: string | null;
  residence_status: "resident" | "migrant" | "away" | "left_behind";
  party_member: boolean;
  party_branch: string | null;
  registered_address: string | null;
  place_id: string | null;
  area_id: string | null;
  area_path: string;
  notes: string | null;
  created_at: Created;
  updated_at: Updated;
  created_by: string | null;
}
export type PersonRow = Selectable<PersonTable>;
export type NewPersonRow = Insertable<PersonTable>;

export interface OrganisationTable {
  id: string;
  kind: string;
  name: string;
  name_chars: string[];
  credit_code: string | null;
  place_id: string | null;
  area_id: string | null;
  area_path: string;
  contact_name: string | null;
  contact_phone_enc: string | null;
  contact_phone_bidx: string | null;
  contact_phone_masked: string | null;
  notes: string | null;
  created_at: Created;
  updated_at: Updated;
  created_by: string | null;
}
export type OrganisationRow = Selectable<OrganisationTable>;

export interface AreaAttributionTable {
  id: string;
  subject_type: "place" | "household" | "person" | "organisation";
  subject_id: string;
  area_id: string | null;
  area_path: string;
  valid_from: Date;
  valid_to: Date | null;
  reason: string | null;
  changed_by: string | null;
}

export interface TagDefinitionTable {
  key: string;
  category: "care" | "service" | "sensitive";
  name_zh: string;
  name_en: string;
  visit_every_days: number | null;
  /** The visit checklist (modules/visits); null: core's default for the tag. */
  visit_checklist: ColumnType<unknown, string | null | undefined, string | null>;
  requires_end_date: boolean;
  active: ColumnType<boolean, boolean | undefined, boolean>;
  created_at: Created;
}
export type TagDefinitionRow = Selectable<TagDefinitionTable>;

export interface SubjectTagTable {
  id: string;
  subject_type: "person" | "household";
  subject_id: string;
  tag_key: string;
  area_path: string;
  source: ColumnType<string, string | undefined, string>;
  note: string | null;
  valid_from: ColumnType<string, string, string>;
  valid_to: ColumnType<string | null, string | null, string | null>;
  created_by: string | null;
  created_at: Created;
}
export type SubjectTagRow = Selectable<SubjectTagTable>;

export interface LeadHouseholdLinkTable {
  id: string;
  lead_household_id: string;
  household_id: string;
  valid_from: Date;
  valid_to: Date | null;
  created_by: string | null;
}

export interface PersonAccessTable {
  id: string;
  person_id: string;
  user_id: string | null;
  username: string | null;
  /**
   * `search`: found by an exact search for their ID or phone number; `event_reveal`: the original text
   * and contact of a matter they reported, read by a handler (events/event-reveal.service.ts).
   */
  action: "view" | "reveal" | "export" | "create" | "update" | "transfer" | "search" | "event_reveal";
  fields: ColumnType<string[], string[] | undefined, never>;
  reason: string | null;
  request_id: string | null;
  /** The actor's posts then (role key, area name and path), for "who looked at my record". */
  actor_posts: ColumnType<
    { roleKey: string; areaName: string | null; areaPath: string | null }[] | null,
    string | null | undefined,
    never
  >;
  /**
   * The resident account the row concerns alone (an `event_reveal` of a matter it reported): shown to
   * that account only, never in the record's log for staff (migration 2026_12_12_0920).
   */
  subject_user_id: ColumnType<string | null, string | null | undefined, never>;
  at: Created;
}

export interface ImportJobTable {
  id: string;
  kind: "people";
  status: "queued" | "running" | "done" | "failed";
  file_name: string;
  all_or_nothing: boolean;
  total: ColumnType<number, number | undefined, number>;
  processed: ColumnType<number, number | undefined, number>;
  created: ColumnType<number, number | undefined, number>;
  updated: ColumnType<number, number | undefined, number>;
  unchanged: ColumnType<number, number | undefined, number>;
  rejected: ColumnType<number, number | undefined, number>;
  error: string | null;
  /** The file's header row, repeated above the rejected rows in the report (column names, not personal data). */
  report_header: ColumnType<string[] | null, string[] | null | undefined, string[] | null>;
  /** When the rejected rows were removed (retention); the report is gone from then on. */
  report_purged_at: Date | null;
  created_by: string | null;
  created_at: Created;
  finished_at: Date | null;
}
export type ImportJobRow = Selectable<ImportJobTable>;

/** A rejected import row: cells and reasons masked, the originals sealed (privacy/free-text.ts). */
export interface ImportRejectionTable {
  id: string;
  job_id: string;
  row: number;
  cells: string[];
  cells_sealed: string | null;
  reasons: string;
  reasons_sealed: string | null;
}

export interface PersonLookupTable {
  id: string;
  user_id: string;
  at: Date;
}

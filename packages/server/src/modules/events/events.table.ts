import type { ColumnType, Insertable, Selectable, Updateable } from "kysely";

/**
 * A `<column>_sealed` column holds the original of free text whose column stores it with ID and phone
 * numbers masked (privacy/free-text.ts; null when nothing was masked).
 */
type Sealed = ColumnType<string | null, string | null | undefined, string | null>;

export interface EventCategoryTable {
  key: string;
  parent_key: string | null;
  name_zh: string;
  name_en: string;
  close_level: string;
  deadlines: ColumnType<Record<string, number>, string, string>;
  priority: string;
  attributes: ColumnType<unknown[], string | undefined, string>;
  active: ColumnType<boolean, boolean | undefined, boolean>;
  updated_at: ColumnType<Date, Date | undefined, Date>;
  updated_by: string | null;
}
export type EventCategoryRow = Selectable<EventCategoryTable>;

export interface WorkCalendarDayTable {
  day: ColumnType<string, string, string>;
  kind: "holiday" | "workday";
  note: string | null;
  updated_at: ColumnType<Date, Date | undefined, Date>;
  updated_by: string | null;
}

/** A department asked to handle an event together with its level (协办). */
export interface CoHandler {
  unit: string;
  note: string;
  by: string | null;
  at: string;
}

export interface EventTable {
  id: string;
  number: string;
  category_key: string;
  title: string;
  title_sealed: Sealed;
  description: string;
  description_sealed: Sealed;
  lng: number | null;
  lat: number | null;
  area_id: string;
  area_path: string;
  level: string;
  state: string;
  state_before_suspension: string | null;
  priority: string;
  source: string;
  reporter_user_id: string | null;
  reporter_name: string | null;
  assignee_user_id: string | null;
  due_at: Date | null;
  remaining_minutes: number | null;
  supervised: ColumnType<boolean, boolean | undefined, boolean>;
  resolved_level: string | null;
  attributes: ColumnType<Record<string, unknown>, string | undefined, string>;
  attributes_sealed: Sealed;
  /** When it was seen or reported (the reporting device's time, bounded); deadlines count from created_at. */
  occurred_at: Date;
  created_at: Date;
  updated_at: Date;
  closed_at: Date | null;
  address: ColumnType<string | null, string | null | undefined, string | null>;
  address_sealed: Sealed;
  contact_name: ColumnType<string | null, string | null | undefined, string | null>;
  contact_name_sealed: Sealed;
  contact_phone_enc: ColumnType<string | null, string | null | undefined, string | null>;
  contact_phone_masked: ColumnType<string | null, string | null | undefined, string | null>;
  contact_email_enc: ColumnType<string | null, string | null | undefined, string | null>;
  contact_email_masked: ColumnType<string | null, string | null | undefined, string | null>;
  consent_note: ColumnType<string | null, string | null | undefined, string | null>;
  consent_note_sealed: Sealed;
  open311_key_id: ColumnType<string | null, string | null | undefined, string | null>;
  open311_token: ColumnType<string | null, string | null | undefined, string | null>;
  device_id: ColumnType<string | null, string | null | undefined, string | null>;
  merged_into: ColumnType<string | null, string | null | undefined, string | null>;
  co_handlers: ColumnType<CoHandler[], string | undefined, string>;
  satisfaction: ColumnType<string | null, string | null | undefined, string | null>;
  feedback: ColumnType<string | null, string | null | undefined, string | null>;
  feedback_sealed: Sealed;
  feedback_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  content_hash: ColumnType<string | null, string | null | undefined, string | null>;
  origin_path: ColumnType<string | null, string | null | undefined, string | null>;
  /** When the sweep found the deadline passed with no area above to take it (督办); null otherwise. */
  overdue_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  /**
   * Shown on Open311 (with numbers masked, a resident's point rounded): the reporter agreed, staff
   * marked it, or an Open311 client whose key publishes made it. Never for disputes and public order.
   */
  is_public: ColumnType<boolean, boolean | undefined, boolean>;
}
export type EventRow = Selectable<EventTable>;
export type EventUpdate = Updateable<EventTable>;

export interface EventStepTable {
  id: string;
  event_id: string;
  action: string;
  from_state: string | null;
  to_state: string;
  level: string;
  area_path: string;
  actor_user_id: string | null;
  actor_name: string | null;
  note: string | null;
  note_sealed: Sealed;
  lng: number | null;
  lat: number | null;
  at: Date;
}
export type EventStepRow = Selectable<EventStepTable>;
export type NewEventStepRow = Insertable<EventStepTable>;

export interface EventCounterTable {
  scope: string;
  n: number;
}

export interface EventAttachmentTable {
  id: string;
  event_id: string;
  step_id: string | null;
  file_name: string;
  file_name_sealed: Sealed;
  content_type: string;
  size: number;
  sha256: string;
  had_location: boolean;
  uploaded_by: string | null;
  created_at: Date;
}
export type EventAttachmentRow = Selectable<EventAttachmentTable>;

export interface EventFollowerTable {
  event_id: string;
  user_id: string;
  reason: string;
  created_at: Date;
}

export interface NotificationTable {
  id: string;
  user_id: string;
  event_id: string | null;
  kind: string;
  title: string;
  body: string;
  created_at: Date;
  read_at: Date | null;
}
export type NotificationRow = Selectable<NotificationTable>;
export type NewNotificationRow = Insertable<NotificationTable>;

export interface Open311KeyTable {
  id: string;
  name: string;
  key_hash: string;
  key_prefix: string;
  created_by: string | null;
  created_at: Date;
  revoked_at: Date | null;
  last_used_at: Date | null;
  /** Whether the requests its client makes are public (the GeoReport convention; the default). */
  requests_public: ColumnType<boolean, boolean | undefined, boolean>;
}
export type Open311KeyRow = Selectable<Open311KeyTable>;

export interface IntakeDeviceTable {
  id: string;
  device_key: string;
  name: string;
  secret_enc: string;
  /** Null for a loudspeaker (it reports nothing). */
  category_key: string | null;
  kind: DeviceKind;
  area_code: string | null;
  lng: number | null;
  lat: number | null;
  created_by: string | null;
  created_at: Date;
  revoked_at: Date | null;
  last_seen_at: Date | null;
}
export type IntakeDeviceRow = Selectable<IntakeDeviceTable>;
/** An intake device reports events; a loudspeaker plays notices (both sign their requests the same way). */
export type DeviceKind = "intake" | "loudspeaker";

export interface IntakeDeviceNonceTable {
  device_id: string;
  nonce: string;
  at: Date;
}

export interface DisputeTable {
  event_id: string;
  risk_grade: string;
  mediator_user_id: string | null;
  mediator_name: string | null;
  performance: string | null;
  created_at: Date;
  updated_at: Date;
}

export interface DisputePartyTable {
  id: string;
  event_id: string;
  role: string;
  person_id: string | null;
  name: string;
  name_sealed: Sealed;
  phone_enc: string | null;
  phone_masked: string | null;
  id_number_enc: string | null;
  id_number_masked: string | null;
  address: string | null;
  address_sealed: Sealed;
  ord: number;
  created_at: Date;
  /** Who the party is, as a blind index (risk/party-identity.ts); filled by risk early warning. */
  identity_key: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface MediationSessionTable {
  id: string;
  event_id: string;
  held_at: Date;
  place: string;
  place_sealed: Sealed;
  mediators: string;
  mediators_sealed: Sealed;
  attendees: string;
  attendees_sealed: Sealed;
  record: string;
  record_sealed: Sealed;
  outcome: string;
  created_by: string | null;
  created_at: Date;
}

export interface Obligation {
  party: string;
  obligation: string;
  method: string;
  deadline: string;
}

export interface MediationAgreementTable {
  id: string;
  event_id: string;
  number: string;
  committee: string;
  committee_sealed: Sealed;
  facts: string;
  facts_sealed: Sealed;
  matters: string;
  matters_sealed: Sealed;
  obligations: ColumnType<Obligation[], string, string>;
  obligations_sealed: Sealed;
  signed_on: ColumnType<string, string, string>;
  mediator_name: string;
  mediator_name_sealed: Sealed;
  created_by: string | null;
  created_at: Date;
}

export interface DisputeFollowupTable {
  id: string;
  event_id: string;
  kind: string;
  at: Date;
  by_user_id: string | null;
  by_name: string | null;
  result: string;
  result_sealed: Sealed;
  satisfaction: string | null;
  note: string | null;
  note_sealed: Sealed;
  created_at: Date;
}

/** Free-text columns of rows written before they were sealed, still to be sealed at start (and how far). */
export interface FreeTextSealingTable {
  target: string;
  after_id: string | null;
}

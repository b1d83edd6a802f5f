import { type Kysely, sql } from "kysely";

/**
 * What events gained after the first cut:
 * - event: where in words (address), the reporter's contact when they are not a user (Open311,
 *   reports on behalf of a resident, whose consent is recorded) — phone and e-mail only as
 *   ciphertext and masked form —, the Open311 key and token it came with, the device that raised
 *   it, the event it was merged into, co-handling units, the reporter's verdict (满意度) and the
 *   area it was first routed to (origin_path: where the settled-level share counts it).
 * - event_attachment: photos and files; the file itself lies in the data directory (the original
 *   for staff, and a copy without EXIF location for what residents can see).
 * - event_follower: who is told of every change besides the reporter (reporters of merged events).
 * - notification: what a user is told (reporter notified of each status change), read or not.
 * - open311_key: API keys for Open311 clients, kept as a hash; the key is shown once.
 * - intake_device / intake_device_nonce: cameras and sensors that may report by signed webhook,
 *   with the nonces they used (replay protection).
 * - dispute, dispute_party, mediation_session, mediation_agreement, dispute_followup: people's
 *   mediation (人民调解) of an event that is a dispute.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    alter table event
      add column address text,
      add column contact_name text,
      add column contact_phone_enc text,
      add column contact_phone_masked text,
      add column contact_email_enc text,
      add column contact_email_masked text,
      add column consent_note text,
      add column open311_key_id uuid,
      add column open311_token text,
      add column device_id uuid,
      add column merged_into uuid references event(id),
      add column co_handlers jsonb not null default '[]',
      add column satisfaction text,
      add column feedback text,
      add column feedback_at timestamptz,
      add column content_hash text,
      add column origin_path text`.execute(db);
  await sql`update event set origin_path = area_path where origin_path is null`.execute(db);
  await sql`create index event_origin_path_idx on event (origin_path text_pattern_ops)`.execute(db);
  await sql`create unique index event_open311_token_idx on event (open311_token) where open311_token is not null`.execute(
    db,
  );
  await sql`create index event_category_created_idx on event (category_key, created_at)`.execute(db);
  await sql`create index event_created_idx on event (created_at)`.execute(db);
  await sql`create index event_merged_into_idx on event (merged_into) where merged_into is not null`.execute(db);

  await sql`
    create table event_attachment (
      id uuid primary key,
      event_id uuid not null references event(id),
      step_id uuid,
      file_name text not null,
      content_type text not null,
      size integer not null,
      sha256 text not null,
      had_location boolean not null default false,
      uploaded_by uuid,
      created_at timestamptz not null
    )`.execute(db);
  await sql`create index event_attachment_event_idx on event_attachment (event_id, created_at)`.execute(db);

  await sql`
    create table event_follower (
      event_id uuid not null references event(id),
      user_id uuid not null,
      reason text not null,
      created_at timestamptz not null,
      primary key (event_id, user_id)
    )`.execute(db);

  await sql`
    create table notification (
      id uuid primary key,
      user_id uuid not null,
      event_id uuid references event(id),
      kind text not null,
      title text not null,
      body text not null,
      created_at timestamptz not null,
      read_at timestamptz
    )`.execute(db);
  await sql`create index notification_user_idx on notification (user_id, created_at desc)`.execute(db);

  await sql`
    create table open311_key (
      id uuid primary key,
      name text not null unique,
      key_hash text not null unique,
      key_prefix text not null,
      created_by uuid,
      created_at timestamptz not null,
      revoked_at timestamptz,
      last_used_at timestamptz
    )`.execute(db);

  await sql`
    create table intake_device (
      id uuid primary key,
      device_key text not null unique,
      name text not null,
      secret_enc text not null,
      category_key text not null references event_category(key),
      area_code text,
      lng double precision,
      lat double precision,
      created_by uuid,
      created_at timestamptz not null,
      revoked_at timestamptz,
      last_seen_at timestamptz
    )`.execute(db);
  await sql`
    create table intake_device_nonce (
      device_id uuid not null references intake_device(id),
      nonce text not null,
      at timestamptz not null,
      primary key (device_id, nonce)
    )`.execute(db);

  await sql`
    create table dispute (
      event_id uuid primary key references event(id),
      risk_grade text not null,
      mediator_user_id uuid,
      mediator_name text,
      performance text,
      created_at timestamptz not null,
      updated_at timestamptz not null
    )`.execute(db);
  await sql`
    create table dispute_party (
      id uuid primary key,
      event_id uuid not null references event(id),
      role text not null,
      person_id uuid,
      name text not null,
      phone_enc text,
      phone_masked text,
      id_number_enc text,
      id_number_masked text,
      address text,
      ord integer not null,
      created_at timestamptz not null
    )`.execute(db);
  await sql`create index dispute_party_event_idx on dispute_party (event_id, ord)`.execute(db);
  await sql`
    create table mediation_session (
      id uuid primary key,
      event_id uuid not null references event(id),
      held_at timestamptz not null,
      place text not null,
      mediators text not null,
      attendees text not null,
      record text not null,
      outcome text not null,
      created_by uuid,
      created_at timestamptz not null
    )`.execute(db);
  await sql`create index mediation_session_event_idx on mediation_session (event_id, held_at)`.execute(db);
  await sql`
    create table mediation_agreement (
      id uuid primary key,
      event_id uuid not null unique references event(id),
      number text not null unique,
      committee text not null,
      facts text not null,
      matters text not null,
      obligations jsonb not null,
      signed_on date not null,
      mediator_name text not null,
      created_by uuid,
      created_at timestamptz not null
    )`.execute(db);
  await sql`
    create table dispute_followup (
      id uuid primary key,
      event_id uuid not null references event(id),
      kind text not null,
      at timestamptz not null,
      by_user_id uuid,
      by_name text,
      result text not null,
      satisfaction text,
      note text,
      created_at timestamptz not null
    )`.execute(db);
  await sql`create index dispute_followup_event_idx on dispute_followup (event_id, at)`.execute(db);
}

import { type Kysely, sql } from "kysely";

/**
 * Notices (通知公告) and cloud broadcast (云广播), #19 item 5:
 * - broadcast_audio: a recording uploaded for the loudspeakers (the bytes in the data directory);
 * - notice: what an official sent, to which area (and tag), urgent or not, over which channels;
 * - notice_recipient: each resident and grid worker it reached, with when they read it (read receipts);
 * - notice_household: each household it was for, and whether someone there uses the resident app
 *   (else a loudspeaker of its area was its only channel);
 * - broadcast_item: the notice in a loudspeaker's queue, fetched, then played or failed;
 * - resident_village: the village an unlinked resident chose to follow;
 * - intake_device.kind: loudspeakers are devices of 接入管理 like intake devices (same secret,
 *   signature and nonces); they have no event category.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table intake_device add column kind text not null default 'intake'`.execute(db);
  await sql`alter table intake_device alter column category_key drop not null`.execute(db);
  await sql`
    alter table intake_device add constraint intake_device_kind_check
      check (kind in ('intake', 'loudspeaker') and (kind = 'loudspeaker' or category_key is not null))`.execute(db);
  await sql`
    create table broadcast_audio (
      id uuid primary key,
      content_type text not null,
      size integer not null,
      sha256 text not null,
      uploaded_by uuid,
      created_at timestamptz not null
    )`.execute(db);
  await sql`
    create table notice (
      id uuid primary key,
      title text not null,
      body text not null,
      area_id uuid not null,
      area_code text not null,
      area_path text not null,
      tag_key text,
      urgent boolean not null,
      channels text[] not null,
      audio_id uuid references broadcast_audio(id),
      sent_by uuid,
      sent_by_name text,
      sent_at timestamptz not null
    )`.execute(db);
  await sql`create index notice_area_path on notice (area_path text_pattern_ops, sent_at desc)`.execute(db);
  await sql`
    create table notice_recipient (
      notice_id uuid not null references notice(id),
      user_id uuid not null,
      kind text not null check (kind in ('resident', 'worker')),
      read_at timestamptz,
      primary key (notice_id, user_id)
    )`.execute(db);
  await sql`create index notice_recipient_user on notice_recipient (user_id, notice_id desc)`.execute(db);
  await sql`
    create table notice_household (
      notice_id uuid not null references notice(id),
      household_id uuid not null,
      area_path text not null,
      has_app_user boolean not null,
      primary key (notice_id, household_id)
    )`.execute(db);
  await sql`create index notice_household_area on notice_household (notice_id, area_path text_pattern_ops)`.execute(db);
  await sql`
    create table broadcast_item (
      id uuid primary key,
      notice_id uuid not null references notice(id),
      device_id uuid not null references intake_device(id),
      urgent boolean not null,
      state text not null check (state in ('queued', 'fetched', 'played', 'failed')),
      queued_at timestamptz not null,
      fetched_at timestamptz,
      done_at timestamptz,
      detail text,
      unique (notice_id, device_id)
    )`.execute(db);
  await sql`create index broadcast_item_queue on broadcast_item (device_id, urgent desc, queued_at)
    where state in ('queued', 'fetched')`.execute(db);
  await sql`
    create table resident_village (
      user_id uuid primary key,
      area_id uuid not null,
      area_path text not null,
      chosen_at timestamptz not null
    )`.execute(db);
  // The officials' and grid heads' roles send notices on deployments seeded before the permission.
  await sql`
    insert into role_permission (role_key, permission)
    select key, 'notice.send' from role
    where key in ('city_official', 'county_official', 'township_official', 'village_official', 'grid_head')
    on conflict do nothing`.execute(db);
}

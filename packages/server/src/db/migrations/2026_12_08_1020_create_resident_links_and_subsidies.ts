import { type Kysely, sql } from "kysely";

/**
 * Residents' links to their registry record and subsidy payments (issue #19 items 1 and 3).
 * - `resident_link`: one account ↔ one record (both unique, so parallel links of one record: one wins).
 * - `resident_link_attempt`: every try, by account and by the ID number's blind index (never the
 *   number), so five failures lock linking for a day per account and per number alike.
 * - `person_access.actor_posts`: the posts (role, area) the actor held when they read or changed the
 *   record, so "who looked at my record" can show roles rather than names, as they were then.
 * - `subsidy_program`, `subsidy_batch`, `subsidy_payment`: ID numbers sealed and blind-indexed as in
 *   the registry; `published` is copied onto each payment so a resident's payments are one index scan.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table person_access add column actor_posts jsonb`.execute(db);

  await sql`
    create table resident_link (
      user_id uuid primary key references app_user(id),
      person_id uuid not null unique references person(id),
      linked_at timestamptz not null
    )`.execute(db);
  await sql`
    create table resident_link_attempt (
      id uuid primary key,
      user_id uuid not null references app_user(id),
      id_index text not null,
      succeeded boolean not null,
      at timestamptz not null
    )`.execute(db);
  await sql`create index resident_link_attempt_user_idx on resident_link_attempt (user_id, at)`.execute(db);
  await sql`create index resident_link_attempt_index_idx on resident_link_attempt (id_index, at)`.execute(db);

  await sql`
    create table subsidy_program (
      id uuid primary key,
      name text not null,
      area_id uuid not null references area(id),
      area_path text not null,
      rules text not null,
      public_amount text not null check (public_amount in ('exact', 'hidden')),
      min_amount_fen integer,
      max_amount_fen integer,
      created_by uuid,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      unique (area_path, name)
    )`.execute(db);

  await sql`
    create table subsidy_batch (
      id uuid primary key,
      title text not null,
      area_id uuid not null references area(id),
      area_path text not null,
      status text not null check (status in ('draft', 'published')),
      file_name text not null,
      created_by uuid,
      created_at timestamptz not null,
      published_at timestamptz,
      published_by uuid
    )`.execute(db);
  await sql`create index subsidy_batch_area_idx on subsidy_batch (area_path text_pattern_ops, created_at desc)`.execute(
    db,
  );

  await sql`
    create table subsidy_payment (
      id uuid primary key,
      batch_id uuid not null references subsidy_batch(id) on delete cascade,
      row integer not null,
      program_id uuid not null references subsidy_program(id),
      name text not null,
      id_number_enc text not null,
      id_number_bidx text not null,
      id_number_masked text not null,
      amount_fen integer not null check (amount_fen > 0),
      paid_on date not null,
      flags text[] not null default '{}',
      corrected boolean not null default false,
      confirm_reason text,
      confirm_reason_sealed text,
      confirmed_by uuid,
      confirmed_by_name text,
      confirmed_at timestamptz,
      published boolean not null default false
    )`.execute(db);
  await sql`create index subsidy_payment_batch_idx on subsidy_payment (batch_id, row)`.execute(db);
  await sql`create index subsidy_payment_person_idx on subsidy_payment (id_number_bidx, paid_on desc) where published`.execute(
    db,
  );
}

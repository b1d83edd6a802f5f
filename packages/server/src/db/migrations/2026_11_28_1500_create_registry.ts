import { type Kysely, sql } from "kysely";

/**
 * The grid's registry (一标三实: standard addresses, actual population, actual housing, actual
 * organisations). ID and phone numbers are stored only encrypted (`*_enc`), with a keyed blind index
 * (`*_bidx`) for exact look-up and the masked form (`*_masked`) for display; nothing else holds them.
 * Every record carries the area it belongs to (`area_id`, `area_path` for prefix scans), and
 * `area_attribution` keeps the history of that attribution (transfers between grids, 人户分离).
 * Names are searchable by their characters (`name_chars`, GIN), full pinyin and initials (prefix).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table place (
      id uuid primary key,
      area_id uuid references area(id),
      area_path text not null,
      division_code text not null,
      road text,
      house_number text,
      building text,
      unit text,
      room text,
      address text not null,
      address_chars text[] not null default '{}',
      lng double precision,
      lat double precision,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      created_by uuid
    )`.execute(db);
  await sql`create index place_area_path_idx on place (area_path text_pattern_ops)`.execute(db);
  await sql`create index place_address_chars_idx on place using gin (address_chars)`.execute(db);
  await sql`create unique index place_address_idx on place (division_code, address)`.execute(db);

  await sql`
    create table household (
      id uuid primary key,
      place_id uuid references place(id),
      kind text not null check (kind in ('family', 'collective', 'other')),
      ref text,
      area_id uuid references area(id),
      area_path text not null,
      head_person_id uuid,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      created_by uuid
    )`.execute(db);
  await sql`create index household_area_path_idx on household (area_path text_pattern_ops)`.execute(db);
  await sql`create index household_place_idx on household (place_id)`.execute(db);
  // The household number a township's own register uses (户编号): re-importing a file finds the household by it.
  await sql`create unique index household_ref_idx on household (ref) where ref is not null`.execute(db);

  await sql`
    create table person (
      id uuid primary key,
      household_id uuid references household(id),
      relationship text,
      name text not null,
      name_chars text[] not null default '{}',
      name_pinyin text not null default '',
      name_initials text not null default '',
      gender text check (gender in ('male', 'female')),
      birth_date date,
      ethnicity text,
      id_type text,
      id_number_enc text,
      id_number_bidx text,
      id_number_masked text,
      phone_enc text,
      phone_bidx text,
      phone_masked text,
      residence_status text not null default 'resident'
        check (residence_status in ('resident', 'migrant', 'away', 'left_behind')),
      party_member boolean not null default false,
      party_branch text,
      registered_address text,
      place_id uuid references place(id),
      area_id uuid references area(id),
      area_path text not null,
      notes text,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      created_by uuid
    )`.execute(db);
  await sql`create index person_area_path_idx on person (area_path text_pattern_ops)`.execute(db);
  await sql`create unique index person_id_number_bidx_idx on person (id_number_bidx) where id_number_bidx is not null`.execute(
    db,
  );
  await sql`create index person_phone_bidx_idx on person (phone_bidx) where phone_bidx is not null`.execute(db);
  await sql`create index person_name_chars_idx on person using gin (name_chars)`.execute(db);
  await sql`create index person_name_pinyin_idx on person (name_pinyin text_pattern_ops)`.execute(db);
  await sql`create index person_name_initials_idx on person (name_initials text_pattern_ops)`.execute(db);
  await sql`create index person_household_idx on person (household_id)`.execute(db);

  await sql`
    create table organisation (
      id uuid primary key,
      kind text not null,
      name text not null,
      name_chars text[] not null default '{}',
      credit_code text,
      place_id uuid references place(id),
      area_id uuid references area(id),
      area_path text not null,
      contact_name text,
      contact_phone_enc text,
      contact_phone_bidx text,
      contact_phone_masked text,
      notes text,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      created_by uuid
    )`.execute(db);
  await sql`create index organisation_area_path_idx on organisation (area_path text_pattern_ops)`.execute(db);
  await sql`create index organisation_name_chars_idx on organisation using gin (name_chars)`.execute(db);

  await sql`
    create table area_attribution (
      id uuid primary key,
      subject_type text not null check (subject_type in ('place', 'household', 'person', 'organisation')),
      subject_id uuid not null,
      area_id uuid references area(id),
      area_path text not null,
      valid_from timestamptz not null,
      valid_to timestamptz,
      reason text,
      changed_by uuid
    )`.execute(db);
  await sql`create index area_attribution_subject_idx on area_attribution (subject_id, valid_from)`.execute(db);

  await sql`
    create table tag_definition (
      key text primary key,
      category text not null check (category in ('care', 'service', 'sensitive')),
      name_zh text not null,
      name_en text not null,
      visit_every_days integer,
      requires_end_date boolean not null default false,
      active boolean not null default true,
      created_at timestamptz not null default now()
    )`.execute(db);

  await sql`
    create table subject_tag (
      id uuid primary key,
      subject_type text not null check (subject_type in ('person', 'household')),
      subject_id uuid not null,
      tag_key text not null references tag_definition(key),
      area_path text not null,
      source text not null default 'manual',
      note text,
      valid_from date not null,
      valid_to date,
      created_by uuid,
      created_at timestamptz not null default now()
    )`.execute(db);
  await sql`create index subject_tag_subject_idx on subject_tag (subject_id)`.execute(db);
  await sql`create index subject_tag_key_path_idx on subject_tag (tag_key, area_path text_pattern_ops)`.execute(db);

  await sql`
    create table lead_household_link (
      id uuid primary key,
      lead_household_id uuid not null references household(id),
      household_id uuid not null references household(id),
      valid_from timestamptz not null,
      valid_to timestamptz,
      created_by uuid
    )`.execute(db);
  await sql`create unique index lead_household_link_current_idx on lead_household_link (household_id) where valid_to is null`.execute(
    db,
  );
  await sql`create index lead_household_link_lead_idx on lead_household_link (lead_household_id)`.execute(db);

  await sql`
    create table person_access (
      id uuid primary key,
      person_id uuid not null,
      user_id uuid,
      username text,
      action text not null,
      fields text[] not null default '{}',
      reason text,
      request_id text,
      at timestamptz not null default now()
    )`.execute(db);
  await sql`create index person_access_person_idx on person_access (person_id, at)`.execute(db);

  await sql`
    create table import_job (
      id uuid primary key,
      kind text not null,
      status text not null check (status in ('queued', 'running', 'done', 'failed')),
      file_name text not null,
      all_or_nothing boolean not null default false,
      total integer not null default 0,
      processed integer not null default 0,
      created integer not null default 0,
      updated integer not null default 0,
      unchanged integer not null default 0,
      rejected integer not null default 0,
      error text,
      report bytea,
      created_by uuid,
      created_at timestamptz not null default now(),
      finished_at timestamptz
    )`.execute(db);
  await sql`create index import_job_creator_idx on import_job (created_by, created_at)`.execute(db);
}

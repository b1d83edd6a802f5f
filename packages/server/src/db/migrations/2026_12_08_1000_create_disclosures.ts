import { type Kysely, sql } from "kysely";

/**
 * Four-affairs disclosures (四务公开), issue #19.
 * - `disclosure`: one item of a village (kind, period), with what its current published version says
 *   copied beside it (title, version) so a village's list is one index range, newest period first.
 * - `disclosure_version`: every version ever written, never deleted; a published one never changes
 *   (a correction is a new version with its reason). Free text masked, the original sealed.
 * - `disclosure_file`: a version's PDFs and photos (location metadata removed), per version: a
 *   correction copies the files of the version it corrects, stored once by their digest.
 * - `disclosure_setting`: which kinds need a township's review (审核) before publication.
 * - `comment`: residents' questions and objections (异议) on a published item, public once answered;
 *   hidden ones are kept with their reason.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table disclosure_setting (
      kind text primary key check (kind in ('party', 'village', 'finance', 'service')),
      requires_review boolean not null,
      updated_at timestamptz not null default now(),
      updated_by uuid
    )`.execute(db);
  await sql`
    insert into disclosure_setting (kind, requires_review)
    values ('party', false), ('village', false), ('finance', true), ('service', false)`.execute(db);

  await sql`
    create table disclosure (
      id uuid primary key,
      area_id uuid not null references area(id),
      area_path text not null,
      kind text not null check (kind in ('party', 'village', 'finance', 'service')),
      period_kind text not null check (period_kind in ('month', 'quarter', 'year', 'once')),
      period_start date not null,
      title text not null,
      title_search text not null default '',
      published_version integer,
      first_published_at timestamptz,
      last_published_at timestamptz,
      publicity_ends_at timestamptz,
      created_by uuid,
      created_at timestamptz not null,
      updated_at timestamptz not null
    )`.execute(db);
  // A village's public list: published items, newest period first (the list residents page through).
  await sql`
    create index disclosure_public_idx on disclosure (area_path, period_start desc, id desc)
    where published_version is not null`.execute(db);
  // Staff lists under an area (a township's review queue, a village's drafts).
  await sql`create index disclosure_area_idx on disclosure (area_path text_pattern_ops, updated_at desc)`.execute(db);

  await sql`
    create table disclosure_version (
      id uuid primary key,
      disclosure_id uuid not null references disclosure(id),
      version integer not null,
      state text not null check (state in ('draft', 'in_review', 'rejected', 'published')),
      title text not null,
      title_sealed text,
      body text not null,
      body_sealed text,
      correction_reason text,
      correction_reason_sealed text,
      publicity_days integer check (publicity_days between 1 and 60),
      finance_lines jsonb,
      finance_lines_sealed text,
      income_fen bigint,
      expense_fen bigint,
      created_by uuid,
      created_by_name text,
      created_at timestamptz not null,
      updated_at timestamptz not null,
      submitted_at timestamptz,
      submitted_by uuid,
      reviewed_at timestamptz,
      reviewed_by uuid,
      reviewed_by_name text,
      review_note text,
      published_at timestamptz,
      unique (disclosure_id, version)
    )`.execute(db);
  await sql`create index disclosure_version_review_idx on disclosure_version (state) where state = 'in_review'`.execute(
    db,
  );

  await sql`
    create table disclosure_file (
      version_id uuid not null references disclosure_version(id),
      id uuid not null,
      file_name text not null,
      content_type text not null,
      size integer not null,
      sha256 text not null,
      uploaded_by uuid,
      created_at timestamptz not null,
      primary key (version_id, id)
    )`.execute(db);

  await sql`
    create table comment (
      id uuid primary key,
      disclosure_id uuid not null references disclosure(id),
      area_path text not null,
      kind text not null check (kind in ('question', 'objection')),
      author_id uuid not null,
      author_name text not null,
      is_anonymous boolean not null,
      signature text,
      text text not null,
      text_sealed text,
      created_at timestamptz not null,
      due_at timestamptz,
      reply text,
      reply_sealed text,
      replied_at timestamptz,
      replied_by uuid,
      replied_by_name text,
      hidden_at timestamptz,
      hidden_by uuid,
      hidden_reason text
    )`.execute(db);
  await sql`create index comment_disclosure_idx on comment (disclosure_id, created_at)`.execute(db);
  await sql`create index comment_author_idx on comment (author_id, created_at desc)`.execute(db);
  // What a village still has to answer.
  await sql`
    create index comment_open_idx on comment (area_path text_pattern_ops, created_at)
    where replied_at is null and hidden_at is null`.execute(db);
}

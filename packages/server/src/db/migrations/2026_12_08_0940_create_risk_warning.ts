import { type Kysely, sql } from "kysely";

/**
 * Risk early warning (风险预警), issue #20 item 4.
 * - `risk_rule`: a rule as data — kind, parameters (jsonb, checked by core's schema of the kind), the
 *   area it watches (path prefix), the level whose inbox gets its alerts, on or off, a playbook to
 *   suggest; `version` for optimistic saves.
 * - `alert`: what a rule raised. `dedup_key` is unique: the same records never raise an alert twice,
 *   however many processes evaluate at once (an insert that loses the race does nothing).
 *   `explanation` holds the rule's name, kind and parameters as they were and the figures behind it.
 *   The closing note is stored masked with the original sealed (privacy/free-text.ts).
 * - `alert_record`: the events, people and households behind an alert.
 * - `sensitive_date`: the calendar of sensitive dates an admin keeps (a day, yearly or once, with a
 *   window before and after), for the whole deployment or one area.
 * - `playbook` (预案): steps with roles and deadlines; `alert_task`: a playbook's steps started on an
 *   alert, each with its deadline and state.
 * - `job_lease`: one row per periodic job; a process runs the job only while it holds the lease, so
 *   several server processes sweep once between them.
 * - `dispute_party.identity_key`: a blind index naming who a party is (ID number, else name and
 *   phone, else name), never the clear value, so repeated disputes between the same parties are found
 *   by an index lookup.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table dispute_party add column identity_key text`.execute(db);
  await sql`create index dispute_party_identity_idx on dispute_party (identity_key) where identity_key is not null`.execute(
    db,
  );

  await sql`
    create table playbook (
      id uuid primary key,
      name text not null,
      description text not null default '',
      steps jsonb not null,
      active boolean not null default true,
      created_by uuid,
      created_at timestamptz not null,
      updated_at timestamptz not null
    )`.execute(db);

  await sql`
    create table risk_rule (
      id uuid primary key,
      name text not null,
      kind text not null check (kind in ('repeated_disputes', 'category_surge', 'major_dispute', 'care_overdue', 'sensitive_dates')),
      params jsonb not null,
      area_id uuid not null references area(id),
      area_path text not null,
      alert_level text not null check (alert_level in ('county', 'township', 'village')),
      enabled boolean not null,
      playbook_id uuid references playbook(id),
      version integer not null default 1,
      created_by uuid,
      created_at timestamptz not null,
      updated_by uuid,
      updated_at timestamptz not null,
      evaluated_at timestamptz
    )`.execute(db);
  await sql`create index risk_rule_area_idx on risk_rule (area_path text_pattern_ops)`.execute(db);

  await sql`
    create table alert (
      id uuid primary key,
      rule_id uuid references risk_rule(id),
      kind text not null,
      dedup_key text not null unique,
      area_id uuid not null references area(id),
      area_path text not null,
      state text not null check (state in ('open', 'acknowledged', 'closed')),
      title text not null,
      explanation jsonb not null,
      raised_at timestamptz not null,
      acknowledged_at timestamptz,
      acknowledged_by uuid,
      acknowledged_by_name text,
      ack_note text,
      ack_note_sealed text,
      closed_at timestamptz,
      closed_by uuid,
      closed_by_name text,
      close_note text,
      close_note_sealed text,
      playbook_id uuid references playbook(id),
      updated_at timestamptz not null
    )`.execute(db);
  await sql`create index alert_area_idx on alert (area_path text_pattern_ops, raised_at desc)`.execute(db);
  await sql`create index alert_active_idx on alert (raised_at desc) where state <> 'closed'`.execute(db);
  await sql`create index alert_rule_idx on alert (rule_id, raised_at desc)`.execute(db);

  await sql`
    create table alert_record (
      alert_id uuid not null references alert(id),
      record_type text not null check (record_type in ('event', 'person', 'household')),
      record_id uuid not null,
      at timestamptz,
      primary key (alert_id, record_type, record_id)
    )`.execute(db);
  await sql`create index alert_record_record_idx on alert_record (record_id)`.execute(db);

  await sql`
    create table alert_task (
      id uuid primary key,
      alert_id uuid not null references alert(id),
      ord integer not null,
      title text not null,
      role text not null,
      due_at timestamptz not null,
      state text not null check (state in ('open', 'done', 'skipped')),
      done_at timestamptz,
      done_by uuid,
      done_by_name text,
      note text,
      note_sealed text,
      created_at timestamptz not null,
      unique (alert_id, ord)
    )`.execute(db);

  await sql`
    create table sensitive_date (
      id uuid primary key,
      name text not null,
      on_date date not null,
      recurs_yearly boolean not null,
      days_before integer not null check (days_before between 0 and 60),
      days_after integer not null check (days_after between 0 and 60),
      area_id uuid references area(id),
      area_path text,
      created_by uuid,
      created_at timestamptz not null,
      updated_at timestamptz not null,
      deleted_at timestamptz
    )`.execute(db);

  await sql`
    create table job_lease (
      name text primary key,
      holder text,
      expires_at timestamptz
    )`.execute(db);
  await sql`insert into job_lease (name) values ('risk_sweep')`.execute(db);
}

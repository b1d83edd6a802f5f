import { type Kysely, sql } from "kysely";

/**
 * Procedure guides (办事指南): what to bring, where to go, fees, time limits and a contact, offered by a
 * township or village. `search_text` (title and materials, lower case), `title_pinyin` and
 * `title_initials` (the registry's pinyin-pro spelling) let residents find one in Chinese or pinyin.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table procedure (
      id uuid primary key,
      area_id uuid not null references area(id),
      area_path text not null,
      title text not null,
      materials jsonb not null default '[]',
      location text not null,
      fees text not null default '',
      time_limit text not null default '',
      contact text not null default '',
      body text not null default '',
      published boolean not null default false,
      search_text text not null,
      title_pinyin text not null,
      title_initials text not null,
      created_by uuid,
      created_at timestamptz not null,
      updated_at timestamptz not null
    )`.execute(db);
  await sql`create index procedure_area_idx on procedure (area_path text_pattern_ops, title)`.execute(db);
}

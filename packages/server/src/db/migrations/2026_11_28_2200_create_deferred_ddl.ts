import { type Kysely, sql } from "kysely";

/**
 * The secondary indexes and foreign keys a bulk load set aside (see db/deferred-ddl.ts), with the
 * definitions to build them again: if the process stops during the load, the next start finds them
 * here and rebuilds them.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table deferred_ddl (
      table_name text not null,
      name text not null,
      kind text not null check (kind in ('index', 'foreign_key')),
      definition text not null,
      deferred_at timestamptz not null default now(),
      primary key (table_name, name)
    )
  `.execute(db);
}

import { type Kysely, sql } from "kysely";

/**
 * ID masks showed the region and the last four (450802********123X): with the birth date shown on the
 * same record, only one number fits (issue #16, item 9). Masks now show the region only
 * (core/privacy/mask.ts). The new mask is a prefix of the old one, so it is computed here from the
 * stored mask — no clear number is needed, and no start-up step that would decrypt every row: the
 * first six characters are kept when the number has 12 or more, everything else becomes `*`.
 */
const remask = (column: string) => sql`
  case when length(${sql.ref(column)}) >= 12
    then left(${sql.ref(column)}, 6) || repeat('*', length(${sql.ref(column)}) - 6)
    else repeat('*', length(${sql.ref(column)})) end`;

export async function up(db: Kysely<any>): Promise<void> {
  await sql`update person set id_number_masked = ${remask("id_number_masked")}
    where id_number_masked is not null and id_number_masked <> ${remask("id_number_masked")}`.execute(db);
  await sql`update dispute_party set id_number_masked = ${remask("id_number_masked")}
    where id_number_masked is not null and id_number_masked <> ${remask("id_number_masked")}`.execute(db);
}

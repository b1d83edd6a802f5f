import { redactPersonalNumbers, redactUrl } from "@wangge/core";
import { type Kysely, sql } from "kysely";

/**
 * Crash reports from the web apps (#16, red-team 4): anyone may send one, so what is kept is bounded
 * by sender and time. `reporter_mac` is a keyed hash of the sending address (never the address), to
 * count the reports an address stored in the last hour; reports are purged after a retention period
 * (by received_at, already indexed).
 *
 * Reports stored before kept ID and phone numbers in their URL's path, and numbers written with
 * spaces or hyphens in their message and stack: they are masked now, as new reports are.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table client_error_report add column reporter_mac text`.execute(db);
  await sql`create index client_error_report_reporter_idx on client_error_report (reporter_mac, received_at)`.execute(
    db,
  );
  let after = "00000000-0000-0000-0000-000000000000";
  for (;;) {
    const { rows } = await sql<{ id: string; url: string; message: string; stack: string | null }>`
      select id, url, message, stack from client_error_report where id > ${after} order by id limit 500`.execute(db);
    if (rows.length === 0) break;
    for (const row of rows) {
      const masked = {
        url: redactUrl(row.url),
        message: redactPersonalNumbers(row.message),
        stack: row.stack === null ? null : redactPersonalNumbers(row.stack),
      };
      if (masked.url !== row.url || masked.message !== row.message || masked.stack !== row.stack)
        await sql`update client_error_report set url = ${masked.url}, message = ${masked.message},
          stack = ${masked.stack} where id = ${row.id}`.execute(db);
    }
    after = rows.at(-1)?.id as string;
  }
}

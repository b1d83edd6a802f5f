import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { PGlite } from "@electric-sql/pglite";
import { Kysely, PostgresDialect, type Transaction } from "kysely";
import type pg from "pg";
import { from as copyFrom } from "pg-copy-streams";
import type { DB } from "./schema.ts";

/**
 * Bulk writes (imports of hundreds of thousands of rows) through COPY instead of INSERT: the rows
 * travel as one text stream that PostgreSQL parses without planning a statement per batch, and the
 * client skips building and serialising thousands of bind parameters. A bulk session is one
 * transaction on one connection; `copy` and ordinary Kysely queries on `db` share it.
 */
export interface BulkSession {
  db: Transaction<DB> | Kysely<DB>;
  /** Appends the rows to their table. */
  copy(data: CopyData): Promise<void>;
}

/**
 * Rows ready to copy into a table, encoded beforehand (while the previous batch is written, say), as
 * COPY's text format in UTF-8 bytes: written straight into a buffer outside the JavaScript heap, so a
 * batch waiting for its write is neither a rope of thousands of small strings for the garbage collector
 * to copy around nor converted to bytes again on its way to the socket.
 */
export interface CopyData {
  table: string;
  columns: readonly string[];
  bytes: Buffer;
  rows: number;
}

export type CopyValue = string | number | boolean | Date | null | undefined | readonly string[];

export type BulkRunner = <T>(fn: (session: BulkSession) => Promise<T>) => Promise<T>;

const IDENTIFIER = /^[a-z_][a-z0-9_]*$/;

const copyStatement = (data: CopyData, source: string) =>
  `copy ${data.table} (${data.columns.join(", ")}) from ${source}`;

function checkIdentifiers(table: string, columns: readonly string[]) {
  for (const name of [table, ...columns])
    if (!IDENTIFIER.test(name)) throw new Error(`not a plain identifier for COPY: ${name}`);
}

/** Rows for a table, each giving the columns' values in order. */
export function encodeCopy(
  table: string,
  columns: readonly string[],
  rows: readonly (readonly CopyValue[])[],
): CopyData {
  checkIdentifiers(table, columns);
  const out = new CopyWriter();
  for (const row of rows) {
    let line = "";
    for (let i = 0; i < row.length; i++) line += i === 0 ? out.field(row[i]) : `\t${out.field(row[i])}`;
    out.line(line);
  }
  return { table, columns, bytes: out.done(), rows: rows.length };
}

/**
 * Rows of one shape (objects built by one literal) for a table: the first row's keys name the
 * columns. Encodes straight from the objects, with no array per row.
 */
export function encodeObjects(table: string, rows: readonly object[]): CopyData {
  const columns = rows[0] ? Object.keys(rows[0]) : [];
  checkIdentifiers(table, columns);
  const out = new CopyWriter();
  for (const row of rows) {
    const values = row as Record<string, CopyValue>;
    let line = "";
    for (let i = 0; i < columns.length; i++) {
      const text = out.field(values[columns[i] as string]);
      line += i === 0 ? text : `\t${text}`;
    }
    out.line(line);
  }
  return { table, columns, bytes: out.done(), rows: rows.length };
}

// COPY's text format: tab-separated, \N for null, backslash escapes for backslash, tab, newline, CR.
const SPECIAL = /[\\\t\n\r]/;
const SPECIAL_ALL = /[\\\t\n\r]/g;
const ESCAPES: Record<string, string> = { "\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r" };
const escapeText = (s: string) => (SPECIAL.test(s) ? s.replace(SPECIAL_ALL, (c) => ESCAPES[c] as string) : s);
/** What an array element needs escaped inside its quotes, or in COPY's text around the literal. */
const ARRAY_SPECIAL = /["\\\t\n\r]/;

/**
 * COPY text written, a line at a time, into a buffer that doubles as it fills: each line is a
 * short-lived string, written with one call, the batch held outside the JavaScript heap.
 */
class CopyWriter {
  #buf = Buffer.allocUnsafe(64 * 1024);
  #length = 0;
  // Rows of one batch share their timestamps: each Date is formatted once.
  #lastDate: Date | undefined;
  #lastText = "";

  /** One row's fields, already joined by tabs. */
  line(text: string) {
    // At most three bytes of UTF-8 per UTF-16 unit, and the line break.
    const most = text.length * 3 + 1;
    if (this.#length + most > this.#buf.length) {
      const next = Buffer.allocUnsafe(Math.max(this.#buf.length * 2, this.#length + most));
      this.#buf.copy(next, 0, 0, this.#length);
      this.#buf = next;
    }
    this.#length += this.#buf.write(text, this.#length);
    this.#buf[this.#length++] = 0x0a;
  }

  field(value: CopyValue): string {
    if (value === null || value === undefined) return "\\N";
    if (typeof value === "string") return escapeText(value);
    if (typeof value === "boolean") return value ? "t" : "f";
    if (typeof value === "number") {
      if (!Number.isFinite(value)) throw new Error(`cannot COPY the number ${value}`);
      return String(value);
    }
    if (value instanceof Date) {
      if (value !== this.#lastDate) {
        this.#lastDate = value;
        this.#lastText = value.toISOString();
      }
      return this.#lastText;
    }
    return arrayLiteral(value);
  }

  done(): Buffer {
    return this.#buf.subarray(0, this.#length);
  }
}

/** An array literal ({"a","b"}), each element quoted so commas, braces and spaces stay inside it. */
function arrayLiteral(items: readonly string[]): string {
  let out = "{";
  for (let i = 0; i < items.length; i++) {
    const item = items[i] as string;
    // Inside the quotes a quote or backslash is escaped with a backslash, and then, as in any field,
    // the backslashes and control characters are escaped again for COPY.
    const text = ARRAY_SPECIAL.test(item) ? escapeText(item.replace(/["\\]/g, (c) => `\\${c}`)) : item;
    out += i === 0 ? `"${text}"` : `,"${text}"`;
  }
  return `${out}}`;
}

/** PGlite: COPY reads the rows from a Blob inside the one session (which the transaction holds). */
export function pgliteBulk(db: Kysely<DB>, pglite: PGlite): BulkRunner {
  return (fn) =>
    db.transaction().execute((trx) =>
      fn({
        db: trx,
        async copy(data) {
          if (data.rows === 0) return;
          await pglite.query(copyStatement(data, "'/dev/blob'"), [], { blob: new Blob([data.bytes]) });
        },
      }),
    );
}

/**
 * PostgreSQL: one pooled client for the whole session; a Kysely instance over just that client runs
 * the transaction, and COPY FROM STDIN streams into the same connection.
 */
export function postgresBulk(pool: pg.Pool): BulkRunner {
  return async (fn) => {
    const client = await pool.connect();
    // A connection that failed in the middle of a COPY may be out of step with the server: dropped.
    let broken = false;
    try {
      const connection = { query: client.query.bind(client), release: () => {} };
      const single = { connect: async () => connection, end: async () => {} };
      const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool: single as unknown as pg.Pool }) });
      return await db.transaction().execute((trx) =>
        fn({
          db: trx,
          async copy(data) {
            if (data.rows === 0) return;
            try {
              await pipeline(Readable.from([data.bytes]), client.query(copyFrom(copyStatement(data, "stdin"))));
            } catch (error) {
              broken = (error as { code?: string }).code === undefined;
              throw error;
            }
          },
        }),
      );
    } finally {
      client.release(broken);
    }
  };
}

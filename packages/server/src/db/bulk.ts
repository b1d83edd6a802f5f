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
    for (let i = 0; i < row.length; i++) {
      if (i > 0) out.byte(TAB);
      out.value(row[i]);
    }
    out.byte(NEWLINE);
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
    for (let i = 0; i < columns.length; i++) {
      if (i > 0) out.byte(TAB);
      out.value(values[columns[i] as string]);
    }
    out.byte(NEWLINE);
  }
  return { table, columns, bytes: out.done(), rows: rows.length };
}

/** The rows in COPY's text format, one line each. */
export function copyText(rows: readonly (readonly CopyValue[])[]): string {
  return encodeCopy("rows", [], rows).bytes.toString("utf8");
}

const TAB = 0x09;
const NEWLINE = 0x0a;
const QUOTE = 0x22;
const COMMA = 0x2c;
const BRACE_OPEN = 0x7b;
const BRACE_CLOSE = 0x7d;
const NULL_MARK = "\\N";

// COPY's text format: tab-separated, \N for null, backslash escapes for backslash, tab, newline, CR.
const SPECIAL = /[\\\t\n\r]/;
const SPECIAL_ALL = /[\\\t\n\r]/g;
const ESCAPES: Record<string, string> = { "\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r" };
const escapeText = (s: string) => (SPECIAL.test(s) ? s.replace(SPECIAL_ALL, (c) => ESCAPES[c] as string) : s);
/** What an array element needs escaped inside its quotes, or in COPY's text around the literal. */
const ARRAY_SPECIAL = /["\\\t\n\r]/;

/** COPY text written into a buffer that doubles as it fills. */
class CopyWriter {
  #buf = Buffer.allocUnsafe(64 * 1024);
  #length = 0;
  // Rows of one batch share their timestamps: each Date is formatted once.
  #lastDate: Date | undefined;
  #lastText = "";

  #room(bytes: number) {
    if (this.#length + bytes <= this.#buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.#buf.length * 2, this.#length + bytes));
    this.#buf.copy(next, 0, 0, this.#length);
    this.#buf = next;
  }

  byte(code: number) {
    this.#room(1);
    this.#buf[this.#length++] = code;
  }

  /** Text already escaped for COPY: at most three bytes of UTF-8 per UTF-16 unit. */
  #raw(text: string) {
    this.#room(text.length * 3);
    this.#length += this.#buf.write(text, this.#length);
  }

  value(value: CopyValue) {
    if (value === null || value === undefined) this.#raw(NULL_MARK);
    else if (typeof value === "string") this.#raw(escapeText(value));
    else if (typeof value === "boolean") this.byte(value ? 0x74 : 0x66);
    else if (typeof value === "number") {
      if (!Number.isFinite(value)) throw new Error(`cannot COPY the number ${value}`);
      this.#raw(String(value));
    } else if (value instanceof Date) {
      if (value !== this.#lastDate) {
        this.#lastDate = value;
        this.#lastText = value.toISOString();
      }
      this.#raw(this.#lastText);
    } else this.#array(value);
  }

  /** An array literal ({"a","b"}), each element quoted so commas, braces and spaces stay inside it. */
  #array(items: readonly string[]) {
    this.byte(BRACE_OPEN);
    for (let i = 0; i < items.length; i++) {
      if (i > 0) this.byte(COMMA);
      const item = items[i] as string;
      this.byte(QUOTE);
      // Inside the quotes a quote or backslash is escaped with a backslash, and then, as in any
      // field, the backslashes and control characters are escaped again for COPY.
      this.#raw(ARRAY_SPECIAL.test(item) ? escapeText(item.replace(/["\\]/g, (c) => `\\${c}`)) : item);
      this.byte(QUOTE);
    }
    this.byte(BRACE_CLOSE);
  }

  done(): Buffer {
    return this.#buf.subarray(0, this.#length);
  }
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

import type { PGlite } from "@electric-sql/pglite";
import { Kysely, PostgresDialect, type Transaction } from "kysely";
import type pg from "pg";
import type { DB } from "./schema.ts";

/**
 * Bulk writes (imports of hundreds of thousands of rows) through COPY instead of INSERT: the rows
 * travel as one text stream that PostgreSQL parses without planning a statement per batch, and the
 * client skips building and serialising thousands of bind parameters.
 *
 * A batch's statements and COPYs go to PostgreSQL together, in one message and the rows right behind
 * it, and the client waits only for the end: the server works through them without waiting on the
 * client between one and the next (a client busy preparing the next batch answers late).
 */
export interface Bulk {
  /**
   * A session: one transaction on one connection; `send` and ordinary Kysely queries on `db` share
   * it, in the order they are made.
   */
  session<T>(fn: (session: BulkSession) => Promise<T>): Promise<T>;
  /** The steps as one transaction of their own, sent at once (begin and commit included). */
  write(steps: readonly BulkStep[]): Promise<void>;
}

export interface BulkSession {
  db: Transaction<DB> | Kysely<DB>;
  /** Runs the steps in order, sent at once; the first failure stops them and fails the session. */
  send(steps: readonly BulkStep[]): Promise<void>;
}

/**
 * A step of a bulk write: rows to copy in, or a statement. Statements carry no parameters (they travel
 * in one message with the others): only text the server wrote itself, never a user's.
 */
export type BulkStep = CopyData | string;

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

/** The steps worth sending: COPYs without rows are left out. */
const nonEmpty = (steps: readonly BulkStep[]) => steps.filter((step) => typeof step === "string" || step.rows > 0);

/** PGlite: COPY reads the rows from a Blob inside the one session (which the transaction holds). */
export function pgliteBulk(db: Kysely<DB>, pglite: PGlite): Bulk {
  const session = <T>(fn: (session: BulkSession) => Promise<T>) =>
    db.transaction().execute((trx) =>
      fn({
        db: trx,
        async send(steps) {
          // In process, nothing is gained by sending at once: one after another.
          for (const step of nonEmpty(steps)) {
            if (typeof step === "string") await pglite.exec(step);
            else await pglite.query(copyStatement(step, "'/dev/blob'"), [], { blob: new Blob([step.bytes]) });
          }
        },
      }),
    );
  return { session, write: (steps) => session((s) => s.send(steps)) };
}

/**
 * PostgreSQL: one pooled client for the whole session; a Kysely instance over just that client runs
 * the transaction, and the steps go into the same connection.
 */
export function postgresBulk(pool: pg.Pool): Bulk {
  /** Runs on a pooled client; `broke` marks it out of step with the server: dropped, not pooled again. */
  const withClient = async <T>(fn: (client: pg.PoolClient, broke: () => void) => Promise<T>): Promise<T> => {
    const client = await pool.connect();
    let broken = false;
    try {
      return await fn(client, () => {
        broken = true;
      });
    } finally {
      client.release(broken);
    }
  };
  // An error without a SQL state is the connection's own (closed, reset): the client is not reused.
  const sendOn = async (client: pg.PoolClient, broke: () => void, steps: readonly BulkStep[]) => {
    const sent = nonEmpty(steps);
    if (sent.length === 0) return;
    try {
      await new Promise<void>((resolve, reject) => void client.query(new Flight(sent, resolve, reject)));
    } catch (error) {
      if ((error as { code?: string }).code === undefined) broke();
      throw error;
    }
  };
  return {
    session: (fn) =>
      withClient((client, broke) => {
        const connection = { query: client.query.bind(client), release: () => {} };
        const single = { connect: async () => connection, end: async () => {} };
        const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool: single as unknown as pg.Pool }) });
        return db.transaction().execute((trx) => fn({ db: trx, send: (steps) => sendOn(client, broke, steps) }));
      }),
    write: async (steps) => {
      if (nonEmpty(steps).length === 0) return;
      await withClient(async (client, broke) => {
        try {
          await sendOn(client, broke, ["begin", ...steps, "commit"]);
        } catch (error) {
          // The server skipped the rest, commit included: the transaction is rolled back here (after a
          // failed commit there is none left, and the server only warns).
          await client.query("rollback").catch(broke);
          throw error;
        }
      });
    },
  };
}

/**
 * Statements and COPYs in one go, as node-postgres runs a query (it calls the handlers as the server
 * answers): one simple-protocol message holds them all, separated by semicolons, and each COPY's rows
 * follow it at once, without waiting for the server to ask for them. The server runs the statements
 * in order and reads each COPY's rows as it comes to it. On an error it skips the rest of the message,
 * drops the rows still to come, and says it is ready: the flight fails with that error.
 */
class Flight {
  readonly text: string;
  readonly #copies: CopyData[];
  readonly #resolve: () => void;
  readonly #reject: (error: unknown) => void;

  constructor(steps: readonly BulkStep[], resolve: () => void, reject: (error: unknown) => void) {
    this.#copies = steps.filter((step): step is CopyData => typeof step !== "string");
    this.text = steps.map((step) => (typeof step === "string" ? step : copyStatement(step, "stdin"))).join(";\n");
    this.#resolve = resolve;
    this.#reject = reject;
  }

  submit(connection: FlightConnection) {
    const stream = connection.stream;
    stream.cork();
    connection.query(this.text);
    for (const copy of this.#copies) {
      // CopyData ('d', its length) with the rows as they are (not copied into another buffer), CopyDone.
      const head = Buffer.allocUnsafe(5);
      head[0] = 0x64;
      head.writeUInt32BE(copy.bytes.length + 4, 1);
      stream.write(head);
      stream.write(copy.bytes);
      stream.write(COPY_DONE);
    }
    stream.uncork();
  }

  // node-postgres replaces this to clear its query timeout, when one is set.
  callback() {}

  handleError(error: unknown) {
    this.callback();
    this.#reject(error);
  }

  handleReadyForQuery() {
    this.callback();
    this.#resolve();
  }

  // The rest of what the server says on the way: nothing to do.
  handleCopyInResponse() {}
  handleCommandComplete() {}
  handleRowDescription() {}
  handleDataRow() {}
  handleEmptyQuery() {}
  handlePortalSuspended() {}
  handleCopyData() {}
}

const COPY_DONE = Buffer.from([0x63, 0, 0, 0, 4]);

/** What a flight uses of node-postgres's connection: its socket, as pg-copy-streams does, and its query message. */
interface FlightConnection {
  stream: { cork(): void; uncork(): void; write(chunk: Buffer): boolean };
  query(text: string): void;
}

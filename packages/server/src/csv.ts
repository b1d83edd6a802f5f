import { DomainError } from "@wangge/core";

/**
 * CSV as spreadsheets write it (RFC 4180), read in pieces: a file of a million rows is parsed as it
 * streams, each piece giving the records it completes. Rules:
 * - a byte-order mark at the start is dropped;
 * - a record ends at CRLF, LF or CR outside quotes;
 * - a field in double quotes keeps everything inside (commas, line breaks, spaces), `""` is a quote;
 *   whitespace around the quotes is ignored;
 * - an unquoted field is trimmed (full-width spaces too);
 * - a line with nothing on it but whitespace is skipped; a line of empty fields (`,,,`) is a record;
 * - each record carries its row number as a spreadsheet shows the file: blank lines count, a
 *   quoted field over several lines is one row;
 * - a quote inside an unquoted field, anything but whitespace after a closing quote, or a quote left
 *   open at the end of the file is an error (IMPORT_FILE_INVALID) naming the record, rather than a
 *   guess that would shift the columns of the rows after it.
 */
export interface CsvRecord {
  /** The row number a spreadsheet shows for it (1 for the first line). */
  row: number;
  cells: string[];
}

export class CsvParser {
  #rest = "";
  #started = false;
  /** Rows so far, blank lines included. */
  #rows = 0;

  /** Parses the next piece; returns the records it completes. */
  push(piece: string): CsvRecord[] {
    return this.#parse(piece, false);
  }

  /** The end of the input: the last record (without a line break after it), or an error if a quote is open. */
  end(): CsvRecord[] {
    return this.#parse("", true);
  }

  #parse(piece: string, final: boolean): CsvRecord[] {
    let text = this.#rest + piece;
    if (!this.#started && (text.length > 0 || final)) {
      if (text.length === 0 && !final) return [];
      this.#started = true;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    const out: CsvRecord[] = [];
    let pos = 0;
    while (pos < text.length) {
      const record = this.#record(text, pos, final);
      if (!record) break;
      pos = record.next;
      this.#rows++;
      if (!record.blank) out.push({ row: this.#rows, cells: record.fields });
    }
    this.#rest = text.slice(pos);
    return out;
  }

  #fail(message: string): never {
    throw new DomainError("IMPORT_FILE_INVALID", `CSV row ${this.#rows + 1}: ${message}`);
  }

  /** One record from `pos`, or undefined if the text ends inside it (more may come). */
  #record(text: string, pos: number, final: boolean): { fields: string[]; next: number; blank: boolean } | undefined {
    const fields: string[] = [];
    const length = text.length;
    let p = pos;
    for (;;) {
      // Leading whitespace of the field (not line breaks).
      while (p < length && isBlank(text.charCodeAt(p))) p++;
      if (p < length && text.charCodeAt(p) === QUOTE) {
        let value = "";
        let from = p + 1;
        let q = from;
        for (;;) {
          q = text.indexOf('"', q);
          if (q < 0) {
            if (final) this.#fail("a quoted field is not closed before the end of the file");
            return undefined;
          }
          if (q + 1 >= length && !final) return undefined; // `""` may be split between pieces
          if (text.charCodeAt(q + 1) === QUOTE) {
            value += text.slice(from, q + 1);
            q += 2;
            from = q;
            continue;
          }
          value += text.slice(from, q);
          break;
        }
        p = q + 1;
        while (p < length && isBlank(text.charCodeAt(p))) p++;
        fields.push(value);
        if (p >= length) {
          if (!final) return undefined;
          return { fields, next: p, blank: false };
        }
        const c = text.charCodeAt(p);
        if (c === COMMA) {
          p++;
          continue;
        }
        if (c === LF || c === CR) {
          const next = afterBreak(text, p, final);
          return next === undefined ? undefined : { fields, next, blank: false };
        }
        this.#fail(`"${text.slice(p, p + 10)}" after the closing quote of field ${fields.length}`);
      }
      const start = p;
      let c = 0;
      while (p < length) {
        c = text.charCodeAt(p);
        if (c === COMMA || c === LF || c === CR) break;
        if (c === QUOTE)
          this.#fail(`a quote inside the unquoted field ${fields.length + 1} (a field with quotes must be quoted)`);
        p++;
      }
      if (p >= length && !final) return undefined;
      fields.push(text.slice(start, p).trim());
      if (p >= length) return { fields, next: p, blank: fields.length === 1 && fields[0] === "" };
      if (c === COMMA) {
        p++;
        continue;
      }
      const next = afterBreak(text, p, final);
      return next === undefined ? undefined : { fields, next, blank: fields.length === 1 && fields[0] === "" };
    }
  }
}

const QUOTE = 0x22;
const COMMA = 0x2c;
const LF = 0x0a;
const CR = 0x0d;

/** Whitespace that may surround a field: spaces, tabs, and the Unicode spaces `trim` removes (not line breaks). */
function isBlank(c: number): boolean {
  return (
    c === 0x20 ||
    c === 0x09 ||
    c === 0x0b ||
    c === 0x0c ||
    c === 0xa0 ||
    c === 0x3000 ||
    c === 0xfeff ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x1680 ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f
  );
}

/** Where the record after a line break at `p` starts; undefined if a CR ends the piece (its LF may follow). */
function afterBreak(text: string, p: number, final: boolean): number | undefined {
  if (text.charCodeAt(p) === CR) {
    if (p + 1 >= text.length && !final) return undefined;
    return text.charCodeAt(p + 1) === LF ? p + 2 : p + 1;
  }
  return p + 1;
}

/** A whole CSV text at once. */
export function parseCsvText(text: string): CsvRecord[] {
  const parser = new CsvParser();
  return [...parser.push(text), ...parser.end()];
}

/**
 * One CSV field for a file people open in a spreadsheet. A cell that starts with `=`, `+`, `-`, `@`,
 * a tab or a carriage return is read by Excel, WPS and LibreOffice as a formula (CSV injection: a
 * name like `=HYPERLINK(…)` sends a click, or worse, elsewhere): it gets a leading apostrophe, so they
 * read it as text (the registry's import drops the apostrophe again: people-file.ts). Then RFC 4180
 * quoting for commas, quotes and line breaks.
 */
export function csvField(value: string): string {
  const text = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Rows as a CSV file for spreadsheets: UTF-8 with a byte-order mark (Excel's cue), CRLF line ends. */
export function csvText(rows: readonly (readonly string[])[]): string {
  return `\uFEFF${rows.map((r) => r.map(csvField).join(",")).join("\r\n")}\r\n`;
}

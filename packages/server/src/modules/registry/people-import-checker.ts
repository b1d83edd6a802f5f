import type { DataScope } from "@wangge/core";
import type { FieldCrypto } from "../../crypto/field-crypto.ts";
import type { AreaRow } from "../areas/areas.table.ts";
import { type FileFormat, readPeopleFile } from "./people-file.ts";
import { type PreparedRow, type Rejection, RowChecker } from "./people-rows.ts";

/**
 * Reading and checking an import's rows, handed over batch by batch. Checking is synchronous work on
 * the thread that also writes: now and then it lets the database's answers in, so the write of the
 * previous batch goes on meanwhile.
 */
export interface CheckerInput {
  file: string;
  format: FileFormat;
  crypto: FieldCrypto;
  now: Date;
  today: string;
  scope: DataScope;
  tags: Map<string, string>;
  batchSize: number;
  area(code: string): Promise<AreaRow | null>;
}

export type CheckerOutput = { header: string[]; missing: string[] } | { rows: (PreparedRow | Rejection)[] };

const YIELD_EVERY = 10;

export async function* checkRows(input: CheckerInput): AsyncGenerator<CheckerOutput> {
  const checker = new RowChecker(input);
  let rows: (PreparedRow | Rejection)[] = [];
  for await (const item of readPeopleFile(input.file, input.format)) {
    if ("header" in item) {
      yield { header: item.header, missing: item.check.missing };
      if (item.check.missing.length > 0) return;
      continue;
    }
    rows.push(await checker.prepare(item));
    if (rows.length % YIELD_EVERY === 0) await new Promise((resolve) => setImmediate(resolve));
    if (rows.length >= input.batchSize) {
      yield { rows };
      rows = [];
    }
  }
  if (rows.length > 0) yield { rows };
}

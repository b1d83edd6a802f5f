import { Worker } from "node:worker_threads";
import type { DataScope } from "@wangge/core";
import type { FieldCrypto, Keyring } from "../../crypto/field-crypto.ts";
import type { AreaRow } from "../areas/areas.table.ts";
import { type FileFormat, readPeopleFile } from "./people-file.ts";
import { type PreparedRow, type Rejection, RowChecker } from "./people-rows.ts";

/**
 * Reading and checking an import's rows, batch by batch: for a large file on a thread of its own
 * (people-import-worker.ts), which reads, checks and seals the next rows while the import writes the
 * previous ones; for a small one here, where starting a thread would take longer than the work.
 */
export interface CheckerInput {
  file: string;
  format: FileFormat;
  now: number;
  today: string;
  scope: DataScope;
  tags: [string, string][];
  batchSize: number;
  batchesAhead: number;
}

/** A checked row as it crosses threads: its areas by code (the import has them), the file row without its values. */
export type WireRow = Omit<PreparedRow, "division" | "grid"> & { divisionCode: string; gridCode: string | null };

export type FromChecker =
  | { type: "header"; header: string[]; missing: string[] }
  | { type: "rows"; rows: (WireRow | Rejection)[] }
  | { type: "area"; code: string }
  | { type: "end" }
  | { type: "error"; message: string; detail: string };

export type ToChecker = { type: "area"; code: string; row: AreaRow | null } | { type: "more" };

export type CheckerOutput = { header: string[]; missing: string[] } | { rows: (WireRow | Rejection)[] };

/** What the checker thread is started with: the input and the keys to seal with. */
export type ThreadInput = CheckerInput & { keys: Keyring; algorithm: "standard" | "gm" };

export function toWire(row: PreparedRow | Rejection): WireRow | Rejection {
  if ("reasons" in row) return row;
  const { division, grid, file, ...rest } = row;
  return {
    ...rest,
    file: { row: file.row, raw: file.raw, values: {} },
    divisionCode: division.code,
    gridCode: grid?.code ?? null,
  };
}

/** The rows checked on this thread. */
export async function* checkRowsHere(
  input: CheckerInput,
  crypto: FieldCrypto,
  area: (code: string) => Promise<AreaRow | null>,
): AsyncGenerator<CheckerOutput> {
  const checker = new RowChecker({
    crypto,
    now: new Date(input.now),
    today: input.today,
    scope: input.scope,
    tags: new Map(input.tags),
    area,
  });
  let rows: (WireRow | Rejection)[] = [];
  for await (const item of readPeopleFile(input.file, input.format)) {
    if ("header" in item) {
      yield { header: item.header, missing: item.check.missing };
      if (item.check.missing.length > 0) return;
      continue;
    }
    rows.push(toWire(await checker.prepare(item)));
    if (rows.length >= input.batchSize) {
      yield { rows };
      rows = [];
    }
  }
  if (rows.length > 0) yield { rows };
}

/**
 * The rows checked on a thread of their own. The checker stays a few batches ahead of the writes and
 * waits when it is further ahead, so a million-row file never sits in memory; it asks this side for
 * the areas it meets (they come from the database).
 */
const WORKER = new URL("./people-import-worker.mjs", import.meta.url);

export async function* checkRowsInThread(
  input: ThreadInput,
  area: (code: string) => Promise<AreaRow | null>,
): AsyncGenerator<CheckerOutput> {
  const worker = new Worker(WORKER, { workerData: input });
  const queue: FromChecker[] = [];
  let failure: Error | undefined;
  let notify: (() => void) | undefined;
  const wake = () => {
    notify?.();
    notify = undefined;
  };
  worker.on("message", (message: FromChecker) => {
    if (message.type === "area") {
      area(message.code).then(
        (row) => worker.postMessage({ type: "area", code: message.code, row } satisfies ToChecker),
        (error: unknown) => {
          failure = error instanceof Error ? error : new Error(String(error));
          wake();
        },
      );
      return;
    }
    queue.push(message);
    wake();
  });
  worker.on("error", (error) => {
    failure = error;
    wake();
  });
  worker.on("exit", (code) => {
    failure ??= new Error(`the import's row checker stopped (exit code ${code})`);
    wake();
  });
  try {
    for (;;) {
      const message = queue.shift();
      if (!message) {
        if (failure) throw failure;
        await new Promise<void>((resolve) => {
          notify = resolve;
        });
        continue;
      }
      if (message.type === "end") return;
      if (message.type === "error") throw new Error(message.detail);
      if (message.type === "header") yield { header: message.header, missing: message.missing };
      else if (message.type === "rows") {
        yield { rows: message.rows };
        worker.postMessage({ type: "more" } satisfies ToChecker);
      }
    }
  } finally {
    worker.removeAllListeners();
    await worker.terminate();
  }
}

import { parentPort, workerData } from "node:worker_threads";
import { DomainError } from "@wangge/core";
import { createFieldCrypto } from "../../crypto/field-crypto.ts";
import type { AreaRow } from "../areas/areas.table.ts";
import { readPeopleFile } from "./people-file.ts";
import { type FromChecker, type ThreadInput, type ToChecker, toWire, type WireRow } from "./people-import-checker.ts";
import { type Rejection, RowChecker } from "./people-rows.ts";

/**
 * An import's row checker on its own thread: it reads the file, checks and seals every row and sends
 * them to the import in batches, while the import writes the previous ones. Areas it does not know
 * yet it asks the import for (they come from the database).
 */
const input = workerData as ThreadInput;
const port = parentPort;
if (!port) throw new Error("people-import-worker runs as a worker thread");
const send = (message: FromChecker) => port.postMessage(message);

const areas = new Map<string, Promise<AreaRow | null>>();
const waitingAreas = new Map<string, (row: AreaRow | null) => void>();
let credit = input.batchesAhead;
let wakeUp: (() => void) | undefined;
port.on("message", (message: ToChecker) => {
  if (message.type === "area") {
    waitingAreas.get(message.code)?.(message.row);
    waitingAreas.delete(message.code);
  } else if (message.type === "more") {
    credit++;
    wakeUp?.();
  }
});

const checker = new RowChecker({
  crypto: createFieldCrypto(input.keys, { algorithm: input.algorithm }),
  now: new Date(input.now),
  today: input.today,
  scope: input.scope,
  tags: new Map(input.tags),
  area(code) {
    let found = areas.get(code);
    if (!found) {
      found = new Promise((resolve) => waitingAreas.set(code, resolve));
      areas.set(code, found);
      send({ type: "area", code });
    }
    return found;
  },
});

async function run() {
  let batch: (WireRow | Rejection)[] = [];
  const flush = async () => {
    while (credit <= 0) await new Promise<void>((resolve) => (wakeUp = resolve));
    credit--;
    send({ type: "rows", rows: batch });
    batch = [];
  };
  for await (const item of readPeopleFile(input.file, input.format)) {
    if ("header" in item) {
      send({ type: "header", header: item.header, missing: item.check.missing });
      if (item.check.missing.length > 0) break;
      continue;
    }
    batch.push(toWire(await checker.prepare(item)));
    if (batch.length >= input.batchSize) await flush();
  }
  if (batch.length > 0) await flush();
  send({ type: "end" });
}

run().catch((error: unknown) => {
  send({
    type: "error",
    message: error instanceof DomainError ? error.message : "the file could not be read",
    detail: error instanceof Error ? error.message : String(error),
  });
});

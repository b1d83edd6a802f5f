import { parentPort, workerData } from "node:worker_threads";
import { decodeRequests, encodeResults, type SealerWorkerData, sealFields, workerCrypto } from "./sealing.ts";

/** The body of a sealing thread: chunks of requests in, chunks of sealed fields out, in order. */
const data = workerData as SealerWorkerData;
// Buffers arrive as plain byte arrays.
const crypto = workerCrypto({
  ...data,
  keyring: {
    current: Buffer.from(data.keyring.current),
    retired: data.keyring.retired.map((k) => Buffer.from(k)),
    indexRoot: Buffer.from(data.keyring.indexRoot),
  },
});
const now = new Date(data.now);
parentPort?.on("message", (flat: string[]) => {
  try {
    parentPort?.postMessage(encodeResults(decodeRequests(flat).map((r) => sealFields(crypto, now, r))));
  } catch (error) {
    // The chunk fails, in its place; the thread goes on with the next.
    parentPort?.postMessage({ error: error instanceof Error ? error.message : String(error) });
  }
});

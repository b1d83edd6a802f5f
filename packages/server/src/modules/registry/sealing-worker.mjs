// A sealing thread of a large import (sealing.ts, sealingThread): chunks of requests in, chunks of sealed
// fields out, in order. A worker thread inherits neither tsx (the server, the CLI, the bench) nor Vitest's
// transform (the tests), and Node 20 cannot load TypeScript by itself: so the thread's one file is plain
// JavaScript that registers tsx before it loads the TypeScript that does the work.
import { parentPort, workerData } from "node:worker_threads";
import { register } from "tsx/esm/api";

register();
const { sealingThread } = await import("./sealing.ts");
const sealChunk = sealingThread(workerData);
parentPort?.on("message", (flat) => parentPort?.postMessage(sealChunk(flat)));

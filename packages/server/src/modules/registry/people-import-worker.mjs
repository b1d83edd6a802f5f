// The worker thread of a people import: TypeScript through tsx, as the CLI runs (bin/wangge.mjs).
import { register } from "tsx/esm/api";

register();
await import("./people-import-worker.ts");

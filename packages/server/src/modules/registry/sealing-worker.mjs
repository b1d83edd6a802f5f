// A sealing thread of a large import (sealing.ts): the server runs its TypeScript through tsx, which a
// worker thread does not inherit, so the thread registers it before loading its code.
import { register } from "tsx/esm/api";

register();
await import("./sealing.worker.ts");

#!/usr/bin/env -S node --max-semi-space-size=64
// Runs the TypeScript CLI directly (tsx), so there is no build step between a clone and `npx wangge`.
import { register } from "tsx/esm/api";

register();
const { runCli } = await import("../src/cli.ts");
await runCli(process.argv);

// npm run bench -- web-weight: the JavaScript each app's page loads before its first screen, in gzip
// bytes (issue #18: the field app under 200 KB; #19: the resident H5 under 150 KB), from the built
// apps (run `npm run build` first). The same measure e2e/specs/web/weight.spec.ts holds to the budgets.
import { existsSync } from "node:fs";
import path from "node:path";
import { measureFirstLoad } from "../e2e/support/first-load.ts";

const DIST = path.resolve(import.meta.dirname, "../packages/web/dist");
const APPS = [
  ["field", "field/index.html"],
  ["resident", "h5/index.html"],
  ["console", "index.html"],
  ["screen", "screen/index.html"],
] as const;

export async function run(): Promise<Record<string, number>> {
  if (!existsSync(path.join(DIST, "index.html"))) throw new Error(`no build in ${DIST}: run "npm run build" first`);
  const figures: Record<string, number> = {};
  console.log("app       first-load JS (gzip bytes)  files");
  for (const [app, html] of APPS) {
    const load = measureFirstLoad(DIST, html);
    console.log(`${app.padEnd(10)}${String(load.gzipBytes).padStart(26)}  ${load.files.length}`);
    figures[`${app}FirstLoadGzipBytes`] = load.gzipBytes;
  }
  return figures;
}

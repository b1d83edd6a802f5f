import { readFileSync } from "node:fs";
import path from "node:path";
import { gzipSync } from "node:zlib";

/**
 * The JavaScript a phone downloads before an app's first screen: the page's entry script, the modules
 * it preloads, and every module those import statically (`import … from "./x.js"`), each counted once,
 * in gzip bytes (level 9: what the server's precompressed .gz files hold). Chunks fetched later by
 * `import("…")` — other screens, the map — are not part of the first load.
 */
export interface FirstLoad {
  gzipBytes: number;
  files: { file: string; gzipBytes: number }[];
}

const STATIC_IMPORT = /(?:\bimport|\bexport)\s*(?:[\w$*{}\s,]+?\s*from\s*)?["'](\.\.?\/[^"']+\.js)["']/g;

export function measureFirstLoad(distDir: string, htmlPath: string): FirstLoad {
  const html = readFileSync(path.join(distDir, htmlPath), "utf8");
  const roots = [
    ...html.matchAll(/<script[^>]*type="module"[^>]*src="([^"]+\.js)"/g),
    ...html.matchAll(/<link[^>]*rel="modulepreload"[^>]*href="([^"]+\.js)"/g),
  ].map((m) => m[1] as string);
  const seen = new Set<string>();
  const queue = roots.map((url) => url.replace(/^\//, ""));
  while (queue.length > 0) {
    const file = queue.shift() as string;
    if (seen.has(file)) continue;
    seen.add(file);
    const code = readFileSync(path.join(distDir, file), "utf8");
    for (const m of code.matchAll(STATIC_IMPORT)) {
      queue.push(path.posix.join(path.posix.dirname(file), m[1] as string));
    }
  }
  const files = [...seen].map((file) => ({
    file,
    gzipBytes: gzipSync(readFileSync(path.join(distDir, file)), { level: 9 }).length,
  }));
  return { gzipBytes: files.reduce((sum, f) => sum + f.gzipBytes, 0), files };
}

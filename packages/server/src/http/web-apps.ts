import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import fastifyStatic from "@fastify/static";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { registerPublic } from "./authenticate.ts";
import { sendProblem } from "./error-handler.ts";

/**
 * Serves the four apps of the one web build. Hashed assets are cached for a year; each app's
 * index.html is never cached and answers every path under the app's prefix (history-API fallback),
 * so a deep link such as /field/tasks/123 opens the field app on that screen. Every text file was
 * compressed at build time (packages/web/build/precompress.ts): the .br or .gz beside it is sent when
 * the browser accepts it (brotli first), with Content-Encoding and `Vary: Accept-Encoding`.
 */
export const WEB_APP_PREFIXES = [
  { prefix: "/screen", file: "screen/index.html" },
  { prefix: "/field", file: "field/index.html" },
  { prefix: "/h5", file: "h5/index.html" },
  { prefix: "/", file: "index.html" },
] as const;

export function appIndexFor(urlPath: string): string {
  for (const app of WEB_APP_PREFIXES) {
    if (app.prefix === "/" || urlPath === app.prefix || urlPath.startsWith(`${app.prefix}/`)) return app.file;
  }
  return "index.html";
}

/**
 * The built files, public and never rate limited (a page loads dozens of them, and a township office
 * behind one address loads many pages); then the history fallback for every other page path.
 */
export async function registerWebApps(app: FastifyInstance, webDist: string): Promise<void> {
  const built = existsSync(path.join(webDist, "index.html"));
  const cache = new Map<string, Buffer | null>();
  const readFile = (file: string): Buffer | undefined => {
    if (!cache.has(file)) {
      const full = path.join(webDist, file);
      cache.set(file, existsSync(full) ? readFileSync(full) : null);
    }
    return cache.get(file) ?? undefined;
  };

  if (built) {
    await registerPublic(
      app,
      async (scope) => {
        await scope.register(fastifyStatic, {
          root: webDist,
          wildcard: false,
          index: false,
          serveDotFiles: false,
          preCompressed: true,
          setHeaders(res, filePath) {
            const isHashedAsset = filePath.includes(`${path.sep}assets${path.sep}`);
            res.header("cache-control", isHashedAsset ? "public, max-age=31536000, immutable" : "no-cache");
            // The field app's service worker serves /field itself too, not only what is under /field/.
            // (filePath is the .br or .gz sent, when one was.)
            if (/[\\/]field[\\/]sw\.js(\.br|\.gz)?$/.test(filePath)) res.header("service-worker-allowed", "/field");
          },
        });
      },
      { rateLimited: false },
    );
  }

  app.setNotFoundHandler((request: FastifyRequest, reply: FastifyReply) => {
    const urlPath = request.url.split("?")[0] ?? "/";
    const wantsPage =
      (request.method === "GET" || request.method === "HEAD") &&
      !urlPath.startsWith("/api/") &&
      urlPath !== "/api" &&
      !/\.[a-z0-9]{1,8}$/i.test(urlPath);
    if (!wantsPage) {
      return sendProblem(reply, request, "ROUTE_NOT_FOUND", `no route ${request.method} ${urlPath}`);
    }
    const file = appIndexFor(urlPath);
    const html = built ? readFile(file) : undefined;
    if (!html) {
      return sendProblem(
        reply,
        request,
        "ROUTE_NOT_FOUND",
        `the web apps are not built in ${webDist}; run "npm run build" (npm start does it for you)`,
      );
    }
    reply.type("text/html; charset=utf-8").header("cache-control", "no-cache").header("vary", "accept-encoding");
    const encoding = acceptedEncoding(request.headers["accept-encoding"]);
    const compressed = encoding ? readFile(`${file}.${encoding === "br" ? "br" : "gz"}`) : undefined;
    if (encoding && compressed) return reply.header("content-encoding", encoding).send(compressed);
    return reply.send(html);
  });
}

/** br if the browser takes it, else gzip, else none (a q=0 refuses one). */
export function acceptedEncoding(header: string | string[] | undefined): "br" | "gzip" | undefined {
  const accepted = new Map<string, number>();
  for (const part of (Array.isArray(header) ? header.join(",") : (header ?? "")).split(",")) {
    const [name = "", ...params] = part.trim().toLowerCase().split(";");
    const q = params.map((p) => p.trim()).find((p) => p.startsWith("q="));
    if (name) accepted.set(name, q ? Number(q.slice(2)) || 0 : 1);
  }
  const takes = (name: string) => (accepted.get(name) ?? accepted.get("*") ?? 0) > 0;
  if (takes("br")) return "br";
  if (takes("gzip")) return "gzip";
  return undefined;
}

import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import fastifyStatic from "@fastify/static";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { registerPublic } from "./authenticate.ts";
import { sendProblem } from "./error-handler.ts";

/**
 * Serves the four apps of the one web build. Hashed assets are cached for a year; each app's
 * index.html is never cached and answers every path under the app's prefix (history-API fallback),
 * so a deep link such as /field/tasks/123 opens the field app on that screen.
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
  const cache = new Map<string, string>();
  const readIndex = (file: string): string | undefined => {
    if (!cache.has(file)) {
      const full = path.join(webDist, file);
      if (!existsSync(full)) return undefined;
      cache.set(file, readFileSync(full, "utf8"));
    }
    return cache.get(file);
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
          setHeaders(res, filePath) {
            const isHashedAsset = filePath.includes(`${path.sep}assets${path.sep}`);
            res.header("cache-control", isHashedAsset ? "public, max-age=31536000, immutable" : "no-cache");
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
    const html = built ? readIndex(appIndexFor(urlPath)) : undefined;
    if (!html) {
      return sendProblem(
        reply,
        request,
        "ROUTE_NOT_FOUND",
        `the web apps are not built in ${webDist}; run "npm run build" (npm start does it for you)`,
      );
    }
    return reply.type("text/html; charset=utf-8").header("cache-control", "no-cache").send(html);
  });
}

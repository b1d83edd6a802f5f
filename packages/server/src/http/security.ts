import fastifyCookie from "@fastify/cookie";
import fastifyHelmet from "@fastify/helmet";
import fastifyRateLimit from "@fastify/rate-limit";
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { Config } from "../config.ts";
import { sha256 } from "../crypto/digest.ts";
import { SESSION_COOKIE } from "./authenticate.ts";

/**
 * Web security baseline (MLPS 2.0 level 3): security headers with a strict Content Security Policy that
 * the four apps work under (no inline scripts; antd injects styles; MapLibre runs its worker from a
 * blob), cookies parsed for sessions, and rate limits per signed-in user or token, else per address.
 */
export async function registerSecurity(app: FastifyInstance, config: Config): Promise<void> {
  await app.register(fastifyCookie);
  const tileOrigin = config.map.tileUrl ? new URL(config.map.tileUrl.replace(/\{[a-z]\}/g, "0")).origin : undefined;
  await app.register(fastifyHelmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:", ...(tileOrigin ? [tileOrigin] : [])],
        "connect-src": ["'self'", ...(tileOrigin ? [tileOrigin] : [])],
        "font-src": ["'self'", "data:"],
        "worker-src": ["'self'", "blob:"],
        "child-src": ["'self'", "blob:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
      },
    },
    crossOriginEmbedderPolicy: false,
    hsts: { maxAge: 31_536_000, includeSubDomains: true },
    referrerPolicy: { policy: "same-origin" },
  });
  await app.register(fastifyRateLimit, {
    global: true,
    max: config.rateLimit.perMinute,
    timeWindow: 60_000,
    keyGenerator: (request: FastifyRequest) => {
      const authorization = request.headers.authorization;
      if (authorization?.startsWith("Bearer ")) return `token:${sha256(authorization.slice(7))}`;
      const session = request.cookies?.[SESSION_COOKIE];
      return session ? `session:${sha256(session)}` : `ip:${request.ip}`;
    },
    allowList: (request: FastifyRequest) => !request.url.startsWith("/api/"),
  });
}

export function loginRateLimit(config: Config) {
  return {
    max: config.rateLimit.loginPerMinute,
    timeWindow: 60_000,
    keyGenerator: (request: FastifyRequest) => `login:${request.ip}`,
  };
}

import fastifyCookie from "@fastify/cookie";
import fastifyHelmet from "@fastify/helmet";
import fastifyRateLimit from "@fastify/rate-limit";
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { Config } from "../config.ts";

/**
 * Web security baseline (MLPS 2.0 level 3): security headers with a strict Content Security Policy that
 * the four apps work under (no inline scripts; antd injects styles; MapLibre runs its worker from a
 * blob), cookies parsed for sessions, and rate limits on every route unless its config says
 * `rateLimit: false` (health checks, static files) — decided per route, never from the URL's spelling.
 * A limit counts per principal only once it is verified (authenticate.ts identifies the caller before
 * the limit runs), else per address: a made-up cookie or token is counted against its address.
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
    keyGenerator: (request: FastifyRequest) =>
      request.auth ? `user:${request.auth.principal.userId}` : `ip:${request.ip}`,
    // A route marked after the limit's own onRoute hook ran (registerPublic) is exempted here.
    allowList: (request: FastifyRequest) => request.routeOptions.config?.rateLimit === false,
  });
}

/** Sign-in, TOTP and SMS-code routes: per address, whatever the route's path was spelled like. */
export function loginRateLimit(config: Config) {
  return {
    max: config.rateLimit.loginPerMinute,
    timeWindow: 60_000,
    keyGenerator: (request: FastifyRequest) => `login:${request.ip}`,
  };
}

/** Open311 service requests (a POST with an api_key anyone can try): per address. */
export function open311PostRateLimit(config: Config) {
  return {
    max: config.rateLimit.open311PostsPerMinute,
    timeWindow: 60_000,
    keyGenerator: (request: FastifyRequest) => `open311:${request.ip}`,
  };
}

import fastifyCookie from "@fastify/cookie";
import fastifyHelmet from "@fastify/helmet";
import fastifyRateLimit from "@fastify/rate-limit";
import { tileTemplates } from "@wangge/core";
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
  // Every tile server the maps draw from (WANGGE_TILE_URL may list several layers): and no other.
  const tileOrigins = [
    ...new Set(tileTemplates(config.map.tileUrl).map((t) => new URL(t.replace(/\{[a-z]\}/g, "0")).origin)),
  ];
  await app.register(fastifyHelmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:", ...tileOrigins],
        "connect-src": ["'self'", ...tileOrigins],
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
  warnOfAnUntrustedTlsProxy(app, config);
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

/**
 * The session cookie is Secure when the request came over HTTPS — which, behind a proxy that ends
 * TLS, the server knows only from X-Forwarded-Proto, believed only with WANGGE_TRUST_PROXY. A server
 * that sees the header without trusting it sends its cookies without Secure: said once in the log.
 */
function warnOfAnUntrustedTlsProxy(app: FastifyInstance, config: Config): void {
  if (config.trustProxy !== false) return;
  let warned = false;
  app.addHook("onRequest", async (request) => {
    if (warned) return;
    const proto = request.headers["x-forwarded-proto"];
    if (!(Array.isArray(proto) ? proto.join(",") : (proto ?? "")).toLowerCase().includes("https")) return;
    warned = true;
    request.log.warn(
      { forwardedProto: "https", trustProxy: false },
      "requests arrive through a proxy that ends TLS (X-Forwarded-Proto: https) but WANGGE_TRUST_PROXY is not set: the session cookie goes without its Secure flag and client addresses are the proxy's; set WANGGE_TRUST_PROXY to the proxy's address (or hop count)",
    );
  });
}

/**
 * Swagger UI (/api/docs) sets a policy of its own (scripts and styles by hash). Made as strict as the
 * apps' (registerSecurity): never framed (its default allows 'self'), images and fonts from the server
 * only (its default loads the validator badge from validator.swagger.io — the badge is off — and
 * fonts and styles from any https: origin), forms to the server, and no upgrade-insecure-requests (a
 * township's server on plain HTTP in its LAN would lose its own scripts).
 */
export function strictSwaggerCsp(header: string): string {
  const directives = new Map<string, string[]>();
  for (const directive of header.split(";")) {
    const [name, ...values] = directive.trim().split(/\s+/);
    if (name) directives.set(name.toLowerCase(), values);
  }
  const withoutRemote = (values: string[] | undefined) =>
    (values ?? ["'self'"]).filter((v) => v !== "https:" && v !== "http:" && !v.includes("swagger.io"));
  directives.set("default-src", ["'self'"]);
  directives.set("img-src", ["'self'", "data:"]);
  directives.set("font-src", ["'self'", "data:"]);
  directives.set("style-src", withoutRemote(directives.get("style-src")));
  directives.set("script-src", withoutRemote(directives.get("script-src")));
  directives.set("connect-src", ["'self'"]);
  directives.set("object-src", ["'none'"]);
  directives.set("base-uri", ["'self'"]);
  directives.set("form-action", ["'self'"]);
  directives.set("frame-ancestors", ["'none'"]);
  directives.delete("upgrade-insecure-requests");
  return [...directives].map(([name, values]) => [name, ...values].join(" ")).join("; ");
}

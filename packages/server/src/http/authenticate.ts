import { DomainError, type Permission, principalPermissions, SCREEN_LINK_PREFIX } from "@wangge/core";
import type { FastifyContextConfig, FastifyInstance, FastifyRequest } from "fastify";
import type { AppContext, RequestMeta } from "../context.ts";
import { holdsDeploymentWide } from "../modules/areas/areas.service.ts";
import { recordAudit } from "../modules/audit/audit.service.ts";
import { authenticateBearer } from "../modules/auth/api-tokens.service.ts";
import { type Authenticated, authenticateSession } from "../modules/auth/sessions.service.ts";
import { authenticateScreenLink } from "../modules/screen/screen-links.service.ts";

/**
 * Who is asking, decided per route — never from the spelling of the URL. Every route is closed
 * unless its config says `public: true`; a route names the permission it needs in
 * `config.permission`. The hooks read the matched route (`request.routeOptions.config`), so
 * `/%61pi/v1/roles` (which the router decodes to /api/v1/roles) gets exactly what /api/v1/roles gets.
 *
 * Three steps, in this order for every request:
 * 1. onRequest: identify — a session cookie or an `Authorization: Bearer` token, verified. Public
 *    routes skip it (they answer the same to everyone, and static files need no database look-up).
 * 2. the rate limit (its route-level onRequest hook runs after the global ones): keyed on the
 *    principal identified in step 1, else on the address (security.ts), so failed sign-ins and
 *    random cookies are limited too.
 * 3. preParsing: authorize — refuse before the body is read: no credentials (401), a CSRF token
 *    missing on a cookie-authenticated write, a restricted account, a token where the route needs a
 *    session (`config.sessionOnly`), a missing permission (403, audited) — for the deployment's own
 *    settings (`config.deploymentWide`), a permission held only for part of the tree (403, audited).
 */
export const SESSION_COOKIE = "wangge_session";
/**
 * A wall opened with a big-screen link keeps the link's secret in this HttpOnly cookie, sent only to
 * the screen's API paths (it stands for nothing else: the preParsing hook refuses it every other route).
 */
export const SCREEN_COOKIE = "wangge_screen";
export const SCREEN_COOKIE_PATH = "/api/v1/screen";
const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/** Every route with what it requires: the authorization matrix test is generated from it. */
export interface RouteRequirement {
  method: string;
  url: string;
  public: boolean;
  permission: Permission | null;
  anyPermission: Permission[] | null;
  sessionOnly: boolean;
  deploymentWide: boolean;
}

declare module "fastify" {
  interface FastifyInstance {
    routeRequirements: RouteRequirement[];
  }
  interface FastifyRequest {
    auth: Authenticated | null;
    sessionToken: string | undefined;
    /** The secret of the bearer token or big-screen link the request was authenticated with. */
    bearerToken: string | undefined;
    /** Why presented credentials were refused (step 1), answered in step 3 once the rate limit counted it. */
    authFailure: "AUTH_TOKEN_INVALID" | "SCREEN_LINK_INVALID" | undefined;
  }
  interface FastifyContextConfig {
    /** Open to anyone, signed in or not. */
    public?: boolean;
    /** The permission the route requires (checked against the user's roles). */
    permission?: Permission;
    /**
     * Instead of one permission: any of these (a route serving several kinds of record, each checked
     * against its own permission's scope by the service, e.g. answering comments on disclosures and
     * on projects).
     */
    anyPermission?: Permission[];
    /** Reachable while the user must still set up TOTP or change a temporary password. */
    allowRestricted?: boolean;
    /** Refused to API tokens: the route changes how the account signs in (tokens, password, TOTP). */
    sessionOnly?: boolean;
    /**
     * The route reads or changes what belongs to the whole deployment (categories, the calendar, devices,
     * keys, roles): `permission` must be held in an area-less post or at the root of the area tree, not
     * in a post for one county or township.
     */
    deploymentWide?: boolean;
  }
}

export function requestMeta(request: FastifyRequest): RequestMeta {
  return { requestId: request.id, ip: request.ip ?? null, userAgent: request.headers["user-agent"] ?? null };
}

/** The signed-in principal of a route that is not public (the hook guarantees it). */
export function principalOf(request: FastifyRequest) {
  if (!request.auth) throw new DomainError("AUTH_REQUIRED", "sign in first");
  return request.auth.principal;
}

/**
 * Registers plugin routes that cannot take a route config of their own (static files, the API
 * reference) as public, and optionally never rate limited: an encapsulated onRoute hook marks every
 * route the plugin adds.
 */
export async function registerPublic(
  app: FastifyInstance,
  register: (scope: FastifyInstance) => Promise<void>,
  options: { rateLimited: boolean },
): Promise<void> {
  await app.register(async (scope) => {
    scope.addHook("onRoute", (route) => {
      route.config = { ...route.config, public: true, ...(options.rateLimited ? {} : { rateLimit: false }) };
    });
    await register(scope);
  });
}

/** The permission a route requires that `held` lacks (any of several: all named), or undefined. */
function missingPermission(config: FastifyContextConfig, held: readonly Permission[]): string | undefined {
  if (config.permission) return held.includes(config.permission) ? undefined : config.permission;
  if (config.anyPermission && !config.anyPermission.some((p) => held.includes(p)))
    return config.anyPermission.join(" or ");
  return undefined;
}

export function registerAuthentication(app: FastifyInstance, ctx: AppContext): void {
  // The catalogue keeps each route's options and reads their config when asked: a plugin's own
  // onRoute hook (registerPublic) may still change it after this root hook has run.
  const routes: { method: string; url: string; options: { config?: FastifyContextConfig } }[] = [];
  app.decorate("routeRequirements", {
    getter: () =>
      routes.map(({ method, url, options }) => ({
        method,
        url,
        public: options.config?.public === true,
        permission: options.config?.permission ?? null,
        anyPermission: options.config?.anyPermission ?? null,
        sessionOnly: options.config?.sessionOnly === true,
        deploymentWide: options.config?.deploymentWide === true,
      })),
  });
  app.addHook("onRoute", (route) => {
    for (const method of [route.method].flat()) {
      if (method === "HEAD") continue;
      routes.push({ method, url: route.url, options: route });
    }
  });
  app.decorateRequest("auth", null);
  app.decorateRequest("sessionToken", undefined);
  app.decorateRequest("bearerToken", undefined);
  app.decorateRequest("authFailure", undefined);

  app.addHook("onRequest", async (request: FastifyRequest) => {
    if (request.is404 || request.routeOptions.config?.public) return;
    const authorization = request.headers.authorization;
    const screenLink = request.cookies?.[SCREEN_COOKIE];
    if (authorization?.startsWith("Bearer ")) {
      request.bearerToken = authorization.slice(7).trim();
      request.auth = (await authenticateBearer(ctx, request.bearerToken)) ?? null;
      if (!request.auth) request.authFailure = "AUTH_TOKEN_INVALID";
    } else if (screenLink && request.routeOptions.config?.permission === "screen.view") {
      // On the wall's own routes a link wins over a session the same browser may hold: the wall shows the
      // link's area. Elsewhere (an official trying a link, then managing links) the session answers.
      request.bearerToken = screenLink;
      request.auth = screenLink.startsWith(SCREEN_LINK_PREFIX)
        ? ((await authenticateScreenLink(ctx, screenLink)) ?? null)
        : null;
      if (!request.auth) request.authFailure = "SCREEN_LINK_INVALID";
    } else {
      const token = request.cookies?.[SESSION_COOKIE];
      if (token) {
        request.sessionToken = token;
        request.auth = (await authenticateSession(ctx, token)) ?? null;
      }
    }
  });

  app.addHook("preParsing", async (request: FastifyRequest) => {
    const config = request.routeOptions.config ?? {};
    if (request.is404 || config.public) return;
    if (request.authFailure === "SCREEN_LINK_INVALID")
      throw new DomainError("SCREEN_LINK_INVALID", "this screen link is unknown, revoked or expired");
    if (request.authFailure)
      throw new DomainError("AUTH_TOKEN_INVALID", "the API token is unknown, revoked or expired");
    const auth = request.auth;
    if (!auth) throw new DomainError("AUTH_REQUIRED", "sign in first (your session may have expired)");
    if (auth.principal.via === "session" && !SAFE_METHODS.has(request.method)) {
      const sent = request.headers["x-csrf-token"];
      if (typeof sent !== "string" || sent !== auth.csrfToken) {
        throw new DomainError("AUTH_CSRF_FAILED", "missing or wrong x-csrf-token header; reload the page");
      }
    }
    if (config.sessionOnly && auth.principal.via !== "session") {
      throw new DomainError("AUTH_SESSION_REQUIRED", "this needs a signed-in session; an API token cannot do it");
    }
    if (auth.restriction && !config.allowRestricted) {
      throw auth.restriction === "totp_setup"
        ? new DomainError("AUTH_TOTP_SETUP_REQUIRED", "your role requires a second factor: set up TOTP first")
        : new DomainError("AUTH_PASSWORD_CHANGE_REQUIRED", "set your own password first");
    }
    const held = principalPermissions(auth.principal);
    // A big-screen link opens the screen's routes and nothing else, whatever a route would let any caller do.
    const missing =
      auth.screenLinkId && config.permission !== "screen.view"
        ? (config.permission ?? "of a signed-in account")
        : missingPermission(config, held);
    if (missing) {
      await recordAudit(ctx, ctx.db, {
        action: "access.denied",
        outcome: "denied",
        actor: { userId: auth.principal.userId, username: auth.principal.username },
        meta: requestMeta(request),
        targetType: "route",
        targetId: `${request.method} ${request.routeOptions.url}`,
        reason: `missing permission ${missing}`,
      });
      throw new DomainError("AUTH_FORBIDDEN", `you need the permission ${missing}`);
    }
    if (
      config.permission &&
      config.deploymentWide &&
      !(await holdsDeploymentWide(ctx.db, auth.principal, config.permission))
    ) {
      await recordAudit(ctx, ctx.db, {
        action: "access.denied",
        outcome: "denied",
        actor: { userId: auth.principal.userId, username: auth.principal.username },
        meta: requestMeta(request),
        targetType: "route",
        targetId: `${request.method} ${request.routeOptions.url}`,
        reason: `${config.permission} held for part of the deployment only`,
      });
      throw new DomainError(
        "AUTH_FORBIDDEN",
        `this is the whole deployment's: you need ${config.permission} deployment-wide or at the root area`,
      );
    }
  });
}

import { DomainError, type Permission, principalPermissions } from "@wangge/core";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { AppContext, RequestMeta } from "../context.ts";
import { recordAudit } from "../modules/audit/audit.service.ts";
import { type Authenticated, authenticateBearer, authenticateSession } from "../modules/auth/auth.service.ts";

/**
 * Who is asking, for every /api/v1 request: a session cookie or an `Authorization: Bearer` token.
 * Routes are closed unless they say `config.public`; a route names the permission it needs in
 * `config.permission`. Cookie-authenticated writes must carry the CSRF token (`x-csrf-token`), which
 * the sign-in and /auth/me answers give to the page; a bearer token needs none (a browser never sends
 * one by itself). A refusal for a missing permission is audited.
 */
export const SESSION_COOKIE = "wangge_session";
const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/** Every /api/v1 route with what it requires: the authorization matrix test is generated from it. */
export interface RouteRequirement {
  method: string;
  url: string;
  public: boolean;
  permission: Permission | null;
}

declare module "fastify" {
  interface FastifyInstance {
    routeRequirements: RouteRequirement[];
  }
  interface FastifyRequest {
    auth: Authenticated | null;
    sessionToken: string | undefined;
  }
  interface FastifyContextConfig {
    /** Open to anyone, signed in or not. */
    public?: boolean;
    /** The permission the route requires (checked against the user's roles). */
    permission?: Permission;
    /** Reachable while the user must still set up TOTP or change a temporary password. */
    allowRestricted?: boolean;
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

export function registerAuthentication(app: FastifyInstance, ctx: AppContext): void {
  const requirements: RouteRequirement[] = [];
  app.decorate("routeRequirements", requirements);
  app.addHook("onRoute", (route) => {
    if (!route.url.startsWith("/api/v1/")) return;
    for (const method of [route.method].flat()) {
      if (method === "HEAD") continue;
      requirements.push({
        method,
        url: route.url,
        public: route.config?.public === true,
        permission: route.config?.permission ?? null,
      });
    }
  });
  app.decorateRequest("auth", null);
  app.decorateRequest("sessionToken", undefined);
  app.addHook("onRequest", async (request: FastifyRequest, _reply: FastifyReply) => {
    if (!request.url.startsWith("/api/v1/") || request.is404) return;
    const config = request.routeOptions.config ?? {};
    const authorization = request.headers.authorization;
    if (authorization?.startsWith("Bearer ")) {
      request.auth = (await authenticateBearer(ctx, authorization.slice(7).trim())) ?? null;
      if (!request.auth && !config.public)
        throw new DomainError("AUTH_TOKEN_INVALID", "the API token is unknown, revoked or expired");
    } else {
      const token = request.cookies?.[SESSION_COOKIE];
      if (token) {
        request.sessionToken = token;
        request.auth = (await authenticateSession(ctx, token)) ?? null;
      }
    }
    if (config.public) return;
    const auth = request.auth;
    if (!auth) throw new DomainError("AUTH_REQUIRED", "sign in first (your session may have expired)");
    if (auth.principal.via === "session" && !SAFE_METHODS.has(request.method)) {
      const sent = request.headers["x-csrf-token"];
      if (typeof sent !== "string" || sent !== auth.csrfToken) {
        throw new DomainError("AUTH_CSRF_FAILED", "missing or wrong x-csrf-token header; reload the page");
      }
    }
    if (auth.restriction && !config.allowRestricted) {
      throw auth.restriction === "totp_setup"
        ? new DomainError("AUTH_TOTP_SETUP_REQUIRED", "your role requires a second factor: set up TOTP first")
        : new DomainError("AUTH_PASSWORD_CHANGE_REQUIRED", "set your own password first");
    }
    if (config.permission && !principalPermissions(auth.principal).includes(config.permission)) {
      await recordAudit(ctx, ctx.db, {
        action: "access.denied",
        outcome: "denied",
        actor: { userId: auth.principal.userId, username: auth.principal.username },
        meta: requestMeta(request),
        targetType: "route",
        targetId: `${request.method} ${request.routeOptions.url}`,
        reason: `missing permission ${config.permission}`,
      });
      throw new DomainError("AUTH_FORBIDDEN", `you need the permission ${config.permission}`);
    }
  });
}

import {
  CreatedScreenLinkSchema,
  CreateScreenLinkSchema,
  ScreenKioskOpenSchema,
  ScreenKioskSchema,
  ScreenLinkListSchema,
  ScreenLinkSchema,
} from "@wangge/core";
import type { FastifyReply, FastifyRequest } from "fastify";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { AppContext } from "../../context.ts";
import { principalOf, requestMeta, SCREEN_COOKIE, SCREEN_COOKIE_PATH } from "../../http/authenticate.ts";
import { routeErrors } from "../../http/problem.ts";
import { loginRateLimit } from "../../http/security.ts";
import {
  createScreenLink,
  currentKiosk,
  listScreenLinks,
  openKiosk,
  revokeScreenLink,
} from "./screen-links.service.ts";

/** Browsers keep a cookie 400 days at most; a wall re-opened by its link (or its page) renews it. */
const COOKIE_MAX_SECONDS = 400 * 86_400;

/**
 * Big-screen links: issued, listed and revoked in the console by holders of screen.manage; opened by
 * a wall (`/screen#token=wgs_…`: the screen app posts the fragment here, so the secret never travels
 * in a URL, a server log or a Referer, and is kept in an HttpOnly cookie only the screen's API gets).
 */
export const screenLinkRoutes: FastifyPluginAsyncZod<{ ctx: AppContext }> = async (app, { ctx }) => {
  const setKioskCookie = (request: FastifyRequest, reply: FastifyReply, token: string, expiresAt: Date | null) => {
    const left = expiresAt ? Math.floor((expiresAt.getTime() - ctx.now().getTime()) / 1000) : COOKIE_MAX_SECONDS;
    reply.setCookie(SCREEN_COOKIE, token, {
      httpOnly: true,
      sameSite: "strict",
      secure: request.protocol === "https",
      path: SCREEN_COOKIE_PATH,
      maxAge: Math.max(1, Math.min(left, COOKIE_MAX_SECONDS)),
    });
    reply.header("cache-control", "no-store");
  };

  app.post(
    "/screen/links",
    {
      config: { permission: "screen.manage" },
      schema: {
        tags: ["screen"],
        summary: "Issue a read-only big-screen link for one of your areas (its secret shown once)",
        description:
          "The wall opens /screen#token=<token>. The link may open the big screen of its area and nothing else. A retry with the same id answers the first link, without its secret.",
        body: CreateScreenLinkSchema,
        response: { 200: CreatedScreenLinkSchema, 201: CreatedScreenLinkSchema, ...routeErrors },
      },
    },
    async (request, reply) => {
      const { link, token, created } = await createScreenLink(
        ctx,
        principalOf(request),
        requestMeta(request),
        request.body,
      );
      reply.header("cache-control", "no-store");
      return reply.status(created ? 201 : 200).send({ link, token });
    },
  );

  app.get(
    "/screen/links",
    {
      config: { permission: "screen.manage" },
      schema: {
        tags: ["screen"],
        summary: "The big-screen links of your areas, newest first (never their secrets)",
        response: { 200: ScreenLinkListSchema, ...routeErrors },
      },
    },
    async (request) => ({ items: await listScreenLinks(ctx, principalOf(request)) }),
  );

  app.delete(
    "/screen/links/:id",
    {
      config: { permission: "screen.manage" },
      schema: {
        tags: ["screen"],
        summary: "Revoke a big-screen link of your areas: its walls go dark at once",
        params: z.object({ id: z.uuid() }),
        response: { 200: ScreenLinkSchema, ...routeErrors },
      },
    },
    async (request) => revokeScreenLink(ctx, principalOf(request), requestMeta(request), request.params.id),
  );

  app.post(
    "/screen/kiosk",
    {
      config: { public: true, rateLimit: loginRateLimit(ctx.config) },
      schema: {
        tags: ["screen"],
        summary: "A wall opens a big-screen link: the link's secret is kept in an HttpOnly cookie for the screen's API",
        body: ScreenKioskOpenSchema,
        response: { 200: ScreenKioskSchema, ...routeErrors },
      },
    },
    async (request, reply) => {
      const { link, expiresAt } = await openKiosk(ctx, requestMeta(request), request.body.token);
      setKioskCookie(request, reply, request.body.token, expiresAt);
      return { link };
    },
  );

  app.get(
    "/screen/kiosk",
    {
      config: { public: true },
      schema: {
        tags: ["screen"],
        summary: "The big-screen link this wall holds (null: none, sign in instead); 401 once it is revoked or expired",
        response: { 200: ScreenKioskSchema, ...routeErrors },
      },
    },
    async (request, reply) => {
      const token = request.cookies?.[SCREEN_COOKIE];
      if (!token) return { link: null };
      const { link, expiresAt } = await currentKiosk(ctx, token);
      setKioskCookie(request, reply, token, expiresAt);
      return { link };
    },
  );

  app.delete(
    "/screen/kiosk",
    {
      config: { public: true },
      schema: {
        tags: ["screen"],
        summary: "The wall forgets its big-screen link (it may sign in with a screen account instead)",
        response: { 204: z.null(), ...routeErrors },
      },
    },
    async (_request, reply) => {
      reply.clearCookie(SCREEN_COOKIE, { path: SCREEN_COOKIE_PATH });
      return reply.status(204).send(null);
    },
  );
};

import {
  ApiTokenSchema,
  ChangePasswordBodySchema,
  CreateApiTokenBodySchema,
  CreatedApiTokenSchema,
  DomainError,
  FieldVaultKeySchema,
  LoginBodySchema,
  LoginResponseSchema,
  type Me,
  MeSchema,
  OtpRequestBodySchema,
  OtpVerifyBodySchema,
  type Principal,
  ProblemSchema,
  principalPermissions,
  type Restriction,
  TotpCodeBodySchema,
  TotpSetupResponseSchema,
} from "@wangge/core";
import type { FastifyReply, FastifyRequest } from "fastify";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { AppContext } from "../../context.ts";
import { principalOf, requestMeta, SESSION_COOKIE } from "../../http/authenticate.ts";
import { problemResponses } from "../../http/problem.ts";
import { loginRateLimit } from "../../http/security.ts";
import { deploymentWidePermissionsOf } from "../areas/areas.service.ts";
import { createApiToken, listApiTokens, revokeApiToken } from "./api-tokens.service.ts";
import { completeTotpLogin, login } from "./auth.service.ts";
import { fieldVaultKey } from "./field-vault-key.ts";
import { beginTotpSetup, changePassword, enableTotp } from "./own-credentials.service.ts";
import { type LoginResult, logout } from "./sessions.service.ts";
import { requestOtp, verifyOtp } from "./sms-sign-in.service.ts";

export async function toMe(
  ctx: AppContext,
  principal: Principal,
  restriction: Restriction,
  csrfToken: string | null,
): Promise<Me> {
  return {
    user: { id: principal.userId, username: principal.username, displayName: principal.displayName },
    via: principal.via,
    assignments: principal.assignments.map((a) => ({
      id: a.id,
      roleKey: a.roleKey,
      areaCode: a.areaCode,
      areaName: a.areaName,
      homeUnit: a.homeUnit,
      workScope: a.workScope,
    })),
    roles: [...new Set(principal.assignments.map((a) => a.roleKey))].sort(),
    permissions: principalPermissions(principal),
    deploymentWidePermissions: await deploymentWidePermissionsOf(ctx.db, principal),
    restriction,
    csrfToken,
  };
}

const authErrors = { ...problemResponses, 401: ProblemSchema, 403: ProblemSchema, 429: ProblemSchema };

export const authRoutes: FastifyPluginAsyncZod<{ ctx: AppContext }> = async (app, { ctx }) => {
  const setSessionCookie = (request: FastifyRequest, reply: FastifyReply, token: string) => {
    reply.setCookie(SESSION_COOKIE, token, {
      httpOnly: true,
      sameSite: "lax",
      secure: request.protocol === "https",
      path: "/",
      maxAge: ctx.config.session.absoluteHours * 3600,
    });
  };
  const answer = async (request: FastifyRequest, reply: FastifyReply, result: LoginResult) => {
    setSessionCookie(request, reply, result.sessionToken);
    return result.step === "totp"
      ? { step: "totp" as const, csrfToken: result.csrfToken }
      : { step: "done" as const, me: await toMe(ctx, result.principal, result.restriction, result.csrfToken) };
  };

  app.post(
    "/auth/login",
    {
      config: { public: true, rateLimit: loginRateLimit(ctx.config) },
      schema: {
        tags: ["auth"],
        summary: "Sign in with username and password; sets the session cookie",
        body: LoginBodySchema,
        response: { 200: LoginResponseSchema, ...authErrors },
      },
    },
    async (request, reply) => answer(request, reply, await login(ctx, requestMeta(request), request.body)),
  );

  app.post(
    "/auth/login/totp",
    {
      config: { public: true, rateLimit: loginRateLimit(ctx.config) },
      schema: {
        tags: ["auth"],
        summary: "Second step of sign-in: the TOTP code from the authenticator app",
        body: TotpCodeBodySchema,
        response: { 200: LoginResponseSchema, ...authErrors },
      },
    },
    async (request, reply) => {
      const token = request.cookies[SESSION_COOKIE];
      if (!token) throw new DomainError("AUTH_REQUIRED", "sign in with your password first");
      return answer(request, reply, await completeTotpLogin(ctx, requestMeta(request), token, request.body.code));
    },
  );

  app.post(
    "/auth/logout",
    {
      config: { public: true },
      schema: { tags: ["auth"], summary: "Sign out: ends the session", response: { 204: z.null(), ...authErrors } },
    },
    async (request, reply) => {
      const token = request.cookies[SESSION_COOKIE];
      if (token) await logout(ctx, requestMeta(request), token);
      reply.clearCookie(SESSION_COOKIE, { path: "/" });
      return reply.status(204).send(null);
    },
  );

  app.get(
    "/auth/me",
    {
      config: { allowRestricted: true },
      schema: {
        tags: ["auth"],
        summary: "The signed-in user, roles, assignments and permissions",
        response: { 200: MeSchema, ...authErrors },
      },
    },
    async (request) => {
      const auth = request.auth;
      return toMe(ctx, principalOf(request), auth?.restriction ?? null, auth?.csrfToken ?? null);
    },
  );

  app.post(
    "/auth/password",
    {
      config: { allowRestricted: true, sessionOnly: true },
      schema: {
        tags: ["auth"],
        summary: "Change your own password",
        body: ChangePasswordBodySchema,
        response: { 204: z.null(), ...authErrors },
      },
    },
    async (request, reply) => {
      await changePassword(ctx, principalOf(request), requestMeta(request), request.body, request.sessionToken);
      return reply.status(204).send(null);
    },
  );

  app.post(
    "/auth/totp/setup",
    {
      config: { allowRestricted: true, sessionOnly: true },
      schema: {
        tags: ["auth"],
        summary: "Start setting up a TOTP second factor: returns the secret for the authenticator app",
        response: { 200: TotpSetupResponseSchema, ...authErrors, 409: ProblemSchema },
      },
    },
    async (request) => beginTotpSetup(ctx, principalOf(request)),
  );

  app.post(
    "/auth/totp/enable",
    {
      config: { allowRestricted: true, sessionOnly: true },
      schema: {
        tags: ["auth"],
        summary: "Confirm TOTP setup with a first code",
        body: TotpCodeBodySchema,
        response: { 204: z.null(), ...authErrors },
      },
    },
    async (request, reply) => {
      await enableTotp(ctx, principalOf(request), requestMeta(request), request.body.code);
      return reply.status(204).send(null);
    },
  );

  app.post(
    "/auth/tokens",
    {
      // A token that could mint tokens would outlive its own expiry and revocation.
      config: { sessionOnly: true },
      schema: {
        tags: ["auth"],
        summary: "Create a personal API token (shown once) for scripts: send it as Authorization: Bearer",
        body: CreateApiTokenBodySchema,
        response: { 200: CreatedApiTokenSchema, 201: CreatedApiTokenSchema, ...authErrors, 409: ProblemSchema },
      },
    },
    async (request, reply) => {
      const { token, view, created } = await createApiToken(
        ctx,
        principalOf(request),
        requestMeta(request),
        request.body,
      );
      return reply.status(created ? 201 : 200).send({ ...view, token });
    },
  );

  app.get(
    "/auth/field-vault-key",
    {
      // A browser session only (not an API token): the secret unlocks what the field app keeps offline.
      config: { sessionOnly: true },
      schema: {
        tags: ["auth"],
        summary: "The secret that unlocks the field app's offline data on this user's phone (held in memory only)",
        response: { 200: FieldVaultKeySchema, ...authErrors },
      },
    },
    async (request, reply) => {
      reply.header("cache-control", "no-store");
      return await fieldVaultKey(ctx, principalOf(request));
    },
  );

  app.get(
    "/auth/tokens",
    {
      schema: {
        tags: ["auth"],
        summary: "Your API tokens (never the tokens themselves)",
        response: { 200: z.array(ApiTokenSchema), ...authErrors },
      },
    },
    async (request) => listApiTokens(ctx, principalOf(request)),
  );

  app.delete(
    "/auth/tokens/:id",
    {
      schema: {
        tags: ["auth"],
        summary: "Revoke one of your API tokens",
        params: z.object({ id: z.uuid() }),
        response: { 204: z.null(), ...authErrors },
      },
    },
    async (request, reply) => {
      await revokeApiToken(ctx, principalOf(request), requestMeta(request), request.params.id);
      return reply.status(204).send(null);
    },
  );

  app.post(
    "/auth/otp/request",
    {
      config: { public: true, rateLimit: loginRateLimit(ctx.config) },
      schema: {
        tags: ["auth"],
        summary: "Residents: send a one-time sign-in code by SMS",
        body: OtpRequestBodySchema,
        response: { 202: z.object({ expiresInSeconds: z.number().int() }), ...authErrors },
      },
    },
    async (request, reply) => reply.status(202).send(await requestOtp(ctx, requestMeta(request), request.body)),
  );

  app.post(
    "/auth/otp/verify",
    {
      config: { public: true, rateLimit: loginRateLimit(ctx.config) },
      schema: {
        tags: ["auth"],
        summary: "Residents: sign in with the code from the SMS",
        body: OtpVerifyBodySchema,
        response: { 200: LoginResponseSchema, ...authErrors },
      },
    },
    async (request, reply) => answer(request, reply, await verifyOtp(ctx, requestMeta(request), request.body)),
  );
};

import { CreatedOpen311KeySchema, CreateOpen311KeyBodySchema, Open311KeySchema, ProblemSchema } from "@wangge/core";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { AppContext } from "../../context.ts";
import { principalOf, requestMeta } from "../../http/authenticate.ts";
import { problemResponses } from "../../http/problem.ts";
import { createOpen311Key, listOpen311Keys, revokeOpen311Key } from "./open311-keys.service.ts";

const errors = { ...problemResponses, 401: ProblemSchema, 403: ProblemSchema, 404: ProblemSchema, 422: ProblemSchema };

/** The API keys Open311 clients POST requests with, managed by admins. */
export const open311KeysRoutes: FastifyPluginAsyncZod<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.get(
    "/open311/keys",
    {
      config: { permission: "system.manage", deploymentWide: true },
      schema: {
        tags: ["open311"],
        summary: "The Open311 API keys (names and prefixes; the keys themselves are never shown again)",
        response: { 200: z.array(Open311KeySchema), ...errors },
      },
    },
    async () => listOpen311Keys(ctx),
  );

  app.post(
    "/open311/keys",
    {
      config: { permission: "system.manage", deploymentWide: true },
      schema: {
        tags: ["open311"],
        summary: "Create an Open311 API key for a client; the response carries the key, once",
        body: CreateOpen311KeyBodySchema,
        response: { 201: CreatedOpen311KeySchema, ...errors, 409: ProblemSchema },
      },
    },
    async (request, reply) => {
      const actor = principalOf(request);
      const key = await createOpen311Key(
        ctx,
        { userId: actor.userId, username: actor.username },
        requestMeta(request),
        request.body.name,
        { requestsPublic: request.body.requestsPublic },
      );
      return reply.status(201).send(key);
    },
  );

  app.delete(
    "/open311/keys/:id",
    {
      config: { permission: "system.manage", deploymentWide: true },
      schema: {
        tags: ["open311"],
        summary: "Revoke an Open311 API key",
        params: z.object({ id: z.uuid() }),
        response: { 204: z.null(), ...errors },
      },
    },
    async (request, reply) => {
      const actor = principalOf(request);
      await revokeOpen311Key(
        ctx,
        { userId: actor.userId, username: actor.username },
        requestMeta(request),
        request.params.id,
      );
      return reply.status(204).send(null);
    },
  );
};

import { authorId, ProblemSchema } from "@wangge/core";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { AppContext } from "../../context.ts";
import { countStale, reencryptAll } from "../../crypto/reencrypt.ts";
import { principalOf, requestMeta } from "../../http/authenticate.ts";
import { problemResponses } from "../../http/problem.ts";

import { rotateDataKey } from "./keys.service.ts";

/**
 * Key rotation while serving: the new key is current at once, every stored value is re-encrypted in
 * the background (reads keep working throughout: old values decrypt with the retired key).
 */
const errors = { ...problemResponses, 401: ProblemSchema, 403: ProblemSchema, 409: ProblemSchema, 422: ProblemSchema };
const KeysSchema = z
  .object({
    keyId: z.string(),
    algorithm: z.enum(["standard", "gm"]),
    staleValues: z.number().int().describe("Values still encrypted under an older key"),
    reencrypting: z.boolean(),
  })
  .meta({ id: "DataKeys" });

export const keysRoutes: FastifyPluginAsyncZod<{ ctx: AppContext }> = async (app, { ctx }) => {
  let running: Promise<unknown> | undefined;
  app.addHook("onClose", async () => {
    await running?.catch(() => {});
  });

  app.get(
    "/system/keys",
    {
      config: { permission: "system.manage", deploymentWide: true },
      schema: {
        tags: ["system"],
        summary: "The current data key's id and how many stored values still use an older key",
        response: { 200: KeysSchema, ...errors },
      },
    },
    async () => ({
      keyId: ctx.crypto.keyId,
      algorithm: ctx.crypto.algorithm,
      staleValues: await countStale(ctx.db, ctx.crypto),
      reencrypting: running !== undefined,
    }),
  );

  app.post(
    "/system/keys/rotate",
    {
      config: { permission: "system.manage", deploymentWide: true },
      schema: {
        tags: ["system"],
        summary: "Rotate the data key and re-encrypt every stored value in the background",
        response: { 202: KeysSchema, ...errors },
      },
    },
    async (request, reply) => {
      // The data key is the whole deployment's: system.manage held for one area does not reach it
      // (config.deploymentWide, checked before the route runs and audited when refused).
      const actor = principalOf(request);
      const rotated = await rotateDataKey(
        ctx,
        { userId: authorId(actor), username: actor.username },
        requestMeta(request),
      );
      const job = reencryptAll(ctx.db, ctx.crypto).then(
        (result) => ctx.log.info({ ...result, keyId: rotated.newKeyId }, "stored values re-encrypted"),
        (err) =>
          ctx.log.warn(
            { err },
            "re-encryption stopped; run it again with POST /system/keys/rotate or wangge keys reencrypt",
          ),
      );
      running = job.finally(() => {
        running = undefined;
      });
      return reply.status(202).send({
        keyId: ctx.crypto.keyId,
        algorithm: ctx.crypto.algorithm,
        staleValues: await countStale(ctx.db, ctx.crypto),
        reencrypting: true,
      });
    },
  );
};

import {
  DeviceReportBodySchema,
  DeviceReportedSchema,
  DeviceSchema,
  ProblemSchema,
  RegisterDeviceBodySchema,
} from "@wangge/core";
import type { FastifyRequest } from "fastify";
import type { FastifyPluginAsyncZod, ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import type { AppContext } from "../../context.ts";
import { principalOf, requestMeta } from "../../http/authenticate.ts";
import { problemResponses } from "../../http/problem.ts";
import { deviceRequestHeaders, parseSignedBody } from "./device-request.ts";
import {
  admitDeviceRequest,
  listDevices,
  registerDevice,
  reportFromDevice,
  retireDevice,
  verifyDeviceSignature,
} from "./devices.service.ts";
import type { IntakeDeviceRow } from "./events.table.ts";

const errors = { ...problemResponses, 401: ProblemSchema, 403: ProblemSchema, 404: ProblemSchema, 409: ProblemSchema };
/** Intake devices (cameras, sensors): registered by admins, reporting by signed webhook. */
export const devicesRoutes: FastifyPluginAsyncZod<{ ctx: AppContext }> = async (app, { ctx }) => {
  await app.register(async (plain) => {
    const hook = plain.withTypeProvider<ZodTypeProvider>();
    const limit = ctx.config.deviceBodyLimitBytes;
    // The webhook's signature covers the exact bytes sent, so its body is kept raw and parsed here.
    hook.addContentTypeParser("application/json", { parseAs: "buffer", bodyLimit: limit }, (_r, body, done) =>
      done(null, body),
    );
    /** The device each admitted request is for, from before its body was read. */
    const admitted = new WeakMap<FastifyRequest, IntakeDeviceRow>();

    hook.post(
      "/intake/devices/:deviceKey",
      {
        config: { public: true },
        bodyLimit: limit,
        // Before a byte of the body is read: the device and the signature's headers (an unknown
        // device, a stale or unsigned request cost no body), then a body of at most `limit` bytes.
        preParsing: async (request, _reply, payload) => {
          const { deviceKey } = request.params as { deviceKey: string };
          admitted.set(request, await admitDeviceRequest(ctx, deviceKey, deviceRequestHeaders(request)));
          return payload;
        },
        schema: {
          tags: ["events"],
          summary: "Webhook for a camera or sensor: report an event, HMAC-signed and replay-protected",
          description: `Headers: X-Wangge-Timestamp (unix seconds, within 5 minutes), X-Wangge-Nonce (8–64 of A-Z a-z 0-9 - _, never reused), X-Wangge-Signature (sha256=<hex HMAC-SHA256 with the device secret of \`<timestamp>.<nonce>.<raw body>\`>). Body (JSON, at most ${limit} bytes: WANGGE_DEVICE_BODY_LIMIT_BYTES): externalId, description, and optionally categoryKey, lng, lat, attributes, snapshot {fileName, base64}. The device and the headers are checked before the body is read. 201 with the event's id and number; 200 for a retry of an externalId already reported.`,
          params: z.object({ deviceKey: z.string().min(1).max(64) }),
          response: {
            200: DeviceReportedSchema,
            201: DeviceReportedSchema,
            ...errors,
          },
        },
      },
      async (request, reply) => {
        const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
        const device = admitted.get(request) as IntakeDeviceRow;
        await verifyDeviceSignature(ctx, device, deviceRequestHeaders(request), raw);
        const report = parseSignedBody(raw, DeviceReportBodySchema, "report");
        const { event, created } = await reportFromDevice(ctx, requestMeta(request), device, report);
        return reply.status(created ? 201 : 200).send({ id: event.id, number: event.number, areaCode: event.areaCode });
      },
    );
  });

  app.get(
    "/intake/devices",
    {
      config: { permission: "event.configure", deploymentWide: true },
      schema: {
        tags: ["events"],
        summary: "The intake devices (never their secrets)",
        response: { 200: z.array(DeviceSchema), ...errors },
      },
    },
    async () => listDevices(ctx),
  );

  app.post(
    "/intake/devices",
    {
      config: { permission: "event.configure", deploymentWide: true },
      schema: {
        tags: ["events"],
        summary: "Register a device; the response carries its signing secret, once",
        body: RegisterDeviceBodySchema,
        response: { 201: DeviceSchema.extend({ secret: z.string() }), ...errors },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await registerDevice(ctx, principalOf(request), requestMeta(request), request.body)),
  );

  app.delete(
    "/intake/devices/:id",
    {
      config: { permission: "event.configure", deploymentWide: true },
      schema: {
        tags: ["events"],
        summary: "Retire a device: its requests are refused from then on",
        params: z.object({ id: z.uuid() }),
        response: { 204: z.null(), ...errors },
      },
    },
    async (request, reply) => {
      await retireDevice(ctx, principalOf(request), requestMeta(request), request.params.id);
      return reply.status(204).send(null);
    },
  );
};

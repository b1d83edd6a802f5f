import {
  BroadcastAckBodySchema,
  BroadcastAudioQuerySchema,
  BroadcastAudioSchema,
  BroadcastQueueSchema,
  LoudspeakerSchema,
  MAX_BROADCAST_AUDIO_BYTES,
  RegisterLoudspeakerBodySchema,
} from "@wangge/core";
import type { FastifyPluginAsyncZod, ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import type { AppContext } from "../../context.ts";
import { principalOf, requestMeta } from "../../http/authenticate.ts";
import { routeErrors } from "../../http/problem.ts";
import { deviceRequestHeaders, parseSignedBody } from "../events/device-request.ts";
import {
  acknowledge,
  admitLoudspeaker,
  itemAudio,
  listLoudspeakers,
  loudspeakerSigned,
  pullQueue,
  registerLoudspeaker,
  retireLoudspeaker,
} from "./broadcast.service.ts";
import { AUDIO_TYPES, saveAudio } from "./broadcast-audio.service.ts";

const errors = routeErrors;
const tags = ["broadcast"];
const SIGNING = `Headers: X-Wangge-Timestamp (unix seconds, within 5 minutes), X-Wangge-Nonce (8–64 of A-Z a-z 0-9 - _, never reused), X-Wangge-Signature (sha256=<hex HMAC-SHA256 with the device secret of \`<timestamp>.<nonce>.<METHOD> <path and query>\\n<raw body>\`>; a GET's body is empty). A stale, unsigned, badly signed or replayed request is refused (401 DEVICE_SIGNATURE_INVALID / 409 DEVICE_REQUEST_REPLAYED).`;

/** Cloud broadcast (云广播): loudspeakers registered under 接入管理, pulling their queue by signed requests. */
export const broadcastRoutes: FastifyPluginAsyncZod<{ ctx: AppContext }> = async (app, { ctx }) => {
  await app.register(async (plain) => {
    const device = plain.withTypeProvider<ZodTypeProvider>();
    // The signature covers the exact bytes sent, so the acknowledgement's body is kept raw and parsed here.
    device.addContentTypeParser("application/json", { parseAs: "buffer", bodyLimit: 4096 }, (_r, body, done) =>
      done(null, body),
    );
    const DeviceParams = z.object({ deviceKey: z.string().min(1).max(64) });

    device.get(
      "/broadcast/devices/:deviceKey/queue",
      {
        config: { public: true },
        schema: {
          tags,
          summary: "A loudspeaker's queue: what to play, urgent first (HMAC-signed, replay-protected)",
          description: `${SIGNING} Handing an item over records it as delivered; acknowledge each after playing.`,
          params: DeviceParams,
          response: { 200: BroadcastQueueSchema, ...errors },
        },
      },
      async (request) => {
        const speaker = await admitLoudspeaker(
          ctx,
          request.params.deviceKey,
          deviceRequestHeaders(request),
          loudspeakerSigned("GET", request.url, Buffer.alloc(0)),
        );
        return pullQueue(ctx, speaker);
      },
    );

    device.get(
      "/broadcast/devices/:deviceKey/queue/:itemId/audio",
      {
        config: { public: true },
        schema: {
          tags,
          summary: "The recording of an item in a loudspeaker's queue (HMAC-signed, replay-protected)",
          description: `${SIGNING} The item's audioUrl in the queue; only this loudspeaker's items.`,
          params: DeviceParams.extend({ itemId: z.uuid() }),
        },
      },
      async (request, reply) => {
        const speaker = await admitLoudspeaker(
          ctx,
          request.params.deviceKey,
          deviceRequestHeaders(request),
          loudspeakerSigned("GET", request.url, Buffer.alloc(0)),
        );
        const { row, data } = await itemAudio(ctx, speaker, request.params.itemId);
        return reply.type(row.content_type).header("x-content-type-options", "nosniff").send(data);
      },
    );

    device.post(
      "/broadcast/devices/:deviceKey/queue/:itemId/ack",
      {
        config: { public: true },
        bodyLimit: 4096,
        schema: {
          tags,
          summary: "A loudspeaker says it played an item, or failed to (HMAC-signed, replay-protected)",
          description: `${SIGNING} Body: {"outcome": "played" | "failed", "detail"?: "…"}. The same outcome again answers as the first; another is refused.`,
          params: DeviceParams.extend({ itemId: z.uuid() }),
          response: { 200: z.object({ itemId: z.uuid(), state: z.enum(["played", "failed"]) }), ...errors },
        },
      },
      async (request) => {
        const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
        const speaker = await admitLoudspeaker(
          ctx,
          request.params.deviceKey,
          deviceRequestHeaders(request),
          loudspeakerSigned("POST", request.url, raw),
        );
        const ack = parseSignedBody(raw, BroadcastAckBodySchema, "acknowledgement");
        return acknowledge(ctx, speaker, request.params.itemId, ack);
      },
    );
  });

  await app.register(async (upload) => {
    const audio = upload.withTypeProvider<ZodTypeProvider>();
    audio.addContentTypeParser(
      [...Object.keys(AUDIO_TYPES), "audio/mp3", "audio/x-wav", "audio/x-m4a", "application/octet-stream"],
      { parseAs: "buffer", bodyLimit: MAX_BROADCAST_AUDIO_BYTES + 1024 },
      (_request, body, done) => done(null, body),
    );
    audio.post(
      "/broadcast/audio",
      {
        config: { permission: "notice.send" },
        bodyLimit: MAX_BROADCAST_AUDIO_BYTES + 1024,
        schema: {
          tags,
          summary:
            "Upload a recording for the loudspeakers (MP3, WAV, M4A, OGG or AMR, at most 5 MB); the body is the file",
          description:
            "The type is read from the bytes. Name it as a notice's audioId when sending: the loudspeakers play it instead of reading the text. A retry with the same id and bytes answers 200 with the first.",
          querystring: BroadcastAudioQuerySchema,
          response: { 200: BroadcastAudioSchema, 201: BroadcastAudioSchema, ...errors },
        },
      },
      async (request, reply) => {
        const data = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
        const { audio, created } = await saveAudio(ctx, principalOf(request), request.query.id, data);
        return reply.status(created ? 201 : 200).send(audio);
      },
    );
  });

  app.get(
    "/broadcast/devices",
    {
      config: { permission: "event.configure", deploymentWide: true },
      schema: {
        tags,
        summary: "The loudspeakers (never their secrets)",
        response: { 200: z.array(LoudspeakerSchema), ...errors },
      },
    },
    async () => listLoudspeakers(ctx),
  );

  app.post(
    "/broadcast/devices",
    {
      config: { permission: "event.configure", deploymentWide: true },
      schema: {
        tags,
        summary: "Register a loudspeaker of a village or grid; the response carries its signing secret, once",
        body: RegisterLoudspeakerBodySchema,
        response: { 201: LoudspeakerSchema.extend({ secret: z.string() }), ...errors },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await registerLoudspeaker(ctx, principalOf(request), requestMeta(request), request.body)),
  );

  app.delete(
    "/broadcast/devices/:id",
    {
      config: { permission: "event.configure", deploymentWide: true },
      schema: {
        tags,
        summary: "Retire a loudspeaker: its requests are refused from then on",
        params: z.object({ id: z.uuid() }),
        response: { 204: z.null(), ...errors },
      },
    },
    async (request, reply) => {
      await retireLoudspeaker(ctx, principalOf(request), requestMeta(request), request.params.id);
      return reply.status(204).send(null);
    },
  );
};

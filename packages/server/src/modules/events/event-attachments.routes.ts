import {
  AttachmentDownloadQuerySchema,
  AttachmentParamsSchema,
  AttachmentSchema,
  AttachmentUploadQuerySchema,
  canView,
  EventIdParamsSchema,
  ProblemSchema,
  principalScope,
} from "@wangge/core";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { AppContext } from "../../context.ts";
import { principalOf } from "../../http/authenticate.ts";
import { problemResponses } from "../../http/problem.ts";
import { ATTACHMENT_TYPES, MAX_ATTACHMENT_BYTES } from "./attachment-files.ts";
import { listAttachments, readAttachment, saveAttachment } from "./attachments.service.ts";
import { visibleEvent } from "./events.service.ts";

const errors = { ...problemResponses, 401: ProblemSchema, 403: ProblemSchema, 404: ProblemSchema, 409: ProblemSchema };
/**
 * Photos and documents of an event. Upload the bytes as the body (Content-Type of the file, or
 * application/octet-stream: the type is read from the bytes either way). Whoever may see the event
 * may attach to it; staff of its area download the original, everyone else the copy without
 * location metadata.
 */
export const eventAttachmentRoutes: FastifyPluginAsyncZod<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.addContentTypeParser(
    [...Object.keys(ATTACHMENT_TYPES), "application/octet-stream"],
    { parseAs: "buffer", bodyLimit: MAX_ATTACHMENT_BYTES + 1024 },
    (_request, body, done) => done(null, body),
  );

  app.post(
    "/events/:id/attachments",
    {
      bodyLimit: MAX_ATTACHMENT_BYTES + 1024,
      schema: {
        tags: ["events"],
        summary: "Attach a photo (JPEG, PNG, WebP) or a PDF to an event; the body is the file",
        params: EventIdParamsSchema,
        querystring: AttachmentUploadQuerySchema,
        response: { 200: AttachmentSchema, 201: AttachmentSchema, ...errors },
      },
    },
    async (request, reply) => {
      const actor = principalOf(request);
      const event = await visibleEvent(ctx, actor, request.params.id);
      const data = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      const { attachment, created } = await saveAttachment(ctx, actor, {
        id: request.query.attachmentId,
        eventId: event.id,
        fileName: request.query.fileName,
        data,
      });
      return reply.status(created ? 201 : 200).send(attachment);
    },
  );

  app.get(
    "/events/:id/attachments",
    {
      schema: {
        tags: ["events"],
        summary: "The attachments of an event",
        params: EventIdParamsSchema,
        response: { 200: z.array(AttachmentSchema), ...errors },
      },
    },
    async (request) => {
      const event = await visibleEvent(ctx, principalOf(request), request.params.id);
      return listAttachments(ctx, principalOf(request), event.id);
    },
  );

  app.get(
    "/events/:id/attachments/:attachmentId",
    {
      schema: {
        tags: ["events"],
        summary: "Download an attachment (staff of the area: the original; others: without location metadata)",
        params: AttachmentParamsSchema,
        querystring: AttachmentDownloadQuerySchema,
      },
    },
    async (request, reply) => {
      const actor = principalOf(request);
      const event = await visibleEvent(ctx, actor, request.params.id);
      const staff = canView(principalScope(actor, "event.read"), event.area_path);
      const variant = staff && request.query.variant !== "public" ? "original" : "public";
      const { row, data } = await readAttachment(ctx, actor, event.id, request.params.attachmentId, variant);
      return reply
        .type(row.content_type)
        .header("content-disposition", `inline; filename*=UTF-8''${encodeURIComponent(row.file_name)}`)
        .header("x-content-type-options", "nosniff")
        .send(data);
    },
  );
};

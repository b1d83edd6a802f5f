import type { FastifyReply } from "fastify";

/**
 * Sends stored file bytes to be shown in the browser (a photo, a PDF): the type the server found from
 * the bytes (never the uploader's claim) and nosniff, so nothing is read as HTML or script, the stored
 * name in RFC 5987 form (cleaned when it was stored: no path, no controls, no direction overrides),
 * and how long it may be cached — "no-store" for what only staff may see.
 */
export function sendInlineFile(
  reply: FastifyReply,
  file: { contentType: string; fileName: string; data: Buffer },
  cacheControl: string,
) {
  return reply
    .type(file.contentType)
    .header("content-disposition", `inline; filename*=UTF-8''${encodeURIComponent(file.fileName)}`)
    .header("x-content-type-options", "nosniff")
    .header("cache-control", cacheControl)
    .send(file.data);
}

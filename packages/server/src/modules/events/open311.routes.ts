import formbody from "@fastify/formbody";
import multipart from "@fastify/multipart";
import type { FastifyReply, FastifyRequest } from "fastify";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { AppContext } from "../../context.ts";
import { requestMeta } from "../../http/authenticate.ts";
import { assertNoNul } from "../../http/request-edge.ts";
import { open311PostRateLimit } from "../../http/security.ts";
import { MAX_ATTACHMENT_BYTES } from "./attachment-files.ts";
import { readPublicMedia } from "./attachments.service.ts";
import { listCategories } from "./categories.service.ts";
import {
  discovery,
  type Open311Error,
  type Open311Format,
  serviceDefinition,
  serviceList,
  toXml,
  XML_ITEMS,
} from "./open311.ts";
import {
  createOpen311Request,
  findByToken,
  findOpen311Requests,
  Open311Failure,
  type Open311Post,
} from "./open311-requests.service.ts";

/**
 * Open311 GeoReport v2 at /open311/v2/: discovery and the service list and definitions, from the
 * event categories, in `.json` and `.xml`. Errors are the specification's error list (a JSON array,
 * or `<errors><error>` in XML) with 400/404. `jurisdiction_id` is accepted everywhere and must match
 * WANGGE_OPEN311_JURISDICTION when given. Service requests are events (open311-requests.service).
 */
function parseFile(file: string): { name: string; format: Open311Format } | undefined {
  const dot = file.lastIndexOf(".");
  const format = file.slice(dot + 1);
  if (dot <= 0 || (format !== "json" && format !== "xml")) return undefined;
  return { name: file.slice(0, dot), format };
}

function send(reply: FastifyReply, format: Open311Format, root: string, body: unknown, status = 200) {
  if (format === "xml")
    return reply
      .status(status)
      .type("text/xml; charset=utf-8")
      .send(toXml(root, body, XML_ITEMS));
  return reply.status(status).type("application/json; charset=utf-8").send(JSON.stringify(body));
}

function fail(reply: FastifyReply, format: Open311Format, status: number, description: string) {
  const errors: Open311Error[] = [{ code: status, description }];
  return send(reply, format, "errors", errors, status);
}

const Query = z
  .object({
    jurisdiction_id: z.string().max(100).optional(),
    service_request_id: z.string().max(20_000).optional(),
    service_code: z.string().max(2000).optional(),
    start_date: z.string().max(40).optional(),
    end_date: z.string().max(40).optional(),
    status: z.string().max(20).optional(),
  })
  .passthrough();

/** The base URL clients reached us at (for discovery and media links). */
const baseOf = (request: FastifyRequest) => `${request.protocol}://${request.headers.host ?? "localhost"}`;

/** Answers an Open311 failure in the specification's error format; anything else propagates. */
function answerFailure(reply: FastifyReply, format: Open311Format, err: unknown) {
  if (err instanceof Open311Failure) return send(reply, format, "errors", err.errors, err.status);
  throw err;
}

/** The fields of a form or multipart POST: `attribute[code]` collected, files read (with a limit). */
async function readPost(request: FastifyRequest): Promise<{ fields: Record<string, string>; post: Open311Post }> {
  const fields: Record<string, string> = {};
  const attributes: Record<string, string | string[]> = {};
  const files: Open311Post["files"] = [];
  const add = (name: string, value: string) => {
    const m = /^attribute\[(.+)\](\[\])?$/.exec(name);
    if (m) {
      const code = m[1] as string;
      const prev = attributes[code];
      attributes[code] =
        prev === undefined ? (m[2] ? [value] : value) : [...(Array.isArray(prev) ? prev : [prev]), value];
    } else fields[name] = value;
  };
  if (request.isMultipart()) {
    for await (const part of request.parts()) {
      if (part.type === "file") {
        assertNoNul({ [part.fieldname]: { filename: part.filename } }, "body");
        const data = await part.toBuffer();
        if (data.length > 0) files.push({ fileName: part.filename || part.fieldname, data });
      } else {
        const value = String(part.value ?? "");
        assertNoNul({ [part.fieldname]: value }, "body");
        add(part.fieldname, value);
      }
    }
  } else {
    for (const [name, value] of Object.entries((request.body ?? {}) as Record<string, unknown>)) {
      if (Array.isArray(value)) for (const v of value) add(name, String(v));
      else if (value !== undefined && value !== null) add(name, String(value));
    }
  }
  const pick = (k: string) => fields[k];
  return {
    fields,
    post: {
      service_code: pick("service_code"),
      lat: pick("lat"),
      long: pick("long"),
      address_string: pick("address_string"),
      address_id: pick("address_id"),
      email: pick("email"),
      device_id: pick("device_id"),
      account_id: pick("account_id"),
      first_name: pick("first_name"),
      last_name: pick("last_name"),
      phone: pick("phone"),
      description: pick("description"),
      media_url: pick("media_url"),
      attributes,
      files,
    },
  };
}

/** The document asked for (name and format), or undefined after answering the specification's error. */
function documentOf(
  reply: FastifyReply,
  file: string,
  jurisdiction: string | undefined,
  served: string,
): { name: string; format: Open311Format } | undefined {
  const parsed = parseFile(file);
  if (!parsed) {
    void fail(reply, "json", 404, `no such document: ${file}`);
    return undefined;
  }
  if (jurisdiction !== undefined && jurisdiction !== served) {
    void fail(reply, parsed.format, 404, `jurisdiction_id ${jurisdiction} is not served here`);
    return undefined;
  }
  return parsed;
}

export const open311Routes: FastifyPluginAsyncZod<{ ctx: AppContext }> = async (app, { ctx }) => {
  await app.register(formbody);
  await app.register(multipart, { limits: { fileSize: MAX_ATTACHMENT_BYTES, files: 5, fields: 100 } });
  const locale = ctx.config.defaultLocale === "en" ? "en" : "zh-CN";
  const jurisdiction = ctx.config.open311Jurisdiction;

  app.get(
    "/open311/v2/:file",
    {
      config: { public: true },
      schema: {
        tags: ["open311"],
        summary: "GeoReport v2: discovery.{json,xml} and services.{json,xml}",
        params: z.object({ file: z.string().max(40) }),
        querystring: Query,
      },
    },
    async (request, reply) => {
      const file = documentOf(reply, request.params.file, request.query.jurisdiction_id, jurisdiction);
      if (!file) return reply;
      if (file.name === "requests") {
        try {
          const list = await findOpen311Requests(ctx, request.query, baseOf(request), locale);
          return send(reply, file.format, "service_requests", list);
        } catch (err) {
          return answerFailure(reply, file.format, err);
        }
      }
      const categories = await listCategories(ctx.db, { activeOnly: true });
      if (file.name === "services") return send(reply, file.format, "services", serviceList(categories, locale));
      if (file.name === "discovery") {
        return send(reply, file.format, "discovery", discovery(baseOf(request), "2026-11-28T00:00:00Z"));
      }
      return fail(reply, file.format, 404, `no such document: ${file.name}`);
    },
  );

  app.get(
    "/open311/v2/services/:file",
    {
      config: { public: true },
      schema: {
        tags: ["open311"],
        summary: "GeoReport v2: the definition (extra fields) of one service, services/{service_code}.{json,xml}",
        params: z.object({ file: z.string().max(80) }),
        querystring: Query,
      },
    },
    async (request, reply) => {
      const file = documentOf(reply, request.params.file, request.query.jurisdiction_id, jurisdiction);
      if (!file) return reply;
      const category = (await listCategories(ctx.db, { activeOnly: true })).find(
        (c) => c.key === file.name && c.parentKey,
      );
      if (!category) return fail(reply, file.format, 404, `service_code ${file.name} not found`);
      return send(reply, file.format, "service_definition", serviceDefinition(category, locale));
    },
  );

  app.post(
    "/open311/v2/:file",
    {
      config: { public: true, rateLimit: open311PostRateLimit(ctx.config) },
      bodyLimit: MAX_ATTACHMENT_BYTES * 4,
      schema: {
        tags: ["open311"],
        summary: "GeoReport v2: create a service request, requests.{json,xml} (api_key required)",
        description:
          "application/x-www-form-urlencoded or multipart/form-data (photos as file parts). Fields: api_key, jurisdiction_id, service_code, lat, long, address_string, address_id (the code of a grid or village), email, phone, first_name, last_name, description, media_url, attribute[code]. A retried identical request answers the request already made.",
        params: z.object({ file: z.string().max(40) }),
      },
    },
    async (request, reply) => {
      const parsed = parseFile(request.params.file);
      if (parsed?.name !== "requests")
        return fail(reply, parsed?.format ?? "json", 404, "POST goes to requests.xml or requests.json");
      try {
        const { fields, post } = await readPost(request);
        const query = request.query as Record<string, string | undefined>;
        const jurisdictionGiven = fields.jurisdiction_id ?? query.jurisdiction_id;
        if (jurisdictionGiven !== undefined && jurisdictionGiven !== jurisdiction)
          return fail(reply, parsed.format, 404, `jurisdiction_id ${jurisdictionGiven} is not served here`);
        const created = await createOpen311Request(ctx, requestMeta(request), fields.api_key ?? query.api_key, post);
        return send(reply, parsed.format, "service_requests", created, 201);
      } catch (err) {
        if (isMultipartLimit(err))
          return fail(reply, parsed.format, 400, `media: each file at most ${MAX_ATTACHMENT_BYTES / 1024 / 1024} MiB`);
        return answerFailure(reply, parsed.format, err);
      }
    },
  );

  /** A GET of one document under a folder (requests/{id}, tokens/{token}) answered as service requests. */
  const serviceRequestsAt = (
    folder: string,
    summary: string,
    find: (name: string, request: FastifyRequest) => Promise<unknown[]>,
  ) =>
    app.get(
      `/open311/v2/${folder}/:file`,
      {
        config: { public: true },
        schema: {
          tags: ["open311"],
          summary,
          params: z.object({ file: z.string().max(80) }),
          querystring: Query,
        },
      },
      async (request, reply) => {
        const file = documentOf(reply, request.params.file, request.query.jurisdiction_id, jurisdiction);
        if (!file) return reply;
        try {
          return send(reply, file.format, "service_requests", await find(file.name, request));
        } catch (err) {
          return answerFailure(reply, file.format, err);
        }
      },
    );
  serviceRequestsAt(
    "requests",
    "GeoReport v2: one service request, requests/{service_request_id}.{json,xml}",
    async (name, request) => {
      const list = await findOpen311Requests(ctx, { service_request_id: name }, baseOf(request), locale);
      if (list.length === 0)
        throw new Open311Failure(404, [{ code: 404, description: `service_request_id ${name} not found` }]);
      return list;
    },
  );
  serviceRequestsAt("tokens", "GeoReport v2: the service request id of a token, tokens/{token}.{json,xml}", (name) =>
    findByToken(ctx, name),
  );

  app.get(
    "/open311/v2/media/:id",
    {
      config: { public: true },
      schema: {
        tags: ["open311"],
        summary: "A photo of a public service request (without location metadata)",
        params: z.object({ id: z.uuid() }),
      },
    },
    async (request, reply) => {
      const media = await readPublicMedia(ctx, request.params.id);
      if (!media) return fail(reply, "json", 404, "no such media");
      return reply.type(media.row.content_type).header("x-content-type-options", "nosniff").send(media.data);
    },
  );
};

function isMultipartLimit(err: unknown): boolean {
  const code = (err as { code?: string } | null)?.code;
  return code === "FST_REQ_FILE_TOO_LARGE" || code === "FST_FILES_LIMIT" || code === "FST_PARTS_LIMIT";
}

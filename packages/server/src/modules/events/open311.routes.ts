import type { FastifyReply } from "fastify";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { AppContext } from "../../context.ts";
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

/**
 * Open311 GeoReport v2 at /open311/v2/: discovery and the service list and definitions, from the
 * event categories, in `.json` and `.xml`. Errors are the specification's error list (a JSON array,
 * or `<errors><error>` in XML) with 400/404. `jurisdiction_id` is accepted everywhere and must match
 * WANGGE_OPEN311_JURISDICTION when given. Requests (POST and GET) land with the events module.
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

const Query = z.object({ jurisdiction_id: z.string().max(100).optional() }).passthrough();

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
      const categories = await listCategories(ctx.db, { activeOnly: true });
      if (file.name === "services") return send(reply, file.format, "services", serviceList(categories, locale));
      if (file.name === "discovery") {
        const proto = request.protocol;
        const base = `${proto}://${request.headers.host ?? "localhost"}`;
        return send(reply, file.format, "discovery", discovery(base, "2026-11-28T00:00:00Z"));
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
};

import { DomainError, fieldIssue } from "@wangge/core";
import type { FastifyRequest } from "fastify";
import type { z } from "zod";
import { assertStorableText } from "../../http/request-edge.ts";
import type { DeviceRequestHeaders } from "./device-signature.ts";

/**
 * What the routes of signed device requests (intake webhooks, loudspeakers' queues) read off a request
 * the same way: the signature's headers, and a body kept raw for the signature, then parsed here.
 */
export function deviceRequestHeaders(request: FastifyRequest): DeviceRequestHeaders {
  const header = (name: string) => {
    const v = request.headers[name];
    return Array.isArray(v) ? v[0] : v;
  };
  return {
    timestamp: header("x-wangge-timestamp"),
    nonce: header("x-wangge-nonce"),
    signature: header("x-wangge-signature"),
  };
}

/** The raw body (already checked against its signature) as JSON of `schema`, or refused naming each field (body.*). */
export function parseSignedBody<S extends z.ZodType>(raw: Buffer, schema: S, what: string): z.output<S> {
  let json: unknown;
  try {
    json = JSON.parse(raw.toString("utf8"));
  } catch {
    throw new DomainError("VALIDATION_FAILED", "the body is not JSON", {
      errors: [fieldIssue("body", "EVENT_FIELD_JSON")],
    });
  }
  assertStorableText(json, "body");
  const parsed = schema.safeParse(json);
  if (!parsed.success)
    throw new DomainError("VALIDATION_FAILED", `the ${what} is not valid`, {
      errors: parsed.error.issues.map((i) => ({
        path: ["body", ...i.path].join("."),
        message: i.message,
        schemaIssue: i,
      })),
    });
  return parsed.data;
}

import { type FieldIssue, isDomainError } from "@wangge/core";
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from "fastify-type-provider-zod";
import { problemDetail, requestLocale, sayIssues, sayZodIssue } from "./locale.ts";
import { buildProblem, statusForCode } from "./problem.ts";

/**
 * The one place errors become HTTP answers: always `application/problem+json` with a stable code.
 * Validation failures list every failing field with its path (`body.id`, `query.lng`). Unknown
 * errors answer 500 with the request id; their stack goes to the log only, without the statement,
 * parameters and row a database error carries (logger.ts's error serializer). The detail and the
 * field messages are in the caller's language (http/locale.ts); the code is the same in every language.
 */
const FASTIFY_CODES: Record<string, string> = {
  FST_ERR_CTP_INVALID_JSON_BODY: "REQUEST_MALFORMED_JSON",
  FST_ERR_CTP_EMPTY_JSON_BODY: "REQUEST_EMPTY_JSON_BODY",
  FST_ERR_CTP_INVALID_MEDIA_TYPE: "REQUEST_UNSUPPORTED_MEDIA_TYPE",
  FST_ERR_CTP_BODY_TOO_LARGE: "REQUEST_BODY_TOO_LARGE",
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: "REQUEST_INVALID",
  FST_ERR_CTP_INVALID_TYPE: "REQUEST_INVALID",
  FST_ERR_BAD_URL: "REQUEST_INVALID",
  FST_ERR_ASYNC_CONSTRAINT: "REQUEST_INVALID",
  FST_ERR_VALIDATION: "VALIDATION_FAILED",
};

function toPath(context: string | undefined, segments: ReadonlyArray<PropertyKey> | string | undefined): string {
  const parts = typeof segments === "string" ? segments.split("/").filter(Boolean) : (segments ?? []).map(String);
  return [context === "querystring" ? "query" : context, ...parts].filter(Boolean).join(".");
}

/** The value a request held at a path of one of its parts (body, querystring, params, headers). */
function valueAt(request: FastifyRequest, context: string | undefined, segments: string[]): unknown {
  const parts: Record<string, unknown> = {
    body: request.body,
    querystring: request.query,
    params: request.params,
    headers: request.headers,
  };
  let value = context ? parts[context] : undefined;
  for (const s of segments)
    value = value && typeof value === "object" ? (value as Record<string, unknown>)[s] : undefined;
  return value;
}

export function sendProblem(
  reply: FastifyReply,
  request: FastifyRequest,
  code: string,
  detail: string,
  options: { status?: number; errors?: FieldIssue[] } = {},
) {
  const locale = requestLocale(request);
  const problem = buildProblem(code, problemDetail(code, detail, locale), {
    ...options,
    ...(options.errors ? { errors: sayIssues(options.errors, locale) } : {}),
    instance: request.url.split("?")[0],
    requestId: request.id,
  });
  return reply
    .status(problem.status)
    .type("application/problem+json; charset=utf-8")
    .serializer(JSON.stringify)
    .send(problem);
}

export function registerErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (hasZodFastifySchemaValidationErrors(error)) {
      const locale = requestLocale(request);
      const context = error.validationContext;
      const errors = error.validation.map((v) => {
        const segments = v.instancePath.split("/").filter(Boolean);
        // The issue as zod raised it (the provider passes its fields as params), with the value given,
        // so zod's own Chinese can say what was received.
        const issue = { ...v.params, code: v.keyword, path: segments, input: valueAt(request, context, segments) };
        return { path: toPath(context, segments), message: sayZodIssue(issue, v.message ?? "invalid", locale) };
      });
      const fields = errors.map((e) => e.path).join(", ");
      return sendProblem(reply, request, "VALIDATION_FAILED", `invalid request: ${fields}`, { errors });
    }
    if (isResponseSerializationError(error)) {
      // Where and why the response failed its schema — never the values (issues may carry the input).
      const issues = error.cause?.issues?.map((i) => ({ path: i.path, code: i.code, message: i.message }));
      request.log.error({ err: error, issues }, "response does not match its schema");
      return sendProblem(reply, request, "INTERNAL_ERROR", `internal error; quote request id ${request.id}`);
    }
    if (isDomainError(error)) {
      const status = statusForCode(error.code);
      if (status >= 500) request.log.error({ err: error }, error.message);
      return sendProblem(reply, request, error.code, error.message, {
        status,
        ...(error.errors ? { errors: error.errors } : {}),
      });
    }
    const mapped = error.code ? FASTIFY_CODES[error.code] : undefined;
    if (mapped) {
      const detail =
        mapped === "REQUEST_UNSUPPORTED_MEDIA_TYPE"
          ? `content type ${JSON.stringify(request.headers["content-type"] ?? "")} is not accepted here; send application/json`
          : mapped === "REQUEST_BODY_TOO_LARGE"
            ? `the request body is larger than the limit of ${request.routeOptions.bodyLimit ?? app.initialConfig.bodyLimit} bytes`
            : error.message;
      return sendProblem(reply, request, mapped, detail, { status: statusForCode(mapped) });
    }
    if (error.statusCode === 429) return sendProblem(reply, request, "RATE_LIMITED", error.message, { status: 429 });
    if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
      return sendProblem(reply, request, "REQUEST_INVALID", error.message, { status: error.statusCode });
    }
    request.log.error({ err: error }, "unhandled error");
    return sendProblem(reply, request, "INTERNAL_ERROR", `internal error; quote request id ${request.id}`, {
      status: 500,
    });
  });
}

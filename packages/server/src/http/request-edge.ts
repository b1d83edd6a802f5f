import { STATUS_CODES } from "node:http";
import type { Socket } from "node:net";
import { DomainError, type FieldIssue, fieldIssue } from "@wangge/core";
import type { ConnectionError, FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { sendProblem } from "./error-handler.ts";
import { buildProblem } from "./problem.ts";

/**
 * What every request must be before any route sees it, checked in one place:
 * - its path has one spelling. The router decodes `%61` to `a`, so `/%61pi/v1/roles` reaches the
 *   same route as `/api/v1/roles`; anything that reasons about the raw URL (a proxy's rules, a log
 *   search, a rate limit) would see another path than the route. Percent-encoded letters, digits,
 *   `-._~`, slashes and backslashes, `//` and dot segments are refused (400
 *   REQUEST_PATH_NOT_CANONICAL) rather than redirected: no browser or client of ours sends them,
 *   and a 308 would echo an attacker's spelling into a Location header (`//host` is a protocol-
 *   relative redirect) and make clients re-send bodies and credentials.
 * - its URL and headers fit (414 REQUEST_URI_TOO_LONG, 431 REQUEST_HEADERS_TOO_LARGE), answered
 *   as problem+json even when Node's parser stops before Fastify sees the request.
 * - every text in its params, query or body (values and property names) is storable: no NUL
 *   character (U+0000), which PostgreSQL cannot store in text or jsonb, and no lone surrogate (a
 *   JSON `"\ud800"` that is not half of a pair: not well-formed UTF-16, so not text at all). The
 *   driver would write a lone surrogate to a text column as U+FFFD — a value other than the one the
 *   service saw, hashed into the audit chain or compared — and jsonb refuses it (a 500). Refused with
 *   the field's path (VALIDATION_FAILED). Bodies a route reads itself (multipart, raw JSON) use
 *   assertStorableText.
 */

/** Longest request target (path and query) accepted; longer ones answer 414. */
export const MAX_URL_BYTES = 8 * 1024;
/** Node's limit on the request line and headers together (its default); beyond it 431 (or 414). */
export const MAX_HEADER_BYTES = 16 * 1024;

const NOT_CANONICAL_ESCAPES = new Set([..."ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~/\\"]);

/** Why a raw request target's path is not canonical, or undefined when it is. */
export function nonCanonicalPath(rawUrl: string): string | undefined {
  const query = rawUrl.indexOf("?");
  const path = query === -1 ? rawUrl : rawUrl.slice(0, query);
  if (!path.startsWith("/")) return "the path must start with /";
  if (path.includes("//")) return "the path holds an empty segment (//)";
  for (const match of path.matchAll(/%([0-9A-Fa-f]{2})/g)) {
    const char = String.fromCharCode(Number.parseInt(match[1] as string, 16));
    if (NOT_CANONICAL_ESCAPES.has(char)) return `the path escapes ${JSON.stringify(char)} as ${match[0]}`;
  }
  if (path.split("/").some((segment) => segment === "." || segment === "..")) return "the path holds a dot segment";
  return undefined;
}

const NUL = "\u0000";
const MAX_ISSUES = 20;

function isContainer(value: unknown): value is Record<string, unknown> | unknown[] {
  if (value === null || typeof value !== "object") return false;
  // Parsed JSON, query strings and form bodies (whose objects come from a null-prototype
  // constructor); never a Buffer, a typed array, a stream a route reads itself, or a Date.
  return (
    !ArrayBuffer.isView(value) && !(value instanceof Date) && typeof (value as { pipe?: unknown }).pipe !== "function"
  );
}

/** Why a text cannot be stored as it is, or undefined when it can. */
function textProblem(text: string): string | undefined {
  if (text.includes(NUL)) return "FIELD_TEXT_NUL";
  if (!text.isWellFormed()) return "FIELD_TEXT_SURROGATE";
  return undefined;
}

/** A property name as a path shows it: NUL and lone surrogates spelled as escapes. */
function pathKey(key: string): string {
  return key.replaceAll(NUL, "\\u0000").replace(/\p{Cs}/gu, (c) => `\\u${c.charCodeAt(0).toString(16)}`);
}

/**
 * Every place under `root` where text (a string or an object key) holds a NUL character or a lone
 * surrogate (see the file's comment).
 */
export function textIssues(value: unknown, root: string): FieldIssue[] {
  const issues: FieldIssue[] = [];
  // Iterative: a deeply nested body must not overflow the stack.
  const stack: [unknown, string][] = [[value, root]];
  while (stack.length > 0 && issues.length < MAX_ISSUES) {
    const [current, path] = stack.pop() as [unknown, string];
    if (typeof current === "string") {
      const problem = textProblem(current);
      if (problem) issues.push(fieldIssue(path, problem));
    } else if (isContainer(current)) {
      const entries = Array.isArray(current) ? current.map((v, i) => [String(i), v] as const) : Object.entries(current);
      for (let i = entries.length - 1; i >= 0; i--) {
        const [key, child] = entries[i] as readonly [string, unknown];
        const childPath = `${path}.${pathKey(key)}`;
        const problem = textProblem(key);
        if (problem) issues.push(fieldIssue(childPath, "FIELD_NAME_OF_KEY", { problem: { code: problem } }));
        else stack.push([child, childPath]);
      }
    }
  }
  return issues.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

function textError(issues: FieldIssue[]): DomainError {
  return new DomainError(
    "VALIDATION_FAILED",
    `text must not contain NUL characters or lone surrogates: ${issues.map((i) => i.path).join(", ")}`,
    { errors: issues },
  );
}

/** For input a route reads itself (multipart fields, a signed raw JSON body): throws VALIDATION_FAILED. */
export function assertStorableText(value: unknown, root: string): void {
  const issues = textIssues(value, root);
  if (issues.length > 0) throw textError(issues);
}

/** The former name, still imported by the Open311 routes (their owner moves them to the new one; #16). */
export const assertNoNul = assertStorableText;

export function registerRequestEdge(app: FastifyInstance): void {
  app.addHook("onRequest", async (request: FastifyRequest) => {
    const raw = request.raw.url ?? "/";
    if (Buffer.byteLength(raw) > MAX_URL_BYTES) {
      throw new DomainError("REQUEST_URI_TOO_LONG", `the URL is longer than ${MAX_URL_BYTES} bytes`);
    }
    const why = nonCanonicalPath(raw);
    if (why) {
      throw new DomainError("REQUEST_PATH_NOT_CANONICAL", `${why}; send the path in its plain spelling`);
    }
  });
  app.addHook("preValidation", async (request: FastifyRequest) => {
    const issues = [
      ...textIssues(request.params, "params"),
      ...textIssues(request.query, "query"),
      ...textIssues(request.body, "body"),
    ];
    if (issues.length > 0) throw textError(issues);
  });
}

/**
 * Fastify's answers for paths the router itself refuses (undecodable escapes, a segment longer than
 * maxParamLength), which no hook or error handler sees: problem+json like every other answer.
 */
export function answerFrameworkError(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  if (error.code === "FST_ERR_MAX_PARAM_LENGTH") {
    void sendProblem(reply, request, "REQUEST_URI_TOO_LONG", "a segment of the path is too long");
  } else if (error.code === "FST_ERR_BAD_URL") {
    void sendProblem(reply, request, "REQUEST_PATH_NOT_CANONICAL", "the path holds an escape that does not decode");
  } else {
    void sendProblem(reply, request, "REQUEST_INVALID", error.message);
  }
}

const answeredSockets = new WeakSet<Socket>();

/**
 * Errors Node's HTTP parser raises before there is a request (header block too large, malformed
 * request line, a timeout): answered as problem+json and the connection ended gracefully. A request
 * line that alone passes the limit is a URL too long (414), else the headers are (431). The socket
 * keeps reading what the client is still sending until it closes, so the client gets the answer
 * instead of a reset.
 */
export function answerClientError(connectionError: ConnectionError, socket: Socket): void {
  // Node attaches the bytes it was parsing as a Buffer (Fastify's type describes its JSON form).
  const error = connectionError as unknown as Error & { code?: string; rawPacket?: Buffer };
  if (error.code === "ECONNRESET" || socket.destroyed || answeredSockets.has(socket)) return;
  answeredSockets.add(socket);
  let code = "REQUEST_INVALID";
  let detail = "the request could not be parsed";
  if (error.code === "HPE_HEADER_OVERFLOW") {
    const head = error.rawPacket?.subarray(0, MAX_HEADER_BYTES + 2).toString("latin1") ?? "";
    const lineEnd = head.indexOf("\r\n");
    const uriTooLong = /^[A-Z]+ /.test(head) && (lineEnd === -1 || lineEnd > MAX_URL_BYTES);
    code = uriTooLong ? "REQUEST_URI_TOO_LONG" : "REQUEST_HEADERS_TOO_LARGE";
    detail = uriTooLong
      ? `the URL is longer than ${MAX_URL_BYTES} bytes`
      : `the request's headers are larger than ${MAX_HEADER_BYTES} bytes`;
  } else if (error.code === "ERR_HTTP_REQUEST_TIMEOUT") {
    code = "REQUEST_TIMEOUT";
    detail = "the request was not received in time";
  }
  const problem = buildProblem(code, detail);
  const body = JSON.stringify(problem);
  if (socket.writable) {
    socket.end(
      `HTTP/1.1 ${problem.status} ${STATUS_CODES[problem.status]}\r\n` +
        "Content-Type: application/problem+json; charset=utf-8\r\n" +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
    // Node's parser has failed: stop feeding it, and drain what the client still sends.
    socket.removeAllListeners("data");
    socket.on("data", () => {});
    socket.resume();
    setTimeout(() => socket.destroy(), 5_000).unref();
  } else {
    socket.destroy();
  }
}

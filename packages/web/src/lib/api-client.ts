import type { FieldIssue, Problem } from "@wangge/core";

/**
 * The web app's one way to call the API. Any failure, whatever its origin (a problem+json answer,
 * a proxy's HTML error page, no network at all), becomes an ApiError with a code the UI translates
 * under `errors.<code>`.
 */
export class ApiError extends Error {
  readonly code: string;
  readonly status: number;
  readonly errors: FieldIssue[];
  readonly requestId: string | undefined;

  constructor(code: string, message: string, status: number, errors: FieldIssue[] = [], requestId?: string) {
    super(message);
    this.name = "ApiError";
    this.code = code;
    this.status = status;
    this.errors = errors;
    this.requestId = requestId;
  }
}

/**
 * Whether a failure says our server was not reached at all: no answer (no network, a refused
 * connection, a name that does not resolve), or a gateway's own 502/503/504 (a proxy whose upstream is
 * down; our server's own answers are problem+json). This is the one definition: the queue's
 * isUnreachable (lib/offline/queue.ts) builds on it, and the reachability store (lib/reachability.ts)
 * hears every outcome through onServerReach.
 */
export function isServerUnreached(error: unknown): boolean {
  return error instanceof ApiError ? error.code === "NETWORK_UNREACHABLE" : error instanceof TypeError;
}

const GATEWAY_STATUSES = new Set([502, 503, 504]);

/**
 * Set by the field app's service worker on the copy it answers when the network failed it
 * (build/field-service-worker.ts): a kept answer, so the server was not reached.
 */
export const KEPT_COPY_HEADER = "x-wangge-kept-copy";

type ReachListener = (reached: boolean) => void;
const reachListeners = new Set<ReachListener>();

/** Hears whether each request reached our server (true) or did not (false); returns the unsubscribe. */
export function onServerReach(listener: ReachListener): () => void {
  reachListeners.add(listener);
  return () => reachListeners.delete(listener);
}

function reportReach(reached: boolean): void {
  for (const listener of reachListeners) listener(reached);
}

/**
 * Calls fetch and classifies the outcome once for every caller: a throw or a gateway's own answer
 * becomes NETWORK_UNREACHABLE, and whether the server was reached is reported. A request the caller
 * aborted says nothing about the network.
 */
async function reachServer(path: string, init: RequestInit): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(path, init);
  } catch (error) {
    if (!init.signal?.aborted) reportReach(false);
    throw new ApiError("NETWORK_UNREACHABLE", (error as Error).message, 0);
  }
  const type = response.headers.get("content-type") ?? "";
  if (GATEWAY_STATUSES.has(response.status) && !type.includes("problem+json")) {
    reportReach(false);
    throw new ApiError("NETWORK_UNREACHABLE", response.statusText, response.status);
  }
  reportReach(!response.headers.has(KEPT_COPY_HEADER));
  return response;
}

/** The CSRF token of the current session; sent with every write (the server refuses writes without it). */
let csrfToken: string | null = null;

export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * The language the user chose in the app (i18n sets it on <html lang>), sent with every request so
 * the server's messages — problem details, field errors, import reports — come in it.
 */
function language(): Record<string, string> {
  const lang = typeof document === "undefined" ? "" : document.documentElement.lang;
  return lang ? { "accept-language": lang } : {};
}

/** A file the API answers (an export): saved under `fileName` through the browser's download. */
export async function apiDownload(path: string, json: unknown, fileName: string): Promise<void> {
  const response = await reachServer(path, {
    method: "POST",
    credentials: "same-origin",
    headers: {
      "content-type": "application/json",
      ...language(),
      ...(csrfToken ? { "x-csrf-token": csrfToken } : {}),
    },
    body: JSON.stringify(json),
  });
  if (!response.ok) {
    const problem = (await response.json().catch(() => undefined)) as Partial<Problem> | undefined;
    throw new ApiError(
      problem?.code ?? "REQUEST_INVALID",
      problem?.detail ?? response.statusText,
      response.status,
      problem?.errors ?? [],
    );
  }
  const url = URL.createObjectURL(await response.blob());
  const link = document.createElement("a");
  link.href = url;
  link.download = fileName;
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export async function apiFetch<T>(path: string, init: RequestInit & { json?: unknown } = {}): Promise<T> {
  const { json, headers, ...rest } = init;
  const method = (rest.method ?? "GET").toUpperCase();
  const response = await reachServer(path, {
    credentials: "same-origin",
    ...rest,
    headers: {
      accept: "application/json",
      ...language(),
      ...(json !== undefined ? { "content-type": "application/json" } : {}),
      ...(csrfToken && !SAFE_METHODS.has(method) ? { "x-csrf-token": csrfToken } : {}),
      ...headers,
    },
    ...(json !== undefined ? { body: JSON.stringify(json) } : {}),
  });
  const type = response.headers.get("content-type") ?? "";
  if (response.status === 204) return undefined as T;
  const body: unknown = type.includes("json") ? await response.json().catch(() => undefined) : undefined;
  if (!response.ok) {
    const problem = body as Partial<Problem> | undefined;
    throw new ApiError(
      problem?.code ?? (response.status >= 500 ? "INTERNAL_ERROR" : "REQUEST_INVALID"),
      problem?.detail ?? response.statusText,
      response.status,
      problem?.errors ?? [],
      problem?.requestId ?? response.headers.get("x-request-id") ?? undefined,
    );
  }
  return body as T;
}

export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  return new ApiError("INTERNAL_ERROR", error instanceof Error ? error.message : String(error), 0);
}

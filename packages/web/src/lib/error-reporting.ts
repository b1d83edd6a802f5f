import type { ClientErrorReportInput, WebApp } from "@wangge/core";

/**
 * Sends uncaught errors to POST /api/v1/client-errors so operators see what users saw. Each report
 * carries a client-generated id: a report retried after a network failure is stored once. At most
 * a few reports per page load, so a render loop cannot flood the server.
 */
const MAX_REPORTS_PER_PAGE = 5;
let sent = 0;
const seen = new Set<string>();

export function reportError(app: WebApp, error: unknown): void {
  const err = error instanceof Error ? error : new Error(String(error));
  const fingerprint = `${err.message}|${err.stack?.slice(0, 200) ?? ""}`;
  if (seen.has(fingerprint) || sent >= MAX_REPORTS_PER_PAGE) return;
  seen.add(fingerprint);
  sent++;
  const report: ClientErrorReportInput = {
    id: crypto.randomUUID(),
    app,
    message: (err.message || err.name || "error").slice(0, 2000),
    ...(err.stack ? { stack: err.stack.slice(0, 16_000) } : {}),
    url: window.location.href,
    appVersion: import.meta.env.VITE_APP_VERSION ?? "dev",
    occurredAt: new Date().toISOString(),
  };
  const send = (attempt: number) => {
    fetch("/api/v1/client-errors", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(report),
      keepalive: true,
    }).catch(() => {
      if (attempt < 3) setTimeout(() => send(attempt + 1), 2000 * attempt);
    });
  };
  send(1);
}

export function installErrorReporting(app: WebApp): void {
  window.addEventListener("error", (event) => reportError(app, event.error ?? event.message));
  window.addEventListener("unhandledrejection", (event) => reportError(app, event.reason));
}

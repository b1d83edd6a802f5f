import { z } from "zod";

/**
 * Crash reports from the four web apps, so that a failure a grid worker saw in a hamlet reaches the
 * operators' logs instead of vanishing. The client generates the id, so a report retried over a flaky
 * network is stored once. URLs are kept without query string or fragment: those can carry personal
 * data (a search for a name or phone number) that has no business in an error log; the server masks
 * ID and phone numbers in everything it keeps of a report (the URL's path included).
 */
export const WEB_APPS = ["console", "screen", "field", "resident"] as const;
export type WebApp = (typeof WEB_APPS)[number];

export const CLIENT_ERROR_LIMITS = {
  messageChars: 2000,
  stackChars: 16_000,
  urlChars: 2000,
  userAgentChars: 512,
  /** What is kept of a stack: its first frames say where; a report stores a few kilobytes at most. */
  storedStackChars: 4000,
} as const;

export const ClientErrorReportInputSchema = z
  .object({
    id: z.uuid(),
    app: z.enum(WEB_APPS),
    message: z.string().trim().min(1).max(CLIENT_ERROR_LIMITS.messageChars),
    stack: z.string().max(CLIENT_ERROR_LIMITS.stackChars).optional(),
    url: z.string().min(1).max(CLIENT_ERROR_LIMITS.urlChars),
    appVersion: z.string().max(64).optional(),
    occurredAt: z.iso.datetime({ offset: true }),
  })
  .strict()
  .meta({ id: "NewClientErrorReport" });
export type ClientErrorReportInput = z.infer<typeof ClientErrorReportInputSchema>;

export const ClientErrorReportResponseSchema = z
  .object({
    id: z.uuid(),
    app: z.enum(WEB_APPS),
    requestId: z.string(),
    receivedAt: z.string(),
  })
  .meta({ id: "ClientErrorReport" });
export type ClientErrorReportResponse = z.infer<typeof ClientErrorReportResponseSchema>;

/** Drops the query string and fragment of a URL or path; keeps scheme, host and path. */
export function stripUrlQuery(url: string): string {
  const cut = url.search(/[?#]/);
  return cut === -1 ? url : url.slice(0, cut);
}

/** A retry carries the same report; a different report under a used id is a client bug, not a retry. */
export function isSameClientErrorReport(
  a: Pick<ClientErrorReportInput, "app" | "message" | "url" | "occurredAt">,
  b: Pick<ClientErrorReportInput, "app" | "message" | "url" | "occurredAt">,
): boolean {
  return (
    a.app === b.app &&
    a.message === b.message &&
    stripUrlQuery(a.url) === stripUrlQuery(b.url) &&
    new Date(a.occurredAt).getTime() === new Date(b.occurredAt).getTime()
  );
}

import type { Message } from "../platform/messages.ts";

/**
 * The one error type that domain rules throw. `code` is UPPER_SNAKE, domain first, taken from an
 * `<domain>.errors.ts` catalogue; it doubles as the i18n key the web app translates. No HTTP here:
 * the server's error handler maps codes to statuses.
 */
export interface FieldIssue {
  /** Dotted path of the failing field, e.g. `body.boundary.coordinates.0`. */
  path: string;
  message: string;
  /** The record the issue is about, when the caller may open it (the person already registered with a number). */
  record?: { type: string; id: string };
  /** The message as data (platform/messages.ts), so the server can say it in the reader's language. */
  said?: Message;
  /** A schema's (zod's) issue the message came from, so the server can say it in the reader's language. */
  schemaIssue?: unknown;
}

export class DomainError<Code extends string = string> extends Error {
  readonly code: Code;
  readonly details: Record<string, unknown> | undefined;
  readonly errors: FieldIssue[] | undefined;

  constructor(code: Code, message: string, options: { details?: Record<string, unknown>; errors?: FieldIssue[] } = {}) {
    super(message);
    this.name = "DomainError";
    this.code = code;
    this.details = options.details;
    this.errors = options.errors;
  }
}

export function isDomainError(value: unknown): value is DomainError {
  return value instanceof DomainError;
}

import type { FieldIssue } from "@wangge/core";
import type { TFunction } from "i18next";
import { type ApiError, toApiError } from "./api-client.ts";
import { errorMessageKey } from "./error-message.ts";

/**
 * A failed request as a person should read it, for every form of every app: its code translated,
 * what the server said about it (problem+json `detail`), and each field error on the field it names.
 * `errors[].path` is the request's (`body.contact.phone`, `body.obligations.0.party`); a form's field
 * is its name path without `body.` (`["contact", "phone"]`, `["obligations", 0, "party"]`), or what
 * the form says it is called there (`{ "body.lng": "location" }`: a map is one field for two numbers).
 */
export type FieldName = (string | number)[];
export type FieldAliases = Record<string, string | FieldName>;

export interface FieldProblem {
  name: FieldName;
  message: string;
}

/** The form field a problem's path names (aliases first, by the longest path that prefixes it). */
export function fieldNameOf(path: string, aliases: FieldAliases = {}): FieldName {
  const alias = Object.keys(aliases)
    .filter((a) => path === a || path.startsWith(`${a}.`))
    .sort((a, b) => b.length - a.length)[0];
  if (alias !== undefined) {
    const to = aliases[alias] as string | FieldName;
    return Array.isArray(to) ? to : [to];
  }
  const parts = path.replace(/^(body|querystring|params)\./, "").split(".");
  return parts.map((p) => (/^\d+$/.test(p) ? Number(p) : p));
}

/** A problem's field errors as form fields, split by whether the form has the field. */
export function placeFieldErrors(
  issues: readonly FieldIssue[],
  hasField: (name: FieldName) => boolean,
  aliases: FieldAliases = {},
): { placed: FieldProblem[]; unplaced: FieldIssue[] } {
  const placed = new Map<string, FieldProblem>();
  const unplaced: FieldIssue[] = [];
  for (const issue of issues) {
    const name = fieldNameOf(issue.path, aliases);
    if (!hasField(name)) {
      unplaced.push(issue);
      continue;
    }
    const key = name.join(".");
    const seen = placed.get(key);
    // Two paths on one field (lng and lat on the map): one message each, not twice the same.
    if (!seen) placed.set(key, { name, message: issue.message });
    else if (!seen.message.includes(issue.message)) seen.message = `${seen.message}; ${issue.message}`;
  }
  return { placed: [...placed.values()], unplaced };
}

/** The lines a failure's message shows: the translated code, then the server's words (when it said more). */
export function problemLines(t: TFunction, e: unknown, unplaced: readonly FieldIssue[] = []): string[] {
  const error: ApiError = toApiError(e);
  const title = t(errorMessageKey(error.code));
  const lines = [title];
  const detail = error.message.trim();
  if (detail && detail !== title && error.code !== "NETWORK_UNREACHABLE" && error.status !== 0) lines.push(detail);
  for (const issue of unplaced) lines.push(`${issue.path.replace(/^body\./, "")}: ${issue.message}`);
  return lines;
}

import { redactPersonalNumbers } from "@wangge/core";
import type { FieldCrypto } from "../../crypto/field-crypto.ts";
import { sealFreeText } from "../../privacy/free-text.ts";

/**
 * The free text of events, as privacy/free-text.ts stores it (issue #16, item 11): each column holds
 * the text with ID and phone numbers masked, `<column>_sealed` the original encrypted (null when
 * nothing was masked). Who may see the originals: whoever may read the event (the reporter, staff
 * who may read events of its area) — on one event's detail, its attachments and its mediation record,
 * and in the mediation agreement printed for the parties. Everyone and everything else — inbox lists
 * and their word search, duplicate detection, notifications, Open311, the logs — gets the masked text.
 *
 * JSON columns (an event's extra fields, an agreement's obligations) are masked string by string and
 * sealed as a whole.
 */
type Ctx = { crypto: FieldCrypto };

/** The sealed free-text columns of each table of the events module (each has `<column>_sealed`). */
export const SEALED_TEXT = {
  event: ["title", "description", "address", "contact_name", "consent_note", "feedback", "attributes"],
  event_step: ["note"],
  event_attachment: ["file_name"],
  dispute_party: ["name", "address"],
  mediation_session: ["place", "mediators", "attendees", "record"],
  mediation_agreement: ["committee", "facts", "matters", "mediator_name", "obligations"],
  dispute_followup: ["result", "note"],
} as const;

/**
 * Columns only masked, with no original kept: copies of text sealed elsewhere (the reporter's name is
 * the contact's; a co-handling note is also the timeline note of that action) and notifications,
 * which are read by people other than the author.
 */
export const MASKED_TEXT = {
  event: ["reporter_name", "co_handlers"],
  notification: ["title", "body"],
} as const;

/** Masks the personal numbers in every string of a JSON value. */
export function redactJson<T>(value: T): T {
  if (typeof value === "string") return redactPersonalNumbers(value) as T;
  if (Array.isArray(value)) return value.map((v) => redactJson(v)) as T;
  if (value !== null && typeof value === "object")
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactJson(v)])) as T;
  return value;
}

type SealedColumns<T> = { [K in keyof T]: T[K] } & { [K in keyof T & string as `${K}_sealed`]: string | null };

/**
 * The values of free-text columns as stored: each masked, with its original sealed in `<column>_sealed`.
 * A null stays null; an object or array (a JSON column) is masked string by string and sealed whole.
 */
export function sealColumns<T extends Record<string, unknown>>(ctx: Ctx, values: T): SealedColumns<T> {
  const out: Record<string, unknown> = {};
  for (const [column, value] of Object.entries(values)) {
    if (value === null || value === undefined) {
      out[column] = value;
      out[`${column}_sealed`] = null;
    } else if (typeof value === "string") {
      const sealed = sealFreeText(ctx, value);
      out[column] = sealed.redacted;
      out[`${column}_sealed`] = sealed.sealed;
    } else {
      const original = JSON.stringify(value);
      const redacted = redactJson(value);
      out[column] = redacted;
      out[`${column}_sealed`] = JSON.stringify(redacted) === original ? null : ctx.crypto.encrypt(original);
    }
  }
  return out as SealedColumns<T>;
}

/** A note for the timeline, as stored: masked, the original sealed (null stays null). */
export function sealNote(
  ctx: Ctx,
  note: string | null | undefined,
): { note: string | null; note_sealed: string | null } {
  return sealColumns(ctx, { note: note ?? null });
}

/**
 * The row with the originals of the columns given, for a reader the caller has decided may see them.
 * A JSON column's original is parsed back.
 */
export function openColumns<R extends object>(ctx: Ctx, row: R, columns: readonly string[]): R {
  const out: Record<string, unknown> = { ...(row as Record<string, unknown>) };
  for (const column of columns) {
    const sealed = out[`${column}_sealed`];
    if (typeof sealed !== "string") continue;
    const text = ctx.crypto.decrypt(sealed);
    out[column] = typeof out[column] === "string" ? text : JSON.parse(text);
  }
  return out as R;
}

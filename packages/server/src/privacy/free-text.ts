import { redactPersonalNumbers } from "@wangge/core";
import type { FieldCrypto } from "../crypto/field-crypto.ts";

/**
 * User free text that may carry ID and phone numbers (an import's rejected cells, and — as modules
 * adopt it — event descriptions, notes, dispute parties, attachment names): the column holds the
 * text with the numbers masked (`redactPersonalNumbers`: an ID number keeps its region only, a mobile
 * number its first three and last four digits), a sibling `<column>_sealed` holds the original
 * encrypted — null when masking changed nothing, so most text costs no ciphertext. Readers who may
 * see the original (the author of an import, a handler with the reveal permission) `openFreeText`
 * it; everyone else, the database, its dumps and the logs see only the masked text.
 *
 * A sealed column must be listed in crypto/reencrypt.ts (ENCRYPTED_COLUMNS) so a key rotation
 * re-encrypts it.
 */
export interface SealedText {
  /** The text with personal numbers masked: what the column stores and most readers see. */
  redacted: string;
  /** The original, encrypted; null when there was nothing to mask. */
  sealed: string | null;
}

type Masker = (text: string) => string;

export function sealFreeText(
  ctx: { crypto: FieldCrypto },
  text: string,
  mask: Masker = redactPersonalNumbers,
): SealedText {
  const redacted = mask(text);
  return { redacted, sealed: redacted === text ? null : ctx.crypto.encrypt(text) };
}

/** The original text, for a reader the caller has decided may see it. */
export function openFreeText(ctx: { crypto: FieldCrypto }, text: SealedText): string {
  return text.sealed === null ? text.redacted : ctx.crypto.decrypt(text.sealed);
}

/**
 * Several texts stored together (a row's cells: a text[] column and one sealed column): each masked
 * by its own masker (default `redactPersonalNumbers`), the originals sealed as one JSON array when
 * any of them changed.
 */
export function sealFreeTexts(
  ctx: { crypto: FieldCrypto },
  texts: readonly string[],
  maskOf: (index: number) => Masker | undefined = () => undefined,
): { redacted: string[]; sealed: string | null } {
  const redacted = texts.map((t, i) => (maskOf(i) ?? redactPersonalNumbers)(t));
  const changed = redacted.some((r, i) => r !== texts[i]);
  return { redacted, sealed: changed ? ctx.crypto.encrypt(JSON.stringify(texts)) : null };
}

export function openFreeTexts(ctx: { crypto: FieldCrypto }, texts: { redacted: string[]; sealed: string | null }) {
  return texts.sealed === null ? texts.redacted : (JSON.parse(ctx.crypto.decrypt(texts.sealed)) as string[]);
}

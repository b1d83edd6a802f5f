import { normalisePartyName } from "@wangge/core";
import type { FieldCrypto } from "../../crypto/field-crypto.ts";
import { idIndex } from "../registry/registry-fields.ts";
import type { PartyWithoutKeyRow } from "./risk-sources.queries.ts";

/**
 * Who a dispute's party is, as a key that never holds a clear value: the blind index of their ID
 * number (the registry's own, so a party picked from the registry and one typed with the same number
 * are one person); else of their name and phone together; else a registry person without a number
 * by their id; else the blind index of their name alone — the weakest basis, which the alert says.
 * Names compare after NFKC and without spaces and brackets.
 */
export type IdentityBasis = "id" | "name_phone" | "person" | "name";

export function partyIdentityKey(crypto: FieldCrypto, row: PartyWithoutKeyRow): string {
  if (row.person_id_bidx) return `id:${row.person_id_bidx}`;
  if (row.id_number_enc) return `id:${idIndex(crypto, crypto.decrypt(row.id_number_enc))}`;
  const name = normalisePartyName(row.name_sealed ? crypto.decrypt(row.name_sealed) : row.name);
  if (row.phone_enc) return `name_phone:${crypto.blindIndex(`party:${name}|${crypto.decrypt(row.phone_enc)}`)}`;
  if (row.person_id) return `person:${row.person_id}`;
  return `name:${crypto.blindIndex(`party:${name}`)}`;
}

/** The basis a key was made on (shown in an alert's explanation: "matched by ID number"). */
export function identityBasis(key: string): IdentityBasis {
  return key.slice(0, key.indexOf(":")) as IdentityBasis;
}

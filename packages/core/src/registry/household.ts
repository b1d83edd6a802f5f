/**
 * A household register's vocabulary: where a person stands in residence, and how they are related to
 * the head of their household — in the order a register lists members (the head first).
 */
export const RESIDENCE_STATUSES = ["resident", "migrant", "away", "left_behind"] as const;
export type ResidenceStatus = (typeof RESIDENCE_STATUSES)[number];

export const RELATIONSHIPS = [
  "head",
  "spouse",
  "child",
  "parent",
  "grandparent",
  "grandchild",
  "sibling",
  "child_in_law",
  "other",
] as const;
export type Relationship = (typeof RELATIONSHIPS)[number];

/** Compares members as a register lists them: by relationship to the head, unknown ones last. */
export function byRelationship(a: { relationship: string | null }, b: { relationship: string | null }): number {
  const rank = (r: string | null) => {
    const i = (RELATIONSHIPS as readonly string[]).indexOf(r ?? "");
    return i < 0 ? RELATIONSHIPS.length : i;
  };
  return rank(a.relationship) - rank(b.relationship);
}

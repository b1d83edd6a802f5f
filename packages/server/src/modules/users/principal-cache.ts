import type { PrincipalAssignment } from "@wangge/core";

/**
 * Each request needs its user's assignments and their roles' permissions; they change rarely. This
 * process keeps them for five seconds per user and forgets all of them the moment it changes an
 * assignment or a role itself; a change made by another server process is seen within five seconds.
 * (Whether the session or token is valid and the account active is still read on every request.)
 */
const TTL_MS = 5_000;
const MAX_USERS = 50_000;
let cache = new Map<string, { at: number; assignments: PrincipalAssignment[] }>();

export function cachedAssignments(userId: string): PrincipalAssignment[] | undefined {
  const hit = cache.get(userId);
  if (!hit || Date.now() - hit.at > TTL_MS) return undefined;
  return hit.assignments;
}

export function rememberAssignments(userId: string, assignments: PrincipalAssignment[]): void {
  if (cache.size >= MAX_USERS) cache = new Map();
  cache.set(userId, { at: Date.now(), assignments });
}

/** After any change to assignments, roles or their permissions. */
export function forgetPrincipals(): void {
  cache = new Map();
}

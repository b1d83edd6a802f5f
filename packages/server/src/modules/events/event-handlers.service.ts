import {
  type Candidate,
  canWork,
  DomainError,
  fieldIssue,
  isWithin,
  type Permission,
  principalScope,
} from "@wangge/core";
import { pinyin } from "pinyin-pro";
import type { AppContext } from "../../context.ts";
import { staffHoldingOn } from "../users/staff-lookup.service.ts";
import { findAccount, loadPrincipal } from "../users/users.service.ts";

/**
 * Whom an event's work may be given to (the person assigned, the mediator of a dispute): an active
 * account holding a post with the permission that may act where the event is — the same test its
 * own actions will meet. Anyone else (an unknown id, a resident, a disabled account, staff of another
 * area) is answered with one and the same field error, so the answer tells nothing about who exists
 * or where, and nothing is written or notified.
 */
export async function staffWhoMayWork(
  ctx: AppContext,
  userId: string,
  permission: Permission,
  areaPath: string,
  field: string,
): Promise<{ userId: string; displayName: string }> {
  const user = await findAccount(ctx.db, userId);
  const principal = user?.status === "active" ? await loadPrincipal(ctx.db, user, "session") : undefined;
  if (!principal || !canWork(principalScope(principal, permission), areaPath))
    throw new DomainError("VALIDATION_FAILED", "no one by that id may take on this event's work", {
      errors: [fieldIssue(field, "EVENT_FIELD_NOT_HANDLER")],
    });
  return { userId: principal.userId, displayName: principal.displayName };
}

/** The paths of an area and of every area above it (/45/, /45/4508/, …, the area's own). */
function pathsUp(areaPath: string): string[] {
  const codes = areaPath.split("/").filter(Boolean);
  return codes.map((_, i) => `/${codes.slice(0, i + 1).join("/")}/`);
}

/**
 * The people an event's work may be given to — exactly those `staffWhoMayWork` accepts: active
 * staff whose post with the permission reaches the event's area. Each comes with the posts that
 * reach it (nearest first); those with a post at the event's own area (its grid) come first, then
 * by how near their post is, then by name. `q` matches part of the name in characters, full pinyin
 * or initials, from any character on (郑, zheng, zx, xue).
 */
export async function listWhoMayWork(
  ctx: AppContext,
  areaPath: string,
  permission: Permission,
  query: { q?: string | undefined; limit: number; offset: number },
): Promise<{ items: Candidate[]; total: number }> {
  const staff = await staffHoldingOn(ctx.db, permission, pathsUp(areaPath));
  const q = query.q?.trim().toLowerCase().replace(/\s+/g, "") ?? "";
  const depth = (path: string | null) => (path === null ? 0 : path.split("/").length);
  const fits = staff
    .filter((s) => canWork(principalScope(s.principal, permission), areaPath))
    .filter((s) => !q || nameMatches(s.principal.displayName, q))
    .map((s) => {
      const posts = s.posts
        .filter(
          (p) =>
            p.permissions.includes(permission) &&
            (p.areaPath === null
              ? p.workScope === "subtree"
              : p.areaPath === areaPath || (p.workScope === "subtree" && isWithin(areaPath, p.areaPath))),
        )
        .sort((a, b) => depth(b.areaPath) - depth(a.areaPath));
      return {
        userId: s.principal.userId,
        displayName: s.principal.displayName,
        posts: posts.map((p) => ({
          roleKey: p.roleKey,
          roleName: p.roleName,
          areaCode: p.areaCode,
          areaName: p.areaName,
        })),
        atEventArea: posts.some((p) => p.areaPath === areaPath),
        nearest: Math.max(0, ...posts.map((p) => depth(p.areaPath))),
      };
    })
    .sort(
      (a, b) =>
        Number(b.atEventArea) - Number(a.atEventArea) ||
        b.nearest - a.nearest ||
        a.displayName.localeCompare(b.displayName, "zh-CN") ||
        a.userId.localeCompare(b.userId),
    );
  return {
    items: fits.slice(query.offset, query.offset + query.limit).map(({ nearest: _, ...c }) => c),
    total: fits.length,
  };
}

/**
 * Whether a name matches what was typed: its characters (郑雪), or — typed in Latin letters — the
 * full pinyin or the initials read from any of its characters on (zhengxue, zheng, zx, xue, x).
 */
export function nameMatches(name: string, typed: string): boolean {
  const q = typed.toLowerCase().replace(/\s+/g, "");
  if (!q) return true;
  if (name.replace(/\s+/g, "").toLowerCase().includes(q)) return true;
  if (!/^[a-z]+$/.test(q)) return false;
  const syllables = pinyin(name, { toneType: "none", type: "array", surname: "head", v: true })
    .map((s) => s.toLowerCase().replace(/[^a-z]/g, ""))
    .filter(Boolean);
  for (let i = 0; i < syllables.length; i++) {
    const rest = syllables.slice(i);
    if (
      rest.join("").startsWith(q) ||
      rest
        .map((s) => s[0])
        .join("")
        .startsWith(q)
    )
      return true;
  }
  return false;
}

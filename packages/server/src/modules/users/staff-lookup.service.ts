import {
  isPermission,
  isWithin,
  type Permission,
  type Principal,
  type PrincipalAssignment,
  parentPathOf,
} from "@wangge/core";
import type { Kysely } from "kysely";
import type { DB } from "../../db/schema.ts";
import {
  listActiveHoldersOn,
  listActiveRoleHolders,
  listAssignmentsOfUsers,
  listPermissionsOfRoles,
} from "./users.queries.ts";

/** A member of staff as a picker shows them: their principal (to test), and their posts' names. */
export interface StaffMember {
  principal: Principal;
  posts: (PrincipalAssignment & { roleName: { "zh-CN": string; en: string } })[];
}

/** How many accounts one look-up considers at most (the staff of an area and of the areas above it). */
const STAFF_LOOKUP_MAX = 2000;

/**
 * The active staff who hold `permission` in a post on one of `paths` (an area and the areas above it)
 * or everywhere, with their principals — loaded in three statements, whatever their number, for a
 * caller that tests each with the same rule its writes apply (event-handlers.service.ts).
 */
export async function staffHoldingOn(db: Kysely<DB>, permission: Permission, paths: string[]): Promise<StaffMember[]> {
  const users = await listActiveHoldersOn(db, permission, paths, STAFF_LOOKUP_MAX);
  const posts = await listAssignmentsOfUsers(
    db,
    users.map((u) => u.id),
  );
  const perms = await listPermissionsOfRoles(db, [...new Set(posts.map((p) => p.role_key))]);
  return users.map((user) => {
    const own = posts
      .filter((p) => p.user_id === user.id)
      .map((a) => ({
        id: a.id,
        roleKey: a.role_key,
        areaCode: a.area_code,
        areaName: a.area_name,
        areaPath: a.area_path,
        homeUnit: a.home_unit,
        workScope: a.work_scope,
        requiresTotp: a.requires_totp,
        permissions: perms
          .filter((p) => p.role_key === a.role_key && isPermission(p.permission))
          .map((p) => p.permission as Permission),
        roleName: { "zh-CN": a.role_name_zh, en: a.role_name_en },
      }));
    return {
      principal: {
        userId: user.id,
        username: user.username,
        displayName: user.display_name,
        via: "session",
        assignments: own,
      },
      posts: own,
    };
  });
}

/**
 * The active staff holding `roleKey` in the area at `path`: on it, on an area above it (whose post
 * covers it) or on an area within it that holds one of the matter's records (`within`: the grid of
 * the disputes, not every grid of the township) — whom a task for that role there reaches.
 */
export async function staffInRoleAt(
  db: Kysely<DB>,
  roleKey: string,
  path: string,
  within: readonly string[],
): Promise<{ userId: string; displayName: string }[]> {
  const posts = new Set<string>();
  for (let p: string | null = path; p; p = parentPathOf(p)) posts.add(p);
  for (const record of within)
    if (isWithin(record, path))
      for (let p: string | null = record; p && p.length > path.length; p = parentPathOf(p)) posts.add(p);
  const rows = await listActiveRoleHolders(db, roleKey, [...posts], STAFF_LOOKUP_MAX);
  return rows.map((r) => ({ userId: r.id, displayName: r.display_name }));
}

import { type Insertable, type Kysely, sql, type Transaction } from "kysely";
import type { DB } from "../../db/schema.ts";
import { forgetPrincipals } from "./principal-cache.ts";
import type { AppUserRow, AppUserUpdate, AssignmentRow, AssignmentTable, NewAppUserRow } from "./users.table.ts";

type Db = Kysely<DB> | Transaction<DB>;

export async function findUserById(db: Db, id: string): Promise<AppUserRow | undefined> {
  return db.selectFrom("app_user").selectAll().where("id", "=", id).executeTakeFirst();
}

/**
 * Whether an id is a big-screen link's: an account may not take it, or the link's streams, requests and
 * audit rows would read as that account's (and the account's streams would push the wall's out).
 */
export async function isScreenLinkId(db: Db, id: string): Promise<boolean> {
  const row = await db.selectFrom("screen_token").select("id").where("id", "=", id).executeTakeFirst();
  return row !== undefined;
}

export async function findUserByUsername(db: Db, username: string): Promise<AppUserRow | undefined> {
  return db.selectFrom("app_user").selectAll().where("username", "=", username).executeTakeFirst();
}

/** The account whose mobile number this is (one per number: app_user_phone_bidx_key). */
export async function findUserByPhoneIndex(db: Db, phoneBidx: string): Promise<AppUserRow | undefined> {
  return db.selectFrom("app_user").selectAll().where("phone_bidx", "=", phoneBidx).executeTakeFirst();
}

/** Whether an error is the unique index on mobile numbers refusing a second account with one. */
export function isPhoneTakenViolation(error: unknown): boolean {
  const e = error as { code?: string; constraint?: string; message?: string };
  return e.code === "23505" && (e.constraint ?? e.message ?? "").includes("app_user_phone_bidx_key");
}

/**
 * Accounts that keep a mobile number on record without its index: numbers several accounts held when
 * they became unique (migration 2026_12_06_1300) stayed the identifier of one of them only.
 */
export async function listAccountsSharingPhones(db: Db, limit: number): Promise<string[]> {
  const rows = await db
    .selectFrom("app_user")
    .select("username")
    .where("phone_enc", "is not", null)
    .where("phone_bidx", "is", null)
    .orderBy("username")
    .limit(limit)
    .execute();
  return rows.map((r) => r.username);
}

export async function lockUser(db: Transaction<DB>, id: string): Promise<AppUserRow | undefined> {
  return db.selectFrom("app_user").selectAll().where("id", "=", id).forUpdate().executeTakeFirst();
}

/**
 * Inserts an account unless its id exists (undefined then: a create with this id got in first). A
 * username or mobile number another account holds is a unique violation the caller answers.
 */
export async function insertUser(db: Db, row: NewAppUserRow): Promise<AppUserRow | undefined> {
  return db
    .insertInto("app_user")
    .values(row)
    .onConflict((oc) => oc.column("id").doNothing())
    .returningAll()
    .executeTakeFirst();
}

/** Inserts an account unless its mobile number is another account's (undefined then). */
export async function insertUserUnlessPhoneTaken(db: Db, row: NewAppUserRow): Promise<AppUserRow | undefined> {
  return db
    .insertInto("app_user")
    .values(row)
    .onConflict((oc) => oc.column("phone_bidx").where("phone_bidx", "is not", null).doNothing())
    .returningAll()
    .executeTakeFirst();
}

export async function updateUser(db: Db, id: string, update: AppUserUpdate): Promise<void> {
  await db.updateTable("app_user").set(update).where("id", "=", id).execute();
}

export async function countUsers(db: Db): Promise<number> {
  const row = await db
    .selectFrom("app_user")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export interface AssignmentDetailRow extends AssignmentRow {
  area_code: string | null;
  area_name: string | null;
  work_scope: "subtree" | "area";
  requires_totp: boolean;
  role_name_zh: string;
  role_name_en: string;
}

export async function listAssignmentsOfUsers(db: Db, userIds: string[]): Promise<AssignmentDetailRow[]> {
  if (userIds.length === 0) return [];
  return db
    .selectFrom("assignment")
    .innerJoin("role", "role.key", "assignment.role_key")
    .leftJoin("area", "area.id", "assignment.area_id")
    .selectAll("assignment")
    .select([
      "area.code as area_code",
      "area.name as area_name",
      "role.work_scope",
      "role.requires_totp",
      "role.name_zh as role_name_zh",
      "role.name_en as role_name_en",
    ])
    .where("assignment.user_id", "in", userIds)
    .orderBy("assignment.created_at")
    .execute();
}

/** One user's assignments as listAssignmentsOfUsers gives them, each with its role's permissions: one round trip. */
export async function listAssignmentsWithPermissions(
  db: Db,
  userId: string,
): Promise<(AssignmentDetailRow & { permissions: string[] })[]> {
  return db
    .selectFrom("assignment")
    .innerJoin("role", "role.key", "assignment.role_key")
    .leftJoin("area", "area.id", "assignment.area_id")
    .selectAll("assignment")
    .select([
      "area.code as area_code",
      "area.name as area_name",
      "role.work_scope",
      "role.requires_totp",
      "role.name_zh as role_name_zh",
      "role.name_en as role_name_en",
      sql<string[]>`array(select rp.permission from role_permission rp where rp.role_key = assignment.role_key)`.as(
        "permissions",
      ),
    ])
    .where("assignment.user_id", "=", userId)
    .orderBy("assignment.created_at")
    .execute();
}

export async function listPermissionsOfRoles(
  db: Db,
  roleKeys: string[],
): Promise<{ role_key: string; permission: string }[]> {
  if (roleKeys.length === 0) return [];
  return db.selectFrom("role_permission").selectAll().where("role_key", "in", roleKeys).execute();
}

export async function findAssignment(db: Db, id: string): Promise<AssignmentRow | undefined> {
  return db.selectFrom("assignment").selectAll().where("id", "=", id).executeTakeFirst();
}

export async function insertAssignment(db: Db, row: Insertable<AssignmentTable>): Promise<AssignmentRow | undefined> {
  forgetPrincipals();
  return db
    .insertInto("assignment")
    .values(row)
    .onConflict((oc) => oc.doNothing())
    .returningAll()
    .executeTakeFirst();
}

export async function findSameAssignment(
  db: Db,
  userId: string,
  roleKey: string,
  areaId: string | null,
): Promise<AssignmentRow | undefined> {
  let q = db.selectFrom("assignment").selectAll().where("user_id", "=", userId).where("role_key", "=", roleKey);
  q = areaId === null ? q.where("area_id", "is", null) : q.where("area_id", "=", areaId);
  return q.executeTakeFirst();
}

export async function deleteAssignment(db: Db, id: string): Promise<void> {
  forgetPrincipals();
  await db.deleteFrom("assignment").where("id", "=", id).execute();
}

export interface UserListFilter {
  q?: string | undefined;
  status?: "active" | "locked" | "disabled" | undefined;
  roleKey?: string | undefined;
  /** null = every user; otherwise users holding an assignment under one of these paths. */
  pathPrefixes: string[] | null;
}

export async function listUsers(
  db: Db,
  filter: UserListFilter,
  limit: number,
  offset: number,
): Promise<{ rows: AppUserRow[]; total: number }> {
  let q = db.selectFrom("app_user");
  if (filter.q) {
    const like = `%${filter.q.replace(/[%_\\]/g, "\\$&")}%`;
    q = q.where((eb) => eb.or([eb("username", "ilike", like), eb("display_name", "ilike", like)]));
  }
  if (filter.status) q = q.where("status", "=", filter.status);
  if (filter.roleKey || filter.pathPrefixes) {
    const prefixes = filter.pathPrefixes;
    const roleKey = filter.roleKey;
    q = q.where((eb) =>
      eb.exists(
        eb
          .selectFrom("assignment")
          .select(sql`1`.as("one"))
          .whereRef("assignment.user_id", "=", "app_user.id")
          .$if(Boolean(roleKey), (sq) => sq.where("assignment.role_key", "=", roleKey as string))
          .$if(prefixes !== null, (sq) =>
            sq.where((e) =>
              e.or(
                (prefixes ?? []).length
                  ? (prefixes ?? []).map((p) => e("assignment.area_path", "like", `${p}%`))
                  : [e.val(false)],
              ),
            ),
          ),
      ),
    );
  }
  const [rows, count] = await Promise.all([
    q.selectAll().orderBy("username").limit(limit).offset(offset).execute(),
    q.select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(count.n) };
}

export const STAFF_ROLES = ["grid_head", "grid_worker", "grid_instructor", "police_liaison"];

export async function listStaffRows(db: Db, areaCode: string) {
  return db
    .selectFrom("assignment")
    .innerJoin("area", "area.id", "assignment.area_id")
    .innerJoin("app_user", "app_user.id", "assignment.user_id")
    .innerJoin("role", "role.key", "assignment.role_key")
    .select([
      "assignment.role_key",
      "assignment.home_unit",
      "assignment.employment",
      "app_user.display_name",
      "role.name_zh as role_name_zh",
      "role.name_en as role_name_en",
    ])
    .where("area.code", "=", areaCode)
    .where("assignment.role_key", "in", STAFF_ROLES)
    .where("app_user.status", "=", "active")
    .orderBy("assignment.role_key")
    .execute();
}

/** (area code, role) of every staff post held in grids under a path. */
export async function listStaffPostsUnder(db: Db, path: string) {
  return db
    .selectFrom("assignment")
    .innerJoin("app_user", "app_user.id", "assignment.user_id")
    .select(["assignment.area_path", "assignment.role_key"])
    .where("assignment.area_path", "like", `${path}%`)
    .where("assignment.role_key", "in", STAFF_ROLES)
    .where("app_user.status", "=", "active")
    .execute();
}

/** Staff posts on these areas (a grid being split or merged). */
export async function listPostsOnAreas(db: Db, areaIds: string[]): Promise<AssignmentRow[]> {
  if (areaIds.length === 0) return [];
  return db
    .selectFrom("assignment")
    .selectAll()
    .where("area_id", "in", areaIds)
    .where("role_key", "in", STAFF_ROLES)
    .orderBy("created_at")
    .execute();
}

export async function moveAssignment(db: Db, id: string, area: { id: string; path: string }): Promise<void> {
  forgetPrincipals();
  await db.updateTable("assignment").set({ area_id: area.id, area_path: area.path }).where("id", "=", id).execute();
}

/**
 * Active accounts holding a post whose role carries `permission` on one of these area paths, or an
 * area-less post of a role that reaches everywhere (work scope "subtree"). A superset of who may act
 * where the paths lead: the caller decides with the principals (core's canWork), not this query.
 */
export async function listActiveHoldersOn(
  db: Db,
  permission: string,
  paths: string[],
  limit: number,
): Promise<AppUserRow[]> {
  return db
    .selectFrom("app_user")
    .selectAll()
    .where("status", "=", "active")
    .where((eb) =>
      eb.exists(
        eb
          .selectFrom("assignment")
          .innerJoin("role", "role.key", "assignment.role_key")
          .innerJoin("role_permission", "role_permission.role_key", "assignment.role_key")
          .select(sql`1`.as("one"))
          .whereRef("assignment.user_id", "=", "app_user.id")
          .where("role_permission.permission", "=", permission)
          .where((e) =>
            e.or([
              ...(paths.length > 0 ? [e("assignment.area_path", "in", paths)] : []),
              e.and([e("assignment.area_path", "is", null), e("role.work_scope", "=", "subtree")]),
            ]),
          ),
      ),
    )
    .orderBy("display_name")
    .orderBy("id")
    .limit(limit)
    .execute();
}

/**
 * Active accounts holding `roleKey` in a post on one of `paths` (the caller chooses them:
 * staffInRoleAt): who a task for that role there reaches.
 */
export async function listActiveRoleHolders(
  db: Db,
  roleKey: string,
  paths: string[],
  limit: number,
): Promise<{ id: string; display_name: string }[]> {
  if (paths.length === 0) return [];
  return db
    .selectFrom("app_user")
    .select(["app_user.id", "app_user.display_name"])
    .where("app_user.status", "=", "active")
    .where((eb) =>
      eb.exists(
        eb
          .selectFrom("assignment")
          .select(sql`1`.as("one"))
          .whereRef("assignment.user_id", "=", "app_user.id")
          .where("assignment.role_key", "=", roleKey)
          .where("assignment.area_path", "in", paths),
      ),
    )
    .orderBy("app_user.display_name")
    .orderBy("app_user.id")
    .limit(limit)
    .execute();
}

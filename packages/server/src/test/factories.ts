import { randomBytes } from "node:crypto";
import path from "node:path";
import type { RoleKey } from "@wangge/core";
import type { AppContext } from "../context.ts";
import { uuidv7 } from "../ids.ts";
import { ensureArea } from "../modules/areas/areas.service.ts";
import type { AreaRow } from "../modules/areas/areas.table.ts";
import { systemPrincipal } from "../modules/auth/auth.service.ts";
import { type ImportCounts, type ImportOptions, runPeopleImport } from "../modules/registry/people-import.service.ts";
import { grantAssignment } from "../modules/users/assignments.service.ts";
import { createUser } from "../modules/users/users.service.ts";
import type { TestApp } from "./build-test-app.ts";

/**
 * Factories that isolate tests by data: each call without a parent makes a fresh subtree with unique
 * codes, so test files can share a database and run in parallel.
 */
const unique = () => randomBytes(4).toString("hex").toUpperCase();

export interface AreaTree {
  county: AreaRow;
  township: AreaRow;
  village: AreaRow;
  grid: AreaRow;
  otherGrid: AreaRow;
  otherTownship: AreaRow;
}

export async function buildAreaTree(ctx: AppContext): Promise<AreaTree> {
  const root = `T${unique()}`;
  const county = await ensureArea(ctx.db, { code: root, name: `测试县${root}`, level: "county", parentCode: null });
  const township = await ensureArea(ctx.db, {
    code: `${root}001`,
    name: "测试镇",
    level: "township",
    parentCode: county.code,
  });
  const otherTownship = await ensureArea(ctx.db, {
    code: `${root}002`,
    name: "邻镇",
    level: "township",
    parentCode: county.code,
  });
  const village = await ensureArea(ctx.db, {
    code: `${root}001001`,
    name: "测试村",
    level: "village",
    parentCode: township.code,
  });
  const grid = await ensureArea(ctx.db, {
    code: `${root}001001G01`,
    name: "一网格",
    level: "grid",
    parentCode: village.code,
  });
  const otherGrid = await ensureArea(ctx.db, {
    code: `${root}002001G01`,
    name: "邻镇网格",
    level: "grid",
    parentCode: otherTownship.code,
  });
  return { county, township, village, grid, otherGrid, otherTownship };
}

export const TEST_PASSWORD = "correct horse battery staple";

export interface TestUser {
  id: string;
  username: string;
  password: string;
}

export async function buildUser(
  ctx: AppContext,
  options: {
    role?: RoleKey;
    areaCode?: string | null;
    phone?: string;
    password?: string;
    /** Further posts the account holds (a township official who is also a village's grid head). */
    posts?: { role: RoleKey; areaCode: string | null }[];
  } = {},
): Promise<TestUser> {
  const username = `u${unique().toLowerCase()}${randomBytes(2).toString("hex")}`;
  const password = options.password ?? TEST_PASSWORD;
  const { user } = await createUser(
    ctx,
    systemPrincipal(),
    { requestId: "test", ip: null, userAgent: null },
    {
      id: uuidv7(),
      username,
      displayName: `测试用户 ${username}`,
      phone: options.phone,
      password,
      ...(options.role ? { assignment: { roleKey: options.role, areaCode: options.areaCode ?? null } } : {}),
    },
  );
  for (const post of options.posts ?? [])
    await grantAssignment(
      ctx,
      systemPrincipal(),
      { requestId: "test", ip: null, userAgent: null },
      { id: uuidv7(), userId: user.id, roleKey: post.role, areaCode: post.areaCode },
    );
  return { id: user.id, username, password };
}

export interface Session {
  cookie: string;
  csrf: string;
  headers: Record<string, string>;
}

/** Signs in through the real route and returns the headers a browser would send afterwards. */
export async function signIn(t: Pick<TestApp, "app">, user: Pick<TestUser, "username" | "password">): Promise<Session> {
  const res = await t.app.inject({
    method: "POST",
    url: "/api/v1/auth/login",
    payload: { username: user.username, password: user.password },
  });
  if (res.statusCode !== 200) throw new Error(`sign-in of ${user.username} failed: ${res.statusCode} ${res.body}`);
  const setCookie = res.cookies.find((c) => c.name === "wangge_session");
  if (!setCookie) throw new Error("no session cookie");
  const body = res.json();
  const csrf = body.step === "done" ? body.me.csrfToken : body.csrfToken;
  const cookie = `wangge_session=${setCookie.value}`;
  return { cookie, csrf, headers: { cookie, "x-csrf-token": csrf } };
}

/** A square polygon of `size` degrees with its south-west corner at (x, y). */
export function squareGeometry(x: number, y: number, size: number) {
  return {
    type: "Polygon" as const,
    coordinates: [
      [
        [x, y],
        [x + size, y],
        [x + size, y + size],
        [x, y + size],
        [x, y],
      ],
    ],
  };
}

/**
 * Gives a tree's village and grid real boundaries (the grid the south-west quarter of the village)
 * through the API, so reports at points inside are routed to the grid.
 */
export async function drawVillageAndGrid(
  t: Pick<TestApp, "app">,
  admin: Session,
  tree: Pick<AreaTree, "village" | "grid">,
  at: [number, number] = [109.6, 23.1],
): Promise<void> {
  for (const [code, size] of [
    [tree.village.code, 0.02],
    [tree.grid.code, 0.01],
  ] as const) {
    const res = await t.app.inject({
      method: "PUT",
      url: `/api/v1/areas/${code}/boundary`,
      headers: admin.headers,
      payload: { geometry: squareGeometry(at[0], at[1], size) },
    });
    if (res.statusCode !== 200) throw new Error(`boundary of ${code}: ${res.statusCode} ${res.body}`);
  }
}

/**
 * Runs a people import of a file on disk as the system, the way a queued job runs: the job row first,
 * then the run. Returns the counts and the job's id (its report is on the job).
 */
export async function importPeopleAsJob(
  ctx: AppContext,
  file: string,
  options: { allOrNothing?: boolean } & ImportOptions = {},
): Promise<{ id: string; counts: ImportCounts }> {
  const { allOrNothing = false, ...importOptions } = options;
  const id = crypto.randomUUID();
  const fileName = path.basename(file);
  await ctx.db
    .insertInto("import_job")
    .values({
      id,
      kind: "people",
      status: "queued",
      file_name: fileName,
      all_or_nothing: allOrNothing,
      created_by: null,
    })
    .execute();
  const counts = await runPeopleImport(
    ctx,
    systemPrincipal(),
    { id, all_or_nothing: allOrNothing, file_name: fileName },
    file,
    file.endsWith(".xlsx") ? "xlsx" : "csv",
    importOptions,
  );
  return { id, counts };
}

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildTestApp, type TestApp } from "../test/build-test-app.ts";
import { type AreaTree, buildAreaTree, buildUser, type Session, signIn } from "../test/factories.ts";

/**
 * The deployment's own settings — event categories, the working calendar, intake devices and loudspeakers, Open311
 * keys, roles, the data key, visit plans, which disclosure kinds need review, risk playbooks — take their permission deployment-wide (an area-less post) or at the root
 * of the area tree; the same permission held for one township or county does not reach them.
 */
let t: TestApp;
let tree: AreaTree;
let rootAdmin: Session;
let townshipAdmin: Session & { id: string };

const DEPLOYMENT_ROUTES = [
  "PUT /api/v1/event-categories/:key",
  "PUT /api/v1/work-calendar/:year",
  "GET /api/v1/intake/devices",
  "POST /api/v1/intake/devices",
  "DELETE /api/v1/intake/devices/:id",
  "GET /api/v1/broadcast/devices",
  "POST /api/v1/broadcast/devices",
  "DELETE /api/v1/broadcast/devices/:id",
  "GET /api/v1/open311/keys",
  "POST /api/v1/open311/keys",
  "DELETE /api/v1/open311/keys/:id",
  "GET /api/v1/system/keys",
  "POST /api/v1/system/keys/rotate",
  "PUT /api/v1/roles/:key",
  "PUT /api/v1/visit-plans/:key",
  "PUT /api/v1/disclosures/settings/:kind",
  "POST /api/v1/playbooks",
  "PUT /api/v1/playbooks/:id",
];

/** What a category looks like when it is saved unchanged. */
async function neighbourSettings(headers: Record<string, string>) {
  const list = (await t.app.inject({ method: "GET", url: "/api/v1/event-categories", headers })).json();
  const { key: _k, parentKey: _p, ...settings } = list.find((c: { key: string }) => c.key === "dispute.neighbour");
  return settings;
}

beforeAll(async () => {
  t = await buildTestApp();
  tree = await buildAreaTree(t.ctx);
  rootAdmin = await signIn(t, await buildUser(t.ctx, { role: "admin", areaCode: tree.county.code }));
  const township = await buildUser(t.ctx, { role: "admin", areaCode: tree.township.code });
  townshipAdmin = { ...(await signIn(t, township)), id: township.id };
});
afterAll(async () => {
  await t?.close();
});

describe("routes of the deployment's own settings", () => {
  it("are the configuration, device, key and role routes", () => {
    const marked = t.app.routeRequirements.filter((r) => r.deploymentWide).map((r) => `${r.method} ${r.url}`);
    expect(marked.sort()).toEqual([...DEPLOYMENT_ROUTES].sort());
  });

  it("refuse an administrator of one township every one of them, audited, before reading the body", async () => {
    for (const route of DEPLOYMENT_ROUTES) {
      const [method, path] = route.split(" ") as ["GET" | "POST" | "PUT" | "DELETE", string];
      const url = path
        .replace(":key", path.includes("roles") ? "volunteer" : "dispute.neighbour")
        .replace(":year", "2027")
        .replace(":id", crypto.randomUUID());
      const res = await t.app.inject({
        method,
        url,
        headers: townshipAdmin.headers,
        ...(method === "GET" || method === "DELETE" ? {} : { payload: {} }),
      });
      expect({ route: url, status: res.statusCode, code: res.json().code }).toEqual({
        route: url,
        status: 403,
        code: "AUTH_FORBIDDEN",
      });
    }
    const denied = await t.ctx.db
      .selectFrom("audit_log")
      .select("target_id")
      .where("action", "=", "access.denied")
      .where("actor_user_id", "=", townshipAdmin.id)
      .execute();
    expect(denied.map((d) => d.target_id).sort()).toEqual([...DEPLOYMENT_ROUTES].sort());
  });

  it("leave a category as it was when a township's administrator tries to change it", async () => {
    const settings = await neighbourSettings(rootAdmin.headers);
    const res = await t.app.inject({
      method: "PUT",
      url: "/api/v1/event-categories/dispute.neighbour",
      headers: townshipAdmin.headers,
      payload: { ...settings, deadlines: { ...settings.deadlines, grid: 1 } },
    });
    expect(res.statusCode).toBe(403);
    expect((await neighbourSettings(rootAdmin.headers)).deadlines).toEqual(settings.deadlines);
  });

  it("are told to the client: /auth/me lists the permissions held for the whole deployment", async () => {
    const me = async (headers: Record<string, string>) =>
      (await t.app.inject({ method: "GET", url: "/api/v1/auth/me", headers })).json();
    const root = await me(rootAdmin.headers);
    expect(root.deploymentWidePermissions).toEqual(root.permissions);
    expect(root.deploymentWidePermissions).toEqual(
      expect.arrayContaining(["event.configure", "role.manage", "system.manage"]),
    );
    const township = await me(townshipAdmin.headers);
    expect(township.permissions).toContain("event.configure");
    expect(township.deploymentWidePermissions).toEqual([]);
  });

  it("are open to the permission held at the root of the tree, until a second root makes it one tree of two", async () => {
    const settings = await neighbourSettings(rootAdmin.headers);
    const put = () =>
      t.app.inject({
        method: "PUT",
        url: "/api/v1/event-categories/dispute.neighbour",
        headers: rootAdmin.headers,
        payload: settings,
      });
    expect((await put()).statusCode).toBe(200);
    await buildAreaTree(t.ctx);
    const res = await put();
    expect({ status: res.statusCode, code: res.json().code }).toEqual({ status: 403, code: "AUTH_FORBIDDEN" });
  });
});

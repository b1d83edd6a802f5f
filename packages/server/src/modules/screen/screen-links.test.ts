import http from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildTestApp, type TestApp } from "../../test/build-test-app.ts";
import { type AreaTree, buildAreaTree, buildUser, type Session, signIn } from "../../test/factories.ts";

/**
 * Big-screen links (POST/GET /screen/links, DELETE /screen/links/:id, POST/GET/DELETE /screen/kiosk):
 * an official with screen.manage issues a read-only link for an area of theirs; a wall opens it and
 * sees that area's screen — and nothing else, nothing of another area — with no account, until the
 * link is revoked or expires.
 */
let t: TestApp;
let tree: AreaTree;
let official: Session;
let otherOfficial: Session;
let worker: Session;
let screenAccount: Session;
let address: string;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  t = await buildTestApp();
  tree = await buildAreaTree(t.ctx);
  official = await signIn(t, await buildUser(t.ctx, { role: "township_official", areaCode: tree.township.code }));
  otherOfficial = await signIn(
    t,
    await buildUser(t.ctx, { role: "township_official", areaCode: tree.otherTownship.code }),
  );
  worker = await signIn(t, await buildUser(t.ctx, { role: "grid_worker", areaCode: tree.grid.code }));
  screenAccount = await signIn(t, await buildUser(t.ctx, { role: "screen", areaCode: tree.township.code }));
  address = await t.app.listen({ port: 0, host: "127.0.0.1" });
});
afterAll(async () => {
  await t?.app.close();
  await t?.close();
});

const create = (who: Session | undefined, payload: Record<string, unknown>) =>
  t.app.inject({ method: "POST", url: "/api/v1/screen/links", headers: who?.headers ?? {}, payload });

async function issue(name = "指挥中心大屏 1", areaCode = tree.township.code, extra: Record<string, unknown> = {}) {
  const res = await create(official, { id: crypto.randomUUID(), name, areaCode, ...extra });
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as { link: { id: string; prefix: string }; token: string };
}

const wall = (token: string) => ({ cookie: `wangge_screen=${token}` });
const get = (url: string, headers: Record<string, string>) => t.app.inject({ method: "GET", url, headers });

describe("POST /screen/links", () => {
  it("issues a link for the official's township, shows its secret once and keeps only its hash", async () => {
    const id = crypto.randomUUID();
    const res = await create(official, { id, name: "  指挥中心大屏 1 ", areaCode: tree.township.code });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.headers["cache-control"]).toBe("no-store");
    const body = res.json();
    expect(body.token).toMatch(/^wgs_[A-Za-z0-9_-]{43}$/);
    expect(body.link).toMatchObject({
      id,
      name: "指挥中心大屏 1",
      area: { code: tree.township.code, name: tree.township.name },
      expiresAt: null,
      lastUsedAt: null,
      revokedAt: null,
    });
    expect(body.token.startsWith(body.link.prefix)).toBe(true);
    expect(body.link.createdBy).toMatch(/^测试用户/);
    const row = await t.ctx.db.selectFrom("screen_token").selectAll().where("id", "=", id).executeTakeFirstOrThrow();
    expect(JSON.stringify(row)).not.toContain(body.token.slice(4));
    const audit = await t.ctx.db
      .selectFrom("audit_log")
      .selectAll()
      .where("target_id", "=", id)
      .where("action", "=", "screen.link.create")
      .execute();
    expect(audit).toHaveLength(1);
    expect(JSON.stringify(audit)).not.toContain(body.token.slice(4));

    // A retry answers the first link without its secret; the same id for another link is a conflict.
    const again = await create(official, { id, name: "指挥中心大屏 1", areaCode: tree.township.code });
    expect(again.statusCode, again.body).toBe(200);
    expect(again.json()).toEqual({ link: body.link, token: null });
    const other = await create(official, { id, name: "另一块屏", areaCode: tree.township.code });
    expect(other.statusCode).toBe(409);
    expect(other.json().code).toBe("SCREEN_LINK_ID_CONFLICT");
    // Another township's official is not told that the id exists.
    const stranger = await create(otherOfficial, { id, name: "指挥中心大屏 1", areaCode: tree.otherTownship.code });
    expect(stranger.statusCode).toBe(404);
    expect(stranger.json().code).toBe("SCREEN_LINK_NOT_FOUND");

    // A link reads as its own id: an account's id (read off an event's assignee) or the system's is refused,
    // else the link's streams and requests would count as that account's and push its streams out.
    const victim = await t.ctx.db.selectFrom("app_user").select("id").limit(1).executeTakeFirstOrThrow();
    for (const taken of [victim.id, "00000000-0000-0000-0000-000000000000", "ffffffff-ffff-ffff-ffff-ffffffffffff"]) {
      const res = await create(official, { id: taken, name: "冒名的屏", areaCode: tree.township.code });
      expect(res.statusCode, taken).toBe(409);
      expect(res.json().code).toBe("SCREEN_LINK_ID_CONFLICT");
    }
    // Nor may an account take a link's id afterwards (an administrator creating one with a client id).
    const admin = await signIn(t, await buildUser(t.ctx, { role: "admin" }));
    const account = await t.app.inject({
      method: "POST",
      url: "/api/v1/users",
      headers: admin.headers,
      payload: { id, username: "link.twin", displayName: "冒名的账号", password: "a long enough passphrase 2026" },
    });
    expect(account.statusCode, account.body).toBe(409);
    expect(account.json().code).toBe("USER_ID_CONFLICT");
    expect(await t.ctx.db.selectFrom("app_user").select("id").where("id", "=", id).executeTakeFirst()).toBeUndefined();
  });

  it("masks a phone number typed into a link's name: the wall shows it in a public place", async () => {
    const id = crypto.randomUUID();
    const payload = { id, name: "值班室大屏 13977123456", areaCode: tree.township.code };
    const res = await create(official, payload);
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().link.name).toBe("值班室大屏 139****3456");
    const stored = await t.ctx.db
      .selectFrom("screen_token")
      .select("name")
      .where("id", "=", id)
      .executeTakeFirstOrThrow();
    expect(stored.name).toBe("值班室大屏 139****3456");
    const audit = await t.ctx.db.selectFrom("audit_log").select("details").where("target_id", "=", id).execute();
    expect(JSON.stringify(audit)).not.toContain("13977123456");
    // The same request again is a retry of it, not a conflict.
    const again = await create(official, payload);
    expect(again.statusCode, again.body).toBe(200);
    const kiosk = await t.app.inject({
      method: "POST",
      url: "/api/v1/screen/kiosk",
      payload: { token: res.json().token },
    });
    expect(kiosk.json().link.name).toBe("值班室大屏 139****3456");
  });

  it("makes one link of parallel retries", async () => {
    const id = crypto.randomUUID();
    const payload = { id, name: "会商室大屏", areaCode: tree.village.code, expiresInDays: 30 };
    const answers = await Promise.all(Array.from({ length: 6 }, () => create(official, payload)));
    expect(answers.map((a) => a.statusCode).sort()).toEqual([200, 200, 200, 200, 200, 201]);
    expect(answers.filter((a) => a.json().token !== null)).toHaveLength(1);
    expect(new Set(answers.map((a) => a.json().link.id))).toEqual(new Set([id]));
    const rows = await t.ctx.db.selectFrom("screen_token").select("id").where("id", "=", id).execute();
    expect(rows).toHaveLength(1);
  });

  it("refuses a malformed link with every path", async () => {
    const res = await create(official, { id: "x", name: " ", areaCode: "bad code!", expiresInDays: 0, more: 1 });
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe("VALIDATION_FAILED");
    const paths = res.json().errors.map((e: { path: string }) => e.path);
    for (const path of ["body.id", "body.name", "body.areaCode", "body.expiresInDays"])
      expect(paths, path).toContain(path);
    const nul = await create(official, { id: crypto.randomUUID(), name: "大屏\u0000", areaCode: tree.township.code });
    expect(nul.statusCode).toBe(400);
  });

  it("is refused to the signed-out, to grid workers and screens, and for an area outside the official's", async () => {
    const payload = () => ({ id: crypto.randomUUID(), name: "大屏", areaCode: tree.township.code });
    expect((await create(undefined, payload())).statusCode).toBe(401);
    for (const who of [worker, screenAccount]) {
      const res = await create(who, payload());
      expect(res.statusCode).toBe(403);
      expect(res.json().code).toBe("AUTH_FORBIDDEN");
    }
    for (const areaCode of [tree.otherTownship.code, tree.otherGrid.code, tree.county.code, "ZZ404"]) {
      const res = await create(official, { ...payload(), areaCode });
      expect(res.statusCode, areaCode).toBe(404);
      expect(res.json().code).toBe("AREA_NOT_FOUND");
    }
  });
});

describe("a wall opened with a link", () => {
  it("sees its area's screen without an account, and nothing of another area", async () => {
    const { link, token } = await issue();
    const opened = await t.app.inject({ method: "POST", url: "/api/v1/screen/kiosk", payload: { token } });
    expect(opened.statusCode, opened.body).toBe(200);
    expect(opened.json()).toEqual({
      link: { name: "指挥中心大屏 1", area: { code: tree.township.code, name: tree.township.name }, expiresAt: null },
    });
    const cookie = opened.cookies.find((c) => c.name === "wangge_screen");
    expect(cookie).toMatchObject({ value: token, path: "/api/v1/screen", httpOnly: true, sameSite: "Strict" });

    const overview = await get("/api/v1/screen/overview", wall(token));
    expect(overview.statusCode, overview.body).toBe(200);
    expect(overview.json().area.code).toBe(tree.township.code);
    expect(overview.json().areas).toEqual([{ code: tree.township.code, name: tree.township.name }]);
    expect((await get(`/api/v1/screen/overview?area=${tree.village.code}`, wall(token))).statusCode).toBe(200);
    for (const code of [tree.otherTownship.code, tree.otherGrid.code, tree.county.code]) {
      const res = await get(`/api/v1/screen/overview?area=${code}`, wall(token));
      expect(res.statusCode, code).toBe(404);
      expect(res.json().code).toBe("AREA_NOT_FOUND");
    }
    const map = await get("/api/v1/screen/map", wall(token));
    expect(map.statusCode, map.body).toBe(200);
    expect(map.json().areas.map((a: { code: string }) => a.code)).toEqual([tree.township.code]);
    // The same secret as a bearer token (a script checking a wall) reads the same, and only that.
    const bearer = await get("/api/v1/screen/overview", { authorization: `Bearer ${token}` });
    expect(bearer.statusCode).toBe(200);
    expect((await get("/api/v1/screen/kiosk", wall(token))).json().link.name).toBe("指挥中心大屏 1");

    const listed = await get("/api/v1/screen/links", official.headers);
    const mine = listed.json().items.find((l: { id: string }) => l.id === link.id);
    expect(mine.lastUsedAt).not.toBeNull();
    expect(JSON.stringify(listed.json())).not.toContain(token.slice(4));
    const theirs = await get("/api/v1/screen/links", otherOfficial.headers);
    expect(theirs.json().items.map((l: { id: string }) => l.id)).not.toContain(link.id);
  });

  it("opens no other route, whether the secret comes as the wall's cookie or as a bearer token", async () => {
    const { token } = await issue("走廊大屏");
    // As a bearer token the link is refused everywhere but the screen; as the wall's cookie it is no
    // credential at all there (only the screen's own routes read it).
    for (const [headers, status] of [
      [wall(token), 401],
      [{ authorization: `Bearer ${token}` }, 403],
    ] as const)
      for (const url of [
        "/api/v1/events",
        "/api/v1/people",
        "/api/v1/auth/me",
        "/api/v1/auth/tokens",
        "/api/v1/screen/links",
        `/api/v1/figures?area=${tree.township.code}&from=2026-01-01&to=2026-01-31`,
      ]) {
        const res = await get(url, headers);
        expect(res.statusCode, `${url} ${JSON.stringify(headers).slice(0, 12)}`).toBe(status);
      }
    // An official who tried the link in their own browser still manages links with their session.
    const both = await get("/api/v1/screen/links", {
      ...official.headers,
      cookie: `${official.cookie}; wangge_screen=${token}`,
    });
    expect(both.statusCode, both.body).toBe(200);
    // …while on the wall's routes the link answers (its area, not the official's choice).
    const overview = await get("/api/v1/screen/overview", {
      ...official.headers,
      cookie: `${official.cookie}; wangge_screen=${token}`,
    });
    expect(overview.statusCode, overview.body).toBe(200);
    const write = await t.app.inject({
      method: "POST",
      url: "/api/v1/events",
      headers: { authorization: `Bearer ${token}` },
      payload: { id: crypto.randomUUID(), categoryKey: "environment.sanitation", areaCode: tree.grid.code },
    });
    expect(write.statusCode).toBe(403);
  });

  it("is refused with an unknown secret, and the wall is told so", async () => {
    const bad = "wgs_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
    const opened = await t.app.inject({ method: "POST", url: "/api/v1/screen/kiosk", payload: { token: bad } });
    expect(opened.statusCode).toBe(401);
    expect(opened.json().code).toBe("SCREEN_LINK_INVALID");
    expect(opened.cookies).toHaveLength(0);
    expect((await get("/api/v1/screen/overview", wall(bad))).json().code).toBe("SCREEN_LINK_INVALID");
    expect((await get("/api/v1/screen/kiosk", wall(bad))).statusCode).toBe(401);
    expect((await get("/api/v1/screen/kiosk", {})).json()).toEqual({ link: null });
    const malformed = await t.app.inject({ method: "POST", url: "/api/v1/screen/kiosk", payload: { token: "" } });
    expect(malformed.statusCode).toBe(400);
    const forget = await t.app.inject({ method: "DELETE", url: "/api/v1/screen/kiosk", headers: wall(bad) });
    expect(forget.statusCode).toBe(204);
    expect(forget.cookies.find((c) => c.name === "wangge_screen")?.value).toBe("");
  });

  it("expires at its end", async () => {
    const { token } = await issue("临时大屏", tree.township.code, { expiresInDays: 1 });
    expect((await get("/api/v1/screen/overview", wall(token))).statusCode).toBe(200);
    t.clock.advanceMinutes(24 * 60 + 1);
    try {
      const res = await get("/api/v1/screen/overview", wall(token));
      expect(res.statusCode).toBe(401);
      expect(res.json().code).toBe("SCREEN_LINK_INVALID");
    } finally {
      t.clock.advanceMinutes(-(24 * 60 + 1));
    }
  });
});

/** The screen's stream through node:http, as a wall reads it. */
function openStream(headers: Record<string, string>) {
  return new Promise<{ res: http.IncomingMessage; text: () => string; ended: () => boolean; close: () => void }>(
    (resolve, reject) => {
      const req = http.get(`${address}/api/v1/screen/stream`, { headers }, (res) => {
        let text = "";
        let ended = false;
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => {
          text += chunk;
        });
        res.on("end", () => {
          ended = true;
        });
        res.on("close", () => {
          ended = true;
        });
        resolve({ res, text: () => text, ended: () => ended, close: () => req.destroy() });
      });
      req.on("error", reject);
    },
  );
}

describe("DELETE /screen/links/:id", () => {
  it("revokes a link: its open stream ends at once and the wall is refused from then on", async () => {
    const { link, token } = await issue("指挥中心大屏 2");
    const stream = await openStream(wall(token));
    expect(stream.res.statusCode).toBe(200);
    const deadline = Date.now() + 5000;
    while (!stream.text().includes(": connected") && Date.now() < deadline) await sleep(20);

    // Not another township's official, not an unknown id.
    const stranger = await t.app.inject({
      method: "DELETE",
      url: `/api/v1/screen/links/${link.id}`,
      headers: otherOfficial.headers,
    });
    expect(stranger.statusCode).toBe(404);
    expect(stranger.json().code).toBe("SCREEN_LINK_NOT_FOUND");
    const unknown = await t.app.inject({
      method: "DELETE",
      url: `/api/v1/screen/links/${crypto.randomUUID()}`,
      headers: official.headers,
    });
    expect(unknown.statusCode).toBe(404);
    const bad = await t.app.inject({ method: "DELETE", url: "/api/v1/screen/links/nope", headers: official.headers });
    expect(bad.statusCode).toBe(400);
    const byWorker = await t.app.inject({
      method: "DELETE",
      url: `/api/v1/screen/links/${link.id}`,
      headers: worker.headers,
    });
    expect(byWorker.statusCode).toBe(403);
    expect(stream.ended()).toBe(false);

    const revoked = await t.app.inject({
      method: "DELETE",
      url: `/api/v1/screen/links/${link.id}`,
      headers: official.headers,
    });
    expect(revoked.statusCode, revoked.body).toBe(200);
    expect(revoked.json().revokedAt).not.toBeNull();
    // Well before the 30-second re-check.
    const endBy = Date.now() + 3000;
    while (!stream.ended() && Date.now() < endBy) await sleep(20);
    expect(stream.ended()).toBe(true);
    stream.close();

    const res = await get("/api/v1/screen/overview", wall(token));
    expect(res.statusCode).toBe(401);
    expect(res.json().code).toBe("SCREEN_LINK_INVALID");
    expect((await t.app.inject({ method: "POST", url: "/api/v1/screen/kiosk", payload: { token } })).statusCode).toBe(
      401,
    );
    // Again: no change, one audit record.
    const again = await t.app.inject({
      method: "DELETE",
      url: `/api/v1/screen/links/${link.id}`,
      headers: official.headers,
    });
    expect(again.json().revokedAt).toBe(revoked.json().revokedAt);
    const audit = await t.ctx.db
      .selectFrom("audit_log")
      .select("action")
      .where("target_id", "=", link.id)
      .orderBy("seq")
      .execute();
    expect(audit.map((a) => a.action)).toEqual(["screen.link.create", "screen.link.revoke"]);
  });
});

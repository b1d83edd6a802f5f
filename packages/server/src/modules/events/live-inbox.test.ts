import http from "node:http";
import { systemPrincipal } from "@wangge/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildTestApp, type TestApp } from "../../test/build-test-app.ts";
import { type AreaTree, buildAreaTree, buildUser, type Session, signIn, type TestUser } from "../../test/factories.ts";
import { grantAssignment, principalOfUsername, revokeAssignment } from "../users/users.service.ts";
import { type EventChange, publishChange } from "./event-changes.ts";
import { liveInboxes, RECHECK_MS, recheckLiveInboxes } from "./live-inbox.ts";

/**
 * The live inbox (GET /api/v1/events/stream) against a real listening server: bounded memory for a
 * client that does not read, rights re-checked while it is open, and a shutdown that does not wait.
 */
let t: TestApp;
let tree: AreaTree;
let other: AreaTree;
let address: string;
let closed = false;
const meta = { requestId: "test", ip: null, userAgent: null };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A stream read (or not) through node:http, so the test decides when its bytes are taken. */
function openStream(session: Session) {
  return new Promise<{ res: http.IncomingMessage; text: () => string; ended: Promise<void> }>((resolve, reject) => {
    const req = http.get(`${address}/api/v1/events/stream`, { headers: session.headers }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => {
        text += chunk;
      });
      // The response ends, or (for a client not reading, whose response waits for it) its connection closes.
      const ended = new Promise<void>((done) => {
        res.on("close", () => done());
        res.on("error", () => done());
        res.socket.on("close", () => done());
      });
      resolve({ res, text: () => text, ended });
    });
    req.on("error", reject);
  });
}

async function until(read: () => string, fragment: string, ms = 5000) {
  const deadline = Date.now() + ms;
  while (!read().includes(fragment)) {
    if (Date.now() > deadline) throw new Error(`no ${fragment} in ${read().slice(-500)}`);
    await sleep(20);
  }
}

const endsWithin = (stream: { ended: Promise<void> }, ms: number) =>
  Promise.race([stream.ended.then(() => true), sleep(ms).then(() => false)]);

const change = (id: string, number: string, areaPath: string): EventChange => ({
  id,
  number,
  categoryKey: "environment.sanitation",
  action: "accept",
  state: "accepted",
  level: "grid",
  areaPath,
  reporterUserId: null,
  assigneeUserId: null,
  at: new Date().toISOString(),
});

beforeAll(async () => {
  t = await buildTestApp();
  tree = await buildAreaTree(t.ctx);
  other = await buildAreaTree(t.ctx);
  address = await t.app.listen({ port: 0, host: "127.0.0.1" });
});
afterAll(async () => {
  if (!closed) await t?.app.close();
  await t?.close();
});

describe("a client that does not read", () => {
  let worker: Session;
  beforeAll(async () => {
    worker = await signIn(t, await buildUser(t.ctx, { role: "grid_worker", areaCode: tree.grid.code }));
  });

  it("gets the latest change of each event when it reads again, not every change held for it", async () => {
    const stream = await openStream(worker);
    await until(stream.text, ": connected");
    stream.res.pause();
    const ids = Array.from({ length: 10 }, () => crypto.randomUUID());
    const pad = "x".repeat(2000);
    let sent = 0;
    for (let round = 0; round < 10; round++) {
      for (let i = 0; i < 2000; i++) {
        publishChange(t.ctx, change(ids[i % 10] as string, `R${round}-${i}-${pad}`, tree.grid.path));
        sent++;
      }
      await sleep(10);
    }
    stream.res.resume();
    // The last change of each event arrives…
    for (let i = 1990; i < 2000; i++) await until(stream.text, `"number":"R9-${i}-`, 10_000);
    const received = stream.text().split("event: change").length - 1;
    // …without the twenty thousand before them having waited in the server's memory.
    expect(received).toBeLessThan(sent / 2);
    stream.res.destroy();
  });

  it("is disconnected once changes of too many events wait for it", async () => {
    const stream = await openStream(worker);
    await until(stream.text, ": connected");
    stream.res.pause();
    const pad = "x".repeat(2000);
    for (let round = 0; round < 20 && !(await endsWithin(stream, 10)); round++)
      for (let i = 0; i < 1000; i++) publishChange(t.ctx, change(crypto.randomUUID(), `D${i}-${pad}`, tree.grid.path));
    expect(await endsWithin(stream, 3000)).toBe(true);
    expect([...liveInboxes(t.ctx)].length).toBe(0);
  });
});

describe("the reader's rights, while the stream is open", () => {
  it("follows an assignment moved to another township, re-checked at least every minute", async () => {
    expect(RECHECK_MS).toBeLessThanOrEqual(60_000);
    const user = await buildUser(t.ctx, { role: "township_official", areaCode: tree.township.code });
    const stream = await openStream(await signIn(t, user));
    await until(stream.text, ": connected");
    publishChange(t.ctx, change(crypto.randomUUID(), "BEFORE-MOVE", tree.grid.path));
    await until(stream.text, "BEFORE-MOVE");

    const post = (await principalOfUsername(t.ctx.db, user.username))?.assignments[0];
    await revokeAssignment(t.ctx, systemPrincipal(), meta, post?.id as string);
    await grantAssignment(t.ctx, systemPrincipal(), meta, {
      id: crypto.randomUUID(),
      userId: user.id,
      roleKey: "township_official",
      areaCode: other.township.code,
    });
    await recheckLiveInboxes(t.ctx);
    publishChange(t.ctx, change(crypto.randomUUID(), "OLD-TOWNSHIP", tree.grid.path));
    publishChange(t.ctx, change(crypto.randomUUID(), "NEW-TOWNSHIP", other.grid.path));
    await until(stream.text, "NEW-TOWNSHIP");
    expect(stream.text()).not.toContain("OLD-TOWNSHIP");
    stream.res.destroy();
  });

  it("ends for a disabled account, a signed-out session and a lost permission", async () => {
    const users: TestUser[] = [];
    for (let i = 0; i < 3; i++) users.push(await buildUser(t.ctx, { role: "grid_worker", areaCode: tree.grid.code }));
    const sessions = await Promise.all(users.map((u) => signIn(t, u)));
    const streams = await Promise.all(sessions.map((s) => openStream(s)));
    for (const s of streams) await until(s.text, ": connected");

    await t.ctx.db
      .updateTable("app_user")
      .set({ status: "disabled" })
      .where("id", "=", users[0]?.id as string)
      .execute();
    const out = await t.app.inject({ method: "POST", url: "/api/v1/auth/logout", headers: sessions[1]?.headers });
    expect(out.statusCode).toBeLessThan(300);
    const post = (await principalOfUsername(t.ctx.db, users[2]?.username as string))?.assignments[0];
    await revokeAssignment(t.ctx, systemPrincipal(), meta, post?.id as string);
    await recheckLiveInboxes(t.ctx);
    for (const s of streams) expect(await endsWithin(s, 2000)).toBe(true);
  });
});

describe("shutting down", () => {
  it("does not wait for open streams, read or not", async () => {
    const worker = await signIn(t, await buildUser(t.ctx, { role: "grid_worker", areaCode: tree.grid.code }));
    const reading = await openStream(worker);
    const idle = await openStream(worker);
    await until(reading.text, ": connected");
    await until(idle.text, ": connected");
    idle.res.pause();
    // Enough for the idle client's socket buffers to fill: the server then holds bytes it cannot send.
    const id = crypto.randomUUID();
    for (let round = 0; round < 40; round++) {
      for (let i = 0; i < 20; i++)
        publishChange(t.ctx, change(id, `S${round}-${i}-${"x".repeat(20_000)}`, tree.grid.path));
      await sleep(5);
    }
    const started = Date.now();
    closed = true;
    await t.app.close();
    expect(Date.now() - started).toBeLessThan(2000);
    expect(await endsWithin(reading, 1000), "reading").toBe(true);
    // The idle client finds its stream over once it reads what was sent before the end.
    idle.res.resume();
    expect(await endsWithin(idle, 1000), "idle").toBe(true);
  });
});

import type { AddressInfo } from "node:net";
import { connect } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildTestApp, type TestApp } from "../../test/build-test-app.ts";
import { type AreaTree, buildAreaTree, buildUser, type Session, signIn } from "../../test/factories.ts";
import { signDeviceRequest } from "./devices.service.ts";

let t: TestApp;
let admin: Session;
let tree: AreaTree;
let device: { id: string; deviceKey: string; secret: string };

const nonce = () => crypto.randomUUID().replace(/-/g, "");
function send(
  body: unknown,
  options: { secret?: string; timestamp?: number; nonce?: string; deviceKey?: string } = {},
) {
  const raw = typeof body === "string" ? body : JSON.stringify(body);
  const ts = String(options.timestamp ?? Math.floor(Date.now() / 1000));
  const n = options.nonce ?? nonce();
  return t.app.inject({
    method: "POST",
    url: `/api/v1/intake/devices/${options.deviceKey ?? device.deviceKey}`,
    headers: {
      "content-type": "application/json",
      "x-wangge-timestamp": ts,
      "x-wangge-nonce": n,
      "x-wangge-signature": `sha256=${signDeviceRequest(options.secret ?? device.secret, ts, n, raw)}`,
    },
    payload: raw,
  });
}

beforeAll(async () => {
  t = await buildTestApp();
  admin = await signIn(t, await buildUser(t.ctx, { role: "admin" }));
  tree = await buildAreaTree(t.ctx);
  const res = await t.app.inject({
    method: "POST",
    url: "/api/v1/intake/devices",
    headers: admin.headers,
    payload: { deviceKey: "cam-gate-01", name: "村口摄像头", categoryKey: "hazard.safety", areaCode: tree.grid.code },
  });
  expect(res.statusCode, res.body).toBe(201);
  device = res.json();
});
afterAll(async () => {
  await t?.close();
});

describe("device webhook", () => {
  it("shows the secret once and keeps it only encrypted", async () => {
    expect(device.secret.length).toBeGreaterThan(30);
    const list = await t.app.inject({ method: "GET", url: "/api/v1/intake/devices", headers: admin.headers });
    expect(list.json()).toEqual([expect.objectContaining({ deviceKey: "cam-gate-01", name: "村口摄像头" })]);
    expect(list.body).not.toContain(device.secret);
    const stored = await t.ctx.db.selectFrom("intake_device").selectAll().execute();
    expect(JSON.stringify(stored)).not.toContain(device.secret);
    const taken = await t.app.inject({
      method: "POST",
      url: "/api/v1/intake/devices",
      headers: admin.headers,
      payload: { deviceKey: "cam-gate-01", name: "重复", categoryKey: "hazard.safety", areaCode: tree.grid.code },
    });
    expect(taken.statusCode).toBe(400);
    expect(taken.json().errors.map((e: { path: string }) => e.path)).toEqual(["body.deviceKey"]);
  });

  it("reports a signed event once per externalId, into the device's grid", async () => {
    const body = {
      externalId: "frame-20261128-0001",
      description: "检测到有人翻越护栏",
      attributes: { hazard_level: "general" },
    };
    const first = await send(body);
    expect(first.statusCode, first.body).toBe(201);
    expect(first.json()).toMatchObject({ areaCode: tree.grid.code, number: expect.stringMatching(/^GX-/) });
    const retry = await send(body);
    expect(retry.statusCode).toBe(200);
    expect(retry.json().id).toBe(first.json().id);
    const event = await t.ctx.db
      .selectFrom("event")
      .select(["source", "device_id", "reporter_name"])
      .where("id", "=", first.json().id)
      .executeTakeFirstOrThrow();
    expect(event).toEqual({ source: "device", device_id: device.id, reporter_name: "设备 · 村口摄像头" });
  });

  it("refuses a replayed nonce, a wrong signature, a stale timestamp and an unknown device, creating nothing", async () => {
    const before = (await t.ctx.db.selectFrom("event").select("id").execute()).length;
    const body = { externalId: "frame-replay", description: "重放测试", attributes: { hazard_level: "general" } };
    const n = nonce();
    expect((await send(body, { nonce: n })).statusCode).toBe(201);
    const reused = await send({ ...body, externalId: "frame-replay-2" }, { nonce: n });
    expect(reused.statusCode).toBe(409);
    const same = await send(body, { nonce: n });
    expect(same.statusCode).toBe(409);
    expect(same.json().code).toBe("DEVICE_REQUEST_REPLAYED");
    const forged = await send({ externalId: "x1", description: "伪造" }, { secret: "not-the-secret" });
    expect(forged.statusCode).toBe(401);
    expect(forged.json().code).toBe("DEVICE_SIGNATURE_INVALID");
    const stale = await send(
      { externalId: "x2", description: "过期" },
      { timestamp: Math.floor(Date.now() / 1000) - 600 },
    );
    expect(stale.statusCode).toBe(401);
    const unknown = await send({ externalId: "x3", description: "未知设备" }, { deviceKey: "cam-nowhere" });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().code).toBe("DEVICE_NOT_FOUND");
    expect((await t.ctx.db.selectFrom("event").select("id").execute()).length).toBe(before + 1);
  });

  it("names what is wrong in a signed body, and refuses a snapshot that is not a photo", async () => {
    const bad = await send({ externalId: "frame-bad", description: "x", speed: 3 });
    expect(bad.statusCode).toBe(400);
    expect(
      bad
        .json()
        .errors.map((e: { path: string }) => e.path)
        .sort(),
    ).toEqual(["body", "body.description"]);
    const snapshot = await send({
      externalId: "frame-snap",
      description: "抓拍",
      attributes: { hazard_level: "general" },
      snapshot: { fileName: "a.jpg", base64: Buffer.from("not an image").toString("base64") },
    });
    expect(snapshot.statusCode).toBe(422);
    expect(snapshot.json().code).toBe("EVENT_ATTACHMENT_REJECTED");
    const made = await t.ctx.db.selectFrom("event").select("id").where("description", "=", "抓拍").execute();
    expect(made).toEqual([]);
  });

  it("refuses a body larger than a device may send, after checking the device", async () => {
    const big = { externalId: "frame-big", description: "x".repeat(300 * 1024) };
    const res = await send(big);
    expect(res.statusCode).toBe(413);
    expect(res.json().code).toBe("REQUEST_BODY_TOO_LARGE");
    expect(t.config.deviceBodyLimitBytes).toBe(256 * 1024);
  });

  it("answers an unknown device, an unsigned or a stale request before reading its body", async () => {
    await t.app.listen({ port: 0, host: "127.0.0.1" });
    const { port } = t.app.server.address() as AddressInfo;
    /** Sends the head of a request announcing 10 MB and only the first kilobyte of it; resolves with the answer. */
    const answerBeforeBody = (path: string, headers: Record<string, string>) =>
      new Promise<string>((resolve, reject) => {
        const socket = connect(port, "127.0.0.1");
        let data = "";
        const timer = setTimeout(() => {
          socket.destroy();
          reject(new Error(`no answer while the body was still coming: ${path}`));
        }, 3000);
        socket.on("data", (chunk) => {
          data += chunk;
          if (data.includes("\r\n\r\n") && /"code"/.test(data)) {
            clearTimeout(timer);
            socket.destroy();
            resolve(data);
          }
        });
        socket.on("error", () => {});
        const head = Object.entries({ "content-type": "application/json", "content-length": "10000000", ...headers })
          .map(([k, v]) => `${k}: ${v}`)
          .join("\r\n");
        socket.write(`POST ${path} HTTP/1.1\r\nHost: x\r\n${head}\r\n\r\n${"{".padEnd(1024, " ")}`);
      });
    const ts = String(Math.floor(Date.now() / 1000));
    const signed = {
      "x-wangge-timestamp": ts,
      "x-wangge-nonce": nonce(),
      "x-wangge-signature": `sha256=${"0".repeat(64)}`,
    };
    expect(await answerBeforeBody("/api/v1/intake/devices/cam-nowhere", signed)).toMatch(
      /^HTTP\/1\.1 404[\s\S]*DEVICE_NOT_FOUND/,
    );
    expect(await answerBeforeBody(`/api/v1/intake/devices/${device.deviceKey}`, {})).toMatch(
      /^HTTP\/1\.1 401[\s\S]*DEVICE_SIGNATURE_INVALID/,
    );
    expect(
      await answerBeforeBody(`/api/v1/intake/devices/${device.deviceKey}`, {
        ...signed,
        "x-wangge-timestamp": String(Number(ts) - 3600),
      }),
    ).toMatch(/^HTTP\/1\.1 401[\s\S]*DEVICE_SIGNATURE_INVALID/);
  });

  it("refuses a retired device", async () => {
    const retired = await t.app.inject({
      method: "DELETE",
      url: `/api/v1/intake/devices/${device.id}`,
      headers: admin.headers,
    });
    expect(retired.statusCode).toBe(204);
    const res = await send({ externalId: "after", description: "停用后" });
    expect(res.statusCode).toBe(404);
  });
});

describe("registering devices", () => {
  const register = (payload: Record<string, unknown>) =>
    t.app.inject({
      method: "POST",
      url: "/api/v1/intake/devices",
      headers: admin.headers,
      payload: { categoryKey: "hazard.safety", areaCode: tree.grid.code, ...payload },
    });

  it("registers one device of a key asked for five times at once, and refuses names with control characters", async () => {
    const answers = await Promise.all(
      Array.from({ length: 5 }, () => register({ deviceKey: "cam-twin", name: "双胞胎" })),
    );
    expect(answers.map((r) => r.statusCode).sort()).toEqual([201, 400, 400, 400, 400]);
    for (const r of answers.filter((a) => a.statusCode === 400))
      expect(r.json().errors.map((e: { path: string }) => e.path)).toEqual(["body.deviceKey"]);
    for (const name of ["cam\u0000era", "cam\u001b[31mera", "\u202ea；"]) {
      const res = await register({ deviceKey: `cam-${crypto.randomUUID().slice(0, 8)}`, name });
      expect(res.statusCode, JSON.stringify(name)).toBe(400);
      expect(res.json().errors.map((e: { path: string }) => e.path)).toEqual(["body.name"]);
    }
  });
});

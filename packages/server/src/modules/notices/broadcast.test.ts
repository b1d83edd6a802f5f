import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildTestApp, type TestApp } from "../../test/build-test-app.ts";
import { type AreaTree, buildAreaTree, buildUser, type Session, signIn } from "../../test/factories.ts";
import { signDeviceRequest } from "../events/devices.service.ts";

/**
 * Cloud broadcast through the HTTP API: loudspeakers registered under 接入管理, their signed queue
 * (urgent first), acknowledgements, and every way a request is refused — replayed, stale, badly
 * signed, for another device, of a retired device, an intake camera's key.
 */
let t: TestApp;
let tree: AreaTree;
let admin: Session;
let official: Session;
let speaker: { id: string; deviceKey: string; secret: string };
let farSpeaker: { id: string; deviceKey: string; secret: string };

const nonce = () => crypto.randomUUID().replace(/-/g, "");

function signed(
  method: "GET" | "POST",
  url: string,
  secret: string,
  options: { body?: string; timestamp?: number; nonce?: string; signedUrl?: string; signedBody?: string } = {},
) {
  const ts = String(options.timestamp ?? Math.floor(Date.now() / 1000));
  const n = options.nonce ?? nonce();
  const raw = options.body ?? "";
  return t.app.inject({
    method,
    url,
    headers: {
      ...(method === "POST" ? { "content-type": "application/json" } : {}),
      "x-wangge-timestamp": ts,
      "x-wangge-nonce": n,
      "x-wangge-signature": `sha256=${signDeviceRequest(secret, ts, n, `${method} ${options.signedUrl ?? url}\n${options.signedBody ?? raw}`)}`,
    },
    ...(method === "POST" ? { payload: raw } : {}),
  });
}

const queueUrl = (key: string) => `/api/v1/broadcast/devices/${key}/queue`;
const ackUrl = (key: string, item: string) => `/api/v1/broadcast/devices/${key}/queue/${item}/ack`;

async function send(over: Record<string, unknown> = {}) {
  const body = {
    id: crypto.randomUUID(),
    title: "通知",
    body: "请村民按时参加防火演练。",
    areaCode: tree.village.code,
    urgent: false,
    channels: ["loudspeaker"],
    ...over,
  };
  const res = await t.app.inject({ method: "POST", url: "/api/v1/notices", headers: official.headers, payload: body });
  expect(res.statusCode, res.body).toBe(201);
  return body.id;
}

beforeAll(async () => {
  t = await buildTestApp();
  tree = await buildAreaTree(t.ctx);
  admin = await signIn(t, await buildUser(t.ctx, { role: "admin" }));
  official = await signIn(t, await buildUser(t.ctx, { role: "village_official", areaCode: tree.village.code }));
  const register = (payload: object) =>
    t.app.inject({ method: "POST", url: "/api/v1/broadcast/devices", headers: admin.headers, payload });
  const res = await register({ deviceKey: "spk-cun-01", name: "村部喇叭", areaCode: tree.grid.code });
  expect(res.statusCode, res.body).toBe(201);
  speaker = res.json();
  farSpeaker = (await register({ deviceKey: "spk-lin-01", name: "邻镇喇叭", areaCode: tree.otherGrid.code })).json();
}, 120_000);
afterAll(async () => {
  await t?.close();
});

describe("registering loudspeakers", () => {
  it("shows the secret once, lists loudspeakers apart from intake devices, refuses a taken key or a township", async () => {
    expect(speaker.secret.length).toBeGreaterThan(30);
    const list = await t.app.inject({ method: "GET", url: "/api/v1/broadcast/devices", headers: admin.headers });
    expect(list.json().map((d: { deviceKey: string }) => d.deviceKey)).toEqual(["spk-cun-01", "spk-lin-01"]);
    expect(list.body).not.toContain(speaker.secret);
    const intake = await t.app.inject({ method: "GET", url: "/api/v1/intake/devices", headers: admin.headers });
    expect(intake.json()).toEqual([]);
    const bad = await t.app.inject({
      method: "POST",
      url: "/api/v1/broadcast/devices",
      headers: admin.headers,
      payload: { deviceKey: "spk-cun-01", name: "重复", areaCode: tree.township.code },
    });
    expect(bad.statusCode).toBe(400);
    expect(
      bad
        .json()
        .errors.map((e: { path: string }) => e.path)
        .sort(),
    ).toEqual(["body.areaCode", "body.deviceKey"]);
    expect(
      (await t.app.inject({ method: "GET", url: "/api/v1/broadcast/devices", headers: official.headers })).statusCode,
    ).toBe(403);
    expect((await t.app.inject({ method: "GET", url: "/api/v1/broadcast/devices" })).statusCode).toBe(401);
  });
});

describe("a loudspeaker's queue", () => {
  it("plays urgent notices first, only those of its area, and records delivery and playback for the sender", async () => {
    const first = await send({ title: "春耕通知" });
    const urgent = await send({ title: "山洪预警", urgent: true });
    const queue = await signed("GET", queueUrl(speaker.deviceKey), speaker.secret);
    expect(queue.statusCode, queue.body).toBe(200);
    expect(queue.json().items.map((i: { noticeId: string }) => i.noticeId)).toEqual([urgent, first]);
    expect(queue.json().items[0]).toMatchObject({
      urgent: true,
      text: "山洪预警。请村民按时参加防火演练。",
      audioUrl: null,
    });
    // The other township's loudspeaker has nothing of this village.
    expect((await signed("GET", queueUrl(farSpeaker.deviceKey), farSpeaker.secret)).json().items).toEqual([]);
    const item = queue.json().items[0].itemId;
    const played = await signed("POST", ackUrl(speaker.deviceKey, item), speaker.secret, {
      body: JSON.stringify({ outcome: "played" }),
    });
    expect(played.statusCode, played.body).toBe(200);
    // The same word again (a lost answer) is the same answer; another word is refused.
    expect(
      (await signed("POST", ackUrl(speaker.deviceKey, item), speaker.secret, { body: '{"outcome":"played"}' }))
        .statusCode,
    ).toBe(200);
    expect(
      (await signed("POST", ackUrl(speaker.deviceKey, item), speaker.secret, { body: '{"outcome":"failed"}' }))
        .statusCode,
    ).toBe(404);
    // Played items leave the queue.
    const after = await signed("GET", queueUrl(speaker.deviceKey), speaker.secret);
    expect(after.json().items.map((i: { noticeId: string }) => i.noticeId)).toEqual([first]);
    const failed = await signed("POST", ackUrl(speaker.deviceKey, after.json().items[0].itemId), speaker.secret, {
      body: JSON.stringify({ outcome: "failed", detail: "功放无电，联系 13877120009" }),
    });
    expect(failed.statusCode).toBe(200);
    const detail = await t.app.inject({ method: "GET", url: `/api/v1/notices/${first}`, headers: official.headers });
    expect(detail.json().loudspeakers).toEqual([
      expect.objectContaining({ name: "村部喇叭", state: "failed", detail: "功放无电，联系 138****0009" }),
    ]);
    const urgentDetail = (
      await t.app.inject({ method: "GET", url: `/api/v1/notices/${urgent}`, headers: official.headers })
    ).json();
    expect(urgentDetail.notice.delivery).toMatchObject({
      loudspeakers: 1,
      loudspeakersFetched: 1,
      loudspeakersPlayed: 1,
    });
    expect(urgentDetail.loudspeakers[0]).toMatchObject({ state: "played", doneAt: expect.any(String) });
  });

  it("refuses a replayed, stale, badly signed or misdirected request", async () => {
    const n = nonce();
    const ok = await signed("GET", queueUrl(speaker.deviceKey), speaker.secret, { nonce: n });
    expect(ok.statusCode).toBe(200);
    const replay = await signed("GET", queueUrl(speaker.deviceKey), speaker.secret, { nonce: n });
    expect(replay.statusCode).toBe(409);
    expect(replay.json().code).toBe("DEVICE_REQUEST_REPLAYED");
    const stale = await signed("GET", queueUrl(speaker.deviceKey), speaker.secret, {
      timestamp: Math.floor(Date.now() / 1000) - 600,
    });
    expect(stale.statusCode).toBe(401);
    expect(stale.json().code).toBe("DEVICE_SIGNATURE_INVALID");
    const wrongSecret = await signed("GET", queueUrl(speaker.deviceKey), farSpeaker.secret);
    expect(wrongSecret.statusCode).toBe(401);
    // A signature made for another device's path is worthless here.
    const otherPath = await signed("GET", queueUrl(speaker.deviceKey), speaker.secret, {
      signedUrl: queueUrl(farSpeaker.deviceKey),
    });
    expect(otherPath.statusCode).toBe(401);
    const unsigned = await t.app.inject({ method: "GET", url: queueUrl(speaker.deviceKey) });
    expect(unsigned.statusCode).toBe(401);
    expect((await signed("GET", queueUrl("spk-none-99"), speaker.secret)).statusCode).toBe(404);
    // Another device's item is not this one's to acknowledge.
    const id = await send({ title: "另一条" });
    const item = (await signed("GET", queueUrl(speaker.deviceKey), speaker.secret))
      .json()
      .items.find((i: { noticeId: string }) => i.noticeId === id).itemId;
    const foreign = await signed("POST", ackUrl(farSpeaker.deviceKey, item), farSpeaker.secret, {
      body: '{"outcome":"played"}',
    });
    expect(foreign.statusCode).toBe(404);
    const invalid = await signed("POST", ackUrl(speaker.deviceKey, item), speaker.secret, {
      body: '{"outcome":"loud"}',
    });
    expect(invalid.statusCode).toBe(400);
    expect(invalid.json().errors[0].path).toBe("body.outcome");
  });

  it("takes an acknowledgement only as signed: not another body, not for another item, not twice with one nonce", async () => {
    const first = await send({ title: "第一条" });
    const second = await send({ title: "第二条" });
    const items = (await signed("GET", queueUrl(speaker.deviceKey), speaker.secret)).json().items;
    const itemOf = (id: string) => items.find((i: { noticeId: string }) => i.noticeId === id).itemId;
    const [a, b] = [itemOf(first), itemOf(second)];
    const state = async (item: string) =>
      (await t.ctx.db.selectFrom("broadcast_item").select("state").where("id", "=", item).executeTakeFirstOrThrow())
        .state;
    // The body sent is not the body signed: refused, and the item is not touched.
    const tampered = await signed("POST", ackUrl(speaker.deviceKey, a), speaker.secret, {
      body: '{"outcome":"played"}',
      signedBody: '{"outcome":"failed"}',
    });
    expect(tampered.statusCode).toBe(401);
    expect(tampered.json().code).toBe("DEVICE_SIGNATURE_INVALID");
    // A signature made for one item's acknowledgement does not acknowledge another.
    const moved = await signed("POST", ackUrl(speaker.deviceKey, b), speaker.secret, {
      body: '{"outcome":"played"}',
      signedUrl: ackUrl(speaker.deviceKey, a),
    });
    expect(moved.statusCode).toBe(401);
    expect([await state(a), await state(b)]).toEqual(["fetched", "fetched"]);
    // A recorded acknowledgement sent again is a replay, even for the same item.
    const n = nonce();
    const ack = await signed("POST", ackUrl(speaker.deviceKey, a), speaker.secret, {
      body: '{"outcome":"failed","detail":"功放无电"}',
      nonce: n,
    });
    expect(ack.statusCode, ack.body).toBe(200);
    const replay = await signed("POST", ackUrl(speaker.deviceKey, a), speaker.secret, {
      body: '{"outcome":"failed","detail":"功放无电"}',
      nonce: n,
    });
    expect(replay.statusCode).toBe(409);
    // A stale acknowledgement is refused before anything is looked at.
    const stale = await signed("POST", ackUrl(speaker.deviceKey, b), speaker.secret, {
      body: '{"outcome":"played"}',
      timestamp: Math.floor(Date.now() / 1000) - 301,
    });
    expect(stale.statusCode).toBe(401);
    expect([await state(a), await state(b)]).toEqual(["failed", "fetched"]);
    // Another outcome for an item already acknowledged is refused; the same one answers as the first.
    const other = await signed("POST", ackUrl(speaker.deviceKey, a), speaker.secret, { body: '{"outcome":"played"}' });
    expect(other.statusCode).toBe(404);
    const same = await signed("POST", ackUrl(speaker.deviceKey, a), speaker.secret, { body: '{"outcome":"failed"}' });
    expect(same.json()).toEqual({ itemId: a, state: "failed" });
  });

  it("plays an uploaded recording, fetched by a signed request of the loudspeaker whose item it is", async () => {
    // An MP3 frame header and some bytes; a text file is refused whatever its Content-Type says.
    const mp3 = Buffer.concat([Buffer.from([0xff, 0xfb, 0x90, 0x64]), Buffer.alloc(2000, 7)]);
    const audioId = crypto.randomUUID();
    const upload = (who: Session, body: Buffer, contentType = "audio/mpeg", id = audioId) =>
      t.app.inject({
        method: "POST",
        url: `/api/v1/broadcast/audio?id=${id}`,
        headers: { ...who.headers, "content-type": contentType },
        payload: body,
      });
    const first = await upload(official, mp3);
    expect(first.statusCode, first.body).toBe(201);
    expect(first.json()).toEqual({ id: audioId, contentType: "audio/mpeg", size: mp3.length });
    expect((await upload(official, mp3, "application/octet-stream")).statusCode).toBe(200);
    const other = Buffer.concat([Buffer.from("ID3"), Buffer.alloc(100)]);
    expect((await upload(official, other)).json().code).toBe("BROADCAST_AUDIO_REJECTED");
    const text = await upload(official, Buffer.from("这不是录音"), "audio/mpeg", crypto.randomUUID());
    expect(text.statusCode).toBe(422);
    expect(text.json().code).toBe("BROADCAST_AUDIO_REJECTED");
    expect((await upload(admin, mp3, "audio/mpeg", crypto.randomUUID())).statusCode).toBe(403);
    // Another sender cannot name it in a notice.
    const township = await signIn(
      t,
      await buildUser(t.ctx, { role: "township_official", areaCode: tree.township.code }),
    );
    const foreign = await t.app.inject({
      method: "POST",
      url: "/api/v1/notices",
      headers: township.headers,
      payload: {
        id: crypto.randomUUID(),
        title: "录音",
        body: "请听广播。",
        areaCode: tree.village.code,
        channels: ["loudspeaker"],
        audioId,
      },
    });
    expect(foreign.statusCode).toBe(400);
    expect(foreign.json().errors).toEqual([expect.objectContaining({ path: "body.audioId" })]);
    const noticeId = await send({ title: "广播录音", audioId });
    const item = (await signed("GET", queueUrl(speaker.deviceKey), speaker.secret))
      .json()
      .items.find((i: { noticeId: string }) => i.noticeId === noticeId);
    expect(item.audioUrl).toBe(`/api/v1/broadcast/devices/${speaker.deviceKey}/queue/${item.itemId}/audio`);
    const audio = await signed("GET", item.audioUrl, speaker.secret);
    expect(audio.statusCode).toBe(200);
    expect(audio.headers["content-type"]).toBe("audio/mpeg");
    expect(audio.rawPayload.equals(mp3)).toBe(true);
    expect((await signed("GET", item.audioUrl, farSpeaker.secret)).statusCode).toBe(401);
    const farUrl = `/api/v1/broadcast/devices/${farSpeaker.deviceKey}/queue/${item.itemId}/audio`;
    expect((await signed("GET", farUrl, farSpeaker.secret)).statusCode).toBe(404);
    expect((await t.app.inject({ method: "GET", url: item.audioUrl })).statusCode).toBe(401);
  });

  it("is closed to a retired loudspeaker and to an intake device's key", async () => {
    const camera = await t.app.inject({
      method: "POST",
      url: "/api/v1/intake/devices",
      headers: admin.headers,
      payload: { deviceKey: "cam-cun-01", name: "村口摄像头", categoryKey: "hazard.safety", areaCode: tree.grid.code },
    });
    const cam = camera.json();
    expect((await signed("GET", queueUrl(cam.deviceKey), cam.secret)).statusCode).toBe(404);
    // And a loudspeaker cannot report events through the intake webhook.
    const raw = JSON.stringify({ externalId: "x1", description: "喇叭不会报事件" });
    const ts = String(Math.floor(Date.now() / 1000));
    const n = nonce();
    const webhook = await t.app.inject({
      method: "POST",
      url: `/api/v1/intake/devices/${speaker.deviceKey}`,
      headers: {
        "content-type": "application/json",
        "x-wangge-timestamp": ts,
        "x-wangge-nonce": n,
        "x-wangge-signature": `sha256=${signDeviceRequest(speaker.secret, ts, n, raw)}`,
      },
      payload: raw,
    });
    expect(webhook.statusCode).toBe(404);
    const retire = await t.app.inject({
      method: "DELETE",
      url: `/api/v1/broadcast/devices/${farSpeaker.id}`,
      headers: admin.headers,
    });
    expect(retire.statusCode).toBe(204);
    expect((await signed("GET", queueUrl(farSpeaker.deviceKey), farSpeaker.secret)).statusCode).toBe(404);
    // The intake route does not retire a loudspeaker, nor this route a camera.
    expect(
      (await t.app.inject({ method: "DELETE", url: `/api/v1/broadcast/devices/${cam.id}`, headers: admin.headers }))
        .statusCode,
    ).toBe(404);
  });
});

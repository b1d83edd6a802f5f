import { checkCharacter } from "@wangge/core";
import type { LightMyRequestResponse } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildTestApp, type TestApp } from "../../test/build-test-app.ts";
import {
  type AreaTree,
  buildAreaTree,
  buildUser,
  drawVillageAndGrid,
  type Session,
  signIn,
} from "../../test/factories.ts";
import { open311Errors } from "../../test/open311-schemas.ts";

/**
 * What Open311 publishes (issue #16, item 12): only events their reporter agreed to show, staff
 * marked public, or an Open311 client whose key publishes made; numbers masked, a resident's point
 * rounded and no address; every other number answered exactly like one never issued.
 */
let t: TestApp;
let admin: Session;
let worker: Session;
let otherWorker: Session;
let resident: Session;
let tree: AreaTree;

const ID_NUMBER = `45080219850505123${checkCharacter("45080219850505123")}`;
const PHONE = "13966001122";
const JPEG = Buffer.from([0xff, 0xd8, 0xff, 0xdb, 0, 4, 0, 1, 0xff, 0xda, 0, 2, 1, 2, 0xff, 0xd9]);

const get = (url: string) => t.app.inject({ method: "GET", url });
let addresses = 0;
/** A GET from an address of its own: the first request of its rate-limit key, as any other's first is. */
const getFresh = (url: string) => {
  addresses++;
  return t.app.inject({ method: "GET", url, remoteAddress: `10.9.${addresses >> 8}.${addresses & 255}` });
};
const numbers = (res: LightMyRequestResponse) =>
  (res.json() as { service_request_id: string }[]).map((r) => r.service_request_id);

async function report(session: Session, body: Record<string, unknown>) {
  const res = await t.app.inject({
    method: "POST",
    url: "/api/v1/events",
    headers: session.headers,
    payload: { id: crypto.randomUUID(), lng: 109.60537, lat: 23.10468, ...body },
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as { id: string; number: string; public: boolean };
}

/** Status, headers (without the request id and the date) and body, the asked number put back as «N». */
function shape(res: LightMyRequestResponse, asked: string) {
  const { "x-request-id": _id, date: _date, ...headers } = res.headers;
  return { status: res.statusCode, headers, body: res.body.replaceAll(asked, "«N»") };
}

beforeAll(async () => {
  t = await buildTestApp();
  admin = await signIn(t, await buildUser(t.ctx, { role: "admin" }));
  tree = await buildAreaTree(t.ctx);
  await drawVillageAndGrid(t, admin, tree);
  worker = await signIn(t, await buildUser(t.ctx, { role: "grid_worker", areaCode: tree.grid.code }));
  otherWorker = await signIn(t, await buildUser(t.ctx, { role: "grid_worker", areaCode: tree.otherGrid.code }));
  resident = await signIn(t, await buildUser(t.ctx, { role: "resident" }));
});
afterAll(async () => {
  await t?.close();
});

describe("Open311 publishes only what may be public", () => {
  it("lists a resident's report only when they agreed, masked, its point rounded to ~100 m and without address", async () => {
    const text = `楼道灯坏了，联系 ${PHONE}，身份证 ${ID_NUMBER}`;
    const kept = await report(resident, {
      categoryKey: "facility.damaged",
      source: "resident",
      description: text,
      address: "金港大道12号3单元",
    });
    expect(kept.public).toBe(false);
    const shown = await report(resident, {
      categoryKey: "facility.damaged",
      source: "resident",
      description: text,
      address: "金港大道12号3单元",
      public: true,
    });
    expect(shown.public).toBe(true);

    const list = await get("/open311/v2/requests.json");
    expect(list.statusCode).toBe(200);
    expect(open311Errors("requests.json", list.json())).toEqual([]);
    expect(numbers(list)).toContain(shown.number);
    expect(numbers(list)).not.toContain(kept.number);
    for (const secret of [PHONE, ID_NUMBER, "金港大道12号", "109.60537", "23.10468"])
      expect(list.body).not.toContain(secret);
    const one = list.json().find((r: { service_request_id: string }) => r.service_request_id === shown.number);
    expect(one).toMatchObject({
      description: "楼道灯坏了，联系 139****1122，身份证 450802************",
      lat: 23.105,
      long: 109.605,
      address: null,
      address_id: tree.grid.code,
    });
    const xml = await get(`/open311/v2/requests/${shown.number}.xml`);
    expect(xml.statusCode).toBe(200);
    expect(xml.body).toContain("<lat>23.105</lat><long>109.605</long>");
    expect(xml.body).not.toContain(PHONE);
  });

  it("shows a staff report marked public with its exact point and address, numbers masked", async () => {
    const made = await report(worker, {
      categoryKey: "facility.damaged",
      description: "村口桥栏杆断裂",
      address: `村口桥（报告人 ${PHONE}）`,
      public: true,
    });
    const one = (await get(`/open311/v2/requests/${made.number}.json`)).json()[0];
    expect(one).toMatchObject({ lat: 23.10468, long: 109.60537, address: "村口桥（报告人 139****1122）" });
  });

  it("answers a dispute's number, a private report's and one never issued byte for byte alike", async () => {
    const dispute = await report(resident, {
      categoryKey: "dispute.neighbour",
      source: "resident",
      description: "邻居装修噪音扰民",
      public: true,
    });
    const privateOne = await report(resident, {
      categoryKey: "environment.sanitation",
      source: "resident",
      description: "垃圾桶满溢",
    });
    // A number of the same shape and length that was never issued.
    const unknown = privateOne.number.replace(/-\d{4}$/, "-9999");
    for (const url of [
      (n: string) => `/open311/v2/requests/${n}.json`,
      (n: string) => `/open311/v2/requests/${n}.xml`,
      (n: string) => `/open311/v2/requests.json?service_request_id=${n}`,
      (n: string) => `/open311/v2/requests.xml?service_request_id=${n}`,
    ]) {
      const none = shape(await getFresh(url(unknown)), unknown);
      expect(shape(await getFresh(url(dispute.number)), dispute.number)).toEqual(none);
      expect(shape(await getFresh(url(privateOne.number)), privateOne.number)).toEqual(none);
    }
    expect((await get(`/open311/v2/requests/${unknown}.json`)).statusCode).toBe(404);
    const list = await get("/open311/v2/requests.json");
    expect(numbers(list)).not.toContain(dispute.number);
    expect(numbers(list)).not.toContain(privateOne.number);
  });

  it("serves photos only of public requests; a private one's answers like an unknown id", async () => {
    const upload = async (eventId: string) => {
      const res = await t.app.inject({
        method: "POST",
        url: `/api/v1/events/${eventId}/attachments?fileName=photo.jpg`,
        headers: { ...worker.headers, "content-type": "image/jpeg" },
        payload: JPEG,
      });
      expect(res.statusCode, res.body).toBe(201);
      return res.json().id as string;
    };
    const hidden = await report(worker, { categoryKey: "facility.damaged", description: "井盖缺失" });
    const shown = await report(worker, { categoryKey: "facility.damaged", description: "井盖松动", public: true });
    const hiddenPhoto = await upload(hidden.id);
    await upload(shown.id);
    const listed = (await get(`/open311/v2/requests/${shown.number}.json`)).json()[0];
    expect(listed.media_url).toMatch(/\/open311\/v2\/media\/[0-9a-f-]+$/);
    expect((await get(new URL(listed.media_url).pathname)).statusCode).toBe(200);
    const none = shape(await getFresh(`/open311/v2/media/${crypto.randomUUID()}`), "");
    expect(shape(await getFresh(`/open311/v2/media/${hiddenPhoto}`), "")).toEqual(none);
    expect(none.status).toBe(404);
  });
});

describe("marking an event public", () => {
  it("lets staff of the area show an event and take it off, on the timeline and audited; others are refused", async () => {
    const made = await report(resident, {
      categoryKey: "environment.sanitation",
      source: "resident",
      description: "河道漂浮垃圾",
    });
    const put = (session: Session, body: Record<string, unknown>, id = made.id) =>
      t.app.inject({ method: "PUT", url: `/api/v1/events/${id}/public`, headers: session.headers, payload: body });

    const refused = await put(otherWorker, { public: true });
    expect(refused.statusCode).toBe(404);
    const bad = await put(worker, { public: "yes" });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors).toEqual([expect.objectContaining({ path: "body.public" })]);
    expect(numbers(await get("/open311/v2/requests.json"))).not.toContain(made.number);

    const shown = await put(worker, { public: true, note: "居民同意公开" });
    expect(shown.statusCode, shown.body).toBe(200);
    expect(shown.json()).toMatchObject({ public: true });
    expect(shown.json().timeline.at(-1)).toMatchObject({ action: "publish", note: "居民同意公开" });
    expect(numbers(await get("/open311/v2/requests.json"))).toContain(made.number);
    // Asked again: nothing changes, nothing more on the timeline.
    const again = await put(worker, { public: true });
    expect(again.json().timeline).toHaveLength(shown.json().timeline.length);

    // The reporter withdraws it.
    const withdrawn = await put(resident, { public: false });
    expect(withdrawn.statusCode, withdrawn.body).toBe(200);
    expect(withdrawn.json().timeline.at(-1)).toMatchObject({ action: "unpublish" });
    expect(numbers(await get("/open311/v2/requests.json"))).not.toContain(made.number);
    const audited = await t.ctx.db
      .selectFrom("audit_log")
      .select(["action", "outcome"])
      .where("target_id", "=", made.id)
      .where("action", "in", ["event.publish", "event.unpublish"])
      .execute();
    expect(audited.map((a) => `${a.action}:${a.outcome}`).sort()).toEqual([
      "event.publish:success",
      "event.unpublish:success",
    ]);
  });

  it("refuses to make a dispute public and a worker who may only read there", async () => {
    const dispute = await report(worker, { categoryKey: "dispute.neighbour", description: "宅基地边界争执" });
    const res = await t.app.inject({
      method: "PUT",
      url: `/api/v1/events/${dispute.id}/public`,
      headers: worker.headers,
      payload: { public: true },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: "VALIDATION_FAILED", errors: [{ path: "body.public" }] });
    const official = await signIn(
      t,
      await buildUser(t.ctx, { role: "township_official", areaCode: tree.township.code }),
    );
    const event = await report(worker, { categoryKey: "facility.damaged", description: "路灯不亮" });
    const readOnly = await t.app.inject({
      method: "PUT",
      url: `/api/v1/events/${event.id}/public`,
      headers: official.headers,
      payload: { public: true },
    });
    expect(readOnly.statusCode).toBe(403);
  });
});

describe("Open311 keys and publicity", () => {
  it("publishes what a client makes with a default key, and not what it makes with a private key", async () => {
    const keyOf = async (payload: Record<string, unknown>) => {
      const res = await t.app.inject({ method: "POST", url: "/api/v1/open311/keys", headers: admin.headers, payload });
      expect(res.statusCode, res.body).toBe(201);
      return res.json() as { key: string; requestsPublic: boolean };
    };
    const open = await keyOf({ name: "fixmystreet-public" });
    const closed = await keyOf({ name: "hotline-private", requestsPublic: false });
    expect([open.requestsPublic, closed.requestsPublic]).toEqual([true, false]);
    const post = async (key: string, description: string) => {
      const res = await t.app.inject({
        method: "POST",
        url: "/open311/v2/requests.json",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        payload: new URLSearchParams({
          api_key: key,
          service_code: "environment.sanitation",
          lat: "23.1045",
          long: "109.6055",
          description,
        }).toString(),
      });
      expect(res.statusCode, res.body).toBe(201);
      return res.json()[0].service_request_id as string;
    };
    const listed = await post(open.key, "公园垃圾无人清理");
    const unlisted = await post(closed.key, "市民热线：公园垃圾无人清理");
    const list = numbers(await get("/open311/v2/requests.json"));
    expect(list).toContain(listed);
    expect(list).not.toContain(unlisted);
    const keys = (await t.app.inject({ method: "GET", url: "/api/v1/open311/keys", headers: admin.headers })).json();
    expect(keys).toContainEqual(expect.objectContaining({ name: "hotline-private", requestsPublic: false }));
  });
});

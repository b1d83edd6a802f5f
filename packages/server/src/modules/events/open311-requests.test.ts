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
import { stripLocation } from "./attachment-files.ts";

let t: TestApp;
let admin: Session;
let worker: Session;
let tree: AreaTree;
let apiKey: string;

const valid = open311Errors;

/** A JPEG with an EXIF block holding a GPS pointer, as a phone writes it (the image data is a stub). */
function jpegWithGps(): Buffer {
  const tiff = Buffer.alloc(26);
  tiff.write("II", 0, "latin1");
  tiff.writeUInt16LE(42, 2);
  tiff.writeUInt32LE(8, 4);
  tiff.writeUInt16LE(1, 8); // one entry
  tiff.writeUInt16LE(0x8825, 10); // GPSInfo
  tiff.writeUInt16LE(4, 12);
  tiff.writeUInt32LE(1, 14);
  tiff.writeUInt32LE(26, 18);
  const exif = Buffer.concat([Buffer.from("Exif\0\0", "latin1"), tiff]);
  const app1 = Buffer.concat([Buffer.from([0xff, 0xe1]), u16be(exif.length + 2), exif]);
  const dqt = Buffer.concat([Buffer.from([0xff, 0xdb]), u16be(4), Buffer.from([0, 1])]);
  const sos = Buffer.from([0xff, 0xda, 0, 2, 1, 2, 3, 4, 0xff, 0xd9]);
  return Buffer.concat([Buffer.from([0xff, 0xd8]), app1, dqt, sos]);
}
function u16be(n: number) {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(n);
  return b;
}

/** A multipart/form-data body as FixMyStreet's client sends it (fields and photo parts). */
function multipart(fields: Record<string, string>, files: { name: string; filename: string; data: Buffer }[]) {
  const boundary = `----wangge${Math.random().toString(16).slice(2)}`;
  const parts: Buffer[] = [];
  for (const [k, v] of Object.entries(fields))
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`, "utf8"));
  for (const f of files)
    parts.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="${f.name}"; filename="${f.filename}"\r\nContent-Type: image/jpeg\r\n\r\n`,
        "utf8",
      ),
      f.data,
      Buffer.from("\r\n"),
    );
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(parts), contentType: `multipart/form-data; boundary=${boundary}` };
}

const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
const postForm = (url: string, fields: Record<string, string>) =>
  t.app.inject({
    method: "POST",
    url,
    headers: { "content-type": "application/x-www-form-urlencoded" },
    payload: form(fields),
  });

beforeAll(async () => {
  t = await buildTestApp();
  admin = await signIn(t, await buildUser(t.ctx, { role: "admin" }));
  tree = await buildAreaTree(t.ctx);
  await drawVillageAndGrid(t, admin, tree);
  worker = await signIn(t, await buildUser(t.ctx, { role: "grid_worker", areaCode: tree.grid.code }));
  const key = await t.app.inject({
    method: "POST",
    url: "/api/v1/open311/keys",
    headers: admin.headers,
    payload: { name: "fixmystreet" },
  });
  expect(key.statusCode, key.body).toBe(201);
  apiKey = key.json().key;
});
afterAll(async () => {
  await t?.close();
});

describe("Open311 API keys", () => {
  it("shows a key once, lists only its prefix, refuses a second key of the same name and non-admins", async () => {
    const list = await t.app.inject({ method: "GET", url: "/api/v1/open311/keys", headers: admin.headers });
    expect(list.json()).toEqual([expect.objectContaining({ name: "fixmystreet", prefix: apiKey.slice(0, 9) })]);
    expect(list.body).not.toContain(apiKey);
    const again = await t.app.inject({
      method: "POST",
      url: "/api/v1/open311/keys",
      headers: admin.headers,
      payload: { name: "fixmystreet" },
    });
    expect(again.statusCode).toBe(409);
    expect(again.json().code).toBe("OPEN311_KEY_NAME_TAKEN");
    const stored = await t.ctx.db.selectFrom("open311_key").selectAll().execute();
    expect(JSON.stringify(stored)).not.toContain(apiKey);
    const denied = await t.app.inject({ method: "GET", url: "/api/v1/open311/keys", headers: worker.headers });
    expect(denied.statusCode).toBe(403);
  });

  it("stops accepting a revoked key", async () => {
    const made = (
      await t.app.inject({
        method: "POST",
        url: "/api/v1/open311/keys",
        headers: admin.headers,
        payload: { name: "retired-client" },
      })
    ).json();
    const revoked = await t.app.inject({
      method: "DELETE",
      url: `/api/v1/open311/keys/${made.id}`,
      headers: admin.headers,
    });
    expect(revoked.statusCode).toBe(204);
    const res = await postForm("/open311/v2/requests.json", {
      api_key: made.key,
      service_code: "environment.sanitation",
      lat: "23.105",
      long: "109.605",
      description: "垃圾堆放",
    });
    expect(res.statusCode).toBe(403);
    const missing = await t.app.inject({
      method: "DELETE",
      url: `/api/v1/open311/keys/${made.id}`,
      headers: admin.headers,
    });
    expect(missing.statusCode).toBe(404);
  });
});

describe("Open311 service requests as FixMyStreet sends them", () => {
  let number: string;

  it("refuses an invalid api_key with 403 in the specification's error format, creating nothing", async () => {
    const before = await t.ctx.db.selectFrom("event").select("id").execute();
    const res = await postForm("/open311/v2/requests.xml", {
      jurisdiction_id: "wangge",
      api_key: "o311_not-a-key",
      service_code: "environment.sanitation",
      lat: "23.105",
      long: "109.605",
      description: "垃圾堆放",
    });
    expect(res.statusCode).toBe(403);
    expect(res.body).toBe(
      '<?xml version="1.0" encoding="utf-8"?><errors><error><code>403</code><description>api_key is missing, invalid or revoked</description></error></errors>',
    );
    expect(await t.ctx.db.selectFrom("event").select("id").execute()).toHaveLength(before.length);
  });

  it("creates a request from a multipart POST with a photo and a Chinese name in first_name, answering XML", async () => {
    const { body, contentType } = multipart(
      {
        jurisdiction_id: "wangge",
        api_key: apiKey,
        service_code: "facility.damaged",
        lat: "23.1052",
        long: "109.6051",
        email: "zhang@example.cn",
        first_name: "张三丰",
        last_name: "",
        phone: "13812345678",
        description: "title: 路灯不亮\n\ndetail: 村口路灯连续三晚不亮\n\nSubmitted via FixMyStreet",
        "attribute[fixmystreet_id]": "1234",
      },
      [{ name: "photo1", filename: "lamp.jpg", data: jpegWithGps() }],
    );
    const res = await t.app.inject({
      method: "POST",
      url: "/open311/v2/requests.xml",
      headers: { "content-type": contentType },
      payload: body,
    });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.headers["content-type"]).toMatch(/^text\/xml/);
    const m =
      /^<\?xml version="1.0" encoding="utf-8"\?><service_requests><request><service_request_id>(GX-[0-9A-Z-]+)<\/service_request_id><service_notice>[^<]+<\/service_notice><account_id><\/account_id><\/request><\/service_requests>$/.exec(
        res.body,
      );
    expect(m, res.body).not.toBeNull();
    number = m?.[1] as string;
    const event = await t.ctx.db.selectFrom("event").selectAll().where("number", "=", number).executeTakeFirstOrThrow();
    expect(event).toMatchObject({
      area_path: tree.grid.path,
      source: "open311",
      reporter_name: "张三丰",
      contact_name: "张三丰",
      contact_phone_masked: "138****5678",
      contact_email_masked: "z***@example.cn",
      attributes: { fixmystreet_id: "1234" },
    });
    expect(JSON.stringify(event)).not.toContain("13812345678");
    expect(JSON.stringify(event)).not.toContain("zhang@example.cn");
    const attachments = await t.ctx.db
      .selectFrom("event_attachment")
      .selectAll()
      .where("event_id", "=", event.id)
      .execute();
    expect(attachments).toEqual([expect.objectContaining({ content_type: "image/jpeg", had_location: true })]);
  });

  it("answers a retried identical POST with the same request instead of a second one", async () => {
    const fields = {
      api_key: apiKey,
      service_code: "environment.sanitation",
      lat: "23.1031",
      long: "109.6032",
      description: "河边垃圾无人清理",
    };
    const first = await postForm("/open311/v2/requests.json", fields);
    const second = await postForm("/open311/v2/requests.json", fields);
    expect(first.statusCode).toBe(201);
    expect(second.json()[0].service_request_id).toBe(first.json()[0].service_request_id);
    const rows = await t.ctx.db
      .selectFrom("event")
      .select("id")
      .where("description", "=", "河边垃圾无人清理")
      .execute();
    expect(rows).toHaveLength(1);
  });

  it("names each problem of a bad POST in the error list (400), and an unknown service with 404", async () => {
    const bad = await postForm("/open311/v2/requests.json", {
      api_key: apiKey,
      service_code: "hazard.safety",
      lat: "91",
      description: "",
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().map((e: { description: string }) => e.description)).toEqual([
      "lat and long are given together",
      "lat must be a latitude in China",
      "description is required",
    ]);
    const attr = await postForm("/open311/v2/requests.json", {
      api_key: apiKey,
      service_code: "hazard.safety",
      lat: "23.105",
      long: "109.605",
      description: "配电箱门敞开",
      "attribute[hazard_level]": "catastrophic",
    });
    expect(attr.statusCode).toBe(400);
    expect(attr.json()).toEqual([{ code: 400, description: "attribute[hazard_level]: one of general, major" }]);
    const unknown = await postForm("/open311/v2/requests.xml", {
      api_key: apiKey,
      service_code: "no.such",
      lat: "23.105",
      long: "109.605",
      description: "x y",
    });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.body).toContain("<error><code>404</code><description>service_code no.such not found</description>");
  });

  it("answers requests by a comma-separated id list in XML, and the public list in JSON that validates", async () => {
    const other = (
      await postForm("/open311/v2/requests.json", {
        api_key: apiKey,
        service_code: "environment.sanitation",
        lat: "23.1041",
        long: "109.6042",
        description: "公厕无人打扫",
      })
    ).json()[0].service_request_id;
    const xml = await t.app.inject({
      method: "GET",
      url: `/open311/v2/requests.xml?jurisdiction_id=wangge&service_request_id=${number},${other}`,
    });
    expect(xml.statusCode).toBe(200);
    expect(xml.body.match(/<request>/g)).toHaveLength(2);
    expect(xml.body).toContain(`<service_request_id>${number}</service_request_id><status>open</status>`);
    expect(xml.body).toContain("<status_notes>已上报 / reported</status_notes>");
    expect(xml.body).toMatch(/<media_url>http:\/\/[^<]+\/open311\/v2\/media\/[0-9a-f-]+<\/media_url>/);
    const json = await t.app.inject({ method: "GET", url: "/open311/v2/requests.json?status=open" });
    expect(valid("requests.json", json.json())).toEqual([]);
    expect(json.json().map((r: { service_request_id: string }) => r.service_request_id)).toEqual(
      expect.arrayContaining([number, other]),
    );
    const one = await t.app.inject({ method: "GET", url: `/open311/v2/requests/${number}.json` });
    expect(valid("requests.json", one.json())).toEqual([]);
    // A resident's report (through an Open311 client): its point rounded to about 100 m, no address.
    expect(one.json()[0]).toMatchObject({
      service_code: "facility.damaged",
      lat: 23.105,
      long: 109.605,
      address: null,
    });
    const none = await t.app.inject({ method: "GET", url: "/open311/v2/requests/GX-000000-20260101-0001.xml" });
    expect(none.statusCode).toBe(404);
    expect(none.body).toContain("<errors><error><code>404</code>");
  });

  it("serves the photo without its location, shows a token's request, and closes when the event is settled", async () => {
    const one = (await t.app.inject({ method: "GET", url: `/open311/v2/requests/${number}.json` })).json()[0];
    const media = await t.app.inject({ method: "GET", url: new URL(one.media_url).pathname });
    expect(media.statusCode).toBe(200);
    expect(media.headers["content-type"]).toBe("image/jpeg");
    expect(media.rawPayload.includes(Buffer.from("Exif\0\0", "latin1"))).toBe(false);
    expect(stripLocation("image/jpeg", media.rawPayload).hadLocation).toBe(false);

    const event = await t.ctx.db
      .selectFrom("event")
      .select(["id", "open311_token"])
      .where("number", "=", number)
      .executeTakeFirstOrThrow();
    const token = await t.app.inject({ method: "GET", url: `/open311/v2/tokens/${event.open311_token}.xml` });
    expect(token.body).toContain(
      `<service_request_id>${number}</service_request_id><token>${event.open311_token}</token>`,
    );

    for (const body of [{ action: "accept" }, { action: "resolve", note: "已更换灯泡" }]) {
      const res = await t.app.inject({
        method: "POST",
        url: `/api/v1/events/${event.id}/transitions`,
        headers: worker.headers,
        payload: body,
      });
      expect(res.statusCode, res.body).toBe(200);
    }
    const after = (await t.app.inject({ method: "GET", url: `/open311/v2/requests/${number}.json` })).json()[0];
    expect(after).toMatchObject({ status: "closed", status_notes: "已办结 / resolved" });
  });

  it("keeps disputes out of the public list and answers their number like an unknown one", async () => {
    const made = await postForm("/open311/v2/requests.json", {
      api_key: apiKey,
      service_code: "dispute.neighbour",
      lat: "23.1021",
      long: "109.6022",
      first_name: "李",
      last_name: "四",
      description: "邻居装修噪音扰民多次协商未果",
    });
    expect(made.statusCode).toBe(201);
    const id = made.json()[0].service_request_id;
    const list = (await t.app.inject({ method: "GET", url: "/open311/v2/requests.json" })).json();
    expect(list.map((r: { service_request_id: string }) => r.service_request_id)).not.toContain(id);
    const one = await t.app.inject({ method: "GET", url: `/open311/v2/requests/${id}.json` });
    expect(one.statusCode).toBe(404);
    expect(one.json()).toEqual([{ code: 404, description: `service_request_id ${id} not found` }]);
    const row = await t.ctx.db
      .selectFrom("event")
      .select("contact_name")
      .where("number", "=", id)
      .executeTakeFirstOrThrow();
    expect(row.contact_name).toBe("李四");
  });
});

describe("attachments through the API", () => {
  it("stores a photo once per client id, gives staff the original and others the copy without location", async () => {
    const id = crypto.randomUUID();
    const reported = await t.app.inject({
      method: "POST",
      url: "/api/v1/events",
      headers: worker.headers,
      payload: { id, categoryKey: "environment.sanitation", description: "路边垃圾", lng: 109.605, lat: 23.105 },
    });
    expect(reported.statusCode).toBe(201);
    const attachmentId = crypto.randomUUID();
    const upload = () =>
      t.app.inject({
        method: "POST",
        url: `/api/v1/events/${id}/attachments?fileName=${encodeURIComponent("现场.jpg")}&attachmentId=${attachmentId}`,
        headers: { ...worker.headers, "content-type": "image/jpeg" },
        payload: jpegWithGps(),
      });
    const first = await upload();
    expect(first.statusCode, first.body).toBe(201);
    expect(first.json()).toMatchObject({ fileName: "现场.jpg", contentType: "image/jpeg", hadLocation: true });
    expect((await upload()).statusCode).toBe(200);
    const list = await t.app.inject({
      method: "GET",
      url: `/api/v1/events/${id}/attachments`,
      headers: worker.headers,
    });
    expect(list.json()).toHaveLength(1);
    const original = await t.app.inject({
      method: "GET",
      url: `/api/v1/events/${id}/attachments/${attachmentId}`,
      headers: worker.headers,
    });
    expect(original.rawPayload.equals(jpegWithGps())).toBe(true);
    const publicCopy = await t.app.inject({
      method: "GET",
      url: `/api/v1/events/${id}/attachments/${attachmentId}?variant=public`,
      headers: worker.headers,
    });
    expect(publicCopy.rawPayload.includes(Buffer.from("Exif\0\0", "latin1"))).toBe(false);
  });

  it("answers ten uploads of one attachment id at once like the first, and keeps the first of ten different files", async () => {
    const id = crypto.randomUUID();
    const reported = await t.app.inject({
      method: "POST",
      url: "/api/v1/events",
      headers: worker.headers,
      payload: { id, categoryKey: "environment.sanitation", description: "路边垃圾", lng: 109.605, lat: 23.105 },
    });
    expect(reported.statusCode).toBe(201);
    const upload = (attachmentId: string, data: Buffer) =>
      t.app.inject({
        method: "POST",
        url: `/api/v1/events/${id}/attachments?fileName=photo.jpg&attachmentId=${attachmentId}`,
        headers: { ...worker.headers, "content-type": "image/jpeg" },
        payload: data,
      });
    const same = crypto.randomUUID();
    const retries = await Promise.all(Array.from({ length: 10 }, () => upload(same, jpegWithGps())));
    expect(retries.map((r) => r.statusCode).sort()).toEqual([200, 200, 200, 200, 200, 200, 200, 200, 200, 201]);
    expect(new Set(retries.map((r) => r.body)).size).toBe(1);

    // Ten different files claim one id: one is stored, the others are refused, and the bytes are the stored one's.
    const contested = crypto.randomUUID();
    const files = Array.from({ length: 10 }, (_, i) => Buffer.concat([jpegWithGps(), Buffer.from([i])]));
    const claims = await Promise.all(files.map((f) => upload(contested, f)));
    expect(claims.map((r) => r.statusCode).sort()).toEqual([201, 409, 409, 409, 409, 409, 409, 409, 409, 409]);
    const winner = files[claims.findIndex((r) => r.statusCode === 201)] as Buffer;
    const stored = await t.app.inject({
      method: "GET",
      url: `/api/v1/events/${id}/attachments/${contested}`,
      headers: worker.headers,
    });
    expect(stored.rawPayload.equals(winner)).toBe(true);
    const list = await t.app.inject({
      method: "GET",
      url: `/api/v1/events/${id}/attachments`,
      headers: worker.headers,
    });
    expect(list.json()).toHaveLength(2);
  });

  it("refuses a file that is not a photo or PDF whatever its content type says, storing nothing", async () => {
    const id = crypto.randomUUID();
    await t.app.inject({
      method: "POST",
      url: "/api/v1/events",
      headers: worker.headers,
      payload: { id, categoryKey: "environment.sanitation", description: "污水外溢", lng: 109.605, lat: 23.105 },
    });
    const res = await t.app.inject({
      method: "POST",
      url: `/api/v1/events/${id}/attachments?fileName=evil.jpg`,
      headers: { ...worker.headers, "content-type": "image/jpeg" },
      payload: Buffer.from("<html><script>alert(1)</script></html>"),
    });
    expect(res.statusCode).toBe(422);
    expect(res.json()).toMatchObject({ code: "EVENT_ATTACHMENT_REJECTED", errors: [{ path: "body" }] });
    expect(await t.ctx.db.selectFrom("event_attachment").select("id").where("event_id", "=", id).execute()).toEqual([]);
    const unknown = await t.app.inject({
      method: "POST",
      url: `/api/v1/events/${crypto.randomUUID()}/attachments?fileName=a.jpg`,
      headers: { ...worker.headers, "content-type": "image/jpeg" },
      payload: jpegWithGps(),
    });
    expect(unknown.statusCode).toBe(404);
    const anonymous = await t.app.inject({
      method: "POST",
      url: `/api/v1/events/${id}/attachments?fileName=a.jpg`,
      headers: { "content-type": "image/jpeg" },
      payload: jpegWithGps(),
    });
    expect(anonymous.statusCode).toBe(401);
  });
});

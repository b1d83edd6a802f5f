import { checkCharacter, systemPrincipal } from "@wangge/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildTestApp, type TestApp } from "../../test/build-test-app.ts";
import { type AreaTree, buildAreaTree, buildUser, type Session, signIn } from "../../test/factories.ts";
import { ensureArea } from "../areas/areas.service.ts";
import { signDeviceRequest } from "../events/devices.service.ts";
import { createHousehold } from "../registry/households.service.ts";
import { createPerson } from "../registry/people.service.ts";
import { createPlace } from "../registry/places.service.ts";
import { tagSubject } from "../registry/tags.service.ts";

/**
 * Notices through the HTTP API against a real database: who a notice reaches (by area, by tag, by a
 * resident's registered phone or chosen village), inboxes with urgent first and read receipts, the
 * sender's delivery view, the households only a loudspeaker told, and the refusals (numbers in the
 * text, areas outside the sender's, retries, strangers).
 */
let t: TestApp;
let tree: AreaTree;
let siblingGrid: string;
let official: Session;
let otherOfficial: Session;
let worker: Session;
let otherWorker: Session;
let elderResident: Session;
let familyResident: Session;
let follower: Session;
let stranger: Session;
let admin: Session;
let speaker: { id: string; deviceKey: string; secret: string };
const meta = { requestId: "test", ip: null, userAgent: null };
const ELDER_PHONE = "13877120001";
const FAMILY_PHONE = "13877120002";
const ID_NUMBER = (() => {
  const first17 = "45080219400101002";
  return `${first17}${checkCharacter(first17)}`;
})();
const LONELY_ID = (() => {
  const first17 = "45080219380505003";
  return `${first17}${checkCharacter(first17)}`;
})();
const ids = {
  elderHousehold: crypto.randomUUID(),
  familyHousehold: crypto.randomUUID(),
  lonelyHousehold: crypto.randomUUID(),
  elder: crypto.randomUUID(),
  lonely: crypto.randomUUID(),
};

const inject = (session: Session | null, method: "GET" | "POST" | "PUT", url: string, payload?: unknown) =>
  t.app.inject({
    method,
    url,
    headers: session?.headers ?? {},
    ...(payload !== undefined ? { payload: payload as object } : {}),
  });

const notice = (over: Record<string, unknown> = {}) => ({
  id: crypto.randomUUID(),
  title: "寒潮预警",
  body: "今晚至明天有强降温，请独居老人注意保暖，网格员将上门查看。",
  areaCode: tree.village.code,
  urgent: false,
  channels: ["app", "field", "loudspeaker"],
  ...over,
});

function pullQueue(deviceKey = speaker.deviceKey, secret = speaker.secret) {
  const url = `/api/v1/broadcast/devices/${deviceKey}/queue`;
  const ts = String(Math.floor(Date.now() / 1000));
  const n = crypto.randomUUID().replace(/-/g, "");
  return t.app.inject({
    method: "GET",
    url,
    headers: {
      "x-wangge-timestamp": ts,
      "x-wangge-nonce": n,
      "x-wangge-signature": `sha256=${signDeviceRequest(secret, ts, n, `GET ${url}\n`)}`,
    },
  });
}

async function place(road: string, gridCode: string) {
  const id = crypto.randomUUID();
  await createPlace(t.ctx, systemPrincipal(), meta, { id, divisionCode: tree.village.code, road, gridCode });
  return id;
}

beforeAll(async () => {
  t = await buildTestApp();
  tree = await buildAreaTree(t.ctx);
  siblingGrid = (
    await ensureArea(t.ctx.db, {
      code: `${tree.grid.code}X`,
      name: "二网格",
      level: "grid",
      parentCode: tree.village.code,
    })
  ).code;
  const system = systemPrincipal();
  await createHousehold(t.ctx, system, meta, {
    id: ids.elderHousehold,
    placeId: await place("龙山路", tree.grid.code),
  });
  await createHousehold(t.ctx, system, meta, {
    id: ids.familyHousehold,
    placeId: await place("江南路", tree.grid.code),
  });
  await createHousehold(t.ctx, system, meta, { id: ids.lonelyHousehold, placeId: await place("荷城路", siblingGrid) });
  await createPerson(t.ctx, system, meta, {
    id: ids.elder,
    name: "韦秀英",
    householdId: ids.elderHousehold,
    idNumber: ID_NUMBER,
    phone: ELDER_PHONE,
  });
  await createPerson(t.ctx, system, meta, {
    id: crypto.randomUUID(),
    name: "覃建国",
    householdId: ids.familyHousehold,
    phone: FAMILY_PHONE,
  });
  await createPerson(t.ctx, system, meta, {
    id: ids.lonely,
    name: "黄德才",
    householdId: ids.lonelyHousehold,
    idNumber: LONELY_ID,
  });
  await tagSubject(t.ctx, system, meta, "person", ids.elder, [{ key: "elderly_alone" }]);
  await tagSubject(t.ctx, system, meta, "person", ids.lonely, [{ key: "elderly_alone" }]);
  official = await signIn(t, await buildUser(t.ctx, { role: "village_official", areaCode: tree.village.code }));
  otherOfficial = await signIn(
    t,
    await buildUser(t.ctx, { role: "township_official", areaCode: tree.otherTownship.code }),
  );
  worker = await signIn(t, await buildUser(t.ctx, { role: "grid_worker", areaCode: tree.grid.code }));
  otherWorker = await signIn(t, await buildUser(t.ctx, { role: "grid_worker", areaCode: tree.otherGrid.code }));
  elderResident = await signIn(t, await buildUser(t.ctx, { role: "resident", phone: ELDER_PHONE }));
  familyResident = await signIn(t, await buildUser(t.ctx, { role: "resident", phone: FAMILY_PHONE }));
  follower = await signIn(t, await buildUser(t.ctx, { role: "resident", phone: "13877120003" }));
  stranger = await signIn(t, await buildUser(t.ctx, { role: "resident", phone: "13877120004" }));
  admin = await signIn(t, await buildUser(t.ctx, { role: "admin" }));
  const res = await inject(admin, "POST", "/api/v1/broadcast/devices", {
    deviceKey: "spk-village-01",
    name: "村委喇叭",
    areaCode: tree.village.code,
  });
  expect(res.statusCode, res.body).toBe(201);
  speaker = res.json();
}, 120_000);
afterAll(async () => {
  await t?.close();
});

describe("a resident's village", () => {
  it("is chosen among villages; a grid or an unknown code is refused with the field", async () => {
    expect((await inject(follower, "GET", "/api/v1/resident/village")).json()).toEqual({
      areaCode: null,
      areaName: null,
    });
    const options = await inject(follower, "GET", `/api/v1/resident/villages?q=${encodeURIComponent("测试")}`);
    expect(options.json()).toContainEqual(expect.objectContaining({ code: tree.village.code, parentName: "测试镇" }));
    const grid = await inject(follower, "PUT", "/api/v1/resident/village", { areaCode: tree.grid.code });
    expect(grid.statusCode).toBe(400);
    expect(grid.json().errors).toEqual([expect.objectContaining({ path: "body.areaCode" })]);
    const unknown = await inject(follower, "PUT", "/api/v1/resident/village", { areaCode: "NOPE99" });
    expect(unknown.statusCode).toBe(400);
    const ok = await inject(follower, "PUT", "/api/v1/resident/village", { areaCode: tree.village.code });
    expect(ok.json()).toEqual({ areaCode: tree.village.code, areaName: "测试村" });
    expect((await inject(null, "GET", "/api/v1/resident/village")).statusCode).toBe(401);
    expect((await inject(worker, "PUT", "/api/v1/resident/village", { areaCode: tree.village.code })).statusCode).toBe(
      403,
    );
  });
});

describe("sending a notice", () => {
  it("refuses a text with an ID or phone number, naming the field, and sends nothing", async () => {
    const body = notice({ body: `有事请联系 ${FAMILY_PHONE}`, title: `关于 ${ID_NUMBER} 的通知` });
    const res = await inject(official, "POST", "/api/v1/notices", body);
    expect(res.statusCode).toBe(400);
    expect(
      res
        .json()
        .errors.map((e: { path: string }) => e.path)
        .sort(),
    ).toEqual(["body.body", "body.title"]);
    expect(res.json().errors[0].message).toMatch(/身份证号或手机号|ID or phone number/);
    // Spaced and full-width digits are numbers all the same.
    const spaced = await inject(official, "POST", "/api/v1/notices", notice({ body: "电话 138 7712 0002" }));
    expect(spaced.statusCode).toBe(400);
    expect(await t.ctx.db.selectFrom("notice").select("id").where("id", "=", body.id).execute()).toEqual([]);
  });

  it("needs notice.send, a session, and an area of the sender's", async () => {
    expect((await inject(null, "POST", "/api/v1/notices", notice())).statusCode).toBe(401);
    expect((await inject(worker, "POST", "/api/v1/notices", notice())).statusCode).toBe(403);
    expect((await inject(elderResident, "POST", "/api/v1/notices", notice())).statusCode).toBe(403);
    const elsewhere = await inject(official, "POST", "/api/v1/notices", notice({ areaCode: tree.otherGrid.code }));
    expect(elsewhere.statusCode).toBe(400);
    expect(elsewhere.json().errors).toEqual([expect.objectContaining({ path: "body.areaCode" })]);
    const sensitive = await inject(official, "POST", "/api/v1/notices", notice({ tagKey: "community_correction" }));
    expect(sensitive.statusCode).toBe(400);
    const unknownTag = await inject(official, "POST", "/api/v1/notices", notice({ tagKey: "no_such_tag" }));
    expect(unknownTag.json().errors).toEqual([expect.objectContaining({ path: "body.tagKey" })]);
    const noChannel = await inject(official, "POST", "/api/v1/notices", notice({ channels: [] }));
    expect(noChannel.statusCode).toBe(400);
  });

  it("an urgent notice to the 独居老人 households of a village reaches their residents, the grid workers and the head of the loudspeaker's queue", async () => {
    const normal = notice({ title: "村民大会通知", body: "本周六上午九点在村委会召开村民大会。" });
    expect((await inject(official, "POST", "/api/v1/notices", normal)).statusCode).toBe(201);
    const urgent = notice({ urgent: true, tagKey: "elderly_alone" });
    const sent = await inject(official, "POST", "/api/v1/notices", urgent);
    expect(sent.statusCode, sent.body).toBe(201);
    expect(sent.json()).toMatchObject({
      id: urgent.id,
      urgent: true,
      tagKey: "elderly_alone",
      areaName: "测试村",
      delivery: {
        residents: 1,
        workers: 1,
        loudspeakers: 1,
        households: 2,
        householdsWithApp: 1,
        householdsLoudspeakerOnly: 1,
      },
    });
    // Sending is audited, with the area, the tag and the channels.
    const audited = await t.ctx.db
      .selectFrom("audit_log")
      .select(["action", "outcome", "area_path"])
      .where("target_id", "=", urgent.id)
      .execute();
    expect(audited).toEqual([{ action: "notice.send", outcome: "success", area_path: tree.village.path }]);
    // The elder's resident account (her registered phone) has it first; the family's does not.
    const elderInbox = (await inject(elderResident, "GET", "/api/v1/notices/inbox")).json();
    expect(elderInbox.items.map((i: { id: string }) => i.id)).toEqual([urgent.id, normal.id]);
    expect(elderInbox.unread).toBe(2);
    const familyInbox = (await inject(familyResident, "GET", "/api/v1/notices/inbox")).json();
    expect(familyInbox.items.map((i: { id: string }) => i.id)).toEqual([normal.id]);
    // A follower of the village gets notices to everyone, not the tag-targeted one; a stranger nothing.
    const followerInbox = (await inject(follower, "GET", "/api/v1/notices/inbox")).json();
    expect(followerInbox.items.map((i: { id: string }) => i.id)).toEqual([normal.id]);
    expect((await inject(stranger, "GET", "/api/v1/notices/inbox")).json()).toEqual({ unread: 0, items: [] });
    // The grid worker of the village has both; a worker of another township nothing.
    const fieldInbox = (await inject(worker, "GET", "/api/v1/notices/inbox")).json();
    expect(fieldInbox.items[0]).toMatchObject({ id: urgent.id, urgent: true });
    expect((await inject(otherWorker, "GET", "/api/v1/notices/inbox")).json().items).toEqual([]);
    // The village loudspeaker plays the urgent one first, although it was sent later.
    const queue = await pullQueue();
    expect(queue.statusCode, queue.body).toBe(200);
    expect(queue.json().items.map((i: { noticeId: string }) => i.noticeId)).toEqual([urgent.id, normal.id]);
    expect(queue.json().items[0]).toMatchObject({ urgent: true, text: expect.stringContaining("寒潮预警") });
  });

  it("keeps read receipts, shown to the sender", async () => {
    const sent = notice({ title: "防汛通知", body: "请沿河住户做好防汛准备。" });
    await inject(official, "POST", "/api/v1/notices", sent);
    const read = await inject(elderResident, "POST", `/api/v1/notices/inbox/${sent.id}/read`);
    expect(read.statusCode).toBe(200);
    expect(read.json()).toMatchObject({ id: sent.id, readAt: expect.any(String) });
    const again = await inject(elderResident, "POST", `/api/v1/notices/inbox/${sent.id}/read`);
    expect(again.json().readAt).toBe(read.json().readAt);
    // Not received: as if it did not exist.
    expect((await inject(stranger, "POST", `/api/v1/notices/inbox/${sent.id}/read`)).statusCode).toBe(404);
    const detail = await inject(official, "GET", `/api/v1/notices/${sent.id}`);
    expect(detail.statusCode).toBe(200);
    expect(detail.json().notice.delivery).toMatchObject({ residents: 3, residentsRead: 1 });
    const residents = detail.json().recipients.filter((r: { kind: string }) => r.kind === "resident");
    expect(residents.filter((r: { readAt: string | null }) => r.readAt)).toHaveLength(1);
    // Residents' names are masked for staff.
    for (const r of residents) expect(r.name).toMatch(/^.\*+$/);
    expect(detail.body).not.toContain(ELDER_PHONE);
    const listed = (await inject(official, "GET", "/api/v1/notices")).json();
    expect(listed.find((n: { id: string }) => n.id === sent.id).delivery.residentsRead).toBe(1);
  });

  it("answers a retry with the first notice, also in parallel; another sender's id is a conflict", async () => {
    const body = notice({ title: "停水通知", body: "明天上午八点至十二点停水检修。" });
    const results = await Promise.all([1, 2, 3].map(() => inject(official, "POST", "/api/v1/notices", body)));
    expect(results.map((r) => r.statusCode).sort()).toEqual([200, 200, 201]);
    expect(new Set(results.map((r) => r.json().id))).toEqual(new Set([body.id]));
    const recipients = await t.ctx.db
      .selectFrom("notice_recipient")
      .select("user_id")
      .where("notice_id", "=", body.id)
      .execute();
    expect(recipients.length).toBe(new Set(recipients.map((r) => r.user_id)).size);
    const township = await signIn(
      t,
      await buildUser(t.ctx, { role: "township_official", areaCode: tree.township.code }),
    );
    expect((await inject(township, "POST", "/api/v1/notices", body)).statusCode).toBe(409);
  });

  it("shows a notice only in the sender's areas", async () => {
    const body = notice({ title: "秋收通知", body: "秋收期间注意防火。" });
    await inject(official, "POST", "/api/v1/notices", body);
    expect((await inject(otherOfficial, "GET", `/api/v1/notices/${body.id}`)).statusCode).toBe(404);
    expect((await inject(otherOfficial, "GET", "/api/v1/notices")).json()).toEqual([]);
    expect((await inject(official, "GET", `/api/v1/notices/${crypto.randomUUID()}`)).statusCode).toBe(404);
    expect((await inject(worker, "GET", `/api/v1/notices/${body.id}`)).statusCode).toBe(403);
  });
});

describe("households told only by the loudspeaker", () => {
  it("are listed to the grid workers of their area, masked, with whether the loudspeaker played it", async () => {
    const body = notice({ urgent: true, tagKey: "elderly_alone", title: "高温提醒", body: "近日高温，请多喝水。" });
    await inject(official, "POST", "/api/v1/notices", body);
    const sibling = await signIn(t, await buildUser(t.ctx, { role: "grid_worker", areaCode: siblingGrid }));
    const before = await inject(sibling, "GET", `/api/v1/notices/${body.id}/loudspeaker-only`);
    expect(before.statusCode, before.body).toBe(200);
    expect(before.json()).toEqual([
      expect.objectContaining({
        householdId: ids.lonelyHousehold,
        headName: null,
        areaCode: siblingGrid,
        loudspeakerPlayed: false,
      }),
    ]);
    // The elder's household has the app; the first grid holds no loudspeaker-only household.
    expect((await inject(worker, "GET", `/api/v1/notices/${body.id}/loudspeaker-only`)).json()).toEqual([]);
    const item = (await pullQueue()).json().items.find((i: { noticeId: string }) => i.noticeId === body.id);
    const url = `/api/v1/broadcast/devices/${speaker.deviceKey}/queue/${item.itemId}/ack`;
    const raw = JSON.stringify({ outcome: "played" });
    const ts = String(Math.floor(Date.now() / 1000));
    const n = crypto.randomUUID().replace(/-/g, "");
    const ack = await t.app.inject({
      method: "POST",
      url,
      headers: {
        "content-type": "application/json",
        "x-wangge-timestamp": ts,
        "x-wangge-nonce": n,
        "x-wangge-signature": `sha256=${signDeviceRequest(speaker.secret, ts, n, `POST ${url}\n${raw}`)}`,
      },
      payload: raw,
    });
    expect(ack.statusCode, ack.body).toBe(200);
    const after = (await inject(sibling, "GET", `/api/v1/notices/${body.id}/loudspeaker-only`)).json();
    expect(after[0].loudspeakerPlayed).toBe(true);
    // Someone of another township does not learn of the notice.
    expect((await inject(otherWorker, "GET", `/api/v1/notices/${body.id}/loudspeaker-only`)).statusCode).toBe(404);
    expect((await inject(elderResident, "GET", `/api/v1/notices/${body.id}/loudspeaker-only`)).statusCode).toBe(403);
  });
});

describe("a resident linked to their registry record", () => {
  it("receives the notices to their household, whatever phone they sign in with", async () => {
    const linked = await signIn(t, await buildUser(t.ctx, { role: "resident", phone: "13877120005" }));
    const link = await inject(linked, "PUT", "/api/v1/residents/me/link", { name: "黄德才", idNumber: LONELY_ID });
    expect(link.statusCode, link.body).toBeLessThan(300);
    const body = notice({ urgent: true, tagKey: "elderly_alone", title: "慰问通知", body: "重阳节村委会上门慰问。" });
    const sent = (await inject(official, "POST", "/api/v1/notices", body)).json();
    // His household now has someone on the app: no longer told by the loudspeaker only.
    expect(sent.delivery).toMatchObject({ households: 2, householdsWithApp: 2, householdsLoudspeakerOnly: 0 });
    const items = (await inject(linked, "GET", "/api/v1/notices/inbox")).json().items;
    expect(items.map((i: { id: string }) => i.id)).toEqual([body.id]);
  });
});

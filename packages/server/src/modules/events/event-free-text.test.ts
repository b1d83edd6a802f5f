import { checkCharacter } from "@wangge/core";
import { sql } from "kysely";
import { extractText, getDocumentProxy } from "unpdf";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createFieldCrypto } from "../../crypto/field-crypto.ts";
import { ENCRYPTED_COLUMNS, reencryptAll } from "../../crypto/reencrypt.ts";
import { buildTestApp, TEST_DATA_KEY, type TestApp } from "../../test/build-test-app.ts";
import {
  type AreaTree,
  buildAreaTree,
  buildUser,
  drawVillageAndGrid,
  type Session,
  signIn,
} from "../../test/factories.ts";
import { sealStoredFreeText } from "./free-text-sealing.service.ts";

/**
 * Free text of events with ID and phone numbers in it (issue #16, item 11): stored masked, the
 * original sealed beside it; given back in full to whoever wrote it, masked to everyone and
 * everything else; in clear to a handler who states a reason (audited). And a report's taken id
 * answered without telling who holds it (item 8).
 */
let t: TestApp;
let tree: AreaTree;
let worker: Session;
let head: Session;
let resident: Session;
let elsewhere: Session;
let mediator: Session;

const ID_NUMBER = `45080219790909456${checkCharacter("45080219790909456")}`;
const PHONE = "13955667788";
const MASKED = "139****7788";
const CANARY = `联系电话 ${PHONE}，身份证 ${ID_NUMBER}`;

type Call = { method?: "GET" | "POST" | "PUT"; url: string; payload?: unknown };
const call = (session: Session, { method = "GET", url, payload }: Call) =>
  t.app.inject({
    method,
    url,
    headers: session.headers,
    ...(payload !== undefined ? { payload: payload as object } : {}),
  });

/** Every row of the tables given, as one string: what a dump of them would hold. */
async function dumpOf(...tables: string[]): Promise<string> {
  let dump = "";
  for (const table of tables)
    dump += JSON.stringify((await sql`select * from ${sql.table(table)}`.execute(t.ctx.db)).rows);
  return dump;
}

async function report(session: Session, body: Record<string, unknown>) {
  const res = await call(session, {
    method: "POST",
    url: "/api/v1/events",
    payload: { id: crypto.randomUUID(), categoryKey: "environment.sanitation", lng: 109.605, lat: 23.105, ...body },
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json();
}

beforeAll(async () => {
  t = await buildTestApp();
  const admin = await signIn(t, await buildUser(t.ctx, { role: "admin" }));
  tree = await buildAreaTree(t.ctx);
  await drawVillageAndGrid(t, admin, tree);
  worker = await signIn(t, await buildUser(t.ctx, { role: "grid_worker", areaCode: tree.grid.code }));
  head = await signIn(t, await buildUser(t.ctx, { role: "grid_head", areaCode: tree.grid.code }));
  resident = await signIn(t, await buildUser(t.ctx, { role: "resident" }));
  elsewhere = await signIn(t, await buildUser(t.ctx, { role: "grid_worker", areaCode: tree.otherGrid.code }));
  mediator = await signIn(t, await buildUser(t.ctx, { role: "mediator", areaCode: tree.village.code }));
});
afterAll(async () => {
  await t?.close();
});

describe("free text of events", () => {
  it("is stored masked; the reporter and staff of the area read it in full, lists and search only masked", async () => {
    const event = await report(resident, {
      source: "resident",
      title: `下水道堵塞 ${PHONE}`,
      description: `小区门口下水道堵塞。${CANARY}`,
      address: `金港大道12号（${PHONE}）`,
      attributes: { contact: CANARY },
    });
    // The reporter gets back what they wrote.
    expect(event.description).toBe(`小区门口下水道堵塞。${CANARY}`);
    const row = await t.ctx.db.selectFrom("event").selectAll().where("id", "=", event.id).executeTakeFirstOrThrow();
    expect(row.description).toBe(`小区门口下水道堵塞。联系电话 ${MASKED}，身份证 450802************`);
    expect(row.title).toBe(`下水道堵塞 ${MASKED}`);
    expect(row.address).toBe(`金港大道12号（${MASKED}）`);
    expect(row.attributes).toEqual({ contact: `联系电话 ${MASKED}，身份证 450802************` });
    expect(row.description_sealed).not.toBeNull();
    const dump = await dumpOf("event", "event_step", "notification", "audit_log");
    expect(dump).not.toContain(PHONE);
    expect(dump).not.toContain(ID_NUMBER);

    // The reporter reads what they wrote; staff read it masked, told that numbers are hidden.
    const own = (await call(resident, { url: `/api/v1/events/${event.id}` })).json();
    expect(own).toMatchObject({
      title: `下水道堵塞 ${PHONE}`,
      description: `小区门口下水道堵塞。${CANARY}`,
      address: `金港大道12号（${PHONE}）`,
      attributes: { contact: CANARY },
      hidden: { text: false, contact: false, mayReveal: false },
    });
    const staff = await call(worker, { url: `/api/v1/events/${event.id}` });
    expect(staff.json()).toMatchObject({
      title: row.title,
      description: row.description,
      address: row.address,
      attributes: row.attributes,
      hidden: { text: true, contact: false, mayReveal: true },
    });
    expect(staff.body).not.toContain(PHONE);
    expect(staff.body).not.toContain(ID_NUMBER);
    expect((await call(elsewhere, { url: `/api/v1/events/${event.id}` })).statusCode).toBe(404);

    const inbox = await call(worker, { url: "/api/v1/events?box=area" });
    const listed = inbox.json().find((e: { id: string }) => e.id === event.id);
    expect(listed.description).toBe(row.description);
    expect(inbox.body).not.toContain(PHONE);
    // The word search looks in the masked text: a number is no oracle, the words still find it.
    const byNumber = await call(worker, { url: `/api/v1/events?box=area&q=${PHONE}` });
    expect(byNumber.json()).toEqual([]);
    const byIdPart = await call(worker, { url: `/api/v1/events?box=area&q=${ID_NUMBER.slice(6, 14)}` });
    expect(byIdPart.json()).toEqual([]);
    const byWords = await call(worker, { url: `/api/v1/events?box=area&q=${encodeURIComponent("下水道堵塞")}` });
    expect(byWords.json().map((e: { id: string }) => e.id)).toContain(event.id);

    const duplicates = await call(worker, {
      url: `/api/v1/events/duplicates?categoryKey=environment.sanitation&lng=109.605&lat=23.105&description=${encodeURIComponent(`小区门口下水道堵塞。${CANARY}`)}`,
    });
    expect(duplicates.statusCode, duplicates.body).toBe(200);
    // The same text, masked on both sides: the same.
    expect(duplicates.json().find((d: { id: string }) => d.id === event.id)).toMatchObject({ similarity: 1 });
    expect(duplicates.body).not.toContain(PHONE);
  });

  it("keeps numbers in timeline notes, notifications and feedback masked at rest, in full on the detail", async () => {
    const event = await report(resident, { source: "resident", description: "路灯不亮" });
    for (const body of [
      { action: "accept" },
      { action: "co_handle", unit: `供电所 ${PHONE}`, note: `请供电所协办，联系 ${PHONE}` },
      { action: "resolve", note: `已修复，如再坏请打 ${PHONE}，经办人身份证 ${ID_NUMBER}` },
    ]) {
      const res = await call(head, { method: "POST", url: `/api/v1/events/${event.id}/transitions`, payload: body });
      expect(res.statusCode, res.body).toBe(200);
    }
    const feedback = await call(resident, {
      method: "POST",
      url: `/api/v1/events/${event.id}/feedback`,
      payload: { satisfaction: "satisfied", comment: `很满意，有事打 ${PHONE}` },
    });
    expect(feedback.statusCode, feedback.body).toBe(200);

    const notifications = await call(resident, { url: "/api/v1/notifications" });
    const resolved = notifications.json().items.find((n: { kind: string; eventId: string }) => n.kind === "resolve");
    expect(resolved.note).toBe(`已修复，如再坏请打 ${MASKED}，经办人身份证 450802************`);
    expect(notifications.body).not.toContain(PHONE);

    const dump = await dumpOf("event", "event_step", "notification", "audit_log");
    expect(dump).not.toContain(PHONE);
    expect(dump).not.toContain(ID_NUMBER);

    // The head reads their own notes as written, the resident's verdict masked.
    const detail = (await call(head, { url: `/api/v1/events/${event.id}` })).json();
    expect(detail.feedback).toBe(`很满意，有事打 ${MASKED}`);
    expect(detail.timeline.map((s: { note: string | null }) => s.note)).toEqual(
      expect.arrayContaining([
        `请供电所协办，联系 ${PHONE}`,
        `已修复，如再坏请打 ${PHONE}，经办人身份证 ${ID_NUMBER}`,
        `satisfied: 很满意，有事打 ${MASKED}`,
      ]),
    );
    // Another worker of the grid reads the head's notes masked; the resident their own verdict in full.
    const other = await call(worker, { url: `/api/v1/events/${event.id}` });
    expect(other.body).not.toContain(PHONE);
    expect(other.json().timeline.map((s: { note: string | null }) => s.note)).toEqual(
      expect.arrayContaining([`已修复，如再坏请打 ${MASKED}，经办人身份证 450802************`]),
    );
    const mine = (await call(resident, { url: `/api/v1/events/${event.id}` })).json();
    expect(mine.feedback).toBe(`很满意，有事打 ${PHONE}`);
    // The co-handling list keeps the masked copy (its original is the timeline note).
    expect(detail.coHandlers).toEqual([expect.objectContaining({ unit: `供电所 ${MASKED}` })]);
  });

  it("stores an attachment's name masked and gives its readers the name as given", async () => {
    const event = await report(worker, { description: "井盖缺失" });
    const name = `身份证${ID_NUMBER}.jpg`;
    const jpeg = Buffer.from([0xff, 0xd8, 0xff, 0xdb, 0, 4, 0, 1, 0xff, 0xda, 0, 2, 1, 2, 0xff, 0xd9]);
    const upload = await t.app.inject({
      method: "POST",
      url: `/api/v1/events/${event.id}/attachments?fileName=${encodeURIComponent(name)}`,
      headers: { ...worker.headers, "content-type": "image/jpeg" },
      payload: jpeg,
    });
    expect(upload.statusCode, upload.body).toBe(201);
    expect(upload.json().fileName).toBe(name);
    const stored = await dumpOf("event_attachment");
    expect(stored).toContain("身份证450802************.jpg");
    expect(stored).not.toContain(ID_NUMBER);
    const list = await call(worker, { url: `/api/v1/events/${event.id}/attachments` });
    expect(list.json()[0].fileName).toBe(name);
    const file = await call(worker, { url: `/api/v1/events/${event.id}/attachments/${upload.json().id}` });
    expect(file.headers["content-disposition"]).toContain(encodeURIComponent(name));
    // Whoever did not upload it reads the name masked, in the list and in the download.
    const masked = "身份证450802************.jpg";
    const theirs = await call(head, { url: `/api/v1/events/${event.id}/attachments` });
    expect(theirs.json()[0].fileName).toBe(masked);
    const download = await call(head, { url: `/api/v1/events/${event.id}/attachments/${upload.json().id}` });
    expect(download.headers["content-disposition"]).toContain(encodeURIComponent(masked));
    expect(download.headers["content-disposition"]).not.toContain(ID_NUMBER);
    // A name that would show reversed ("现场\u202Egpj.exe" reads as "现场exe.jpg") loses its direction
    // controls, and gets the extension of what the bytes are.
    const spoof = await t.app.inject({
      method: "POST",
      url: `/api/v1/events/${event.id}/attachments?fileName=${encodeURIComponent("现场\u202Egpj.exe\u2066")}`,
      headers: { ...worker.headers, "content-type": "image/jpeg" },
      payload: jpeg,
    });
    expect(spoof.statusCode, spoof.body).toBe(201);
    expect(spoof.json().fileName).toBe("现场gpj.exe.jpg");
  });

  it("stores a dispute's parties, sessions, agreement and follow-ups masked; the record and its PDF show them in full", async () => {
    const dispute = await report(worker, { categoryKey: "dispute.neighbour", description: "邻里漏水纠纷" });
    const base = `/api/v1/events/${dispute.id}/dispute`;
    const post = async (url: string, payload: unknown, method: "POST" | "PUT" = "POST") => {
      const res = await call(mediator, { method, url, payload });
      expect(res.statusCode, res.body).toBeLessThan(300);
      return res.json();
    };
    await post(`${base}/parties`, { id: crypto.randomUUID(), role: "applicant", name: "韦一" });
    await post(`${base}/parties`, {
      id: crypto.randomUUID(),
      role: "respondent",
      name: `黄二（${PHONE}）`,
      address: `测试村3组12号，电话 ${PHONE}`,
    });
    await post(`${base}/sessions`, {
      id: crypto.randomUUID(),
      heldAt: new Date(Date.now() - 3_600_000).toISOString(),
      place: "村委会调解室",
      mediators: "黄调解员",
      attendees: `韦一、黄二（${PHONE}）`,
      record: `双方同意修缮。黄二身份证 ${ID_NUMBER}`,
      outcome: "agreement",
    });
    await post(
      `${base}/agreement`,
      {
        committee: "测试村人民调解委员会",
        facts: `楼上漏水，黄二电话 ${PHONE}`,
        matters: "修缮费用",
        obligations: [
          { party: "黄二", obligation: `修缮，完工后告知 ${PHONE}`, method: "自行", deadline: "2026-12-31" },
        ],
        signedOn: "2026-11-28",
        mediatorName: "黄调解员",
      },
      "PUT",
    );
    await post(`${base}/followups`, {
      id: crypto.randomUUID(),
      kind: "performance",
      at: new Date().toISOString(),
      result: `已修缮，回访电话 ${PHONE}`,
      performance: "performed",
      note: `身份证 ${ID_NUMBER}`,
    });

    const dump = await dumpOf(
      "dispute_party",
      "mediation_session",
      "mediation_agreement",
      "dispute_followup",
      "event_step",
      "notification",
    );
    expect(dump).toContain(MASKED);
    expect(dump).not.toContain(PHONE);
    expect(dump).not.toContain(ID_NUMBER);

    const record = (await call(mediator, { url: base })).json();
    expect(record.parties[1]).toMatchObject({ name: `黄二（${PHONE}）`, address: `测试村3组12号，电话 ${PHONE}` });
    expect(record.sessions[0]).toMatchObject({
      attendees: `韦一、黄二（${PHONE}）`,
      record: `双方同意修缮。黄二身份证 ${ID_NUMBER}`,
    });
    expect(record.agreement).toMatchObject({
      facts: `楼上漏水，黄二电话 ${PHONE}`,
      obligations: [expect.objectContaining({ obligation: `修缮，完工后告知 ${PHONE}` })],
    });
    expect(record.followups[0]).toMatchObject({ result: `已修缮，回访电话 ${PHONE}`, note: `身份证 ${ID_NUMBER}` });

    const pdf = await call(mediator, { url: `${base}/agreement.pdf` });
    expect(pdf.statusCode).toBe(200);
    const { text } = await extractText(await getDocumentProxy(new Uint8Array(pdf.rawPayload)), { mergePages: true });
    expect(text.replace(/\s+/g, "")).toContain(`住址：测试村3组12号，电话${PHONE}`);

    // Escalated to the village: the grid's worker still reads the record (it arose in the grid),
    // masked — in full only for those who handle or mediate it where it is now.
    const up = await call(head, {
      method: "POST",
      url: `/api/v1/events/${dispute.id}/transitions`,
      payload: { action: "escalate", note: "需村调委会调解" },
    });
    expect(up.statusCode, up.body).toBe(200);
    const masked = await call(worker, { url: base });
    expect(masked.statusCode).toBe(200);
    expect(masked.body).toContain(MASKED);
    expect(masked.body).not.toContain(PHONE);
    expect(masked.body).not.toContain(ID_NUMBER);
    expect((await call(mediator, { url: base })).body).toContain(PHONE);
  });
});

describe("an event's numbers in clear, for a reason", () => {
  const reveal = (session: Session, id: string, payload: unknown) =>
    call(session, { method: "POST", url: `/api/v1/events/${id}/reveal`, payload });

  it("gives a handler the text and the reporter's phone for a reason, audited with the reason masked", async () => {
    const event = await report(resident, {
      source: "resident",
      description: `楼道灯坏了，${CANARY}`,
      contact: { name: "韦女士", phone: PHONE, email: "wei@example.cn" },
      consentNote: "居民同意留联系方式回访",
    });
    const detail = await call(worker, { url: `/api/v1/events/${event.id}` });
    expect(detail.json()).toMatchObject({
      contactPhone: MASKED,
      hidden: { text: true, contact: true, mayReveal: true },
    });
    expect(detail.body).not.toContain(PHONE);

    const res = await reveal(worker, event.id, { reason: `回访居民，核实地址（居民另留 ${PHONE}）` });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers["cache-control"]).toBe("no-store");
    expect(res.json()).toMatchObject({
      description: `楼道灯坏了，${CANARY}`,
      contactName: "韦女士",
      contactPhone: PHONE,
      contactEmail: "wei@example.cn",
    });
    const audit = await t.ctx.db
      .selectFrom("audit_log")
      .selectAll()
      .where("action", "=", "event.reveal")
      .where("target_id", "=", event.id)
      .execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ outcome: "success", reason: `回访居民，核实地址（居民另留 ${MASKED}）` });
    expect((audit[0]?.details as { fields?: string[] } | undefined)?.fields).toEqual(
      expect.arrayContaining(["description", "contact_phone", "contact_email"]),
    );
    // Nothing of it in clear at rest: the reason's number masked too.
    const dump = await dumpOf("event", "event_step", "notification", "audit_log");
    expect(dump).not.toContain(PHONE);
    expect(dump).not.toContain(ID_NUMBER);
  });

  it("refuses a bad reason, strangers, readers who may not handle it where it is now, and unknown events", async () => {
    const event = await report(resident, { source: "resident", description: `井盖松动，${CANARY}` });
    for (const payload of [
      {},
      { reason: " " },
      { reason: "x" },
      { reason: "查看", extra: 1 },
      { reason: "a".repeat(501) },
    ]) {
      const res = await reveal(head, event.id, payload);
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
      expect(res.json().code).toBe("VALIDATION_FAILED");
    }
    const anonymous = await t.app.inject({
      method: "POST",
      url: `/api/v1/events/${event.id}/reveal`,
      payload: { reason: "回访" },
    });
    expect(anonymous.statusCode).toBe(401);
    // Another grid's worker, and a resident: the answer an unknown event gets, or no right at all.
    expect((await reveal(elsewhere, event.id, { reason: "回访" })).statusCode).toBe(404);
    expect((await reveal(resident, event.id, { reason: "回访" })).statusCode).toBe(403);
    expect((await reveal(head, crypto.randomUUID(), { reason: "回访" })).statusCode).toBe(404);

    // Escalated to the village: the grid worker still reads it (it arose in the grid), masked, and
    // may no longer see it in clear; the refusal is audited.
    const up = await call(head, {
      method: "POST",
      url: `/api/v1/events/${event.id}/transitions`,
      payload: { action: "escalate", note: "需村里协调" },
    });
    expect(up.statusCode, up.body).toBe(200);
    const read = await call(worker, { url: `/api/v1/events/${event.id}` });
    expect(read.statusCode).toBe(200);
    expect(read.json().hidden).toMatchObject({ text: true, mayReveal: false });
    const refused = await reveal(worker, event.id, { reason: "回访" });
    expect(refused.statusCode).toBe(403);
    const denied = await t.ctx.db
      .selectFrom("audit_log")
      .select(["outcome", "reason"])
      .where("action", "=", "event.reveal")
      .where("target_id", "=", event.id)
      .execute();
    expect(denied).toEqual([{ outcome: "denied", reason: "回访" }]);
  });
});

describe("free text written before it was sealed", () => {
  it("is sealed at start, in batches, once — and reads as before", async () => {
    const event = await report(worker, { description: "旧数据" });
    await call(head, {
      method: "POST",
      url: `/api/v1/events/${event.id}/transitions`,
      payload: { action: "co_handle", unit: "水务站", note: "协办" },
    });
    // Put the rows back as an earlier version wrote them: clear text, nothing sealed.
    await sql`update event set description = ${`旧数据 ${CANARY}`}, description_sealed = null,
      reporter_name = ${`王五 ${PHONE}`},
      co_handlers = ${JSON.stringify([{ unit: `水务站 ${PHONE}`, note: "协办", by: null, at: "2026-01-01" }])}::jsonb,
      attributes = ${JSON.stringify({ contact: PHONE })}::jsonb, attributes_sealed = null
      where id = ${event.id}`.execute(t.ctx.db);
    await sql`update event_step set note = ${`旧备注 ${PHONE}`}, note_sealed = null
      where event_id = ${event.id} and action = 'co_handle'`.execute(t.ctx.db);
    await sql`insert into notification (id, user_id, event_id, kind, title, body, created_at)
      select gen_random_uuid(), id, ${event.id}, 'resolve', ${`旧通知 ${PHONE}`}, ${JSON.stringify({ note: ID_NUMBER })}, now()
      from app_user limit 3`.execute(t.ctx.db);
    await sql`delete from free_text_sealing`.execute(t.ctx.db);
    await sql`insert into free_text_sealing (target) values ('event.description'), ('event.reporter_name'),
      ('event.co_handlers'), ('event.attributes'), ('event_step.note'), ('notification.title'),
      ('notification.body'), ('event.no_such_column')`.execute(t.ctx.db);
    expect(await dumpOf("event", "event_step", "notification")).toContain(PHONE);

    const first = await sealStoredFreeText(t.ctx, { batchSize: 2 });
    expect(first.sealed).toBeGreaterThanOrEqual(8);
    expect(first.tables.sort()).toEqual(["event", "event_step", "notification"]);
    const dump = await dumpOf("event", "event_step", "notification");
    expect(dump).not.toContain(PHONE);
    expect(dump).not.toContain(ID_NUMBER);
    expect(await t.ctx.db.selectFrom("free_text_sealing").selectAll().execute()).toEqual([]);

    const detail = (await call(head, { url: `/api/v1/events/${event.id}` })).json();
    expect(detail.description).toBe(`旧数据 联系电话 ${MASKED}，身份证 450802************`);
    expect(detail.reporterName).toBe(`王五 ${MASKED}`);
    const clear = await call(head, {
      method: "POST",
      url: `/api/v1/events/${event.id}/reveal`,
      payload: { reason: "核对旧数据" },
    });
    expect(clear.json()).toMatchObject({ description: `旧数据 ${CANARY}`, attributes: { contact: PHONE } });
    expect(clear.json().timeline.find((s: { action: string }) => s.action === "co_handle").note).toBe(
      `旧备注 ${PHONE}`,
    );

    // Again (another start, or a second process): nothing left to do.
    await sql`insert into free_text_sealing (target) values ('event.description'), ('event_step.note')`.execute(
      t.ctx.db,
    );
    expect(await sealStoredFreeText(t.ctx)).toEqual({ sealed: 0, tables: [] });
  });
});

describe("key rotation", () => {
  it("lists every encrypted and sealed column, and re-encrypts sealed free text", async () => {
    const columns = await sql<{ table_name: string; column_name: string }>`
      select table_name, column_name from information_schema.columns
      where table_schema = 'public' and (column_name like '%\\_enc' or column_name like '%\\_sealed')`.execute(
      t.ctx.db,
    );
    const listed = new Set(ENCRYPTED_COLUMNS.map(([table, column]) => `${table}.${column}`));
    expect(columns.rows.map((c) => `${c.table_name}.${c.column_name}`).filter((c) => !listed.has(c))).toEqual([]);

    const event = await report(worker, { description: `旋转密钥 ${PHONE}` });
    const rotated = createFieldCrypto({
      current: Buffer.alloc(32, 9),
      retired: [TEST_DATA_KEY],
      indexRoot: TEST_DATA_KEY,
    });
    await reencryptAll(t.ctx.db, rotated);
    const row = await t.ctx.db
      .selectFrom("event")
      .select("description_sealed")
      .where("id", "=", event.id)
      .executeTakeFirstOrThrow();
    expect(row.description_sealed?.startsWith(`v1:${rotated.keyId}:`)).toBe(true);
    expect(rotated.decrypt(row.description_sealed as string)).toBe(`旋转密钥 ${PHONE}`);
  });
});

describe("a report whose id is taken", () => {
  it("answers a reporter who cannot see the event holding it like an unknown event, one who can with a conflict", async () => {
    const held = await report(worker, { description: "网格员上报的事件" });
    const retry = await call(worker, {
      method: "POST",
      url: "/api/v1/events",
      payload: {
        id: held.id,
        categoryKey: "environment.sanitation",
        lng: 109.605,
        lat: 23.105,
        description: "网格员上报的事件",
      },
    });
    expect(retry.statusCode).toBe(200);
    const reuse = (session: Session) =>
      call(session, {
        method: "POST",
        url: "/api/v1/events",
        payload: {
          id: held.id,
          categoryKey: "environment.sanitation",
          areaCode: tree.otherGrid.code,
          description: "别的事",
        },
      });
    const stranger = await reuse(elsewhere);
    expect(stranger.statusCode).toBe(404);
    expect(stranger.json()).toMatchObject({ code: "EVENT_NOT_FOUND", errors: [{ path: "id" }] });
    const unknown = await call(elsewhere, { url: `/api/v1/events/${crypto.randomUUID()}` });
    expect(stranger.json().errors).toEqual(unknown.json().errors);
    const byResident = await call(resident, {
      method: "POST",
      url: "/api/v1/events",
      payload: { id: held.id, categoryKey: "environment.sanitation", lng: 109.605, lat: 23.105, description: "别的事" },
    });
    expect(byResident.statusCode).toBe(404);
    const colleague = await reuse(head);
    expect(colleague.statusCode).toBe(409);
    expect(colleague.json().code).toBe("EVENT_ID_CONFLICT");
  });

  it("answers the loser of two reports of one id at once like an unknown event when it cannot see the winner", async () => {
    const id = crypto.randomUUID();
    const [a, b] = await Promise.all([
      call(worker, {
        method: "POST",
        url: "/api/v1/events",
        payload: { id, categoryKey: "environment.sanitation", areaCode: tree.grid.code, description: "同时上报甲" },
      }),
      call(elsewhere, {
        method: "POST",
        url: "/api/v1/events",
        payload: {
          id,
          categoryKey: "environment.sanitation",
          areaCode: tree.otherGrid.code,
          description: "同时上报乙",
        },
      }),
    ]);
    expect([a.statusCode, b.statusCode].sort()).toEqual([201, 404]);
    expect([a, b].find((r) => r.statusCode === 404)?.json().code).toBe("EVENT_NOT_FOUND");
  });
});

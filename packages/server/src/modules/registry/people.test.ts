import { checkCharacter } from "@wangge/core";
import ExcelJS from "exceljs";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildTestApp, type TestApp } from "../../test/build-test-app.ts";
import { type AreaTree, buildAreaTree, buildUser, type Session, signIn } from "../../test/factories.ts";
import { ensureArea } from "../areas/areas.service.ts";

let t: TestApp;
let tree: AreaTree;
let gridB: string;
let official: Session;
let workerA: Session;
let workerB: Session;
let headA: Session;
let police: Session;

const idNumber = (first17: string) => `${first17}${checkCharacter(first17)}`;
const ZHANG = idNumber("45080219800101001");
const PHONE = "13877123456";

const post = (session: Session, url: string, payload: Record<string, unknown>) =>
  t.app.inject({ method: "POST", url, headers: session.headers, payload });
const get = (session: Session, url: string) => t.app.inject({ method: "GET", url, headers: session.headers });

beforeAll(async () => {
  t = await buildTestApp();
  tree = await buildAreaTree(t.ctx);
  gridB = (
    await ensureArea(t.ctx.db, {
      code: `${tree.village.code}G02`,
      name: "二网格",
      level: "grid",
      parentCode: tree.village.code,
    })
  ).code;
  // Registry writes need the work scope (#16 item 7): the township official registers as the village's grid head.
  official = await signIn(
    t,
    await buildUser(t.ctx, {
      role: "township_official",
      areaCode: tree.township.code,
      posts: [{ role: "grid_head", areaCode: tree.village.code }],
    }),
  );
  workerA = await signIn(t, await buildUser(t.ctx, { role: "grid_worker", areaCode: tree.grid.code }));
  workerB = await signIn(t, await buildUser(t.ctx, { role: "grid_worker", areaCode: gridB }));
  headA = await signIn(t, await buildUser(t.ctx, { role: "grid_head", areaCode: tree.grid.code }));
  police = await signIn(t, await buildUser(t.ctx, { role: "police_liaison", areaCode: tree.township.code }));
});
afterAll(async () => {
  await t?.close();
});

describe("registering people", () => {
  const zhangId = crypto.randomUUID();
  const body = {
    id: zhangId,
    name: "张三丰",
    idNumber: ZHANG,
    phone: PHONE,
    ethnicity: "壮族",
    gridCode: "",
    tags: [{ key: "elderly_alone" }, { key: "community_correction", validFrom: "2026-01-01", validTo: "2027-06-30" }],
  };

  it("stores a person with masked ID and phone, birth date and sex read from the ID, and tags", async () => {
    body.gridCode = tree.grid.code;
    const res = await post(official, "/api/v1/people", body);
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({
      id: zhangId,
      name: "张三丰",
      gender: "male",
      birthDate: "1980-01-01",
      ethnicity: { code: "08", name: { "zh-CN": "壮族", en: "Zhuang" } },
      idNumber: "450802************",
      phone: "138****3456",
      gridCode: tree.grid.code,
    });
    expect(
      res
        .json()
        .tags.map((x: { key: string }) => x.key)
        .sort(),
    ).toEqual(["community_correction", "elderly_alone"]);
  });

  it("answers a retry with the same id with the record, and a different record under that id with 409", async () => {
    const retry = await post(official, "/api/v1/people", body);
    expect(retry.statusCode).toBe(200);
    expect(retry.json().id).toBe(zhangId);
    const other = await post(official, "/api/v1/people", { ...body, name: "李四" });
    expect(other.statusCode).toBe(409);
    expect(other.json().code).toBe("REGISTRY_ID_CONFLICT");
  });

  it("refuses a second person with the same ID number, even in its old 15-digit form", async () => {
    const res = await post(official, "/api/v1/people", {
      id: crypto.randomUUID(),
      name: "张三",
      idNumber: "450802800101001",
      gridCode: gridB,
    });
    expect(res.statusCode).toBe(409);
    expect(res.json().code).toBe("PERSON_ID_NUMBER_TAKEN");
  });

  it("names each bad field — check digit, ethnicity, a date that does not match — and stores nothing", async () => {
    const id = crypto.randomUUID();
    const res = await post(official, "/api/v1/people", {
      id,
      name: "王五",
      idNumber: `${ZHANG.slice(0, 17)}${ZHANG[17] === "1" ? "2" : "1"}`,
      ethnicity: "火星族",
      phone: "12345",
      gridCode: tree.grid.code,
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe("VALIDATION_FAILED");
    expect(
      res
        .json()
        .errors.map((e: { path: string }) => e.path)
        .sort(),
    ).toEqual(["body.ethnicity", "body.idNumber", "body.phone"]);
    expect(res.json().errors.find((e: { path: string }) => e.path === "body.idNumber").message).toMatch(/check digit/);
    expect((await get(official, `/api/v1/people/${id}`)).statusCode).toBe(404);
    const mismatch = await post(official, "/api/v1/people", {
      id,
      name: "王五",
      idNumber: idNumber("45080219900505002"),
      birthDate: "1990-05-06",
      gridCode: tree.grid.code,
    });
    expect(mismatch.json().errors).toEqual([
      { path: "body.birthDate", message: "does not match the ID number (1990-05-05)" },
    ]);
  });

  it("needs a sign-in, and person.manage to register", async () => {
    const anonymous = await t.app.inject({ method: "POST", url: "/api/v1/people", payload: body });
    expect(anonymous.statusCode).toBe(401);
    const auditor = await signIn(t, await buildUser(t.ctx, { role: "auditor" }));
    const res = await post(auditor, "/api/v1/people", { ...body, id: crypto.randomUUID() });
    expect(res.statusCode).toBe(403);
  });

  it("keeps ID and phone numbers out of every column in clear", async () => {
    const rows = await sql<{ row: string }>`select row_to_json(p)::text as row from person p`.execute(t.ctx.db);
    const all = rows.rows.map((r) => r.row).join("\n");
    expect(all).toContain("张三丰");
    expect(all).not.toContain(ZHANG);
    expect(all).not.toContain(PHONE);
    expect(all).not.toContain(ZHANG.slice(6, 14));
  });

  describe("reading within scope", () => {
    it("shows grid A's worker the person, without the sensitive tag or any hint of it", async () => {
      const res = await get(workerA, `/api/v1/people/${zhangId}`);
      expect(res.statusCode).toBe(200);
      expect(res.json().tags.map((x: { key: string }) => x.key)).toEqual(["elderly_alone"]);
      expect(res.body).not.toMatch(/community_correction|社区矫正|sensitive/);
      const tags = (await get(workerA, "/api/v1/tags")).json();
      expect(tags.some((x: { category: string }) => x.category === "sensitive")).toBe(false);
      expect((await get(workerA, "/api/v1/people?tag=community_correction")).json()).toEqual([]);
    });

    it("shows the sensitive tag to the police liaison of the township", async () => {
      const res = await get(police, `/api/v1/people/${zhangId}`);
      expect(
        res
          .json()
          .tags.map((x: { key: string }) => x.key)
          .sort(),
      ).toEqual(["community_correction", "elderly_alone"]);
      const tagged = (await get(police, "/api/v1/people?tag=community_correction")).json();
      expect(tagged.map((p: { id: string }) => p.id)).toEqual([zhangId]);
    });

    it("lists whom to visit: people with any care tag, a care tag with the category, none for a tag of another", async () => {
      const care = await get(workerA, `/api/v1/people?tagCategory=care&gridCode=${tree.grid.code}`);
      expect(care.statusCode, care.body).toBe(200);
      expect(care.json().map((p: { id: string }) => p.id)).toEqual([zhangId]);
      expect((await get(workerA, "/api/v1/people?tagCategory=care&tag=elderly_alone")).json()).toHaveLength(1);
      expect((await get(workerA, "/api/v1/people?tagCategory=service&tag=elderly_alone")).json()).toEqual([]);
      expect((await get(workerA, "/api/v1/people?tagCategory=service")).json()).toEqual([]);
      expect((await get(workerB, "/api/v1/people?tagCategory=care")).json()).toEqual([]);
      // Sensitive tags are not a category to list by.
      const sensitive = await get(police, "/api/v1/people?tagCategory=sensitive");
      expect(sensitive.statusCode).toBe(400);
      expect(sensitive.json().errors[0].path).toBe("query.tagCategory");
    });

    it("answers grid B's worker 404, as for a person who does not exist", async () => {
      const res = await get(workerB, `/api/v1/people/${zhangId}`);
      expect(res.statusCode).toBe(404);
      expect(res.json().code).toBe("PERSON_NOT_FOUND");
      expect((await get(workerB, "/api/v1/people?q=张")).json()).toEqual([]);
    });

    it.each([
      ["the surname", "张"],
      ["two characters of the given name", "三丰"],
      ["the full name", "张三丰"],
      ["full pinyin", "zhangsanfeng"],
      ["a pinyin prefix", "zhangs"],
      ["initials", "zsf"],
      ["the ID number", ZHANG],
      ["the old 15-digit ID number", "450802800101001"],
      ["the mobile number", "138 7712 3456"],
    ])("finds the person by %s", async (_label, q) => {
      const res = await get(workerA, `/api/v1/people?q=${encodeURIComponent(q)}`);
      expect(res.statusCode).toBe(200);
      expect(res.json().map((p: { id: string }) => p.id)).toEqual([zhangId]);
    });

    it("finds nobody for a name, pinyin or number that is not there, and rejects a bad query", async () => {
      for (const q of ["李", "三", "丰张", "lisi", idNumber("45080219800101002"), "13900000000"])
        expect((await get(workerA, `/api/v1/people?q=${encodeURIComponent(q)}`)).json()).toEqual([]);
      const bad = await get(workerA, "/api/v1/people?limit=0");
      expect(bad.statusCode).toBe(400);
      expect(bad.json().errors[0].path).toBe("query.limit");
    });
  });

  describe("revealing", () => {
    it("refuses a worker without person.reveal, and a reveal without a reason", async () => {
      const worker = await post(workerA, `/api/v1/people/${zhangId}/reveal`, {
        fields: ["idNumber"],
        reason: "核实身份",
      });
      expect(worker.statusCode).toBe(403);
      const noReason = await post(headA, `/api/v1/people/${zhangId}/reveal`, { fields: ["idNumber"] });
      expect(noReason.statusCode).toBe(400);
      expect(noReason.json().errors.map((e: { path: string }) => e.path)).toEqual(["body.reason"]);
      const outside = await post(workerB, `/api/v1/people/${zhangId}/reveal`, { fields: ["phone"], reason: "核实" });
      expect(outside.statusCode).toBe(403);
    });

    it("gives the grid head the clear values once, and writes the reason to the audit trail and the access log", async () => {
      const res = await post(headA, `/api/v1/people/${zhangId}/reveal`, {
        fields: ["idNumber", "phone"],
        reason: "办理高龄补贴，核对身份",
      });
      expect(res.statusCode).toBe(200);
      expect(res.headers["cache-control"]).toBe("no-store");
      expect(res.json()).toEqual({ idNumber: ZHANG, phone: PHONE });
      const audit = await t.ctx.db
        .selectFrom("audit_log")
        .select(["outcome", "reason"])
        .where("action", "=", "person.reveal")
        .where("target_id", "=", zhangId)
        .execute();
      expect(audit).toEqual([{ outcome: "success", reason: "办理高龄补贴，核对身份" }]);
      // The worker's attempt was refused before it reached the record, and audited as such.
      const denied = await t.ctx.db
        .selectFrom("audit_log")
        .select("outcome")
        .where("action", "=", "access.denied")
        .execute();
      expect(denied.length).toBeGreaterThan(0);
      const log = (await get(official, `/api/v1/people/${zhangId}/access-log`)).json();
      expect(log[0]).toMatchObject({
        action: "reveal",
        fields: ["idNumber", "phone"],
        reason: "办理高龄补贴，核对身份",
      });
      expect(log.map((l: { action: string }) => l.action)).toEqual(
        expect.arrayContaining(["create", "view", "reveal"]),
      );
      expect(JSON.stringify(log)).not.toContain(ZHANG);
    });
  });

  describe("updating", () => {
    it("changes only the fields given, logs their names (not values), and refuses a taken ID number", async () => {
      const res = await t.app.inject({
        method: "PATCH",
        url: `/api/v1/people/${zhangId}`,
        headers: official.headers,
        payload: { phone: "13977001122", residenceStatus: "away" },
      });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json()).toMatchObject({ phone: "139****1122", residenceStatus: "away", name: "张三丰" });
      const found = (await get(workerA, "/api/v1/people?q=13977001122")).json();
      expect(found.map((p: { id: string }) => p.id)).toEqual([zhangId]);
      expect((await get(workerA, `/api/v1/people?q=${PHONE}`)).json()).toEqual([]);
      const log = (await get(official, `/api/v1/people/${zhangId}/access-log`)).json();
      // Newest first: the worker's search by number that found them, the view after the change, the change.
      expect(log.slice(0, 3)).toMatchObject([
        { action: "search", fields: ["phone"] },
        { action: "view" },
        { action: "update", fields: ["phone", "residenceStatus"] },
      ]);
      const other = await post(official, "/api/v1/people", {
        id: crypto.randomUUID(),
        name: "另一人",
        idNumber: idNumber("45080219850505006"),
        gridCode: tree.grid.code,
      });
      const taken = await t.app.inject({
        method: "PATCH",
        url: `/api/v1/people/${other.json().id}`,
        headers: official.headers,
        payload: { idNumber: ZHANG },
      });
      expect(taken.statusCode).toBe(409);
      const bad = await t.app.inject({
        method: "PATCH",
        url: `/api/v1/people/${zhangId}`,
        headers: official.headers,
        payload: { birthDate: "2999-01-01", unknown: 1 },
      });
      expect(bad.statusCode).toBe(400);
    });
  });

  describe("exporting", () => {
    const exportAs = (session: Session, body: Record<string, unknown>) =>
      t.app.inject({ method: "POST", url: "/api/v1/people/export", headers: session.headers, payload: body });

    it("exports the people a search finds with numbers masked, and logs it for each of them", async () => {
      const res = await exportAs(workerA, { format: "csv", q: "张" });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.headers["x-row-count"]).toBe("1");
      const text = res.body.replace(/^\uFEFF/, "");
      expect(text.split("\r\n")[0]).toBe("姓名,性别,出生日期,民族,证件号码,手机号码,居住状态,是否党员,网格代码,标签");
      // Masked: the birth year only beside the number's region (the date would narrow it to 500 numbers).
      expect(text).toContain("张三丰,男,1980,壮族,450802************,");
      expect(text).not.toContain(ZHANG);
      expect(text).not.toContain("社区矫正");
      const log = (await get(official, `/api/v1/people/${zhangId}/access-log`)).json();
      expect(log[0]).toMatchObject({ action: "export", fields: [] });
    });

    it("exports in clear only with person.reveal and a reason", async () => {
      const noReason = await exportAs(headA, { format: "csv", q: "张", reveal: true });
      expect(noReason.statusCode).toBe(400);
      expect(noReason.json().errors[0].path).toBe("body.reason");
      const worker = await exportAs(workerA, { format: "csv", q: "张", reveal: true, reason: "核对" });
      expect(worker.statusCode).toBe(403);
      const clear = await exportAs(headA, { format: "xlsx", q: "张", reveal: true, reason: "报送民政局核对" });
      expect(clear.statusCode).toBe(200);
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load(clear.rawPayload as unknown as ArrayBuffer);
      expect(wb.worksheets[0]?.getRow(2).getCell(5).value).toBe(ZHANG);
      const audit = await t.ctx.db
        .selectFrom("audit_log")
        .select(["reason", "details"])
        .where("action", "=", "person.export")
        .execute();
      expect(audit.map((a) => a.reason)).toContain("报送民政局核对");
      expect(JSON.stringify(audit)).not.toContain(ZHANG);
    });
  });

  describe("transferring", () => {
    it("moves the person to grid B and keeps grid A in the history", async () => {
      const res = await post(official, `/api/v1/people/${zhangId}/transfer`, { gridCode: gridB, reason: "搬到二网格" });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json().gridCode).toBe(gridB);
      expect(res.json().attribution).toEqual([
        expect.objectContaining({ areaCode: gridB, validTo: null, reason: "搬到二网格" }),
        expect.objectContaining({ areaCode: tree.grid.code, validTo: expect.any(String), reason: "registered" }),
      ]);
      expect((await get(workerA, `/api/v1/people/${zhangId}`)).statusCode).toBe(404);
      expect((await get(workerB, `/api/v1/people/${zhangId}`)).statusCode).toBe(200);
      // The sensitive tag followed the person: the police liaison still finds it under the township.
      const tagged = (await get(police, "/api/v1/people?tag=community_correction")).json();
      expect(tagged.map((p: { gridCode: string }) => p.gridCode)).toEqual([gridB]);
    });

    it("refuses a transfer to the same grid or without a reason", async () => {
      const same = await post(official, `/api/v1/people/${zhangId}/transfer`, { gridCode: gridB, reason: "再搬" });
      expect(same.statusCode).toBe(400);
      expect(same.json().errors[0]).toMatchObject({ path: "body.gridCode" });
      const noReason = await post(official, `/api/v1/people/${zhangId}/transfer`, { gridCode: tree.grid.code });
      expect(noReason.statusCode).toBe(400);
    });
  });
});

describe("places, households and lead households", () => {
  let placeId: string;
  let leadId: string;
  let neighbourId: string;

  it("registers an address under the village with its standard text, and refuses the same address twice", async () => {
    placeId = crypto.randomUUID();
    const res = await post(official, "/api/v1/places", {
      id: placeId,
      divisionCode: tree.village.code,
      road: "东风路",
      houseNumber: "12",
      building: "3",
      unit: "2",
      room: "401",
      gridCode: tree.grid.code,
    });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ address: "东风路12号3栋2单元401室", gridCode: tree.grid.code });
    const again = await post(official, "/api/v1/places", {
      id: crypto.randomUUID(),
      divisionCode: tree.village.code,
      road: "东风路",
      houseNumber: "12号",
      building: "3栋",
      unit: "2",
      room: "401",
    });
    expect(again.statusCode).toBe(400);
    expect(again.json().errors[0].message).toMatch(/already registered/);
    const found = (await get(workerA, `/api/v1/places?q=${encodeURIComponent("东风路12")}`)).json();
    expect(found.map((p: { id: string }) => p.id)).toEqual([placeId]);
  });

  it("registers households whose members take the household's grid, and links a party member's household to its neighbours", async () => {
    leadId = crypto.randomUUID();
    neighbourId = crypto.randomUUID();
    expect((await post(official, "/api/v1/households", { id: leadId, placeId, ref: "H-001" })).statusCode).toBe(201);
    expect((await post(official, "/api/v1/households", { id: neighbourId, placeId, ref: "H-002" })).statusCode).toBe(
      201,
    );
    const notYet = await t.app.inject({
      method: "PUT",
      url: `/api/v1/households/${leadId}/looks-after`,
      headers: official.headers,
      payload: { householdIds: [neighbourId] },
    });
    expect(notYet.statusCode).toBe(422);
    expect(notYet.json().code).toBe("LEAD_HOUSEHOLD_INVALID");
    const member = await post(official, "/api/v1/people", {
      id: crypto.randomUUID(),
      name: "韦党员",
      householdId: leadId,
      relationship: "head",
      partyMember: true,
      partyBranch: "测试村党支部",
    });
    expect(member.statusCode, member.body).toBe(201);
    expect(member.json()).toMatchObject({ gridCode: tree.grid.code, placeId });
    const linked = await t.app.inject({
      method: "PUT",
      url: `/api/v1/households/${leadId}/looks-after`,
      headers: official.headers,
      payload: { householdIds: [neighbourId] },
    });
    expect(linked.statusCode, linked.body).toBe(200);
    expect(linked.json().looksAfter.map((l: { householdId: string }) => l.householdId)).toEqual([neighbourId]);
    expect(linked.json().headPersonId).toBe(member.json().id);
    const layer = (await get(workerA, `/api/v1/lead-households?areaCode=${tree.grid.code}`)).json();
    expect(layer.type).toBe("FeatureCollection");
    const neighbour = (await get(workerA, `/api/v1/households/${neighbourId}`)).json();
    expect(neighbour.ledBy).toBe(leadId);
    expect((await get(workerB, `/api/v1/households/${neighbourId}`)).statusCode).toBe(404);

    // The grid's households, as the field app lists them: the head's name and how many live there.
    const listed = await get(workerA, `/api/v1/households?gridCode=${tree.grid.code}`);
    expect(listed.statusCode, listed.body).toBe(200);
    const byId = new Map(listed.json().map((h: { id: string }) => [h.id, h]));
    expect(byId.get(leadId)).toMatchObject({ headName: "韦党员", memberCount: 1, ref: "H-001" });
    expect(byId.get(neighbourId)).toMatchObject({ headName: null, memberCount: 0, ref: "H-002" });
    expect((await get(workerA, `/api/v1/households/${leadId}`)).json()).toMatchObject({
      headName: "韦党员",
      memberCount: 1,
    });
    // Another worker's grid is not found; their own grid does not have these households.
    const elsewhere = await get(workerA, `/api/v1/households?gridCode=${gridB}`);
    expect(elsewhere.statusCode).toBe(404);
    expect(elsewhere.json().code).toBe("AREA_NOT_FOUND");
    expect((await get(workerB, `/api/v1/households?gridCode=${gridB}`)).json()).toEqual([]);
  });

  it("registers an organisation with its contact phone masked", async () => {
    const id = crypto.randomUUID();
    const res = await post(official, "/api/v1/organisations", {
      id,
      kind: "shop",
      name: "东风路便民超市",
      placeId,
      contactName: "黄老板",
      contactPhone: "13912345678",
    });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ contactPhone: "139****5678", gridCode: tree.grid.code });
    const found = (await get(workerA, `/api/v1/organisations?q=${encodeURIComponent("超市")}`)).json();
    expect(found.map((o: { id: string }) => o.id)).toEqual([id]);
    const bad = await post(official, "/api/v1/organisations", { id: crypto.randomUUID(), kind: "shop", name: "无处" });
    expect(bad.json().errors).toEqual([{ path: "body.placeId", message: "give the place or the grid" }]);
  });
});

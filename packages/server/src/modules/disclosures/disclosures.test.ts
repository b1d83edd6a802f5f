import { checkCharacter } from "@wangge/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildTestApp, type TestApp } from "../../test/build-test-app.ts";
import { type AreaTree, buildAreaTree, buildUser, type Session, signIn, type TestUser } from "../../test/factories.ts";
import { xlsxOfXml } from "../../test/zip.ts";
import { ensureArea } from "../areas/areas.service.ts";

/**
 * Four-affairs disclosures through the HTTP API against a real database: a monthly finance disclosure
 * from the XLSX template, the township's review, public reading, corrections as new versions, files,
 * and residents' objections answered and shown without an anonymous author.
 */
let t: TestApp;
let tree: AreaTree;
let otherVillage: string;
let village: Session;
let otherVillageOfficial: Session;
let township: Session;
let otherTownship: Session;
let resident: Session;
let farResident: Session;
let admin: Session;
let villageUser: TestUser;
let farResidentUser: TestUser;
const ID_NUMBER = (() => {
  const first17 = "45080219400101002";
  return `${first17}${checkCharacter(first17)}`;
})();
const PHONE = "13877125678";
const PNG = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==",
  "base64",
);
const XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

const inject = (session: Session | null, method: "GET" | "POST" | "PUT" | "DELETE", url: string, payload?: unknown) =>
  t.app.inject({
    method,
    url,
    headers: session?.headers ?? {},
    ...(payload !== undefined ? { payload: payload as object } : {}),
  });

const LINES = [
  {
    direction: "income",
    subject: "集体土地租金",
    summary: "果园承包租金",
    amountFen: 1_200_000,
    occurredOn: "2026-11-05",
  },
  {
    direction: "expense",
    subject: "道路维护",
    summary: "屯级道路铺砂石",
    amountFen: 350_050,
    occurredOn: "2026-11-18",
  },
];

function newFinance(over: Record<string, unknown> = {}) {
  return {
    id: crypto.randomUUID(),
    versionId: crypto.randomUUID(),
    areaCode: tree.village.code,
    kind: "finance",
    periodKind: "month",
    periodStart: "2026-11-01",
    title: "2026年11月财务收支公开",
    body: "本月收支明细如下，请村民监督。",
    publicityDays: 7,
    financeLines: LINES,
    declaredIncomeFen: 1_200_000,
    declaredExpenseFen: 350_050,
    ...over,
  };
}

/** Creates, submits and (as the township) approves a finance disclosure; its id and version id. */
async function published(over: Record<string, unknown> = {}) {
  const input = newFinance(over);
  expect((await inject(village, "POST", "/api/v1/disclosures", input)).statusCode).toBe(201);
  expect(
    (await inject(village, "POST", `/api/v1/disclosures/${input.id}/submit`, { versionId: input.versionId }))
      .statusCode,
  ).toBe(200);
  const res = await inject(township, "POST", `/api/v1/disclosures/${input.id}/review`, {
    versionId: input.versionId,
    decision: "approve",
  });
  expect(res.statusCode).toBe(200);
  return input;
}

beforeAll(async () => {
  t = await buildTestApp();
  tree = await buildAreaTree(t.ctx);
  otherVillage = (
    await ensureArea(t.ctx.db, {
      code: `${tree.otherTownship.code}001`,
      name: "邻村",
      level: "village",
      parentCode: tree.otherTownship.code,
    })
  ).code;
  villageUser = await buildUser(t.ctx, { role: "village_official", areaCode: tree.village.code });
  village = await signIn(t, villageUser);
  otherVillageOfficial = await signIn(t, await buildUser(t.ctx, { role: "village_official", areaCode: otherVillage }));
  township = await signIn(t, await buildUser(t.ctx, { role: "township_official", areaCode: tree.township.code }));
  otherTownship = await signIn(
    t,
    await buildUser(t.ctx, { role: "township_official", areaCode: tree.otherTownship.code }),
  );
  resident = await signIn(t, await buildUser(t.ctx, { role: "resident", areaCode: null }));
  farResidentUser = await buildUser(t.ctx, { role: "resident", areaCode: null });
  farResident = await signIn(t, farResidentUser);
  admin = await signIn(t, await buildUser(t.ctx, { role: "admin", areaCode: null }));
}, 60_000);
afterAll(async () => {
  await t?.close();
});

describe("the finance template and table", () => {
  it("gives the template in the reader's language and reads it back into lines with checked totals", async () => {
    const zh = await inject(village, "GET", "/api/v1/disclosures/finance-template?lang=zh-CN");
    expect(zh.statusCode).toBe(200);
    expect(zh.headers["content-type"]).toBe(XLSX);
    const en = await inject(village, "GET", "/api/v1/disclosures/finance-template?lang=en");
    expect(en.rawPayload.equals(zh.rawPayload)).toBe(false);
    const read = await t.app.inject({
      method: "POST",
      url: "/api/v1/disclosures/finance-table?lang=zh-CN",
      headers: { ...village.headers, "content-type": XLSX },
      payload: zh.rawPayload,
    });
    expect(read.statusCode).toBe(200);
    expect(read.json()).toMatchObject({
      lines: [
        { direction: "income", subject: "集体土地租金", amountFen: 1_200_000, occurredOn: "2026-11-05" },
        { direction: "expense", subject: "道路维护", amountFen: 350_050 },
      ],
      declaredIncomeFen: 1_200_000,
      declaredExpenseFen: 350_050,
      incomeFen: 1_200_000,
      expenseFen: 350_050,
      rejected: [],
    });
  });

  it("names each rejected cell, and a total the lines do not add up to", async () => {
    const file = xlsxOfXml([
      ["收支", "科目", "摘要", "金额（元）", "日期"],
      ["收入", "租金", "", "100.00", "2026-11-01"],
      ["收入", "补助", "", "1.234", ""],
      ["借出", "", "", "5", "11月"],
      ["收入合计", "", "", "300.00", ""],
      ["支出合计", "", "", "0", ""],
    ]);
    const res = await t.app.inject({
      method: "POST",
      url: "/api/v1/disclosures/finance-table?lang=en",
      headers: { ...village.headers, "content-type": XLSX },
      payload: file,
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().rejected).toEqual([
      { row: 3, column: "Amount (yuan)", message: "an amount in yuan above 0, with at most two decimals" },
      { row: 4, column: "Income or expense", message: "must be “收入” (income) or “支出” (expense)" },
      { row: 4, column: "Account", message: "required" },
      { row: 4, column: "Date", message: "a date such as 2026-11-05" },
    ]);
    const fixed = xlsxOfXml([
      ["收支", "科目", "摘要", "金额（元）", "日期"],
      ["收入", "租金", "", "100.00", ""],
      ["收入合计", "", "", "300.00", ""],
      ["支出合计", "", "", "0", ""],
    ]);
    const mismatch = await t.app.inject({
      method: "POST",
      url: "/api/v1/disclosures/finance-table?lang=zh-CN",
      headers: { ...village.headers, "content-type": XLSX },
      payload: fixed,
    });
    expect(mismatch.json().rejected).toEqual([
      { row: 3, column: "金额（元）", message: "明细合计 100.00 元，与填报的合计 300.00 元不符" },
    ]);
  });

  it("refuses a file that is not an XLSX, and a resident", async () => {
    const res = await t.app.inject({
      method: "POST",
      url: "/api/v1/disclosures/finance-table",
      headers: { ...village.headers, "content-type": XLSX },
      payload: Buffer.from("not a workbook"),
    });
    expect(res.statusCode).toBe(422);
    expect(res.json().code).toBe("DISCLOSURE_FINANCE_FILE_INVALID");
    expect((await inject(resident, "GET", "/api/v1/disclosures/finance-template")).statusCode).toBe(403);
  });
});

describe("writing, reviewing and publishing", () => {
  it("keeps a draft to the area's staff, sends finance to the township's review, then publishes it", async () => {
    const input = newFinance();
    const created = await inject(village, "POST", "/api/v1/disclosures", input);
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({ requiresReview: true, publishedVersion: null });
    expect(created.json().versions).toMatchObject([{ id: input.versionId, version: 1, state: "draft" }]);
    // Nobody outside the area's staff learns that it exists.
    expect((await inject(null, "GET", `/api/v1/disclosures/${input.id}`)).statusCode).toBe(404);
    expect((await inject(otherTownship, "GET", `/api/v1/disclosures/${input.id}/manage`)).statusCode).toBe(404);
    expect((await inject(township, "GET", `/api/v1/disclosures/${input.id}/manage`)).statusCode).toBe(200);

    const submitted = await inject(village, "POST", `/api/v1/disclosures/${input.id}/submit`, {
      versionId: input.versionId,
    });
    expect(submitted.json().versions[0].state).toBe("in_review");
    const queue = await inject(township, "GET", "/api/v1/disclosures/review");
    expect(queue.json().map((d: { id: string }) => d.id)).toContain(input.id);
    // The village does not review its own item; another township does not see it.
    expect(
      (
        await inject(village, "POST", `/api/v1/disclosures/${input.id}/review`, {
          versionId: input.versionId,
          decision: "approve",
        })
      ).statusCode,
    ).toBe(403);
    expect(
      (
        await inject(otherTownship, "POST", `/api/v1/disclosures/${input.id}/review`, {
          versionId: input.versionId,
          decision: "approve",
        })
      ).json().code,
    ).toBe("DISCLOSURE_NOT_FOUND");
    const approved = await inject(township, "POST", `/api/v1/disclosures/${input.id}/review`, {
      versionId: input.versionId,
      decision: "approve",
    });
    expect(approved.statusCode).toBe(200);
    expect(approved.json()).toMatchObject({ publishedVersion: 1, versions: [{ state: "published" }] });

    const pub = await inject(null, "GET", `/api/v1/disclosures/${input.id}`);
    expect(pub.statusCode).toBe(200);
    expect(pub.json()).toMatchObject({
      areaCode: tree.village.code,
      periodKey: "2026-11",
      acceptsObjections: true,
      current: { version: 1, incomeFen: 1_200_000, expenseFen: 350_050, correctionReason: null },
      earlier: [],
    });
    expect(pub.json().current.financeLines).toHaveLength(2);
    const list = await inject(null, "GET", `/api/v1/disclosures?areaCode=${tree.village.code}&kind=finance`);
    expect(list.json().items.map((i: { id: string }) => i.id)).toContain(input.id);
  });

  it("answers a retried create with the first item, also in parallel, and refuses another item under its id", async () => {
    const input = newFinance({ periodStart: "2026-10-01" });
    const [a, b] = await Promise.all([
      inject(village, "POST", "/api/v1/disclosures", input),
      inject(village, "POST", "/api/v1/disclosures", input),
    ]);
    expect([a.statusCode, b.statusCode].sort()).toEqual([200, 201]);
    const again = await inject(village, "POST", "/api/v1/disclosures", { ...input, versionId: crypto.randomUUID() });
    expect(again.statusCode).toBe(409);
    expect(again.json().code).toBe("DISCLOSURE_ID_CONFLICT");
    const managed = await inject(village, "GET", `/api/v1/disclosures/manage?areaCode=${tree.village.code}`);
    expect(managed.json().filter((d: { id: string }) => d.id === input.id)).toHaveLength(1);
  });

  it("refuses totals the lines do not add up to, a period that does not start right, and lines on a non-finance item", async () => {
    const res = await inject(
      village,
      "POST",
      "/api/v1/disclosures",
      newFinance({ declaredIncomeFen: 1_000_000, periodStart: "2026-11-02" }),
    );
    expect(res.statusCode).toBe(400);
    expect(res.json().errors.map((e: { path: string }) => e.path)).toEqual([
      "body.declaredIncomeFen",
      "body.periodStart",
    ]);
    const party = await inject(village, "POST", "/api/v1/disclosures", newFinance({ kind: "party" }));
    expect(party.json().errors).toMatchObject([{ path: "body.financeLines" }]);
    const badBody = await inject(village, "POST", "/api/v1/disclosures", { ...newFinance(), title: "" });
    expect(badBody.statusCode).toBe(400);
    expect(badBody.json().errors[0].path).toContain("title");
  });

  it("lets only the village's own staff publish: a township refused (audited), another village not found, a resident forbidden", async () => {
    expect((await inject(null, "POST", "/api/v1/disclosures", newFinance())).statusCode).toBe(401);
    expect((await inject(resident, "POST", "/api/v1/disclosures", newFinance())).statusCode).toBe(403);
    const far = await inject(otherVillageOfficial, "POST", "/api/v1/disclosures", newFinance());
    expect([far.statusCode, far.json().code]).toEqual([404, "AREA_NOT_FOUND"]);
    const up = await inject(township, "POST", "/api/v1/disclosures", newFinance());
    expect([up.statusCode, up.json().code]).toEqual([403, "AUTH_FORBIDDEN"]);
    // A grid below the village is in its official's sight, not their work: refused.
    const grid = await inject(village, "POST", "/api/v1/disclosures", newFinance({ areaCode: tree.grid.code }));
    expect(grid.statusCode).toBe(403);
  });

  it("publishes a kind without review at once, and the admin may require review for it", async () => {
    const input = newFinance({
      kind: "village",
      financeLines: undefined,
      declaredIncomeFen: undefined,
      declaredExpenseFen: undefined,
      title: "村道硬化工程招标结果",
      publicityDays: null,
      periodKind: "once",
      periodStart: "2026-11-20",
    });
    await inject(village, "POST", "/api/v1/disclosures", input);
    const sub = await inject(village, "POST", `/api/v1/disclosures/${input.id}/submit`, { versionId: input.versionId });
    expect(sub.json()).toMatchObject({ publishedVersion: 1, requiresReview: false });
    expect(
      (await inject(township, "PUT", "/api/v1/disclosures/settings/village", { requiresReview: true })).statusCode,
    ).toBe(403);
    const set = await inject(admin, "PUT", "/api/v1/disclosures/settings/village", { requiresReview: true });
    expect(set.json()).toContainEqual({ kind: "village", requiresReview: true });
    await inject(admin, "PUT", "/api/v1/disclosures/settings/village", { requiresReview: false });
  });

  it("sends a version back with a reason, and the village edits and resubmits it", async () => {
    const input = newFinance({ periodStart: "2026-09-01" });
    await inject(village, "POST", "/api/v1/disclosures", input);
    await inject(village, "POST", `/api/v1/disclosures/${input.id}/submit`, { versionId: input.versionId });
    const noNote = await inject(township, "POST", `/api/v1/disclosures/${input.id}/review`, {
      versionId: input.versionId,
      decision: "reject",
    });
    expect(noNote.json().errors).toMatchObject([{ path: "body.note" }]);
    const rejected = await inject(township, "POST", `/api/v1/disclosures/${input.id}/review`, {
      versionId: input.versionId,
      decision: "reject",
      note: "请补充道路维护的发票",
    });
    expect(rejected.json().versions[0]).toMatchObject({ state: "rejected", reviewNote: "请补充道路维护的发票" });
    const edited = await inject(village, "PUT", `/api/v1/disclosures/${input.id}/draft`, {
      title: input.title,
      body: "已补充发票。",
      publicityDays: 7,
      financeLines: LINES,
      declaredIncomeFen: 1_200_000,
      declaredExpenseFen: 350_050,
    });
    expect(edited.json().versions[0]).toMatchObject({ state: "draft", body: "已补充发票。" });
  });
});

describe("corrections", () => {
  it("keeps the published version and shows the correction with its reason once it is published", async () => {
    const input = await published({ periodStart: "2026-08-01" });
    const edit = await inject(village, "PUT", `/api/v1/disclosures/${input.id}/draft`, {
      title: "改",
      body: "改",
      publicityDays: null,
      financeLines: LINES,
      declaredIncomeFen: 1_200_000,
      declaredExpenseFen: 350_050,
    });
    expect(edit.json().code).toBe("DISCLOSURE_NOT_EDITABLE");
    const v2 = crypto.randomUUID();
    const lines = [LINES[0], { ...LINES[1], amountFen: 350_000 }];
    const correction = {
      versionId: v2,
      reason: "道路维护支出多录了5角",
      title: input.title,
      body: input.body,
      publicityDays: 7,
      financeLines: lines,
      declaredIncomeFen: 1_200_000,
      declaredExpenseFen: 350_000,
    };
    const started = await inject(village, "POST", `/api/v1/disclosures/${input.id}/versions`, correction);
    expect(started.statusCode).toBe(201);
    expect((await inject(village, "POST", `/api/v1/disclosures/${input.id}/versions`, correction)).statusCode).toBe(
      200,
    );
    const second = await inject(village, "POST", `/api/v1/disclosures/${input.id}/versions`, {
      ...correction,
      versionId: crypto.randomUUID(),
    });
    expect(second.json().code).toBe("DISCLOSURE_CORRECTION_PENDING");
    // Until the correction is published, residents read version 1 unchanged.
    expect((await inject(null, "GET", `/api/v1/disclosures/${input.id}`)).json().current.expenseFen).toBe(350_050);
    await inject(village, "POST", `/api/v1/disclosures/${input.id}/submit`, { versionId: v2 });
    await inject(township, "POST", `/api/v1/disclosures/${input.id}/review`, { versionId: v2, decision: "approve" });
    const pub = (await inject(null, "GET", `/api/v1/disclosures/${input.id}`)).json();
    expect(pub.current).toMatchObject({ version: 2, expenseFen: 350_000, correctionReason: "道路维护支出多录了5角" });
    expect(pub.earlier).toMatchObject([{ version: 1, expenseFen: 350_050 }]);
    const list = (await inject(null, "GET", `/api/v1/disclosures?areaCode=${tree.village.code}`)).json();
    expect(list.items.find((i: { id: string }) => i.id === input.id)).toMatchObject({ version: 2, corrected: true });
  });

  it("refuses a correction of an item never published", async () => {
    const input = newFinance({ periodStart: "2026-07-01" });
    await inject(village, "POST", "/api/v1/disclosures", input);
    const res = await inject(village, "POST", `/api/v1/disclosures/${input.id}/versions`, {
      versionId: crypto.randomUUID(),
      reason: "x",
      title: "x",
      body: "x",
      financeLines: LINES,
      declaredIncomeFen: 1_200_000,
      declaredExpenseFen: 350_050,
    });
    expect([res.statusCode, res.json().code]).toEqual([409, "DISCLOSURE_NOT_PUBLISHED"]);
  });
});

describe("files", () => {
  it("adds a photo to the draft, serves it publicly once published, and refuses what is not a PDF or image", async () => {
    const input = newFinance({ periodStart: "2026-06-01" });
    await inject(village, "POST", "/api/v1/disclosures", input);
    const fileId = crypto.randomUUID();
    const put = (data: Buffer, id = fileId) =>
      t.app.inject({
        method: "PUT",
        url: `/api/v1/disclosures/${input.id}/draft-files/${id}?fileName=${encodeURIComponent(`票据${ID_NUMBER}.png`)}`,
        headers: { ...village.headers, "content-type": "image/png" },
        payload: data,
      });
    const first = await put(PNG);
    expect(first.statusCode).toBe(201);
    expect(first.json().versions[0].files[0].fileName).not.toContain(ID_NUMBER);
    expect((await put(PNG)).statusCode).toBe(200);
    const bad = await put(Buffer.from("GIF89a........"), crypto.randomUUID());
    expect([bad.statusCode, bad.json().code]).toEqual([422, "DISCLOSURE_FILE_REJECTED"]);
    expect((await inject(null, "GET", `/api/v1/disclosures/${input.id}/files/${fileId}`)).statusCode).toBe(404);
    expect((await inject(village, "GET", `/api/v1/disclosures/${input.id}/draft-files/${fileId}`)).statusCode).toBe(
      200,
    );
    await inject(village, "POST", `/api/v1/disclosures/${input.id}/submit`, { versionId: input.versionId });
    await inject(township, "POST", `/api/v1/disclosures/${input.id}/review`, {
      versionId: input.versionId,
      decision: "approve",
    });
    const pub = await inject(null, "GET", `/api/v1/disclosures/${input.id}/files/${fileId}`);
    expect(pub.statusCode).toBe(200);
    expect(pub.headers["content-type"]).toBe("image/png");
    expect(pub.rawPayload.equals(PNG)).toBe(true);
    const late = await put(PNG, crypto.randomUUID());
    expect(late.json().code).toBe("DISCLOSURE_NOT_EDITABLE");
  });
});

describe("questions and objections", () => {
  it("takes an anonymous objection, masks its numbers, shows it once answered and never its author", async () => {
    const input = await published({ periodStart: "2026-05-01" });
    const objection = {
      id: crypto.randomUUID(),
      disclosureId: input.id,
      kind: "objection",
      text: `道路维护支出偏高，请核实。我的身份证 ${ID_NUMBER}，电话 ${PHONE}`,
      anonymous: true,
    };
    const lodged = await inject(resident, "POST", "/api/v1/comments", objection);
    expect(lodged.statusCode).toBe(201);
    // The author reads their own words back; nobody else sees the numbers.
    expect(lodged.json().text).toContain(PHONE);
    expect((await inject(resident, "POST", "/api/v1/comments", objection)).statusCode).toBe(200);
    expect((await inject(farResident, "POST", "/api/v1/comments", objection)).json().code).toBe("COMMENT_ID_CONFLICT");
    expect((await inject(null, "GET", `/api/v1/disclosures/${input.id}`)).json().comments).toEqual([]);

    const inbox = await inject(village, "GET", "/api/v1/comments?state=open");
    const open = inbox.json().find((c: { id: string }) => c.id === objection.id);
    expect(open).toMatchObject({ kind: "objection", anonymous: true, overdue: false });
    expect(JSON.stringify(open)).not.toContain(PHONE);
    expect(JSON.stringify(open)).not.toContain(ID_NUMBER);
    expect(open.dueAt).not.toBeNull();

    expect((await inject(township, "POST", `/api/v1/comments/${objection.id}/reply`, { text: "x" })).statusCode).toBe(
      403,
    );
    const answered = await inject(village, "POST", `/api/v1/comments/${objection.id}/reply`, {
      text: "经核实，砂石款有发票为证，已在附件公开。",
    });
    expect(answered.statusCode).toBe(200);
    expect(
      (await inject(village, "POST", `/api/v1/comments/${objection.id}/reply`, { text: "另一个答复" })).json().code,
    ).toBe("COMMENT_ALREADY_ANSWERED");

    const mine = await inject(resident, "GET", "/api/v1/comments/mine");
    expect(mine.json()[0]).toMatchObject({ id: objection.id, reply: "经核实，砂石款有发票为证，已在附件公开。" });
    for (const reader of [null, farResident, resident]) {
      const pub = await inject(reader, "GET", `/api/v1/disclosures/${input.id}`);
      expect(pub.json().comments).toEqual([
        expect.objectContaining({ id: objection.id, signature: null, reply: expect.stringContaining("发票") }),
      ]);
      for (const secret of [PHONE, ID_NUMBER, "测试用户", "resident-", "u"])
        if (secret !== "u") expect(pub.body).not.toContain(secret);
    }
  });

  it("shows a signed objection with the name masked, and refuses an unsigned one that is not anonymous", async () => {
    const input = await published({ periodStart: "2026-04-01" });
    const unsigned = await inject(resident, "POST", "/api/v1/comments", {
      id: crypto.randomUUID(),
      disclosureId: input.id,
      kind: "question",
      text: "租金何时到账？",
    });
    expect(unsigned.json().errors).toMatchObject([{ path: "body.signature" }]);
    const id = crypto.randomUUID();
    await inject(resident, "POST", "/api/v1/comments", {
      id,
      disclosureId: input.id,
      kind: "question",
      text: "租金何时到账？",
      signature: "韦小强",
    });
    await inject(village, "POST", `/api/v1/comments/${id}/reply`, { text: "12月10日前到账。" });
    const pub = (await inject(null, "GET", `/api/v1/disclosures/${input.id}`)).json();
    expect(pub.comments).toMatchObject([{ id, signature: "韦*强" }]);
    expect(JSON.stringify(pub)).not.toContain("韦小强");
  });

  it("hides an abusive comment with its reason: kept for its author, gone from the public page, audited", async () => {
    const input = await published({ periodStart: "2026-02-01" });
    const id = crypto.randomUUID();
    await inject(resident, "POST", "/api/v1/comments", {
      id,
      disclosureId: input.id,
      kind: "question",
      text: "骂人的话",
      anonymous: true,
    });
    await inject(village, "POST", `/api/v1/comments/${id}/reply`, { text: "请文明留言。" });
    expect((await inject(resident, "POST", `/api/v1/comments/${id}/hide`, { reason: "x" })).statusCode).toBe(403);
    expect((await inject(village, "POST", `/api/v1/comments/${id}/hide`, { reason: "" })).statusCode).toBe(400);
    const hidden = await inject(village, "POST", `/api/v1/comments/${id}/hide`, { reason: "含有辱骂内容" });
    expect(hidden.json()).toMatchObject({ hiddenReason: "含有辱骂内容" });
    expect((await inject(null, "GET", `/api/v1/disclosures/${input.id}`)).json().comments).toEqual([]);
    expect((await inject(resident, "GET", "/api/v1/comments/mine")).json()).toContainEqual(
      expect.objectContaining({ id, hiddenReason: "含有辱骂内容" }),
    );
    const trail = await t.ctx.db
      .selectFrom("audit_log")
      .select(["action", "reason"])
      .where("target_id", "=", id)
      .where("action", "=", "comment.hide")
      .execute();
    expect(trail).toEqual([{ action: "comment.hide", reason: "含有辱骂内容" }]);
    expect(
      (await inject(otherVillageOfficial, "POST", `/api/v1/comments/${id}/hide`, { reason: "x" })).json().code,
    ).toBe("COMMENT_NOT_FOUND");
  });

  it("refuses a comment on an item that is not published, and without sign-in", async () => {
    const input = newFinance({ periodStart: "2026-01-01" });
    await inject(village, "POST", "/api/v1/disclosures", input);
    const res = await inject(resident, "POST", "/api/v1/comments", {
      id: crypto.randomUUID(),
      disclosureId: input.id,
      kind: "question",
      text: "?",
      anonymous: true,
    });
    expect([res.statusCode, res.json().code]).toEqual([404, "DISCLOSURE_NOT_FOUND"]);
    expect((await inject(null, "GET", "/api/v1/comments/mine")).statusCode).toBe(401);
  });
});

describe("public browsing", () => {
  it("lists areas down to villages, and finds a village by name", async () => {
    const kids = await inject(null, "GET", `/api/v1/disclosures/areas?parentCode=${tree.township.code}`);
    expect(kids.json()).toEqual([expect.objectContaining({ code: tree.village.code, level: "village" })]);
    const found = await inject(null, "GET", `/api/v1/disclosures/areas?q=${encodeURIComponent("邻村")}`);
    expect(found.json().map((a: { code: string }) => a.code)).toContain(otherVillage);
    expect((await inject(null, "GET", "/api/v1/disclosures/areas?parentCode=NOPE")).statusCode).toBe(404);
  });

  it("pages a village's list by period with a cursor and searches titles", async () => {
    const first = await inject(null, "GET", `/api/v1/disclosures?areaCode=${tree.village.code}&limit=2`);
    expect(first.json().items).toHaveLength(2);
    const next = await inject(
      null,
      "GET",
      `/api/v1/disclosures?areaCode=${tree.village.code}&limit=2&cursor=${first.json().nextCursor}`,
    );
    const seen = [...first.json().items, ...next.json().items].map((i: { id: string }) => i.id);
    expect(new Set(seen).size).toBe(seen.length);
    expect(next.json().items[0].periodStart <= first.json().items[1].periodStart).toBe(true);
    const search = await inject(
      null,
      "GET",
      `/api/v1/disclosures?areaCode=${tree.village.code}&q=${encodeURIComponent("招标")}`,
    );
    expect(search.json().items.map((i: { title: string }) => i.title)).toEqual(["村道硬化工程招标结果"]);
    const bad = await inject(null, "GET", `/api/v1/disclosures?areaCode=${tree.village.code}&cursor=zzz`);
    expect(bad.json().errors).toMatchObject([{ path: "query.cursor" }]);
  });
});

// Last: it moves the clock a day on.
describe("the end of the publicity period", () => {
  it("closes objections with the publicity period and shows the unanswered ones as overdue", async () => {
    const input = await published({ periodStart: "2026-03-01", publicityDays: 1 });
    const id = crypto.randomUUID();
    await inject(resident, "POST", "/api/v1/comments", {
      id,
      disclosureId: input.id,
      kind: "objection",
      text: "收入少列了一笔。",
      anonymous: true,
    });
    t.clock.advanceMinutes(24 * 60 + 1);
    // A day later the sessions have timed out: sign in again.
    village = await signIn(t, villageUser);
    farResident = await signIn(t, farResidentUser);
    const late = await inject(farResident, "POST", "/api/v1/comments", {
      id: crypto.randomUUID(),
      disclosureId: input.id,
      kind: "objection",
      text: "迟到的异议",
      anonymous: true,
    });
    expect([late.statusCode, late.json().code]).toEqual([409, "DISCLOSURE_PUBLICITY_CLOSED"]);
    const overdue = await inject(village, "GET", `/api/v1/comments?state=overdue&areaCode=${tree.village.code}`);
    expect(overdue.json().map((c: { id: string }) => c.id)).toContain(id);
    const managed = (await inject(village, "GET", `/api/v1/disclosures/manage?areaCode=${tree.village.code}`)).json();
    expect(managed.find((d: { id: string }) => d.id === input.id)).toMatchObject({ unanswered: 1, overdue: 1 });
    // A question may still be asked after the period.
    const question = await inject(farResident, "POST", "/api/v1/comments", {
      id: crypto.randomUUID(),
      disclosureId: input.id,
      kind: "question",
      text: "下月何时公开？",
      anonymous: true,
    });
    expect(question.statusCode).toBe(201);
  });
});
